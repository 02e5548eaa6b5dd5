"""loopback.py — what the test servers in tests/tools share: a threaded
HTTP server on 127.0.0.1 at a port the kernel picks, announced in a file
(written whole, then renamed) so a test never races for a free port."""
import http.server
import os


def serve(handler, port_file):
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    srv.daemon_threads = True
    tmp = port_file + ".tmp"
    with open(tmp, "w") as f:
        f.write(str(srv.server_address[1]))
    os.rename(tmp, port_file)
    srv.serve_forever()
