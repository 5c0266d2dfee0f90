#include "chatnode/app/terminal_view.hpp"

namespace chatnode::app {

void terminal_view::on_text(const protocol::text_message& m, const peer::participant* from) {
  if (from) console_.chat_line(m.origin, m.body);
}

void terminal_view::on_joined(const peer::participant& p) {
  console_.event(p.peer_hello().name + " (" + p.remote() + ") joined");
}

void terminal_view::on_left(const peer::participant& p, const std::string& reason) {
  console_.event(p.peer_hello().name + " (" + p.remote() + ") left: " + reason);
}

void terminal_view::on_notice(const std::string& text) { console_.info(text); }

}  // namespace chatnode::app
