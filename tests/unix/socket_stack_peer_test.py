#!/usr/bin/env python3
"""The socket stack against real Linux peers, over loopback (v4 and v6):
curl downloads from and uploads to a listener of the socket stack, and the
socket stack connects to a Python listener; every byte is checked.

Usage: socket_stack_peer_test.py PATH/TO/socket_stack_peer
Byte i of every test stream is (i * 31 + 7) % 251 (as in socket_stack_peer.cpp).
"""
import os
import socket
import subprocess
import sys
import tempfile
import threading

PEER = sys.argv[1]
SIZE = 3 * 1024 * 1024 + 17  # megabytes, not a multiple of any buffer


def stream(n):
    return bytes((i * 31 + 7) % 251 for i in range(n))


def serve_once(addr, args):
    """Starts the peer as a server; returns (process, port)."""
    proc = subprocess.Popen([PEER, "serve", addr], stdout=subprocess.PIPE, text=True)
    line = proc.stdout.readline()
    assert line.startswith("port "), f"peer said {line!r}"
    return proc, int(line.split()[1])


def check_curl(addr, host):
    data = stream(SIZE)
    # Download: GET /N gives N pattern bytes.
    proc, port = serve_once(addr, [])
    got = subprocess.run(["curl", "-sS", "--max-time", "30", f"http://{host}:{port}/{SIZE}"],
                         capture_output=True, check=True).stdout
    assert proc.wait(timeout=30) == 0, "peer server failed"
    assert got == data, f"curl GET over {addr}: {len(got)} bytes, differ"
    # Upload: POST echoes the body back.
    with tempfile.NamedTemporaryFile() as f:
        f.write(data)
        f.flush()
        proc, port = serve_once(addr, [])
        got = subprocess.run(["curl", "-sS", "--max-time", "30", "--data-binary", f"@{f.name}",
                              "-H", "Content-Type: application/octet-stream",
                              "-H", "Expect:", f"http://{host}:{port}/"],
                             capture_output=True, check=True).stdout
        assert proc.wait(timeout=30) == 0, "peer server failed"
        assert got == data, f"curl POST over {addr}: {len(got)} bytes, differ"
    print(f"curl <-> socket stack over {addr}: {SIZE} bytes each way, exact")


def check_connect(family, addr, text):
    """A Python listener echoes; the socket stack connects, sends, checks."""
    server = socket.socket(family, socket.SOCK_STREAM)
    server.bind((addr, 0))
    server.listen(1)
    port = server.getsockname()[1]
    received = bytearray()

    def echo():
        conn, _ = server.accept()
        with conn:
            while True:
                chunk = conn.recv(65536)
                if not chunk:
                    break
                received.extend(chunk)
                conn.sendall(chunk)
            conn.shutdown(socket.SHUT_WR)

    t = threading.Thread(target=echo)
    t.start()
    out = subprocess.run([PEER, "connect", text.format(port=port), str(SIZE)],
                         capture_output=True, text=True, timeout=60)
    t.join(timeout=30)
    server.close()
    assert out.returncode == 0, f"peer connect failed: {out.stdout} {out.stderr}"
    assert out.stdout.strip() == f"ok {SIZE}", out.stdout
    assert bytes(received) == stream(SIZE), "the Python listener got other bytes"
    print(f"socket stack -> Python listener over {addr}: {SIZE} bytes each way, exact")


def has_ipv6():
    try:
        with socket.socket(socket.AF_INET6, socket.SOCK_STREAM) as s:
            s.bind(("::1", 0))
        return True
    except OSError:
        return False


def main():
    check_curl("127.0.0.1", "127.0.0.1")
    check_connect(socket.AF_INET, "127.0.0.1", "127.0.0.1:{port}")
    if has_ipv6():
        check_curl("::1", "[::1]")
        check_connect(socket.AF_INET6, "::1", "[::1]:{port}")
    else:
        print("no IPv6 loopback: IPv6 checks skipped")
    return 0


if __name__ == "__main__":
    sys.exit(main())
