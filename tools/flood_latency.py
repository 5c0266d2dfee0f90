#!/usr/bin/python3
"""Fairness under a flood: one listening chat_node on 127.0.0.1, one peer that
sends a burst of text lines as fast as it can, and a probe that every few
milliseconds pings the listener and says a line, and acknowledges what it is
relayed. Prints how long the probe waited for its pongs and for the
acknowledgements of its lines, before and during the burst: a node that is fair
to its peers answers the probe about as fast during the burst as before it.
The listener's terminal is a pipe this tool reads, as a terminal would.

    /usr/bin/python3 tools/flood_latency.py --bin build/release/chat_node --lines 150000

Both peers speak the protocol themselves (docs/PROTOCOL.md), so the figures are
the listener's alone. Not a test (it measures time); docs/SECURITY.md has figures.
"""
import argparse
import re
import socket
import statistics
import struct
import subprocess
import sys
import threading
import time

PREAMBLE = b"\x89CNODE\r\n"
HELLO, TEXT, PING, PONG, ACK = 1, 2, 4, 5, 6


def frame(kind, payload):
    return struct.pack(">BBHI", kind, 0, 0, len(payload)) + payload


def hello(name, node_id):
    n = name.encode()
    return frame(HELLO, struct.pack(">HQI", 1, node_id, 1) + bytes([len(n)]) + n)


def text(seq, origin, body):
    o = origin.encode()
    return frame(TEXT, struct.pack(">QQ", seq, now_us()) + bytes([len(o)]) + o + body.encode())


def now_us():
    return time.time_ns() // 1000


class peer:
    """A connection that reads every frame the listener sends, acknowledging its texts."""

    def __init__(self, port, name, node_id, on_pong=None, on_ack=None):
        self.sock = socket.create_connection(("127.0.0.1", port))
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.lock = threading.Lock()
        self.on_pong = on_pong
        self.on_ack = on_ack
        self.texts = 0
        self.closed = False
        self.send(PREAMBLE + hello(name, node_id))
        threading.Thread(target=self.read, daemon=True).start()

    def send(self, data):
        with self.lock:
            self.sock.sendall(data)

    def read(self):
        buf = b""
        while True:
            try:
                chunk = self.sock.recv(1 << 16)
            except OSError:
                chunk = b""
            if not chunk:
                self.closed = True
                return
            buf += chunk
            pos, last_seq = 0, None
            if buf.startswith(PREAMBLE):
                pos = len(PREAMBLE)
            while len(buf) - pos >= 8:
                kind, _, _, length = struct.unpack_from(">BBHI", buf, pos)
                if len(buf) - pos - 8 < length:
                    break
                payload = buf[pos + 8:pos + 8 + length]
                pos += 8 + length
                if kind == TEXT:
                    self.texts += 1
                    last_seq = struct.unpack_from(">Q", payload)[0]
                elif kind == PING:
                    t1 = struct.unpack_from(">Q", payload)[0]
                    self.send(frame(PONG, struct.pack(">QQQ", t1, now_us(), now_us())))
                elif kind == PONG and self.on_pong:
                    self.on_pong(struct.unpack_from(">Q", payload)[0])
                elif kind == ACK and self.on_ack:
                    self.on_ack(struct.unpack_from(">Q", payload)[0])
            buf = buf[pos:]
            if last_seq is not None:
                self.send(frame(ACK, struct.pack(">Q", last_seq)))


def listener(binary):
    p = subprocess.Popen([binary, "--listen", "127.0.0.1:0", "--name", "host", "--no-video"],
                         stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    for _ in range(200):
        m = re.search(r"listening on 127\.0\.0\.1:(\d+)", p.stderr.readline())
        if m:
            for stream in (p.stdout, p.stderr):
                threading.Thread(target=lambda f=stream: [None for _ in f], daemon=True).start()
            return p, int(m.group(1))
    sys.exit("the listener did not say its port")


def summary(rtts):
    if not rtts:
        return "no samples"
    q = statistics.quantiles(rtts, n=100) if len(rtts) > 1 else rtts * 99
    return f"{len(rtts)} samples, p50 {statistics.median(rtts):.1f} ms, p99 {q[98]:.1f} ms, max {max(rtts):.1f} ms"


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--bin", default="build/release/chat_node")
    ap.add_argument("--lines", type=int, default=150000, help="lines in the burst")
    ap.add_argument("--every", type=float, default=5, help="milliseconds between the probe's pings")
    ap.add_argument("--timeout", type=float, default=120, help="seconds the burst may take at most")
    args = ap.parse_args()

    host, port = listener(args.bin)
    phase = ["before"]
    waits = {(kind, when): [] for kind in ("pong", "ack") for when in ("before", "during")}
    said = {}  # seq -> (time said, phase)
    lock = threading.Lock()

    def pong(t1):
        if phase[0] in ("before", "during"):
            waits[("pong", phase[0])].append((now_us() - t1) / 1000)

    def ack(seq):
        t = time.monotonic()
        with lock:
            for s in [s for s in said if s <= seq]:
                sent_at, when = said.pop(s)
                waits[("ack", when)].append((t - sent_at) * 1000)

    probe = peer(port, "probe", 0x9e0be, on_pong=pong, on_ack=ack)
    flooder = peer(port, "flood", 0xf100d)
    seq = [0]

    def probe_until(end):
        while time.monotonic() < end and not probe.closed and phase[0] != "after":
            seq[0] += 1
            with lock:
                said[seq[0]] = (time.monotonic(), phase[0])
            probe.send(frame(PING, struct.pack(">Q", now_us())) + text(seq[0], "probe", f"probe {seq[0]}"))
            time.sleep(args.every / 1000)

    probe_until(time.monotonic() + 2)
    burst = b"".join(text(i + 1, "flood", f"line {i + 1} of the burst") for i in range(args.lines))
    phase[0] = "during"
    start = time.monotonic()
    prober = threading.Thread(target=probe_until, args=(start + args.timeout,), daemon=True)
    prober.start()
    flooder.send(burst)
    while probe.texts < args.lines and time.monotonic() < start + args.timeout and not probe.closed:
        time.sleep(0.01)
    took = time.monotonic() - start
    phase[0] = "after"
    prober.join()
    host.terminate()
    host.wait(timeout=10)
    print(f"burst: {args.lines} lines, {len(burst)} bytes; the probe was relayed {probe.texts} of them in {took:.2f} s")
    for kind, what in (("pong", "a pong"), ("ack", "the acknowledgement of its line")):
        for when in ("before", "during"):
            print(f"probe's wait for {what}, {when} the burst: {summary(waits[(kind, when)])}")


if __name__ == "__main__":
    main()
