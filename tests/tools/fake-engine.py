#!/usr/bin/env python3
"""fake-engine.py — a broken container engine on a unix socket, for
tests/integration/t-engine.sh.  Test tool only.

    fake-engine.py SOCKET MODE [ARCHIVE]

Answers GET /images/NAME/json and GET /images/NAME/get the way a faulty
Docker Engine API would, one fault per MODE:

    garbage     any request gets bytes that are not HTTP
    not-engine  /json answers 200 with an HTML page
    error500    /json answers 500 with a two-line JSON message
    truncated   /get announces ARCHIVE's length, sends half, hangs up
    cut-archive /get sends the first half of ARCHIVE as a complete response
    not-tar     /get sends a complete response that is no tar archive
    huge        /json reports a small Size; /get streams 4 MiB of zeros
                (chunked: no length announced)
    stall       /get sends its headers and 64 KiB, then nothing for 30 s

It serves at most 50 requests and stops by itself after 120 seconds, so a
test that dies cannot leave it running.
"""
import json
import os
import socket
import sys
import time

MAX_REQUESTS = 50
LIFETIME_S = 120


def read_request(conn):
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(4096)
        if not chunk:
            return None
        data += chunk
        if len(data) > 65536:
            return None
    line = data.split(b"\r\n", 1)[0].decode("latin-1")
    parts = line.split(" ")
    return parts[1] if len(parts) >= 2 else ""


def respond(conn, status, body, content_type="application/json", length=None):
    reason = {200: "OK", 404: "Not Found", 500: "Internal Server Error"}[status]
    if length is None:
        length = len(body)
    head = (f"HTTP/1.1 {status} {reason}\r\nContent-Type: {content_type}\r\n"
            f"Content-Length: {length}\r\nConnection: close\r\n\r\n")
    conn.sendall(head.encode() + body)


def inspect_body(size):
    return json.dumps({"Id": "sha256:" + "ab" * 32, "Size": size}).encode()


def stream_zeros(conn, total):
    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/x-tar\r\n"
                 b"Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n")
    chunk = b"\0" * 65536
    sent = 0
    try:
        while sent < total:
            conn.sendall(b"%x\r\n" % len(chunk) + chunk + b"\r\n")
            sent += len(chunk)
        conn.sendall(b"0\r\n\r\n")
    except (BrokenPipeError, ConnectionResetError):
        pass  # the client gave up at its cap, as it should


def serve_get(conn, mode, archive):
    if mode == "truncated":
        head = (f"HTTP/1.1 200 OK\r\nContent-Type: application/x-tar\r\n"
                f"Content-Length: {len(archive)}\r\nConnection: close\r\n\r\n")
        conn.sendall(head.encode() + archive[: len(archive) // 2])
    elif mode == "cut-archive":
        respond(conn, 200, archive[: len(archive) // 2], "application/x-tar")
    elif mode == "not-tar":
        respond(conn, 200, b"this is not a tar archive\n" * 100, "application/x-tar")
    elif mode == "huge":
        stream_zeros(conn, 4 << 20)
    elif mode == "stall":
        head = (f"HTTP/1.1 200 OK\r\nContent-Type: application/x-tar\r\n"
                f"Content-Length: {len(archive)}\r\nConnection: close\r\n\r\n")
        conn.sendall(head.encode() + archive[:65536])
        time.sleep(30)
    else:
        respond(conn, 404, b'{"message":"no such image"}')


def serve_json(conn, mode):
    if mode == "not-engine":
        respond(conn, 200, b"<html><body>hello</body></html>", "text/html")
    elif mode == "error500":
        respond(conn, 500, json.dumps({"message": "storage is on fire\nreally"}).encode())
    else:
        respond(conn, 200, inspect_body(1000))


def handle(conn, mode, archive):
    path = read_request(conn)
    if path is None:
        return
    if mode == "garbage":
        conn.sendall(b"\x00\x01\x02 this is not HTTP\r\n\r\n")
    elif path.endswith("/json"):
        serve_json(conn, mode)
    elif path.endswith("/get"):
        serve_get(conn, mode, archive)
    else:
        respond(conn, 404, b'{"message":"page not found"}')


def main():
    if len(sys.argv) < 3:
        sys.exit("usage: fake-engine.py SOCKET MODE [ARCHIVE]")
    path, mode = sys.argv[1], sys.argv[2]
    archive = open(sys.argv[3], "rb").read() if len(sys.argv) > 3 else b""
    if os.path.exists(path):
        os.unlink(path)
    srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    srv.bind(path)
    srv.listen(8)
    deadline = time.monotonic() + LIFETIME_S
    for _ in range(MAX_REQUESTS):
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            break
        srv.settimeout(remaining)
        try:
            conn, _ = srv.accept()
        except socket.timeout:
            break
        with conn:
            conn.settimeout(30)
            try:
                handle(conn, mode, archive)
            except OSError:
                pass
    srv.close()
    os.unlink(path)


if __name__ == "__main__":
    main()
