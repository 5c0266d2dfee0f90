#include "chatnode/options.hpp"

#include <pwd.h>
#include <unistd.h>

#include <boost/program_options.hpp>

#include "chatnode/protocol/frame.hpp"
#include "chatnode/protocol/utf8.hpp"

namespace chatnode {
namespace po = boost::program_options;

std::string default_name() {
  std::string user;
  if (const char* u = std::getenv("USER"); u && *u) user = u;
  else if (const passwd* pw = ::getpwuid(::getuid())) user = pw->pw_name;
  else user = "user";
  char host[256] = {};
  if (::gethostname(host, sizeof host - 1) != 0) std::snprintf(host, sizeof host, "localhost");
  auto name = user + "@" + host;
  return std::string(protocol::utf8_prefix(name, protocol::max_name_bytes));
}

std::optional<options> parse_options(int argc, const char* const* argv, std::ostream& out) {
  po::options_description desc(
      "Usage: chat_node --listen [HOST:]PORT | --connect HOST:PORT [options]\n\n"
      "Live text chat between peers over one TCP connection.\n\nOptions");
  std::string listen, connect;
  options o;
  desc.add_options()
      ("listen", po::value(&listen)->value_name("[HOST:]PORT"),
       "wait for peers on PORT (all interfaces unless HOST is given; port 0 picks a free one)")
      ("connect", po::value(&connect)->value_name("HOST:PORT"), "connect to a listening node")
      ("name", po::value(&o.name)->value_name("NAME"), "name shown to peers (default: user@hostname)")
      ("help,h", "show this help and exit")
      ("version", "show the version and exit");

  po::variables_map vm;
  try {
    // No positional arguments: a stray word (an unquoted "--name Bob Smith") is an error, not dropped.
    const po::positional_options_description none;
    po::store(po::command_line_parser(argc, argv).options(desc).positional(none).run(), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    throw usage_error(e.what());
  }
  if (vm.count("help")) {
    out << desc << "\nIn the chat, type a line and press Enter to send it. Commands:\n"
        << "  /help  list commands    /quit  leave\n";
    return std::nullopt;
  }
  if (vm.count("version")) {
    out << "chat_node " << CHATNODE_VERSION << " (protocol " << protocol::protocol_version << ")\n";
    return std::nullopt;
  }

  if (listen.empty() == connect.empty()) throw usage_error("give exactly one of --listen and --connect");
  try {
    if (!listen.empty()) {
      o.mode = options::role::listen;
      o.address = parse_listen_address(listen);
    } else {
      o.mode = options::role::connect;
      o.address = parse_connect_address(connect);
    }
  } catch (const std::invalid_argument& e) {
    throw usage_error(e.what());
  }

  if (!vm.count("name")) o.name = default_name();
  if (o.name.empty() || o.name.size() > protocol::max_name_bytes || !protocol::is_valid_utf8(o.name))
    throw usage_error("--name must be 1 to " + std::to_string(protocol::max_name_bytes) + " bytes of UTF-8");
  return o;
}

}  // namespace chatnode
