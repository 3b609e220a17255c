#!/usr/bin/env python3
"""examples/static-site through the atoll tool, against real clients.

In a copy of examples/static-site under --work: configure and build; a CA and a
server certificate for localhost made by `atoll cert`; the site started on the
socket stack (sandboxed) with HTTP and HTTPS on free ports. Then:
  curl       GET of every page byte-exact against htdocs/, keep-alive (one
             connection for several requests), conditional requests (ETag and
             If-None-Match, If-Modified-Since: 304), ranges (206, 416), the
             precompressed .gz variant (Content-Encoding, Vary, --compressed),
             a directory redirect, 404, 405, HSTS, http to https redirect;
  openssl    s_client with TLS 1.2 and with TLS 1.3, SNI and ALPN, resumption
             with a saved session (-sess_out / -sess_in);
  direct     the same site on atoll's own TCP/IP stack over a TAP in a network
             namespace of its own: curl over HTTP and HTTPS (3 MiB byte-exact),
             keep-alive, openssl s_client (skipped, with the reason, without TAP);
  hostile    path traversal (.., %2e%2e, %2f, NUL, overlong UTF-8) never gives
             a file from outside the site; smuggling shapes (Content-Length with
             Transfer-Encoding, two Content-Lengths, obs-fold) get 400; a
             slowloris client is cut off with 408 while another is served.
"""
import argparse
import gzip
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from e2e import ENV, build_unix, Checks, copy_app, direct_unavailable, free_port, output, run, start, stop  # noqa: E402


def start_site(binary, args):
    """Starts the example; returns the process once it printed its first line, or (None, why)."""
    return start(binary, args, "static-site: http://localhost:")


def curl(*args, timeout=30):
    """curl with the response head on stdout (-D -), body to a temp file; returns (status, headers, body, stderr)."""
    with tempfile.NamedTemporaryFile() as body:
        r = subprocess.run(["curl", "-sS", "-D", "-", "-o", body.name] + list(args),
                           capture_output=True, timeout=timeout)
        data = open(body.name, "rb").read()
    head = r.stdout.decode("latin-1")
    statuses = re.findall(r"^HTTP/[\d.]+ (\d{3})", head, re.M)
    status = int(statuses[-1]) if statuses else 0
    last = head.split("\r\n\r\n")
    last = [h for h in last if h.strip()]
    fields = {}
    for line in (last[-1] if last else "").split("\r\n")[1:]:
        if ":" in line:
            k, v = line.split(":", 1)
            fields[k.strip().lower()] = v.strip()
    return status, fields, data, r.stderr.decode("latin-1")


def raw(port, data, timeout=15):
    """Sends raw bytes, returns everything until the server closes."""
    s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    s.sendall(data)
    got = b""
    try:
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            got += chunk
    except (socket.timeout, ConnectionResetError):
        pass
    s.close()
    return got


def first_status(data):
    m = re.match(rb"HTTP/1\.[01] (\d{3})", data)
    return int(m.group(1)) if m else 0


def slowloris(port, result):
    """One byte of head a second; records what the server answers and when."""
    s = socket.create_connection(("127.0.0.1", port), timeout=30)
    start = time.monotonic()
    s.sendall(b"GET / HTTP/1.1\r\nHost: localhost\r\nX-Slow: ")
    got = b""
    s.settimeout(1)
    while time.monotonic() - start < 25:
        try:
            chunk = s.recv(65536)
            if not chunk:
                break
            got += chunk
        except socket.timeout:
            try:
                s.sendall(b"x")
            except OSError:
                break
        except OSError:
            break
    result["data"] = got
    result["seconds"] = time.monotonic() - start
    s.close()


def openssl(args, stdin=b"", timeout=20):
    r = subprocess.run(["openssl"] + args, input=stdin, capture_output=True, timeout=timeout)
    return r.returncode, r.stdout.decode("latin-1") + r.stderr.decode("latin-1")


BIG = bytes((i * 131 + i // 251) & 0xFF for i in range(3 * 1024 * 1024 + 123))


def direct_inside(binary, tls, ca, htdocs):
    """In a fresh network namespace: the site on atoll's direct stack over a TAP, Linux's curl and openssl."""
    c = Checks()
    sh = lambda cmd: subprocess.run(cmd, shell=True, capture_output=True, text=True)  # noqa: E731
    for cmd in ("ip link set lo up", "ip tuntap add dev atl-site mode tap",
                "ip addr add 10.78.0.1/24 dev atl-site", "ip link set atl-site up"):
        r = sh(cmd)
        if not c.check(r.returncode == 0, "netns: " + cmd, r.stderr):
            return c.done()
    p, line = start_site(binary, ["--net=direct", "--tap=atl-site", "--ipv4=10.78.0.2/24", "--http-port=80",
                                  "--https-port=443", "--tls-dir=" + tls])
    if not c.check(p is not None, "--net=direct --tap=atl-site --ipv4=10.78.0.2/24 boots", line):
        return c.done()
    resolve = ["--resolve", "localhost:443:10.78.0.2", "--cacert", ca + ".crt"]
    for path, want in (("/", open(os.path.join(htdocs, "index.html"), "rb").read()), ("/big.bin", BIG)):
        st, _, body, err = curl("http://10.78.0.2" + path)
        c.check(st == 200 and body == want, "direct stack, HTTP %s: %d bytes byte-exact" % (path, len(want)), err)
        st, _, body, err = curl(*resolve, "https://localhost" + path)
        c.check(st == 200 and body == want, "direct stack, HTTPS %s: %d bytes byte-exact" % (path, len(want)), err)
    st, _, _, err = curl("-v", "http://10.78.0.2/", "http://10.78.0.2/about/", "http://10.78.0.2/css/site.css")
    c.check(st == 200 and err.count("Connected to") == 1, "direct stack: keep-alive", err[-1000:])
    rc, out = openssl(["s_client", "-connect", "10.78.0.2:443", "-servername", "localhost", "-tls1_3", "-alpn",
                       "http/1.1", "-CAfile", ca + ".crt", "-verify_return_error", "-ign_eof"],
                      stdin=b"GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
    c.check(rc == 0 and "HTTP/1.1 200 OK" in out and "ALPN protocol: http/1.1" in out,
            "direct stack: openssl s_client -tls1_3, ALPN, verified, 200", out[-1500:])
    err = stop(p)
    c.check("task in" not in err, "no task failed", err[-2000:])
    return c.done()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--atoll")
    ap.add_argument("--example")
    ap.add_argument("--work")
    ap.add_argument("--direct-inside", nargs=4, metavar=("BINARY", "TLS", "CA", "HTDOCS"))
    a = ap.parse_args()
    if a.direct_inside:
        return direct_inside(*a.direct_inside)
    c = Checks()
    os.makedirs(a.work, exist_ok=True)
    app = copy_app(a.example, os.path.join(a.work, "static-site"))
    htdocs = os.path.join(app, "htdocs")
    with open(os.path.join(htdocs, "big.bin"), "wb") as f:  # several MiB: many segments, many TLS records
        f.write(BIG)
    binary = build_unix(c, a.atoll, a.work, "static-site")
    if binary is None:
        return c.done()

    tls = os.path.join(a.work, "tls")
    os.makedirs(tls, exist_ok=True)
    for f in os.listdir(tls):
        os.remove(os.path.join(tls, f))
    ca = os.path.join(a.work, "ca")
    for cmd in (["cert", "ca", "--out", ca, "--name", "static-site test CA", "--force"],
                ["cert", "server", "--ca", ca, "--out", os.path.join(tls, "server"), "--dns", "localhost",
                 "--ip", "127.0.0.1", "--force"]):
        r = run([a.atoll] + cmd, a.work)
        c.check(r.returncode == 0, "atoll " + " ".join(cmd[:2]), output(r))

    http_port, https_port = free_port(), free_port()
    p, line = start_site(binary, ["--http-port=%d" % http_port, "--https-port=%d" % https_port, "--tls-dir=" + tls,
                                  "--hsts=31536000", "--header-timeout=3s"])
    if not c.check(p is not None, "static-site boots with HTTP and HTTPS", line):
        return c.done()
    c.check("https://localhost:%d/" % https_port in line, "it announces both addresses: " + line.strip())
    base = "http://127.0.0.1:%d" % http_port
    sbase = "https://localhost:%d" % https_port

    # Every page byte-exact, over HTTP and HTTPS.
    pages = {"/": "index.html", "/about/": "about/index.html", "/css/site.css": "css/site.css",
             "/images/atoll.svg": "images/atoll.svg", "/big.bin": "big.bin"}
    for path, f in pages.items():
        want = open(os.path.join(htdocs, f), "rb").read()
        st, h, body, err = curl(base + path)
        c.check(st == 200 and body == want, "GET %s: 200, %d bytes byte-exact" % (path, len(want)), err)
        st, h, body, err = curl("--cacert", ca + ".crt", sbase + path)
        c.check(st == 200 and body == want, "HTTPS GET %s: 200, byte-exact, the chain verified by curl" % path,
                err)
        c.check(h.get("strict-transport-security") == "max-age=31536000", "HTTPS answers carry HSTS", str(h))
    st, h, _, _ = curl(base + "/")
    c.check(st == 200 and h.get("content-type", "").startswith("text/html"), "index.html is text/html", str(h))
    if socket.has_ipv6 and os.path.exists("/proc/net/if_inet6") and "00000000000000000000000000000001" in open(
            "/proc/net/if_inet6").read():
        st, _, _, err = curl("-g", "http://[::1]:%d/" % http_port)
        c.check(st == 200, "HTTP over IPv6 (::1)", err)
        st, _, _, err = curl("-g", "--cacert", ca + ".crt", "--resolve", "localhost:%d:[::1]" % https_port,
                             sbase + "/")
        c.check(st == 200, "HTTPS over IPv6 (::1), the chain verified", err)
    else:
        print("skip IPv6: no ::1 on this host")
    c.check("strict-transport-security" not in h, "no HSTS over plain HTTP", str(h))

    # Keep-alive: one connection for several requests.
    st, _, _, err = curl("-v", base + "/", base + "/about/", base + "/css/site.css")
    c.check(st == 200 and err.count("Connected to") == 1 and "Re-using existing connection" in err,
            "keep-alive: three requests on one connection", err[-1500:])

    # Conditional requests.
    st, h, _, _ = curl(base + "/css/site.css")
    etag, modified = h.get("etag", ""), h.get("last-modified", "")
    c.check(etag.startswith('"') and modified.endswith("GMT"), "ETag and Last-Modified: %s, %s" % (etag, modified))
    st, h, body, _ = curl("-H", "If-None-Match: " + etag, base + "/css/site.css")
    c.check(st == 304 and body == b"" and h.get("etag") == etag, "If-None-Match with the ETag: 304, no body")
    st, _, _, _ = curl("-H", 'If-None-Match: "other", W/' + etag, base + "/css/site.css")
    c.check(st == 304, "If-None-Match with a list holding the weak ETag: 304")
    st, _, _, _ = curl("-H", 'If-None-Match: "nope"', base + "/css/site.css")
    c.check(st == 200, "If-None-Match with another ETag: 200")
    st, _, _, _ = curl("-H", "If-Modified-Since: " + modified, base + "/css/site.css")
    c.check(st == 304, "If-Modified-Since equal to Last-Modified: 304")
    st, _, _, _ = curl("-H", "If-Modified-Since: Sat, 01 Jan 2000 00:00:00 GMT", base + "/css/site.css")
    c.check(st == 200, "If-Modified-Since long before: 200")

    # Ranges.
    css = open(os.path.join(htdocs, "css/site.css"), "rb").read()
    st, h, body, _ = curl("-r", "10-99", base + "/css/site.css")
    c.check(st == 206 and body == css[10:100] and h.get("content-range") == "bytes 10-99/%d" % len(css),
            "Range 10-99: 206 with those 90 bytes", str(h))
    st, h, body, _ = curl("-r", "-20", base + "/css/site.css")
    c.check(st == 206 and body == css[-20:], "Range -20: the last 20 bytes")
    st, h, body, _ = curl("-r", "%d-" % (len(css) + 10), base + "/css/site.css")
    c.check(st == 416 and h.get("content-range") == "bytes */%d" % len(css), "Range past the end: 416", str(h))

    # The precompressed variant.
    gz = open(os.path.join(htdocs, "css/site.css.gz"), "rb").read()
    st, h, body, _ = curl("-H", "Accept-Encoding: gzip", base + "/css/site.css")
    c.check(st == 200 and h.get("content-encoding") == "gzip" and body == gz and
            "accept-encoding" in h.get("vary", "").lower(), "Accept-Encoding: gzip gets site.css.gz as is", str(h))
    c.check(gzip.decompress(body) == css, "and it decompresses to site.css")
    st, h, body, _ = curl("--compressed", base + "/css/site.css")
    c.check(st == 200 and body == css, "curl --compressed: site.css after decoding")
    st, h, body, _ = curl("-H", "Accept-Encoding: gzip;q=0", base + "/css/site.css")
    c.check(st == 200 and "content-encoding" not in h and body == css, "gzip;q=0: the identity")

    # Redirects and errors.
    st, h, _, _ = curl(base + "/about")
    c.check(st == 301 and h.get("location", "").endswith("/about/"), "/about: 301 to /about/", str(h))
    st, _, _, _ = curl(base + "/missing.html")
    c.check(st == 404, "a missing file: 404")
    st, h, _, _ = curl("-X", "DELETE", base + "/")
    c.check(st == 405 and "GET" in h.get("allow", ""), "DELETE: 405 with Allow", str(h))

    # Path traversal: nothing from outside the site.
    secret = open("/etc/passwd", "rb").read()[:16]
    for path in ("/../../../../etc/passwd", "/%2e%2e/%2e%2e/%2e%2e/etc/passwd", "/.%2e/.%2e/etc/passwd",
                 "/css/..%2f..%2f..%2fetc%2fpasswd", "/css/%2e%2e%5c%2e%2e%5cetc%5cpasswd",
                 "/index.html%00.css", "/%c0%ae%c0%ae/%c0%ae%c0%ae/etc/passwd",
                 "/%e0%80%ae%e0%80%ae/etc/passwd", "/..", "/css/../../etc/passwd"):
        st, _, body, _ = curl("--path-as-is", base + path)
        c.check(st in (400, 404) and secret not in body, "traversal %s: %d, nothing outside" % (path, st))

    # Smuggling shapes and other malformed heads.
    for what, req in (
            ("Content-Length with Transfer-Encoding",
             b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"),
            ("two Content-Lengths", b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab"),
            ("obs-fold", b"GET / HTTP/1.1\r\nHost: a\r\nX-A: b\r\n c\r\n\r\n"),
            ("no Host in HTTP/1.1", b"GET / HTTP/1.1\r\n\r\n")):
        got = raw(http_port, req)
        c.check(first_status(got) == 400 and got.count(b"HTTP/1.1") == 1, what + ": 400 and closed", repr(got[:200]))
    got = raw(http_port, b"GET /" + b"a" * 20000 + b" HTTP/1.1\r\nHost: a\r\n\r\n")
    c.check(first_status(got) == 414, "a 20 kB target: 414", repr(got[:100]))
    got = raw(http_port, b"GET / HTTP/1.1\r\nHost: a\r\n" + b"".join(b"X-%d: v\r\n" % i for i in range(300)) + b"\r\n")
    c.check(first_status(got) == 431, "300 fields: 431", repr(got[:100]))
    got = raw(http_port, b"GET / HTTP/3.0\r\nHost: a\r\n\r\n")
    c.check(first_status(got) == 505, "HTTP/3.0: 505", repr(got[:100]))

    # Slowloris: cut off after --header-timeout=3s while another client is served.
    result = {}
    t = threading.Thread(target=slowloris, args=(http_port, result))
    t.start()
    time.sleep(1)
    st, _, body, _ = curl(base + "/")
    c.check(st == 200, "a client is served while a slowloris holds a connection")
    t.join()
    c.check(first_status(result.get("data", b"")) == 408 and 2.5 < result.get("seconds", 0) < 8,
            "the slowloris gets 408 after the header timeout (%.1f s)" % result.get("seconds", 0),
            repr(result.get("data", b"")[:100]))

    # TLS with openssl s_client: versions, SNI, ALPN, resumption.
    for flag, name in (("-tls1_2", "TLSv1.2"), ("-tls1_3", "TLSv1.3")):
        rc, out = openssl(["s_client", "-connect", "127.0.0.1:%d" % https_port, "-servername", "localhost",
                           flag, "-alpn", "http/1.1", "-CAfile", ca + ".crt", "-verify_return_error", "-ign_eof"],
                          stdin=b"GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
        c.check(rc == 0 and ("Protocol  : " + name in out or "Protocol: " + name in out or
                             ", " + name + "," in out) and "ALPN protocol: http/1.1" in out and
                "Verify return code: 0 (ok)" in out and "HTTP/1.1 200 OK" in out,
                "openssl s_client %s: %s, ALPN http/1.1, verified, 200" % (flag, name), out[-2000:])
    rc, out = openssl(["s_client", "-connect", "127.0.0.1:%d" % https_port, "-tls1_1"], timeout=20)
    c.check("alert protocol version" in out and "Cipher is (NONE)" in out, "TLS 1.1 is refused (protocol_version)",
            out[-1500:])
    sess = os.path.join(a.work, "session.pem")
    for version in ("-tls1_3", "-tls1_2"):
        if os.path.exists(sess):
            os.remove(sess)
        rc1, out1 = openssl(["s_client", "-connect", "127.0.0.1:%d" % https_port, "-servername", "localhost",
                             version, "-CAfile", ca + ".crt", "-sess_out", sess, "-ign_eof"],
                            stdin=b"GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
        rc2, out2 = openssl(["s_client", "-connect", "127.0.0.1:%d" % https_port, "-servername", "localhost",
                             version, "-CAfile", ca + ".crt", "-sess_in", sess, "-ign_eof"],
                            stdin=b"GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
        c.check(rc1 == 0 and "New, TLSv1" in out1 and rc2 == 0 and "Reused, TLSv1" in out2,
                "%s: a second handshake resumes the saved session" % version, out2[-1500:])

    err = stop(p)
    c.check("task in" not in err, "no task failed", err[-2000:])

    # http to https redirect, by key.
    p, line = start_site(binary, ["--http-port=%d" % http_port, "--https-port=%d" % https_port, "--tls-dir=" + tls,
                                  "--https-redirect=true"])
    if c.check(p is not None, "--https-redirect=true boots", line):
        st, h, _, _ = curl("-H", "Host: localhost:%d" % http_port, base + "/about/")
        c.check(st in (301, 308) and h.get("location") == "https://localhost:%d/about/" % https_port,
                "plain HTTP is redirected to https://localhost:%d/about/" % https_port, str(h))
        stop(p)

    # --htdocs-dir: a host folder instead of the compiled-in files.
    own = os.path.join(a.work, "own-site")
    os.makedirs(os.path.join(own, "sub"), exist_ok=True)
    with open(os.path.join(own, "index.html"), "w") as f:
        f.write("<p>my own site</p>\n")
    with open(os.path.join(own, "sub", "page.txt"), "w") as f:
        f.write("a page in a sub folder\n")
    p, line = start_site(binary, ["--http-port=%d" % http_port, "--https-port=%d" % https_port, "--tls-dir=" + tls,
                                  "--htdocs-dir=" + own])
    if c.check(p is not None, "--htdocs-dir=FOLDER boots (sandboxed, the folder read-only)", line):
        st, _, body, _ = curl(base + "/")
        c.check(st == 200 and body == b"<p>my own site</p>\n", "it serves the folder's index.html, not the crunched one")
        st, h, body, _ = curl(base + "/sub/page.txt")
        c.check(st == 200 and body == b"a page in a sub folder\n" and h.get("content-type", "").startswith("text/plain"),
                "and its sub folders", str(h))
        st, _, _, _ = curl(base + "/css/site.css")
        c.check(st == 404, "the compiled-in files are not served then")
        st, _, body, _ = curl("--path-as-is", base + "/../static-site/atoll.manifest")
        c.check(st == 400 and b"static-site" not in body, "nothing outside the folder")
        stop(p)

    # Without a certificate: HTTP only.
    empty = os.path.join(a.work, "no-tls")
    os.makedirs(empty, exist_ok=True)
    p, line = start_site(binary, ["--http-port=%d" % http_port, "--https-port=%d" % https_port, "--tls-dir=" + empty])
    if c.check(p is not None and "https" not in line, "without a certificate it serves HTTP only", line):
        st, _, _, _ = curl(base + "/")
        c.check(st == 200, "and HTTP still answers")
        err = stop(p)
        c.check("HTTPS is off" in err, "the log says why HTTPS is off", err[-500:])

    # Out of file descriptors (RLIMIT_NOFILE 40): clients hold every descriptor the site has
    # left, so its accepts fail with EMFILE; it pauses accepting (logged once), keeps the
    # held connections, and serves again once they close.
    p, line = start_site("prlimit", ["--nofile=40:40", "--", binary, "--http-port=%d" % http_port,
                                     "--https-port=%d" % https_port, "--tls-dir=" + empty])
    if c.check(p is not None, "the site boots with 40 file descriptors", line):
        held = []
        for _ in range(80):
            held.append(socket.create_connection(("127.0.0.1", http_port), timeout=5))
        time.sleep(1.5)  # far past a hundred failed accepts without a pause
        st, _, _, _ = curl("--max-time", "1", base + "/")
        c.check(st == 0, "while the descriptors are taken, a new client waits in the queue")
        c.check(p.poll() is None, "the site is still running")
        for sock in held:
            sock.close()
        st, _, body, err = curl("--max-time", "10", base + "/")
        c.check(st == 200 and b"<html" in body.lower(), "once they are given back, it serves again", err)
        st, _, _, _ = curl("--max-time", "10", base + "/about/")
        c.check(st == 200, "... and goes on serving")
        err = stop(p)
        c.check(err.count("accepting paused until resources come back") >= 1 and "EMFILE" in err,
                "the log says accepting paused, and why", err[-1500:])

    # The same site on atoll's own TCP/IP stack, against Linux over a TAP.
    why = direct_unavailable()
    if why:
        print("skip --net=direct over TAP: " + why)
    else:
        r = subprocess.run(["unshare", "-n", sys.executable, os.path.abspath(__file__),
                            "--direct-inside", binary, tls, ca, htdocs],
                           capture_output=True, text=True, timeout=300, env=ENV)
        sys.stdout.write(r.stdout)
        c.check(r.returncode == 0, "--net=direct in a network namespace", r.stderr)
    return c.done()


if __name__ == "__main__":
    sys.exit(main())
