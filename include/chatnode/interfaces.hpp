// This machine's own addresses, shown at start as the teaching program showed its IP.
#pragma once

#include <string>
#include <vector>

namespace chatnode {

struct interface_address {
  std::string address;    ///< "192.0.2.2", "fe80::1" (no brackets, no zone)
  std::string interface;  ///< "eth0"

  /// "192.0.2.2 (eth0)"
  std::string describe() const { return address + " (" + interface + ")"; }
};

/// Every address of every interface that is up, loopback excepted.
std::vector<interface_address> own_addresses();

}  // namespace chatnode
