#!/usr/bin/env python3
"""examples/pinata through the atoll tool, against real TLS clients and servers.

In a copy of examples/pinata under --work: configure and build for unix; the
secrets made by `atoll configure` from the manifest's cert statements (CA, server
certificate, Bitcoin key and address), and with atoll cert a client certificate
from the piñata's CA, one from another CA, a self-signed one. The piñata runs on
the socket stack. Then:
  openssl s_client  with the good certificate gets the secret; self-signed,
                    foreign-CA and no certificate are refused, and the secret's
                    bytes never appear in the loopback traffic of those attempts
                    (tcpdump -i lo; skipped with a reason when it cannot capture);
  curl              the page shows the address and the counters, never the key;
  client mode       --client=127.0.0.1:P sends the secret to an openssl s_server
                    with a certificate from the piñata's CA (exit 0), not to one
                    with a foreign certificate (exit 1, s_server never sees it).
The secret never appears on the piñata's console or log.
"""
import argparse
import os
import re
import shutil
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from e2e import build_unix, Checks, copy_app, free_port, output, run, start, stop  # noqa: E402


def s_client(port, ca, cert=None, key=None, timeout=20):
    """openssl s_client that waits for the server to close; returns (exit, stdout+stderr bytes)."""
    args = ["openssl", "s_client", "-connect", "127.0.0.1:%d" % port, "-servername", "localhost",
            "-CAfile", ca, "-ign_eof"]
    if cert:
        args += ["-cert", cert, "-key", key]
    r = subprocess.run(args, input=b"", capture_output=True, timeout=timeout)
    return r.returncode, r.stdout + r.stderr


def start_capture(path, port):
    """tcpdump on lo for `port`; returns (process, None) or (None, why it cannot capture)."""
    if shutil.which("tcpdump") is None:
        return None, "no tcpdump"
    p = subprocess.Popen(["tcpdump", "-i", "lo", "-U", "-w", path, "port", str(port)],
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    time.sleep(1.5)
    if p.poll() is not None:
        return None, "tcpdump failed: " + p.stderr.read().decode("latin-1").strip()
    return p, None


def stop_capture(p):
    time.sleep(0.5)
    p.send_signal(signal.SIGINT)
    try:
        p.wait(timeout=10)
    except subprocess.TimeoutExpired:
        p.kill()
        p.wait()


def s_server(port, cert, key):
    """openssl s_server for one connection, printing what it receives; returns it once ready."""
    p = subprocess.Popen(["openssl", "s_server", "-accept", str(port), "-cert", cert, "-key", key,
                          "-naccept", "1"],
                         stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        line = p.stdout.readline()
        if not line or line.startswith(b"ACCEPT"):
            break
    return p


def finish_server(p):
    try:
        out, _ = p.communicate(timeout=15)
    except subprocess.TimeoutExpired:
        p.kill()
        out, _ = p.communicate()
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--atoll")
    ap.add_argument("--example")
    ap.add_argument("--work")
    a = ap.parse_args()
    c = Checks()
    os.makedirs(a.work, exist_ok=True)
    app = copy_app(a.example, os.path.join(a.work, "pinata"))
    # The secrets are made by `atoll configure` (the manifest's cert statements):
    # none are copied from the source tree.
    secrets = os.path.join(app, "secrets")
    for f in os.listdir(secrets):
        if f != ".gitignore":
            os.remove(os.path.join(secrets, f))
    r = run([a.atoll, "configure", "-t", "unix", "pinata"], a.work)
    if not c.check(r.returncode == 0, "configure makes the secrets", output(r)):
        return c.done()
    for f in ("ca.crt", "ca.key", "server.crt", "server.key", "bitcoin.key", "bitcoin.address"):
        c.check(os.path.isfile(os.path.join(secrets, f)), "configure wrote secrets/" + f)
    for f in ("ca.key", "server.key", "bitcoin.key"):
        c.check(os.stat(os.path.join(secrets, f)).st_mode & 0o077 == 0, "secrets/%s is private (0600)" % f)
    secret = open(os.path.join(secrets, "bitcoin.key"), "rb").read().strip()
    address = open(os.path.join(secrets, "bitcoin.address")).read().strip()
    c.check(len(secret) >= 50 and secret not in (r.stdout + r.stderr).encode(), "configure does not print the key")
    c.check(address in r.stdout, "configure names the address", output(r))
    # Configuring again keeps every secret (the server certificate stays signed by the same CA).
    before = {f: open(os.path.join(secrets, f), "rb").read() for f in os.listdir(secrets)}
    r = run([a.atoll, "configure", "-t", "unix", "pinata"], a.work)
    after = {f: open(os.path.join(secrets, f), "rb").read() for f in os.listdir(secrets)}
    c.check(r.returncode == 0 and before == after and "made" not in r.stdout,
            "configuring again keeps the secrets", output(r))
    # A set with a file missing is refused, not half remade.
    os.rename(os.path.join(secrets, "server.key"), os.path.join(a.work, "server.key.saved"))
    r = run([a.atoll, "configure", "-t", "unix", "pinata"], a.work)
    c.check(r.returncode == 2 and "pinata/atoll.manifest:" in r.stderr and "only some of its files exist" in r.stderr
            and not os.path.exists(os.path.join(secrets, "server.key")),
            "configure refuses a certificate without its key", output(r))
    os.rename(os.path.join(a.work, "server.key.saved"), os.path.join(secrets, "server.key"))
    binary = build_unix(c, a.atoll, a.work, "pinata")
    if binary is None:
        return c.done()

    ca = os.path.join(secrets, "ca")
    certs = os.path.join(a.work, "certs")
    shutil.rmtree(certs, ignore_errors=True)
    os.makedirs(certs)
    other = os.path.join(certs, "other-ca")
    for cmd in (["cert", "client", "--ca", ca, "--out", os.path.join(certs, "good"), "--name", "hunter"],
                ["cert", "ca", "--out", other, "--name", "another CA"],
                ["cert", "client", "--ca", other, "--out", os.path.join(certs, "foreign"), "--name", "hunter"],
                ["cert", "server", "--ca", other, "--out", os.path.join(certs, "foreign-server"),
                 "--dns", "localhost", "--ip", "127.0.0.1"],
                ["cert", "self-signed", "--out", os.path.join(certs, "self"), "--dns", "hunter"]):
        r = run([a.atoll] + cmd, a.work)
        c.check(r.returncode == 0, "atoll " + " ".join(cmd[:2]) + " " + cmd[-1], output(r))

    def files(name):
        return os.path.join(certs, name + ".crt"), os.path.join(certs, name + ".key")

    tls_port, http_port = free_port(), free_port()
    p, line = start(binary, ["--tls-port=%d" % tls_port, "--http-port=%d" % http_port,
                             "--secrets-dir=" + secrets], "pinata: the secret on TLS port")
    if not c.check(p is not None, "pinata boots", line):
        return c.done()
    cafile = os.path.join(secrets, "ca.crt")

    # The refused: nothing of the secret in what they get, nor on the wire.
    capture = os.path.join(a.work, "refused.pcap")
    cap, why = start_capture(capture, tls_port)
    refused = {"self-signed": files("self"), "another CA": files("foreign"), "no certificate": (None, None)}
    for what, (crt, key) in refused.items():
        rc, out = s_client(tls_port, cafile, crt, key)
        c.check(secret not in out, "%s: refused, no secret (s_client exit %d)" % (what, rc))
    if cap is None:
        print("SKIP: the capture assertion: %s" % why)
    else:
        stop_capture(cap)
        data = open(capture, "rb").read()
        c.check(len(data) > 24 + 16 * 3, "the capture holds the refused attempts (%d bytes)" % len(data))
        c.check(secret not in data, "the secret's bytes are not in the captured traffic")

    # The good certificate gets it.
    crt, key = files("good")
    rc, out = s_client(tls_port, cafile, crt, key)
    c.check(secret in out, "a client certificate from the piñata's CA gets the secret",
            out[-2000:].decode("latin-1").replace(secret.decode(), "<secret>"))

    # The page.
    r = subprocess.run(["curl", "-sS", "http://127.0.0.1:%d/" % http_port], capture_output=True, timeout=30)
    page = r.stdout.decode("utf-8", "replace")
    c.check(r.returncode == 0 and address in page, "the page shows the address", r.stderr.decode())
    c.check(secret.decode() not in page, "the page does not show the key")
    for name, value in (("connections", 4), ("successful handshakes (secret given)", 1),
                        ("failed handshakes", 3), ("failed: certificate_required", 1)):
        c.check(re.search(r"<td>%s</td><td>%d</td>" % (re.escape(name), value), page) is not None,
                "the page counts %s: %d" % (name, value))

    err = stop(p)
    c.check(secret.decode() not in err and secret.decode() not in line, "the secret is not on the console or log")

    # Client mode: to a server of the piñata's CA, and to a foreign one.
    for what, (crt, key), want in (("a server certified by the CA", (os.path.join(secrets, "server.crt"),
                                                                      os.path.join(secrets, "server.key")), 0),
                                   ("a server of another CA", files("foreign-server"), 1)):
        port = free_port()
        server = s_server(port, crt, key)
        r = subprocess.run([binary, "--client=127.0.0.1:%d" % port, "--secrets-dir=" + secrets],
                           capture_output=True, timeout=60)
        got = finish_server(server) if want == 0 else None
        if got is None:
            server.kill()
            got, _ = server.communicate()
        console = r.stdout + r.stderr
        c.check(r.returncode == want, "client mode to %s: exit %d" % (what, want),
                console.decode("latin-1").replace(secret.decode(), "<secret>"))
        c.check((secret in got) == (want == 0),
                "client mode to %s: the secret %s" % (what, "arrives" if want == 0 else "does not arrive"))
        c.check(secret not in console, "client mode to %s: the secret is not on the console" % what)
    return c.done()


if __name__ == "__main__":
    sys.exit(main())
