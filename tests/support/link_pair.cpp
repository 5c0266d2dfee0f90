#include "support/link_pair.hpp"

#include <regex>
#include <stdexcept>

namespace test_support {
namespace {

using stream = child_process::stream;

std::string errors_of(const node_pair& p) {
  std::string out = "alice's standard error:\n" + p.alice->transcript(stream::err);
  if (p.bob) out += "bob's standard error:\n" + p.bob->transcript(stream::err);
  return out;
}

}  // namespace

node_pair start_pair(const emulated_link& link, const std::vector<std::string>& alice_extra,
                     const std::vector<std::string>& bob_extra) {
  std::vector<std::string> a{chat_node_binary(), "--listen", std::string(emulated_link::address_a) + ":0", "--name",
                             "alice"};
  a.insert(a.end(), alice_extra.begin(), alice_extra.end());
  node_pair p;
  p.alice = std::make_unique<child_process>(link.in_a(a));
  p.alice->wait_for(stream::err, "listening on");
  const auto port = listening_port(*p.alice);
  if (port.empty()) throw std::runtime_error("alice did not start listening\n" + errors_of(p));
  std::vector<std::string> b{chat_node_binary(), "--connect", std::string(emulated_link::address_a) + ":" + port,
                             "--name", "bob"};
  b.insert(b.end(), bob_extra.begin(), bob_extra.end());
  p.bob = std::make_unique<child_process>(link.in_b(b));
  if (!p.alice->wait_for(stream::out, "* bob (") || !p.bob->wait_for(stream::out, "* alice ("))
    throw std::runtime_error("alice and bob did not connect\n" + errors_of(p));
  return p;
}

std::string listening_port(const child_process& node) {
  static const std::regex port_re("listening on [0-9.]+:([0-9]+)");
  std::smatch m;
  for (const auto& l : node.lines(stream::err))
    if (std::regex_search(l, m, port_re)) return m[1].str();
  return {};
}

void read_both_for(child_process& a, child_process& b, std::chrono::milliseconds d) {
  const auto end = std::chrono::steady_clock::now() + d;
  while (std::chrono::steady_clock::now() < end) {
    a.read_output_for(std::chrono::milliseconds(100));
    b.read_output_for(std::chrono::milliseconds(100));
  }
}

}  // namespace test_support
