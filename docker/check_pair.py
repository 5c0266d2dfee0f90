#!/usr/bin/python3
"""Checks a running chat_node pair through each node's web page.

  check_pair.py say URL TEXT    send TEXT to the node's peers through its /ws
  check_pair.py wait URL        poll URL's /stats.json until a peer has sent
                                us text and video (bounded; exit 1 on timeout)

URL is the page as chat_node prints it, e.g. http://127.0.0.1:8081/?token=T;
the token, when present, is passed on. Standard library plus Debian's
python3-websocket (websocket-client).
"""

import argparse
import json
import os
import sys
import time
import urllib.parse
import urllib.request

import websocket

# Both urllib and websocket-client follow *_proxy variables; the nodes are on
# loopback or in our own namespaces and containers, never behind a proxy.
for _var in [v for v in os.environ if v.lower().endswith("_proxy")]:
    del os.environ[_var]


def page_parts(url):
    """(netloc, query) of a page URL; the query carries the token."""
    u = urllib.parse.urlsplit(url)
    if u.scheme != "http" or not u.netloc:
        sys.exit(f"check_pair: not an http:// page URL: {url}")
    return u.netloc, u.query


def say(url, text, timeout):
    netloc, query = page_parts(url)
    ws_url = f"ws://{netloc}/ws" + (f"?{query}" if query else "")
    # The node accepts a WebSocket only from its own page's origin.
    ws = websocket.create_connection(ws_url, timeout=timeout, origin=f"http://{netloc}")
    try:
        first = json.loads(ws.recv())  # the state snapshot: the node took us in
        ws.send(json.dumps({"type": "text", "text": text}))
    finally:
        ws.close()
    peers = ", ".join(p.get("name", "?") for p in first.get("peers", [])) or "nobody yet"
    print(f"said {text!r} to {first.get('name', '?')} at {netloc} (peers: {peers})")


def fetch_stats(netloc, query, timeout):
    url = f"http://{netloc}/stats.json" + (f"?{query}" if query else "")
    with urllib.request.urlopen(url, timeout=timeout) as r:
        return json.load(r)


def summary(peer):
    keys = ("texts_sent", "texts_received", "frames_sent", "frames_received", "frames_decoded")
    return " ".join(f"{k}={peer.get(k)}" for k in keys)


def wait(url, peer_name, texts, frames, limit, interval):
    netloc, query = page_parts(url)
    deadline = time.monotonic() + limit
    start = time.monotonic()
    polls = 0
    last = None
    last_error = None
    while True:
        polls += 1
        try:
            last = fetch_stats(netloc, query, timeout=min(5.0, limit))
            last_error = None
            for p in last.get("peers", []):
                if peer_name and p.get("name") != peer_name:
                    continue
                if p.get("texts_received", 0) >= texts and p.get("frames_decoded", 0) >= frames:
                    what = "has text and video from" if texts or frames else "is connected to"
                    print(f"{last.get('name')} at {netloc} {what} {p.get('name')} ({p.get('address')}) "
                          f"after {time.monotonic() - start:.1f} s: {summary(p)}")
                    return 0
        except (OSError, ValueError) as e:  # not up yet, or a half-written answer
            last_error = e
        if time.monotonic() + interval > deadline:
            break
        time.sleep(interval)
    print(f"check_pair: {netloc} did not report a peer{' ' + peer_name if peer_name else ''} "
          f"with texts_received >= {texts} and frames_decoded >= {frames} within {limit:g} s "
          f"({polls} polls)", file=sys.stderr)
    if last_error:
        print(f"check_pair: last error: {last_error}", file=sys.stderr)
    if last is not None:
        print(f"check_pair: last /stats.json: {json.dumps(last)}", file=sys.stderr)
    return 1


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("say", help="send a line through the page's WebSocket")
    s.add_argument("url")
    s.add_argument("text")
    s.add_argument("--timeout", type=float, default=10, help="seconds for connect and each read (10)")
    w = sub.add_parser("wait", help="poll /stats.json until a peer's text and video arrived")
    w.add_argument("url")
    w.add_argument("--peer", help="the peer's name (default: any peer)")
    w.add_argument("--texts", type=int, default=1, help="texts_received at least (1)")
    w.add_argument("--frames", type=int, default=10, help="frames_decoded at least (10)")
    w.add_argument("--timeout", type=float, default=60, help="give up after this many seconds (60)")
    w.add_argument("--interval", type=float, default=0.5, help="seconds between polls (0.5)")
    a = ap.parse_args()
    if a.cmd == "say":
        say(a.url, a.text, a.timeout)
        return 0
    return wait(a.url, a.peer, a.texts, a.frames, a.timeout, a.interval)


if __name__ == "__main__":
    sys.exit(main())
