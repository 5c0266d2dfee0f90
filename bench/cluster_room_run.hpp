// bench/cluster_room's run: a cluster of nats-servers and chat_nodes on
// loopback, the simulated peers in this process, the steady window, the
// presence rounds and the two faults, in that order.
#pragma once

#include "cluster_room_results.hpp"

namespace bench::cluster_room {

/// Throws when the room could not be set up (a server or node did not start).
report run(const setup& s);

}  // namespace bench::cluster_room
