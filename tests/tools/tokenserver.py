#!/usr/bin/python3
"""tokenserver.py — a bearer-token server for docker-registry's `auth:
token:` mode (the distribution token spec), for tests/integration/
t-registry-auth.sh.  Test tool only; stdlib plus the openssl command.

  tokenserver.py --port-file F --log F --tokens F --user U --password P
                 --key KEY.pem --cert CERT.pem --issuer I --service S

GET /token?service=S&scope=repository:NAME:ACTIONS with the right basic
credentials answers {"token": JWT} (RS256, signed with `openssl dgst`,
the certificate in the x5c header, as the registry's rootcertbundle
verifies it); wrong or missing credentials answer 401.  The log gets one
line per request, "token STATUS" (never the credentials or the token);
--tokens gets every token issued, for the test to look for in abicheck's
output.
"""
import argparse
import base64
import json
import secrets
import subprocess
import time
import urllib.parse
import http.server

import loopback

ARGS = None


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def cert_der_b64(path):
    lines = open(path).read().splitlines()
    body = lines[lines.index("-----BEGIN CERTIFICATE-----") + 1:
                 lines.index("-----END CERTIFICATE-----")]
    return "".join(body)


def sign(data):
    return subprocess.run(["openssl", "dgst", "-sha256", "-sign", ARGS.key],
                          input=data, capture_output=True, check=True).stdout


def make_token(scope):
    now = int(time.time())
    access = []
    parts = scope.split(":")
    if len(parts) == 3 and parts[0] == "repository":
        access.append({"type": "repository", "name": parts[1],
                       "actions": parts[2].split(",")})
    header = {"typ": "JWT", "alg": "RS256", "x5c": [cert_der_b64(ARGS.cert)]}
    claims = {"iss": ARGS.issuer, "sub": ARGS.user, "aud": ARGS.service,
              "exp": now + 300, "nbf": now - 10, "iat": now,
              "jti": secrets.token_hex(8), "access": access}
    signing_input = (b64url(json.dumps(header).encode()) + "." +
                     b64url(json.dumps(claims).encode()))
    return signing_input + "." + b64url(sign(signing_input.encode()))


class Handler(http.server.BaseHTTPRequestHandler):
    def log_message(self, *a):
        pass

    def answer(self, status, body):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)
        with open(ARGS.log, "a") as f:
            f.write("token %d\n" % status)

    def do_GET(self):
        u = urllib.parse.urlsplit(self.path)
        q = urllib.parse.parse_qs(u.query)
        want = "Basic " + base64.b64encode(
            (ARGS.user + ":" + ARGS.password).encode()).decode()
        if u.path != "/token" or q.get("service") != [ARGS.service]:
            self.answer(400, {"errors": [{"code": "BAD_REQUEST"}]})
        elif self.headers.get("Authorization") != want:
            self.answer(401, {"errors": [{"code": "UNAUTHORIZED"}]})
        else:
            token = make_token(q.get("scope", [""])[0])
            with open(ARGS.tokens, "a") as f:
                f.write(token + "\n")
            self.answer(200, {"token": token, "access_token": token, "expires_in": 300})


def main():
    global ARGS
    p = argparse.ArgumentParser()
    for a in ("--port-file", "--log", "--tokens", "--user", "--password", "--key", "--cert",
              "--issuer", "--service"):
        p.add_argument(a, required=True)
    ARGS = p.parse_args()
    loopback.serve(Handler, ARGS.port_file)


if __name__ == "__main__":
    main()
