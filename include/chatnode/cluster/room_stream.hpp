// The room's JetStream stream (docs/CLUSTER.md): made by whichever node of the
// room comes first, and subscribed from where a node must start, the room's
// last lines and everything stored since the node started (its peers may be
// in the room long before the stream answers it, during a leader election).
#pragma once

#include <nats/nats.h>

#include <cstdint>

#include "chatnode/cluster/records.hpp"

namespace chatnode::cluster {

/// The history a node is given when it joins the cluster.
inline constexpr std::uint64_t history_lines = 50;

/// Makes the stream if need be (`replicas` copies) and subscribes `handler`
/// to it, ordered, from the history and what was stored since `started_ns`
/// (wall clock, ns since 1970). Throws when the cluster does not answer.
natsSubscription* subscribe_room_stream(jsCtx* js, const room_names& names, int replicas, std::int64_t started_ns,
                                        natsMsgHandler handler, void* closure);

/// A stream message's place in its stream; 0 when it has none.
std::uint64_t stream_place(natsMsg* msg);

}  // namespace chatnode::cluster
