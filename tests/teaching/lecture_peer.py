#!/usr/bin/python3
"""The teaching video chat, as a test peer.

Speaks what the teaching program speaks: each frame is a 16-byte header with
the JPEG's length in ASCII decimal, left-aligned and padded with spaces, then
the JPEG (cv2.imencode at quality 90); both directions at once on one socket;
no handshake, no text. Synthetic frames stand in for the webcam.

    lecture_peer.py --connect HOST:PORT --frames 20 --receive 10
    lecture_peer.py --listen 0 ...     (prints {"listening": PORT} first)

Sends --frames frames, receives until --receive frames decoded (or --timeout
seconds passed), then closes and prints one JSON line:
{"sent": N, "received": N, "decoded": N, "size": [W, H]}. Exit 0 once both
counts are reached, 1 otherwise.
"""
import argparse
import json
import socket
import sys
import threading
import time

import cv2
import numpy as np

HEADER_BYTES = 16


def synthetic_frame(i, width=320, height=240):
    frame = np.zeros((height, width, 3), np.uint8)
    frame[:, :] = (40 + 5 * (i % 30), 90, 160)
    x = (i * 11) % (width - 60)
    cv2.rectangle(frame, (x, 80), (x + 60, 160), (255, 255, 255), -1)
    cv2.putText(frame, str(i), (10, 40), cv2.FONT_HERSHEY_SIMPLEX, 1, (0, 0, 0), 2)
    return frame


def recv_exact(sock, n):
    data = bytearray()
    while len(data) < n:
        chunk = sock.recv(n - len(data))
        if not chunk:
            return None
        data += chunk
    return bytes(data)


def send_frames(sock, count, fps, result):
    for i in range(count):
        ok, jpg = cv2.imencode('.jpg', synthetic_frame(i), [cv2.IMWRITE_JPEG_QUALITY, 90])
        data = jpg.tobytes()
        try:
            sock.sendall(str(len(data)).ljust(HEADER_BYTES).encode() + data)
        except OSError:
            return
        result['sent'] += 1
        time.sleep(1.0 / fps)


def receive_frames(sock, want, result):
    while result['decoded'] < want:
        header = recv_exact(sock, HEADER_BYTES)
        if header is None:
            return
        length = int(header.decode().strip())
        data = recv_exact(sock, length)
        if data is None:
            return
        result['received'] += 1
        image = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)
        if image is not None:
            result['decoded'] += 1
            result['size'] = [image.shape[1], image.shape[0]]


def main():
    parser = argparse.ArgumentParser()
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument('--listen', type=int, metavar='PORT')
    where.add_argument('--connect', metavar='HOST:PORT')
    parser.add_argument('--frames', type=int, default=20)
    parser.add_argument('--receive', type=int, default=10)
    parser.add_argument('--fps', type=float, default=20)
    parser.add_argument('--timeout', type=float, default=30)
    args = parser.parse_args()

    if args.listen is not None:
        server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        server.bind(('127.0.0.1', args.listen))
        server.listen(1)
        server.settimeout(args.timeout)
        print(json.dumps({'listening': server.getsockname()[1]}), flush=True)
        sock, _ = server.accept()
        server.close()
    else:
        host, port = args.connect.rsplit(':', 1)
        sock = socket.create_connection((host, int(port)), timeout=args.timeout)
    sock.settimeout(args.timeout)

    result = {'sent': 0, 'received': 0, 'decoded': 0, 'size': None}
    sender = threading.Thread(target=send_frames, args=(sock, args.frames, args.fps, result))
    sender.start()
    try:
        receive_frames(sock, args.receive, result)
    except (OSError, ValueError) as e:
        result['error'] = str(e)
    sender.join()
    sock.close()
    print(json.dumps(result), flush=True)
    return 0 if result['sent'] == args.frames and result['decoded'] >= args.receive else 1


if __name__ == '__main__':
    sys.exit(main())
