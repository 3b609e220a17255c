#!/usr/bin/env python3
"""A smart-HTTP Git server for tests: git http-backend behind wsgiref.

Usage: git_http_server.py ROOT PORT. Serves the repositories under ROOT at
http://127.0.0.1:PORT/<name>.git. Unlike http.server's CGI mode, it answers
with a Content-Length (libgit2 wants a framed body) and reads chunked request
bodies (libgit2 sends pushes chunked).
"""
import subprocess
import sys
from wsgiref.simple_server import WSGIRequestHandler, make_server


def read_body(environ):
    stream = environ["wsgi.input"]
    if environ.get("HTTP_TRANSFER_ENCODING", "").lower() == "chunked":
        body = b""
        while True:
            size = int(stream.readline().split(b";")[0].strip(), 16)
            if size == 0:
                stream.readline()
                return body
            body += stream.read(size)
            stream.readline()
    length = int(environ.get("CONTENT_LENGTH") or 0)
    return stream.read(length) if length else b""


def app(environ, start_response):
    env = {
        "GIT_PROJECT_ROOT": ROOT,
        "GIT_HTTP_EXPORT_ALL": "1",
        "PATH_INFO": environ.get("PATH_INFO", ""),
        "QUERY_STRING": environ.get("QUERY_STRING", ""),
        "REQUEST_METHOD": environ["REQUEST_METHOD"],
        "CONTENT_TYPE": environ.get("CONTENT_TYPE", ""),
        "REMOTE_ADDR": "127.0.0.1",
        "REMOTE_USER": "test",
        "GIT_HTTP_MAX_REQUEST_BUFFER": "100M",
        "PATH": "/usr/bin:/bin",
    }
    body = read_body(environ)
    env["CONTENT_LENGTH"] = str(len(body))
    out = subprocess.run(["git", "http-backend"], input=body, env=env, capture_output=True).stdout
    head, _, payload = out.partition(b"\r\n\r\n")
    if not _:
        head, _, payload = out.partition(b"\n\n")
    status = "200 OK"
    headers = []
    for line in head.decode("latin-1").splitlines():
        name, _, value = line.partition(":")
        if name.lower() == "status":
            status = value.strip()
        elif name:
            headers.append((name.strip(), value.strip()))
    headers.append(("Content-Length", str(len(payload))))
    start_response(status, headers)
    return [payload]


class Quiet(WSGIRequestHandler):
    def log_message(self, *args):
        pass


ROOT = sys.argv[1]
make_server("127.0.0.1", int(sys.argv[2]), app, handler_class=Quiet).serve_forever()
