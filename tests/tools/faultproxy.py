#!/usr/bin/python3
"""faultproxy.py — an HTTP proxy on loopback that forwards to a registry
and injects one fault, for tests/integration/t-registry*.sh.  Test tool
only; stdlib only.

  faultproxy.py --port-file F --log F --upstream http://127.0.0.1:PORT
                [--mode MODE] [--target SUBSTRING] [--times N]

Requests whose path contains --target (default "/manifests/") get the
fault, the first --times of them (default: all); the rest are forwarded
unchanged.  As a forward proxy (a request line with an absolute URL, as
http_proxy clients send) it forwards to that URL, and it tunnels CONNECT
(what https_proxy clients send) to loopback ports.  Modes:
  pass        nothing injected
  500         answer 500
  429         answer 429 with Retry-After: 1
  truncate    send the headers and half the body, then close
  corrupt     flip one byte in the middle of the body
  stall       read the request, then answer nothing (for 60 s at most)
  stall-body  send the headers and a quarter of the body, then nothing
  big         a 5 MiB JSON body with its Content-Length
  big-close   a 5 MiB JSON body without a length, ended by closing
  schema1     a Docker schema 1 manifest
The log gets one line per request: "METHOD PATH STATUS [fault]" (never a
header: requests carry credentials).
"""
import argparse
import http.client
import http.server
import select
import socket
import threading
import time
import urllib.parse

import loopback

ARGS = None
LOCK = threading.Lock()
FAULTS_LEFT = [None]
HOP_HEADERS = {"connection", "keep-alive", "proxy-connection", "transfer-encoding",
               "te", "trailer", "upgrade", "host", "proxy-authorization"}


def log(line):
    with LOCK, open(ARGS.log, "a") as f:
        f.write(line + "\n")


def take_fault(path):
    if ARGS.mode == "pass" or ARGS.target not in path:
        return False
    with LOCK:
        if FAULTS_LEFT[0] is None:
            return True
        if FAULTS_LEFT[0] > 0:
            FAULTS_LEFT[0] -= 1
            return True
        return False


class Proxy(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *a):
        pass

    def handle(self):
        try:
            super().handle()
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up, as it should on a fault

    def upstream(self):
        """(host:port, path) the request goes to."""
        if self.path.startswith("http://"):
            u = urllib.parse.urlsplit(self.path)
            return u.netloc, urllib.parse.urlunsplit(("", "", u.path, u.query, ""))
        return urllib.parse.urlsplit(ARGS.upstream).netloc, self.path

    def forward(self):
        netloc, path = self.upstream()
        conn = http.client.HTTPConnection(netloc, timeout=30)
        headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_HEADERS}
        conn.request(self.command, path, headers=headers)
        resp = conn.getresponse()
        body = resp.read()
        conn.close()
        return resp, body

    def send(self, status, headers, body, length=True):
        self.send_response(status)
        for k, v in headers:
            if k.lower() not in HOP_HEADERS and k.lower() != "content-length":
                self.send_header(k, v)
        if length:
            self.send_header("Content-Length", str(len(body)))
        else:
            self.send_header("Connection", "close")
            self.close_connection = True
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def do_GET(self):
        fault = take_fault(self.path)
        mode = ARGS.mode if fault else "pass"
        log("%s %s %s" % (self.command, self.path, mode if fault else "forwarded"))
        if mode == "stall":
            time.sleep(60)
            self.close_connection = True
            return
        if mode in ("500", "429"):
            headers = [("Content-Type", "application/json")]
            if mode == "429":
                headers.append(("Retry-After", "1"))
            body = b'{"errors":[{"code":"TOOMANYREQUESTS","message":"slow down"}]}' \
                if mode == "429" else b'{"errors":[{"code":"UNKNOWN","message":"boom"}]}'
            self.send(int(mode), headers, body)
            return
        if mode in ("big", "big-close"):
            body = b'{"schemaVersion":2,"pad":"' + b"x" * (5 << 20) + b'"}'
            self.send(200, [("Content-Type", "application/vnd.oci.image.manifest.v1+json")],
                      body, length=(mode == "big"))
            return
        if mode == "schema1":
            body = b'{"schemaVersion":1,"name":"fixture","tag":"tag","fsLayers":[]}'
            self.send(200, [("Content-Type",
                             "application/vnd.docker.distribution.manifest.v1+prettyjws")], body)
            return
        resp, body = self.forward()
        headers = resp.getheaders()
        if mode == "corrupt" and body:
            i = len(body) // 2
            body = body[:i] + bytes([body[i] ^ 0xFF]) + body[i + 1:]
        if mode in ("truncate", "stall-body"):
            self.send_response(resp.status)
            for k, v in headers:
                if k.lower() not in HOP_HEADERS:
                    self.send_header(k, v)
            self.end_headers()
            self.wfile.write(body[:len(body) // (2 if mode == "truncate" else 4)])
            self.wfile.flush()
            if mode == "stall-body":
                time.sleep(60)
            self.close_connection = True
            return
        self.send(resp.status, headers, body)

    do_HEAD = do_GET

    def do_CONNECT(self):
        host, _, port = self.path.rpartition(":")
        log("CONNECT %s tunnel" % self.path)
        if host not in ("127.0.0.1", "localhost"):
            self.send_error(403)
            return
        upstream = socket.create_connection((host, int(port)), 10)
        self.send_response(200)
        self.end_headers()
        self.close_connection = True
        socks = [self.connection, upstream]
        while True:
            readable, _, _ = select.select(socks, [], [], 30)
            if not readable:
                break
            for s in readable:
                data = s.recv(65536)
                if not data:
                    upstream.close()
                    return
                (upstream if s is self.connection else self.connection).sendall(data)
        upstream.close()


def main():
    global ARGS
    p = argparse.ArgumentParser()
    p.add_argument("--port-file", required=True)
    p.add_argument("--log", required=True)
    p.add_argument("--upstream", required=True)
    p.add_argument("--mode", default="pass")
    p.add_argument("--target", default="/manifests/")
    p.add_argument("--times", type=int, default=None)
    ARGS = p.parse_args()
    FAULTS_LEFT[0] = ARGS.times
    loopback.serve(Proxy, ARGS.port_file)


if __name__ == "__main__":
    main()
