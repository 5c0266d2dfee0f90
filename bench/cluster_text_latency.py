#!/usr/bin/python3
"""Cross-node text latency through a NATS cluster of one server, on loopback.

Starts a nats-server (JetStream on, its store in a temporary directory) and two
chat_node processes in one room (--cluster), alice and bob, text only. alice
types LINES numbered lines, one every GAP seconds; each is timed from the write
to alice's standard input until bob's terminal shows it: alice's bridge stores
it in the room's stream, and bob's delivers it from there. Prints the median,
the 99th percentile and the worst, in milliseconds.

    bench/cluster_text_latency.py build/release/chat_node [LINES] [GAP]
"""
import os
import select
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(proc, port, limit=10.0):
    """Until `port` accepts a connection, or `limit` seconds pass."""
    end = time.monotonic() + limit
    while time.monotonic() < end and proc.poll() is None:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return True
        except OSError:
            time.sleep(0.05)
    return False


def main():
    binary = os.path.abspath(sys.argv[1])
    lines = int(sys.argv[2]) if len(sys.argv) > 2 else 200
    gap = float(sys.argv[3]) if len(sys.argv) > 3 else 0.02
    store = tempfile.mkdtemp(prefix="cluster_latency_")
    port = free_port()
    server = subprocess.Popen(["/usr/sbin/nats-server", "--jetstream", "--addr", "127.0.0.1", "--port", str(port),
                               "--store_dir", store], stderr=subprocess.DEVNULL)
    nodes = []
    try:
        if not wait_for(server, port):
            sys.exit("nats-server did not start")
        for name in ("alice", "bob"):
            nodes.append(subprocess.Popen(
                [binary, "--listen", "127.0.0.1:0", "--name", name, "--no-video", "--cluster",
                 f"nats://127.0.0.1:{port}"],
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, bufsize=0))
        alice, bob = nodes
        shown = b""

        def shown_by(needle, limit=10.0):
            nonlocal shown
            end = time.monotonic() + limit
            while time.monotonic() < end:
                i = shown.find(needle)
                if i >= 0:
                    shown = shown[i + len(needle):]
                    return time.monotonic()
                ready, _, _ = select.select([bob.stdout], [], [], 0.05)
                if ready:
                    shown += os.read(bob.stdout.fileno(), 65536)
            return None

        # Both in the room and the stream ready: a first line crosses.
        alice.stdin.write(b"warm-up\n")
        if shown_by(b"warm-up", 30.0) is None:
            sys.exit("the warm-up line never crossed")
        latencies = []
        for i in range(lines):
            line = f"line {i}\n".encode()
            start = time.monotonic()
            alice.stdin.write(line)
            at = shown_by(line.rstrip())
            if at is not None:
                latencies.append((at - start) * 1000)
            time.sleep(gap)
        latencies.sort()
        print(f"{len(latencies)} of {lines} lines crossed; p50 {statistics.median(latencies):.2f} ms, "
              f"p99 {latencies[max(0, int(len(latencies) * 0.99) - 1)]:.2f} ms, worst {latencies[-1]:.2f} ms")
    finally:
        for p in nodes + [server]:
            p.terminate()
            p.wait(timeout=10)
        shutil.rmtree(store, ignore_errors=True)


if __name__ == "__main__":
    main()
