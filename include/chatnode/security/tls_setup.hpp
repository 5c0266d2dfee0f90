// Everything a --tls node needs: its identity, the TLS contexts that present
// it, and the rule a peer's certificate must pass: one of the pinned
// fingerprints (--peer-fingerprint) when any are given; else the one
// known_peers holds for it, and with --known-only nothing else, or else trust
// on first use. A listener knows a peer that dials in only by the name it
// gives, so on first use whoever first gives a name is pinned to it:
// --known-only (or --peer-fingerprint) is for a node that must not.
#pragma once

#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include <boost/asio/ssl/context.hpp>

#include "chatnode/security/identity.hpp"
#include "chatnode/security/known_peers.hpp"

namespace chatnode::security {

class tls_setup {
 public:
  /// Loads or creates the identity in `config_dir`; throws std::runtime_error when it cannot.
  tls_setup(const std::filesystem::path& config_dir, const std::string& name, std::vector<std::string> pinned,
            bool known_only);

  const identity& id() const { return id_; }
  boost::asio::ssl::context& server_context() { return server_; }
  boost::asio::ssl::context& client_context() { return client_; }
  /// For the web page over HTTPS (--web with --tls): same identity, no client certificate.
  boost::asio::ssl::context& web_context() { return web_; }
  /// How peers are checked, for the line printed at start.
  std::string describe_trust() const;

  struct verdict {
    bool accepted = false;
    std::string message;  ///< to log either way (first use is news too); empty when there is nothing to say
  };
  /// Any thread: may the peer `who` present `fingerprint`?
  verdict vet(const std::string& who, const std::string& fingerprint);

 private:
  identity id_;
  boost::asio::ssl::context server_, client_, web_;
  std::set<std::string> pinned_;
  bool known_only_;
  known_peers known_;
};

}  // namespace chatnode::security
