// Everyone this node talks to: the local user and the connected peers. Text
// from anyone reaches everyone else (a listening node relays between its
// peers); each text is encoded once and the same buffer goes to every peer.
// The room keeps membership, sequencing, fan-out, dedup and resume; what it
// sees and decides it publishes to its subscribers (peer/room_events.hpp),
// which print it, show it on the page or act on it. With a text_order (a
// cluster), the order decides where each line goes in the room, the same on
// every node: lines said here go to it, and reach the peers as it returns them.
#pragma once

#include <chrono>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "chatnode/peer/ordered_history.hpp"
#include "chatnode/peer/participant.hpp"
#include "chatnode/peer/resume_store.hpp"
#include "chatnode/peer/room_events.hpp"
#include "chatnode/peer/session_events.hpp"
#include "chatnode/peer/text_order.hpp"
#include "chatnode/protocol/frame_assembler.hpp"
#include "chatnode/stats/report.hpp"

namespace chatnode::peer {

class room final : public session_events {
 public:
  /// Lines typed while nobody is connected wait for the next peer, up to this much.
  static constexpr std::size_t max_backlog_bytes = 1u << 20;
  /// Peers whose last text is remembered for dropping resends (about 50 bytes each).
  static constexpr std::size_t max_senders_remembered = 4096;

  /// Peers beyond `max_peers` are told "room full" and closed when they join.
  room(std::string local_name, std::size_t max_peers);

  /// What became of a line the local user said.
  enum class local_text { sent, waiting, refused };
  /// Any thread: the local user said something. `waiting` when nobody is
  /// connected (it goes to the next peer, or to an absent peer when it is back);
  /// `refused` (nothing queued) when that wait is full.
  local_text send_local_text(std::string body);
  /// Any thread: every current session says bye; with `flush`, once its text is acknowledged.
  /// With `also_future`, peers that join later are sent the backlog and then closed the same way.
  void stop_all(protocol::bye_reason reason, std::string text, bool flush, bool also_future = false);
  /// Any thread: hands a frame to every peer (shared buffers, latest wins per peer).
  void broadcast_video(const video::frame_set_ptr& f);

  /// Before any session starts: `s` hears what happens from now on, after
  /// those subscribed before it. It must outlive the room's sessions.
  void subscribe(room_subscriber& s) { subscribers_.push_back(&s); }
  /// Before any session starts: every line said here goes to `order`, and
  /// reaches the room only through ordered(). A chat_node peer's lines are
  /// acknowledged once stored(). `node_id` is the local user's as an author.
  void order_by(text_order& order, std::uint64_t node_id) {
    order_ = &order;
    node_id_ = node_id;
  }
  /// Any thread: the texts of the peer with `node_id`, up to `seq`, are stored:
  /// its link (the current one, if it has changed) acknowledges them.
  void stored(std::uint64_t node_id, std::uint64_t seq);
  /// On `via`'s strand: the order's next line. False (nothing done) when its
  /// author's line was delivered already (a resend stored twice).
  bool ordered(const participant& via, ordered_text t);
  bool holds_acks(const participant& p) const override { return order_ && !p.resume_key().empty(); }
  std::uint64_t known_up_to(const participant& p) const override;
  void on_position(participant& p, std::uint64_t seq) override;

  std::vector<std::shared_ptr<participant>> sessions() const;
  /// Each joined peer's name, address and counters, for statistics.
  std::vector<stats::peer_view> views() const;
  /// Peers whose last text sequence number is remembered (at most max_senders_remembered).
  std::size_t senders_remembered() const;
  /// Texts kept for peers whose link was lost, not yet delivered.
  std::size_t texts_waiting_for_absent() const;

  void on_joined(const std::shared_ptr<participant>& p) override;
  bool on_text(participant& p, protocol::text_message m) override;
  void on_video(participant& p, protocol::received_frame f) override;
  void on_leaving(participant& p) override;
  void on_closed(participant& p, bool joined, const std::string& reason,
                 std::vector<outgoing_text> undelivered) override;

 private:
  struct member {
    std::weak_ptr<participant> peer;
    std::string resume_key;  ///< empty when the peer's protocol cannot resume
    bool leaving = false;    ///< its link is ending: text for it goes to `late`, not to it
    std::vector<outgoing_text> late;
    std::chrono::steady_clock::time_point joined_at = std::chrono::steady_clock::now();
    std::uint64_t author = 0;  ///< author_of(the peer): whose lines it is not sent
    /// With an order: a chat_node peer is sent nothing until it has said
    /// where it is (on_position); its lines meanwhile wait in history_.
    bool placed = true;
    std::uint64_t position = 0;        ///< once placed: the order's number it had got to
    std::uint64_t lines_numbered = 0;  ///< with an order, a teaching program's lines: it numbers none
  };

  /// A text with the next sequence number, encoded once for every peer.
  std::pair<protocol::text_message, outgoing_text> make_text_locked(const std::string& origin, std::string body);
  /// Queues the text for every session and absent peer but its author's.
  void deliver_locked(const outgoing_text& t, std::optional<std::uint64_t> author);
  /// Sends `p` what waited for it (kept for its key, and the backlog; with an
  /// order, the history after `after`), in sequence order. Returns how many texts that was.
  std::size_t resume_locked(participant& p, const std::string& key, std::uint64_t after = 0);
  /// Whose numbering a participant's lines carry: a chat_node peer's node id,
  /// or, for a teaching program (which numbers none), one this node gives it.
  std::uint64_t author_of(const participant& p) const;
  member* member_locked(const participant& p);
  void log_forgotten(const std::vector<std::string>& names);
  bool first_time_locked(std::uint64_t node_id, std::uint64_t seq);
  void notice(const std::string& text);
  bool video_wanted() const;

  const std::string local_name_;
  const std::size_t max_peers_;
  /// Stream numbers of the origins a link relays to us, beside its own; they
  /// start far above peer ids so the two never meet.
  static constexpr int first_relayed_stream = 1 << 20;
  std::vector<room_subscriber*> subscribers_;  ///< fixed before sessions start
  text_order* order_ = nullptr;                ///< fixed before sessions start
  std::uint64_t node_id_ = 0;                  ///< fixed before sessions start

  // Sessions run on their own strands and all reach the room, so the registry
  // is shared state across strands: a mutex guards it. Posting to a session
  // happens under the lock too, so each session sees texts in sequence order.
  mutable std::mutex mutex_;
  std::vector<member> sessions_;
  std::uint64_t next_seq_ = 1;
  /// Text for peers whose link was lost (and for a peer whose new link waits
  /// until the replaced one has handed over).
  resume_store absent_;
  /// Replaced links still closing, with their resume key: until each has handed
  /// its unacknowledged text over, the new link to that peer is not sent to.
  std::map<const participant*, std::string> replaced_;
  /// Per peer node id, the last text sequence number delivered, so a resend
  /// over a new link is not shown twice. Kept for peers that left without bye
  /// too (they may come back), so bounded: past max_senders_remembered, the
  /// one not heard from for longest is forgotten.
  struct last_delivered {
    std::uint64_t seq;
    std::uint64_t heard;  ///< texts_heard_ when it was delivered: older is less recent
  };
  std::map<std::uint64_t, last_delivered> delivered_;
  std::uint64_t texts_heard_ = 0;
  std::deque<outgoing_text> backlog_;
  std::size_t backlog_bytes_ = 0;
  ordered_history history_;  ///< with an order: its latest lines, for peers that come back
  struct pending_stop {
    protocol::bye_reason reason;
    std::string text;
    bool flush;
  };
  std::optional<pending_stop> stop_future_;
  /// (peer id, origin) -> stream. A link relays at most max_peers_ origins (a
  /// stream, a page tile and maybe a recording each): frames of more are
  /// dropped, and said so once per link (full_relays_).
  std::map<std::pair<int, std::string>, int> relayed_streams_;
  std::set<int> full_relays_;
  int next_relayed_stream_ = first_relayed_stream;
};

}  // namespace chatnode::peer
