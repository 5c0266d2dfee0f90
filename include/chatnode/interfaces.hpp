// This machine's own addresses, shown at start as the teaching program showed its IP.
#pragma once

#include <string>
#include <vector>

namespace chatnode {

/// Every address of every interface that is up, loopback excepted.
std::vector<std::string> own_addresses();

}  // namespace chatnode
