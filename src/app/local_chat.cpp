#include "chatnode/app/local_chat.hpp"

#include "chatnode/commands.hpp"
#include "chatnode/protocol/utf8.hpp"
#include "chatnode/stats/report.hpp"
#include "chatnode/term/terminal_text.hpp"

namespace chatnode::app {

awaitable<std::uint64_t> local_chat::read(term::stdin_reader& input) {
  std::uint64_t lines = 0;
  co_await input.run(
      protocol::max_text_bytes,
      [&](std::string line) {
        ++lines;
        typed(std::move(line));
      },
      [this](std::size_t size) {
        console_.info("not sent: the message has " + std::to_string(size) + " bytes, the limit is " +
                      std::to_string(protocol::max_text_bytes));
      });
  co_return lines;
}

void local_chat::typed(std::string line) {
  auto typed = parse_typed_line(std::move(line));
  switch (typed.what) {
    case typed_line::action::nothing:
      return;
    case typed_line::action::quit:
      return hooks_.quit();
    case typed_line::action::help:
      return console_.print(command_help);
    case typed_line::action::stats: {
      // What our source plays at, then what each peer is sent (fps>) and sends (fps<).
      if (const auto source = hooks_.source_line(); !source.empty()) console_.info(source);
      return console_.print(stats::stats_table(room_.views()));
    }
    case typed_line::action::peers: {
      const auto peers = room_.sessions();
      if (peers.empty()) console_.info("nobody is connected");
      for (const auto& s : peers) console_.info(s->peer_hello().name + " at " + s->remote());
      return;
    }
    case typed_line::action::unknown:
      return console_.info("unknown command " + typed.text + " (try /help)");
    case typed_line::action::say:
      if (!protocol::is_valid_utf8(typed.text)) return hooks_.tell("not sent: the line is not valid UTF-8");
      return send(std::move(typed.text));
  }
}

void local_chat::written_on_page(std::string body) {
  // The terminal shows what was said on the page: both are one conversation.
  console_.chat_line(name_, body);
  send(std::move(body));
}

void local_chat::send(std::string body) {
  switch (room_.send_local_text(std::move(body))) {
    case peer::room::local_text::sent:
      return;
    case peer::room::local_text::refused:
      return hooks_.tell("not sent: nobody is connected and " + std::to_string(peer::room::max_backlog_bytes) +
                         " bytes are already waiting");
    case peer::room::local_text::waiting:
      if (told_alone_) return;
      told_alone_ = true;
      if (room_.texts_waiting_for_absent() > 0)
        return hooks_.tell("nobody is connected: messages wait and are sent when the link is back");
      return hooks_.tell("nobody is connected yet: messages wait and go to the next peer to join");
  }
}

}  // namespace chatnode::app
