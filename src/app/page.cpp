#include "chatnode/app/page.hpp"

#include "chatnode/interfaces.hpp"
#include "chatnode/web/access_token.hpp"

namespace chatnode::app {

page::page(net::io_context& ioc, const options& o, security::tls_setup* tls, peer::room& room,
           const chatnode::listener* chat, web_bridge::actions act, const report_fn& log) {
  web_bridge::identity id{o.name, "", {}, o.source != options::video_source::none};
  if (chat) {
    id.listening = format_endpoint(chat->local_endpoint());
    id.addresses.push_back("chat on " + id.listening);
  }
  for (const auto& a : own_addresses()) id.addresses.push_back(a.describe());
  bridge = std::make_unique<web_bridge>(std::move(id), room, std::move(act));
  room.subscribe(*bridge);

  web::web_config cfg;
  // A page on this machine needs no token: only its own users can reach it.
  if (!web::is_loopback_host(o.web->host)) cfg.token = web::access_token();
  cfg.log = [log](std::string_view what) { log("web: " + std::string(what)); };
  if (tls) cfg.tls = &tls->web_context();
  const auto token = cfg.token;
  server = std::make_unique<web::web_server>(ioc, *o.web, *bridge, std::move(cfg));
  bridge->attach(*server);

  const auto ep = server->local_endpoint();
  const bool everywhere = ep.address().is_unspecified();
  const auto host = everywhere ? std::string("127.0.0.1") : o.web->host;
  url = (tls ? "https://" : "http://") + format_host_port({host, ep.port()}) + "/" +
        (token.empty() ? "" : "?token=" + token) + (everywhere ? " (all interfaces)" : "");
}

}  // namespace chatnode::app
