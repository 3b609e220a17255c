#!/usr/bin/env python3
"""atoll cert end to end, checked with the openssl command.

A CA, server, client and self-signed certificates (ECDSA and RSA): `openssl
verify` with the purposes and names they are for (and not against another
CA), their extensions in `openssl x509 -text`, the validity window, key files
of mode 0600 that `openssl ec -check` accepts and that match their
certificates, a TLS handshake with a client certificate through `openssl
s_server` and `s_client`. The Bitcoin key: the address printed alone,
recomputed here from the WIF key with openssl (secp256k1) and hashlib. Every
error: one line on stderr, exit status 2, nothing written, no key printed.
"""
import argparse
import datetime
import hashlib
import os
import shutil
import socket
import stat
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from e2e import Checks, output, run  # noqa: E402

B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"


def b58decode(text):
    n = 0
    for ch in text:
        n = n * 58 + B58.index(ch)
    raw = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return b"\0" * (len(text) - len(text.lstrip("1"))) + raw


def b58check_encode(payload):
    data = payload + hashlib.sha256(hashlib.sha256(payload).digest()).digest()[:4]
    n = int.from_bytes(data, "big")
    out = ""
    while n:
        n, r = divmod(n, 58)
        out = B58[r] + out
    return "1" * (len(data) - len(data.lstrip(b"\0"))) + out


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--atoll", required=True)
    ap.add_argument("--work", required=True)
    a = ap.parse_args()
    c = Checks()
    work = os.path.abspath(a.work)
    tool = os.path.abspath(a.atoll)
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    if shutil.which("openssl") is None:
        print("openssl is not installed (scripts/setup installs it)")
        return 1

    said = []  # every stdout and stderr of the tool: no private key may appear

    def atoll(*args):
        r = run([tool, "cert"] + list(args), work, timeout=120)
        said.append(r.stdout + r.stderr)
        return r

    def ossl(*args, stdin=None):
        return subprocess.run(["openssl"] + list(args), cwd=work, capture_output=True,
                              input=stdin, timeout=60)

    def text_of(r):
        return (r.stdout + r.stderr).decode(errors="replace")

    def path(name):
        return os.path.join(work, name)

    def made(what, *args, out):
        r = atoll(*args)
        c.check(r.returncode == 0 and r.stdout == "wrote %s.crt and %s.key\n" % (out, out)
                and r.stderr == "", what, output(r))

    # --- the certificates ---------------------------------------------------
    made("ca", "ca", "--out", "ca", "--name", "Test CA", "--days", "10", out="ca")
    made("other ca", "ca", "--out", "other", out="other")
    made("server", "server", "--ca", "ca", "--out", "srv", "--dns", "localhost", "--dns",
         "www.example.test", "--ip", "127.0.0.1", "--ip", "::1", "--days", "5", out="srv")
    made("client", "client", "--ca", "ca", "--out", "cli", "--name", "alice", out="cli")
    made("self-signed", "self-signed", "--out", "self", "--dns", "localhost", "--ip", "127.0.0.1",
         out="self")
    made("rsa ca", "ca", "--out", "rsaca", "--key", "rsa2048", out="rsaca")
    made("rsa server", "server", "--ca", "rsaca", "--out", "rsasrv", "--dns", "localhost", "--key",
         "rsa2048", out="rsasrv")

    for name in ("ca", "other", "srv", "cli", "self", "rsaca", "rsasrv"):
        mode = stat.S_IMODE(os.stat(path(name + ".key")).st_mode)
        c.check(mode == 0o600, "%s.key has mode 0600" % name, "mode %o" % mode)
        key_pub = ossl("pkey", "-in", name + ".key", "-pubout")
        crt_pub = ossl("x509", "-in", name + ".crt", "-noout", "-pubkey")
        c.check(key_pub.returncode == 0 and key_pub.stdout == crt_pub.stdout,
                "%s.key is the key of %s.crt" % (name, name), text_of(key_pub) + text_of(crt_pub))
    for name in ("ca", "srv", "cli", "self"):
        r = ossl("ec", "-in", name + ".key", "-check", "-noout")
        c.check(r.returncode == 0 and "EC Key valid" in text_of(r), "openssl ec -check %s.key" % name,
                text_of(r))
    r = ossl("rsa", "-in", "rsasrv.key", "-check", "-noout")
    c.check(r.returncode == 0 and "RSA key ok" in text_of(r), "openssl rsa -check rsasrv.key", text_of(r))

    def verify(what, ca, cert, *opts, good=True):
        r = ossl("verify", "-CAfile", ca, *opts, cert)
        ok = r.returncode == 0 and (cert + ": OK") in text_of(r)
        c.check(ok if good else r.returncode != 0, what, text_of(r))

    verify("server verifies: sslserver, localhost", "ca.crt", "srv.crt", "-purpose", "sslserver",
           "-verify_hostname", "localhost")
    verify("server verifies: www.example.test", "ca.crt", "srv.crt", "-verify_hostname",
           "www.example.test")
    verify("server verifies: 127.0.0.1", "ca.crt", "srv.crt", "-verify_ip", "127.0.0.1")
    verify("server verifies: ::1", "ca.crt", "srv.crt", "-verify_ip", "::1")
    verify("client verifies: sslclient", "ca.crt", "cli.crt", "-purpose", "sslclient")
    verify("rsa server verifies", "rsaca.crt", "rsasrv.crt", "-purpose", "sslserver")
    verify("self-signed verifies against itself", "self.crt", "self.crt", "-purpose", "sslserver",
           "-verify_hostname", "localhost")
    verify("server does not verify against another CA", "other.crt", "srv.crt", good=False)
    verify("client does not verify against another CA", "other.crt", "cli.crt", good=False)
    verify("server is not for another name", "ca.crt", "srv.crt", "-verify_hostname", "evil.test",
           good=False)
    verify("client certificate is not a server's", "ca.crt", "cli.crt", "-purpose", "sslserver",
           good=False)
    verify("server certificate is not a client's", "ca.crt", "srv.crt", "-purpose", "sslclient",
           good=False)

    def x509_text(name):
        return text_of(ossl("x509", "-in", name, "-noout", "-text"))

    ca_text = x509_text("ca.crt")
    for want in ("Subject: CN = Test CA", "Issuer: CN = Test CA", "X509v3 Basic Constraints: critical",
                 "CA:TRUE, pathlen:0", "X509v3 Key Usage: critical", "Certificate Sign, CRL Sign",
                 "ecdsa-with-SHA256", "NIST CURVE: P-256"):
        c.check(want in ca_text, "ca.crt shows '%s'" % want, ca_text)
    srv_text = x509_text("srv.crt")
    for want in ("Subject: CN = localhost", "Issuer: CN = Test CA", "CA:FALSE", "Digital Signature",
                 "TLS Web Server Authentication", "DNS:localhost", "DNS:www.example.test",
                 "IP Address:127.0.0.1", "IP Address:0:0:0:0:0:0:0:1", "X509v3 Authority Key Identifier"):
        c.check(want in srv_text, "srv.crt shows '%s'" % want, srv_text)
    cli_text = x509_text("cli.crt")
    for want in ("Subject: CN = alice", "TLS Web Client Authentication", "CA:FALSE"):
        c.check(want in cli_text, "cli.crt shows '%s'" % want, cli_text)
    c.check("Subject Alternative Name" not in cli_text, "cli.crt has no subjectAltName", cli_text)
    self_text = x509_text("self.crt")
    for want in ("Subject: CN = localhost", "Issuer: CN = localhost", "CA:FALSE", "DNS:localhost",
                 "TLS Web Server Authentication"):
        c.check(want in self_text, "self.crt shows '%s'" % want, self_text)

    with open(path("srv.crt")) as f:
        chain = f.read()
    with open(path("ca.crt")) as f:
        ca_pem = f.read()
    c.check(chain.count("BEGIN CERTIFICATE") == 2 and chain.endswith(ca_pem),
            "srv.crt is the leaf, then the CA", chain)

    # Validity: from an hour ago; --days 5 after now.
    now = datetime.datetime.now(datetime.timezone.utc)

    def dates(name):
        r = ossl("x509", "-in", name, "-noout", "-startdate", "-enddate")
        values = dict(line.split("=", 1) for line in text_of(r).splitlines() if "=" in line)

        def parse(v):
            return datetime.datetime.strptime(v.replace("  ", " "), "%b %d %H:%M:%S %Y %Z").replace(
                tzinfo=datetime.timezone.utc)
        return parse(values["notBefore"]), parse(values["notAfter"])

    start, end = dates("srv.crt")
    c.check(abs((start - (now - datetime.timedelta(hours=1))).total_seconds()) < 120,
            "srv.crt is valid from an hour ago", str(start))
    c.check(abs((end - (now + datetime.timedelta(days=5))).total_seconds()) < 120,
            "srv.crt is valid for 5 days", str(end))
    serials = {text_of(ossl("x509", "-in", n, "-noout", "-serial")) for n in ("ca.crt", "other.crt")}
    c.check(len(serials) == 2, "serial numbers differ", str(serials))

    # --- a handshake: s_server -www with the server's certificate, asking for
    # a client certificate from the CA; s_client checks the server's name.
    def handshake(what, client_cert, good):
        port = free_port()
        server = subprocess.Popen(
            ["openssl", "s_server", "-accept", "127.0.0.1:%d" % port, "-naccept", "1",
             "-cert", "srv.crt", "-key", "srv.key", "-CAfile", "ca.crt", "-Verify", "1",
             "-verify_return_error", "-www"],
            cwd=work, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        try:
            # Until s_server listens, s_client finds the port closed; no probe
            # connection, as -naccept 1 would count it.
            deadline = time.time() + 10
            while True:
                client = subprocess.run(
                    ["openssl", "s_client", "-connect", "127.0.0.1:%d" % port, "-CAfile", "ca.crt",
                     "-verify_return_error", "-verify_hostname", "localhost", "-cert", client_cert,
                     "-key", client_cert.replace(".crt", ".key"), "-brief", "-ign_eof"],
                    cwd=work, input=b"GET / HTTP/1.0\r\n\r\n", capture_output=True, timeout=30)
                refused = b"errno=111" in client.stderr or b"refused" in client.stderr
                if not refused or time.time() > deadline:
                    break
                time.sleep(0.1)
        finally:
            try:
                out, err = server.communicate(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
                out, err = server.communicate()
        detail = "client:\n%s\nserver:\n%s" % (text_of(client), (out + err).decode(errors="replace"))
        # -www answers with a status page that names the client's certificate.
        page = client.stdout
        if good:
            c.check(client.returncode == 0 and b"Verification: OK" in client.stderr
                    and b"HTTP/1.0 200 ok" in page and b"CN=alice" in page, what, detail)
        else:
            # The client got as far as checking the server: the server said no.
            c.check(b"Verification: OK" in client.stderr and b"HTTP/1.0 200 ok" not in page, what,
                    detail)

    handshake("TLS: s_client (client cert from the CA) and s_server (the chain)", "cli.crt", True)
    handshake("TLS: a client certificate from another CA is refused", "self.crt", False)

    # --- Bitcoin --------------------------------------------------------------
    r = atoll("bitcoin", "--out", "btc")
    with open(path("btc.address")) as f:
        address = f.read()
    with open(path("btc.key")) as f:
        wif = f.read().strip()
    c.check(r.returncode == 0 and r.stdout == address and r.stderr == "" and address.startswith("1"),
            "bitcoin prints the address only", output(r))
    mode = stat.S_IMODE(os.stat(path("btc.key")).st_mode)
    c.check(mode == 0o600, "btc.key has mode 0600", "mode %o" % mode)
    c.check(len(wif) == 52 and wif[0] in "KL", "btc.key is a compressed WIF key")
    r = atoll("bitcoin-address", "--key", "btc.key")
    c.check(r.returncode == 0 and r.stdout == address, "bitcoin-address prints the same address",
            output(r))
    # The address again, independently: the WIF's scalar as an SEC1 key for
    # openssl, which gives the compressed point; hash160 and Base58Check here.
    payload = b58decode(wif)
    body, check = payload[:-4], payload[-4:]
    c.check(hashlib.sha256(hashlib.sha256(body).digest()).digest()[:4] == check and body[0] == 0x80
            and len(body) == 34 and body[33] == 1, "btc.key: WIF checksum, version, compressed flag")
    sec1 = bytes.fromhex("302e0201010420") + body[1:33] + bytes.fromhex("a00706052b8104000a")
    pub = ossl("ec", "-inform", "DER", "-pubout", "-outform", "DER", "-conv_form", "compressed",
               stdin=sec1)
    try:
        ripemd = hashlib.new("ripemd160")
    except ValueError:
        ripemd = None
    if pub.returncode == 0 and ripemd is not None:
        point = pub.stdout[-33:]
        ripemd.update(hashlib.sha256(point).digest())
        c.check(b58check_encode(b"\0" + ripemd.digest()) + "\n" == address,
                "the address is hash160 of openssl's compressed public key")
    else:
        print("skip the independent address check (%s)" %
              ("no RIPEMD-160 in hashlib" if ripemd is None else text_of(pub).strip()))

    # --- errors ------------------------------------------------------------------
    def error(what, args, expected):
        before = sorted(os.listdir(work))
        r = atoll(*args)
        lines = r.stderr.splitlines()
        c.check(r.returncode == 2 and r.stdout == "" and len(lines) == 1
                and lines[0].startswith("atoll: cert: ") and expected in lines[0]
                and sorted(os.listdir(work)) == before, what, "expected: %s\n%s" % (expected, output(r)))

    error("no --out", ["ca"], "cert ca needs --out PREFIX")
    error("bad --days", ["ca", "--out", "x", "--days", "0"], "bad --days '0' (1 to 36500)")
    error("--days not a number", ["server", "--ca", "ca", "--out", "x", "--dns", "a", "--days", "1y"],
          "bad --days '1y'")
    error("unknown action", ["frob"], "unknown action 'frob'")
    error("existing files", ["ca", "--out", "ca"], "exists (--force replaces it)")
    error("existing bitcoin key", ["bitcoin", "--out", "btc"], "btc.key exists (--force replaces it)")
    error("no such CA", ["server", "--ca", "nope", "--out", "x", "--dns", "a"],
          "cannot read nope.crt: No such file or directory")
    error("a leaf is not a CA", ["client", "--ca", "cli", "--out", "x", "--name", "bob"], "not a CA")
    error("bad IP", ["server", "--ca", "ca", "--out", "x", "--ip", "1.2.3"], "bad IP address '1.2.3'")
    error("bad DNS name", ["self-signed", "--out", "x", "--dns", "a b"], "bad DNS name 'a b'")
    error("unwritable folder", ["ca", "--out", "ca.crt/sub/x"], "cannot write ca.crt/sub/x.key")
    error("bad WIF", ["bitcoin-address", "--key", "ca.key"], "not a WIF key")
    if os.geteuid() != 0:  # root writes anywhere
        os.makedirs(path("locked"))
        os.chmod(path("locked"), 0o500)
        error("folder without write permission", ["ca", "--out", "locked/ca"],
              "cannot write locked/ca.key: Permission denied")
        os.chmod(path("locked"), 0o700)
    r = atoll()
    c.check(r.returncode == 2 and r.stderr.startswith("atoll: cert: which certificate?"),
            "atoll cert alone", output(r))
    r = atoll("help")
    c.check(r.returncode == 0 and "atoll cert ca --out" in r.stdout, "atoll cert help", output(r))

    with open(path("ca.key")) as f:
        old_key = f.read()
    r = atoll("ca", "--out", "ca", "--force")
    with open(path("ca.key")) as f:
        c.check(r.returncode == 0 and f.read() != old_key, "--force replaces the CA", output(r))

    # No private key in anything the tool said.
    secrets = [wif]
    for name in ("ca", "other", "srv", "cli", "self", "rsaca", "rsasrv"):
        with open(path(name + ".key")) as f:
            secrets.append("".join(f.read().splitlines()[1:-1])[:40])
    everything = "\n".join(said)
    c.check("PRIVATE KEY" not in everything and not any(s in everything.replace("\n", "")
                                                          for s in secrets),
            "no private key in the tool's output")
    return c.done()


if __name__ == "__main__":
    sys.exit(main())
