// What the fuzz targets check, shared with the test that replays their
// findings: bytes from the network, fed the way a session feeds them, must
// never crash, hang, or break one of the parser's promises. A broken promise
// aborts, which both libFuzzer and the test report.
#pragma once

#include <cstdint>
#include <span>

namespace chatnode::fuzz {

/// The start of a connection: the preamble, then the hello. When a hello
/// decodes, encoding it again must give a greeting that decodes to the same.
void check_handshake(std::span<const std::uint8_t> data);

/// A whole stream after the handshake: fed in pieces whose sizes come from the
/// data itself, every frame decoded as the session decodes it, video chunks
/// reassembled; the parser's promises checked after every call.
void check_frame_stream(std::span<const std::uint8_t> data);

/// A NATS message of the cluster, as `Name: value` header lines, an empty
/// line, then its body: read as a text, a frame and a presence message; one
/// that is accepted must be written again to the same record.
void check_cluster_records(std::span<const std::uint8_t> data);

}  // namespace chatnode::fuzz
