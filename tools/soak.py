#!/usr/bin/python3
"""Soak a room: one listening chat_node on 127.0.0.1 and peers that join, talk,
leave, vanish, flood and stop reading, for a given time. Every few seconds it
prints the listener's resident memory and open descriptors, so that growth
shows: after warm-up both should stay flat.

    /usr/bin/python3 tools/soak.py --bin build/release/chat_node --minutes 10

Not a test (it asserts nothing and takes minutes); docs/SECURITY.md has figures.
"""
import argparse
import os
import random
import re
import signal
import subprocess
import sys
import time


def listener(binary):
    p = subprocess.Popen([binary, "--listen", "127.0.0.1:0", "--name", "host", "--no-video"],
                         stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    for _ in range(200):
        line = p.stderr.readline()
        m = re.search(r"listening on 127\.0\.0\.1:(\d+)", line)
        if m:
            # Its diagnostics keep coming; read them away so the pipe never fills.
            os.set_blocking(p.stderr.fileno(), False)
            return p, int(m.group(1))
    sys.exit("the listener did not say its port")


def peer(binary, port, name):
    return subprocess.Popen([binary, "--connect", f"127.0.0.1:{port}", "--name", name, "--no-video",
                             "--no-reconnect"], stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, text=True)


def sample(pid):
    with open(f"/proc/{pid}/status") as f:
        rss = next(int(line.split()[1]) for line in f if line.startswith("VmRSS:"))
    return rss, len(os.listdir(f"/proc/{pid}/fd"))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--bin", default="build/release/chat_node")
    ap.add_argument("--minutes", type=float, default=5)
    ap.add_argument("--peers", type=int, default=8, help="peers in the room at most")
    ap.add_argument("--every", type=float, default=5, help="seconds between samples")
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    rng = random.Random(args.seed)

    host, port = listener(args.bin)
    peers = {}  # name -> process
    stopped = set()  # names of peers that stopped reading (SIGSTOP)
    counts = {"joins": 0, "leaves": 0, "kills": 0, "floods": 0, "stalls": 0}
    end = time.monotonic() + args.minutes * 60
    next_sample = time.monotonic()
    print("seconds  rss_kib  fds  peers  " + "  ".join(counts))
    started = time.monotonic()
    n = 0
    while time.monotonic() < end and host.poll() is None:
        action = rng.random()
        if len(peers) < args.peers and action < 0.35:
            n += 1
            name = f"p{n}"
            peers[name] = peer(args.bin, port, name)
            counts["joins"] += 1
        elif peers and action < 0.55:
            name = rng.choice(list(peers))
            p = peers.pop(name)
            if name in stopped:
                p.send_signal(signal.SIGCONT)
                stopped.discard(name)
            if rng.random() < 0.5:
                p.stdin.write("/quit\n")  # leaves in order
                p.stdin.flush()
                counts["leaves"] += 1
            else:
                p.kill()  # vanishes: the host keeps its text for a return
                counts["kills"] += 1
            p.wait(timeout=30)
        elif peers and action < 0.65:
            name = rng.choice(list(peers))
            if name not in stopped:
                peers[name].send_signal(signal.SIGSTOP)  # reads nothing until it leaves
                stopped.add(name)
                counts["stalls"] += 1
        elif peers:
            name = rng.choice([k for k in peers if k not in stopped] or list(peers))
            if name not in stopped:
                lines = 2000 if rng.random() < 0.1 else 5
                counts["floods"] += lines == 2000
                try:
                    peers[name].stdin.write("".join(f"{name} says {i} {'x' * 60}\n" for i in range(lines)))
                    peers[name].stdin.flush()
                except BrokenPipeError:
                    peers.pop(name).wait(timeout=30)
        try:
            host.stderr.read()
        except (TypeError, BlockingIOError):
            pass
        if time.monotonic() >= next_sample:
            rss, fds = sample(host.pid)
            print(f"{time.monotonic() - started:7.0f}  {rss:7d}  {fds:3d}  {len(peers):5d}  " +
                  "  ".join(f"{counts[k]:{len(k)}d}" for k in counts), flush=True)
            next_sample += args.every
        time.sleep(0.05)  # pacing of the load, not a wait for anything
    for name, p in peers.items():
        if name in stopped:
            p.send_signal(signal.SIGCONT)
        p.kill()
        p.wait(timeout=30)
    if host.poll() is not None:
        sys.exit(f"the listener ended during the soak (exit {host.returncode})")
    host.stdin.write("/quit\n")
    host.stdin.flush()
    host.wait(timeout=60)


if __name__ == "__main__":
    main()
