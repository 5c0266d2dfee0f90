#include "chatnode/app/decoder_feed.hpp"

namespace chatnode::app {

void decoder_feed::on_video(const peer::arrived_frame& f) {
  decoder_.submit(f.stream, f.name, f.via.stats(), f.frame, f.first_chunk_ns, f.complete_ns);
}

void decoder_feed::on_stream_ended(int stream) { decoder_.peer_closed(stream); }

}  // namespace chatnode::app
