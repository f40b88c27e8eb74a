#!/usr/bin/env python3
"""A stand-in for huggingface.co on 127.0.0.1 for the download tests.

    fake_hub_server.py FILE     serves FILE at /test/<mode>/resolve/main/<name>, prints "PORT n"

Modes (the repository name): normal (Range requests honoured), redirect (302 to a blob URL
with X-Linked-Etag = the file's SHA-256 and X-Linked-Size, as the Hub does for LFS files), slow
(16 KiB every 20 ms), drop (the first request breaks off halfway), huge (redirect announcing
10^18 bytes), badetag (redirect whose X-Linked-Etag is not the file's hash). The app's own
download, /ggml-org/gpt-oss-20b-GGUF/resolve/main/gpt-oss-20b-mxfp4.gguf, is served slow (for
HF_ENDPOINT in the end-to-end test). Anything else is 404.
"""
import hashlib
import http.server
import re
import socket
import sys
import threading
import time

DATA = open(sys.argv[1], "rb").read()
SHA256 = hashlib.sha256(DATA).hexdigest()
dropped = threading.Event()


class Handler(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_GET(self):
        m = re.fullmatch(r"/test/(\w+)/resolve/main/[\w.-]+", self.path)
        if self.path.startswith("/blobs/"):
            return self.send_file("normal")
        if self.path == "/ggml-org/gpt-oss-20b-GGUF/resolve/main/gpt-oss-20b-mxfp4.gguf":
            return self.send_file("slow")
        if not m or m.group(1) not in ("normal", "redirect", "slow", "drop", "huge", "badetag"):
            self.send_response(404)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        mode = m.group(1)
        if mode in ("redirect", "huge", "badetag"):
            self.send_response(302)
            self.send_header("Location", "/blobs/" + SHA256)
            self.send_header("X-Linked-Etag", '"%s"' % ("0" * 64 if mode == "badetag" else SHA256))
            self.send_header("X-Linked-Size", str(10**18 if mode == "huge" else len(DATA)))
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        self.send_file(mode)

    def send_file(self, mode):
        start = 0
        rng = self.headers.get("Range")
        if rng:
            start = int(re.fullmatch(r"bytes=(\d+)-", rng).group(1))
            if start >= len(DATA):
                self.send_response(416)
                self.send_header("Content-Range", "bytes */%d" % len(DATA))
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            self.send_response(206)
            self.send_header("Content-Range", "bytes %d-%d/%d" % (start, len(DATA) - 1, len(DATA)))
        else:
            self.send_response(200)
        self.send_header("Content-Length", str(len(DATA) - start))
        self.send_header("Content-Type", "application/octet-stream")
        self.end_headers()
        body = DATA[start:]
        if mode == "drop" and not dropped.is_set():
            dropped.set()
            self.wfile.write(body[: len(body) // 2])
            self.wfile.flush()
            self.connection.shutdown(socket.SHUT_RDWR)
            return
        step = 16384
        for i in range(0, len(body), step):
            try:
                self.wfile.write(body[i : i + step])
            except (BrokenPipeError, ConnectionResetError):
                return
            if mode == "slow":
                time.sleep(0.02)


server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
print("PORT %d" % server.server_address[1], flush=True)
server.serve_forever()
