// Writes the seed corpora under corpus/: well-formed streams built with the
// protocol's own encoders, so the fuzzers start from what peers really send.
// Run by tools/fuzz.sh --seeds; the output is committed.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include "chatnode/cluster/records.hpp"
#include "chatnode/protocol/messages.hpp"

namespace {

using namespace chatnode::protocol;
namespace fs = std::filesystem;

/// A cluster message as fuzz_cluster_records reads it: header lines, an empty line, the body.
bytes message(const chatnode::cluster::headers& h, const std::string& body) {
  std::string out;
  for (const auto& [k, v] : h) out += k + ": " + v + "\n";
  out += "\n" + body;
  return {out.begin(), out.end()};
}

void write(const fs::path& file, const bytes& b) {
  std::ofstream(file, std::ios::binary)
      .write(reinterpret_cast<const char*>(b.data()), static_cast<std::streamsize>(b.size()));
}

bytes cat(std::initializer_list<bytes> parts) {
  bytes out;
  for (const auto& p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}

bytes video_frame(std::uint32_t seq, std::size_t size, std::size_t chunk) {
  bytes out;
  for (std::size_t off = 0; off < size; off += chunk) {
    const auto n = std::min(chunk, size - off);
    video_chunk_header h{
        seq, static_cast<std::uint32_t>(size), static_cast<std::uint32_t>(off), 1700000000000000, 64, 48, "cam"};
    auto prefix = encode_prefix(h, n);
    out.insert(out.end(), prefix.begin(), prefix.end());
    for (std::size_t i = 0; i < n; ++i) out.push_back(static_cast<std::uint8_t>(off + i));
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: write_seeds DIR (writes DIR/handshake and DIR/frame_stream)\n");
    return 2;
  }
  const fs::path dir = argv[1];
  fs::create_directories(dir / "handshake");
  fs::create_directories(dir / "frame_stream");
  fs::create_directories(dir / "cluster_records");

  hello h;
  h.node_id = 0x0123456789abcdef;
  h.capabilities = cap_text | cap_video_send | cap_video_recv;
  h.name = "alice";
  write(dir / "handshake" / "greeting", encode_greeting(h));
  h.name = "bøb 你好";
  h.capabilities = cap_text;
  write(dir / "handshake" / "greeting_utf8", encode_greeting(h));
  auto truncated = encode_greeting(h);
  truncated.resize(truncated.size() - 3);
  write(dir / "handshake" / "greeting_truncated", truncated);
  // What a node with a secret sends first (docs/PROTOCOL.md section 6): a
  // session's parser must refuse it as "the peer requires a secret".
  write(dir / "handshake" / "secret_challenge",
        cat({bytes(preamble.begin(), preamble.end()), bytes{0x08, 0, 0, 0, 0, 0, 0, 32}, bytes(32, 0x5a)}));

  text_message t{1, 1700000000000000, "alice", "hello"};
  text_message t2{2, 1700000000000001, "bob", std::string(300, 'x') + "\nsecond line ✓"};
  const bytes piece_small{0}, piece_large{63};
  write(dir / "frame_stream" / "texts", cat({piece_small, encode(t), encode(t2), encode(ack{2})}));
  write(dir / "frame_stream" / "heartbeat", cat({piece_large, encode(ping{5}), encode(pong{5, 6, 7}), encode(ack{0})}));
  write(dir / "frame_stream" / "video",
        cat({piece_large, video_frame(1, 100, 40), encode(t), video_frame(2, 70000, 32768)}));
  write(dir / "frame_stream" / "bye",
        cat({bytes{5}, encode(t), encode(bye{bye_reason::shutting_down, "the node is stopping"})}));
  // An unknown type is skipped, as the protocol says, and the stream goes on.
  write(dir / "frame_stream" / "unknown_type", cat({bytes{9}, bytes{0x42, 0, 0, 0, 0, 0, 0, 3, 1, 2, 3}, encode(t)}));
  namespace cluster = chatnode::cluster;
  const cluster::text_record line{0x0123456789abcdef, 7, 0xfedcba9876543210, 1700000000000000, "peggy", "hello ✓"};
  write(dir / "cluster_records" / "text", message(cluster::text_headers(line), line.body));
  const cluster::frame_record frame{0xfedcba9876543210, 42, 1700000000000000, 320, 240, "alice"};
  write(dir / "cluster_records" / "frame", message(cluster::frame_headers(frame), "\xff\xd8 jpeg"));
  const cluster::presence_record here{0xfedcba9876543210, "alice", {"alice", "peggy", "bøb"}};
  write(dir / "cluster_records" / "presence", message(cluster::presence_headers(here), cluster::presence_body(here)));
  return 0;
}
