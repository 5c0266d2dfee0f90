// What the options make of a node before it runs: the policy its connections
// are admitted under, and the lines it says about itself at start.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "chatnode/options.hpp"
#include "chatnode/peer/admission.hpp"
#include "chatnode/security/tls_setup.hpp"
#include "chatnode/video/rendition_demand.hpp"

namespace chatnode::app {

/// What every connection is held to. `demand` is null when we send no video.
peer::admission_policy admission_for(const options& o, std::uint64_t node_id, security::tls_setup* tls,
                                     bool receives_video, video::rendition_demand* demand,
                                     std::function<void(const std::string&)> log);

/// Who this node is and how it is protected: its name and addresses, TLS, the secret.
std::vector<std::string> startup_lines(const options& o, const security::tls_setup* tls);

}  // namespace chatnode::app
