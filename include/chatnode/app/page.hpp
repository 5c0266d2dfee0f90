// The node's web page as --web asks for it: the server, the bridge it asks
// about the room, the token a page on another host must show, and the address
// the user opens.
#pragma once

#include <memory>
#include <string>

#include "chatnode/app/video_devices.hpp"
#include "chatnode/app/web_bridge.hpp"
#include "chatnode/listener.hpp"
#include "chatnode/net.hpp"
#include "chatnode/options.hpp"
#include "chatnode/security/tls_setup.hpp"
#include "chatnode/web/web_server.hpp"

namespace chatnode::app {

struct page {
  std::unique_ptr<web_bridge> bridge;
  std::unique_ptr<web::web_server> server;  ///< after the bridge: destroyed first, as it calls the bridge
  std::string url;                          ///< what the user opens, with the token when one is needed

  /// Binds the web port at once (a port in use throws) and subscribes the
  /// bridge to `room`. `chat` is the chat listener, null in --connect mode.
  page(net::io_context& ioc, const options& o, security::tls_setup* tls, peer::room& room,
       const chatnode::listener* chat, web_bridge::actions act, const report_fn& log);
};

}  // namespace chatnode::app
