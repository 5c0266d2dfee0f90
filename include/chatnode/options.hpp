// The command line, parsed into a plain struct. Usage errors throw usage_error (exit 2).
#pragma once

#include <optional>
#include <ostream>
#include <stdexcept>
#include <string>

#include "chatnode/endpoint.hpp"

namespace chatnode {

struct usage_error : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct options {
  enum class role { listen, connect };
  role mode = role::listen;
  host_port address;  ///< where to listen, or whom to connect to
  std::string name;   ///< shown to peers; default user@hostname
};

/// Parses argv. Returns nothing when --help or --version was printed to `out`.
std::optional<options> parse_options(int argc, const char* const* argv, std::ostream& out);

/// user@hostname, as the default name.
std::string default_name();

}  // namespace chatnode
