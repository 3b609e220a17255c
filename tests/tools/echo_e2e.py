#!/usr/bin/env python3
"""examples/echo through the atoll tool, over both stacks.

In a copy of examples/echo under --work: configure and build; --help lists the
stack keys; a bad --net, a bad address, a bad TAP name are clear boot failures
(exit status 2, one line naming the key or device). Then, sandboxed:
  --net=socket  TCP (hundreds of KiB, byte-exact) and UDP echo from Python
                over 127.0.0.1;
  --net=direct  in a network namespace of its own (unshare -n): a TAP
                interface made persistent, Linux's side 10.77.0.1/24 by
                `ip addr add`, echo on 10.77.0.2 through atoll's direct stack;
                then --dhcp, the address from a dnsmasq on Linux's side.
                Without /dev/net/tun, CAP_NET_ADMIN or unshare, this part is
                skipped and the reason printed.
"""
import argparse
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from e2e import build_unix, ENV, Checks, copy_app, direct_unavailable, free_port, output, run, start, stop  # noqa: E402

PAYLOAD = bytes((i * 131 + i // 251) & 0xFF for i in range(300 * 1024))


def start_echo(binary, args):
    """Starts the example; returns the process once it printed its first line, or (None, why)."""
    return start(binary, args, "echo: TCP and UDP port")


def tcp_echo(host, port, data):
    """Sends data and reads the echo at once (the echo waits for its reader); returns the bytes back."""
    s = socket.create_connection((host, port), timeout=20)
    s.setblocking(False)
    got, sent, deadline = bytearray(), 0, time.monotonic() + 30
    import selectors
    sel = selectors.DefaultSelector()
    sel.register(s, selectors.EVENT_READ | selectors.EVENT_WRITE)
    shut = False
    while time.monotonic() < deadline:
        for _, events in sel.select(timeout=1):
            if events & selectors.EVENT_WRITE and sent < len(data):
                try:
                    sent += s.send(data[sent:sent + 16384])
                except BlockingIOError:
                    pass
            if sent == len(data) and not shut:
                s.shutdown(socket.SHUT_WR)
                shut = True
                sel.modify(s, selectors.EVENT_READ)
            if events & selectors.EVENT_READ:
                try:
                    chunk = s.recv(65536)
                except BlockingIOError:
                    continue
                if not chunk:
                    s.close()
                    return bytes(got)
                got += chunk
    s.close()
    return bytes(got)


def udp_echo(host, port, sizes):
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    u.settimeout(5)
    ok = 0
    for n in sizes:
        data = PAYLOAD[:n]
        u.sendto(data, (host, port))
        back, sender = u.recvfrom(65536)
        ok += back == data and sender == (host, port)
    u.close()
    return ok


def direct_inside(binary, port):
    """Runs in a fresh network namespace: TAP, Linux's address, echo over the direct stack."""
    c = Checks()
    sh = lambda cmd: subprocess.run(cmd, shell=True, capture_output=True, text=True)  # noqa: E731
    for cmd in ("ip link set lo up", "ip tuntap add dev atl-echo mode tap",
                "ip addr add 10.77.0.1/24 dev atl-echo", "ip link set atl-echo up"):
        r = sh(cmd)
        if not c.check(r.returncode == 0, "netns: " + cmd, r.stderr):
            return c.done()
    p, line = start_echo(binary, ["--net=direct", "--tap=atl-echo", "--ipv4=10.77.0.2/24", "--port=%d" % port])
    if not c.check(p is not None, "--net=direct --tap=atl-echo --ipv4=10.77.0.2/24 boots", line):
        return c.done()
    got = tcp_echo("10.77.0.2", port, PAYLOAD)
    c.check(got == PAYLOAD, "direct stack: %d bytes of TCP echoed byte-exact (%d back)" % (len(PAYLOAD), len(got)))
    c.check(udp_echo("10.77.0.2", port, [1, 512, 1400]) == 3, "direct stack: UDP datagrams echoed to the sender")
    r = sh("ping -c 1 -W 2 10.77.0.2")
    c.check(r.returncode == 0, "direct stack: Linux pings 10.77.0.2", r.stdout + r.stderr)
    err = stop(p)
    c.check("task in" not in err, "no task failed", err)
    if shutil.which("dnsmasq"):
        dhcp(binary, port, c)
    else:
        print("skip --dhcp: no dnsmasq")
    return c.done()


def dhcp(binary, port, c):
    """--dhcp: the address (the one of a one-address range) from a dnsmasq on Linux's side."""
    work = tempfile.mkdtemp(prefix="echo-dhcp-")
    log = os.path.join(work, "dnsmasq.err")
    with open(log, "w") as err:
        # --no-ping: dnsmasq would otherwise wait 3 s before offering; --port=0: no DNS.
        d = subprocess.Popen(["dnsmasq", "--no-daemon", "--conf-file=/dev/null", "--port=0",
                              "--interface=atl-echo", "--bind-interfaces",
                              "--dhcp-range=10.77.0.50,10.77.0.50,255.255.255.0,2m",
                              "--dhcp-leasefile=" + os.path.join(work, "leases"),
                              "--pid-file=" + os.path.join(work, "pid"), "--user=root", "--group=root",
                              "--no-ping"], stderr=err, stdout=subprocess.DEVNULL)
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and "DHCP, IP range" not in open(log).read() and d.poll() is None:
        time.sleep(0.05)
    if not c.check(d.poll() is None, "dnsmasq serves DHCP on atl-echo", open(log).read()):
        return
    p, line = start_echo(binary, ["--net=direct", "--tap=atl-echo", "--dhcp", "--port=%d" % port])
    if c.check(p is not None, "--net=direct --dhcp boots", line):
        got, deadline = b"", time.monotonic() + 20
        while time.monotonic() < deadline and got != PAYLOAD[:5000]:
            try:
                got = tcp_echo("10.77.0.50", port, PAYLOAD[:5000])
            except OSError:
                time.sleep(0.2)
        c.check(got == PAYLOAD[:5000], "direct stack over a DHCP lease: TCP echo on 10.77.0.50", open(log).read())
        stop(p)
    d.terminate()
    d.wait()
    shutil.rmtree(work, ignore_errors=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--atoll")
    ap.add_argument("--example")
    ap.add_argument("--work")
    ap.add_argument("--direct-inside", nargs=2, metavar=("BINARY", "PORT"))
    a = ap.parse_args()
    if a.direct_inside:
        return direct_inside(a.direct_inside[0], int(a.direct_inside[1]))
    c = Checks()
    os.makedirs(a.work, exist_ok=True)
    copy_app(a.example, os.path.join(a.work, "echo"))
    binary = build_unix(c, a.atoll, a.work, "echo")
    if binary is None:
        return c.done()

    r = run([binary, "--help"], a.work)
    c.check(r.returncode == 0 and all(k in r.stdout for k in ("--port", "--max-connections", "--net", "--tap",
                                                               "--ipv4", "--ipv4-gateway", "--dhcp", "--ipv6")),
            "--help lists the application's keys and the stack's", output(r))
    r = run([a.atoll, "describe"], a.work)
    c.check(r.returncode == 0 and "atl::unix_target::socket_stack | atl::net::direct_stack" in r.stdout,
            "describe shows both stacks of device 'net'", output(r))
    for args, message, what in (
            (["--net=bogus"], "echo: key 'net': 'bogus' is not a stack: use socket or direct\n", "--net=bogus"),
            (["--net=direct"], "echo: key 'ipv4': --net=direct needs an address (--ipv4=10.0.0.2/24) or --dhcp\n",
             "--net=direct without an address"),
            (["--net=direct", "--ipv4=10.0.0.300/24"], None, "a bad --ipv4"),
            (["--net=direct", "--ipv4=10.0.0.2/24", "--tap=" + "t" * 20], None, "a TAP name too long"),
            (["--ipv4=10.0.0.2/24"], "echo: key 'ipv4': applies to --net=direct (the socket stack has the "
             "host's addresses)\n", "--ipv4 with the socket stack")):
        r = run([binary] + args, a.work)
        good = r.returncode == 2 and r.stdout == "" and r.stderr.count("\n") == 1
        if message is not None:
            good = good and r.stderr == message
        elif "TAP" in what:
            good = good and r.stderr.startswith("echo: device 'net' (TAP '")
        else:
            good = good and r.stderr.startswith("echo: key 'ipv4': ")
        c.check(good, what + " is a clear boot failure: " + r.stderr.strip(), output(r))

    port = free_port()
    p, line = start_echo(binary, ["--port=%d" % port])
    if c.check(p is not None, "--net=socket (the default) boots, sandboxed", line):
        got = tcp_echo("127.0.0.1", port, PAYLOAD)
        c.check(got == PAYLOAD, "socket stack: %d bytes of TCP echoed byte-exact (%d back)" % (len(PAYLOAD), len(got)))
        c.check(udp_echo("127.0.0.1", port, [1, 512, 1400, 9000]) == 4, "socket stack: UDP datagrams echoed")
        err = stop(p)
        c.check("task in" not in err, "no task failed", err)

    why = direct_unavailable()
    if why:
        print("skip --net=direct over TAP: " + why)
    else:
        r = subprocess.run(["unshare", "-n", sys.executable, os.path.abspath(__file__),
                            "--direct-inside", binary, str(free_port())],
                           capture_output=True, text=True, timeout=300, env=ENV)
        sys.stdout.write(r.stdout)
        c.check(r.returncode == 0, "--net=direct in a network namespace", r.stderr)
    return c.done()


if __name__ == "__main__":
    sys.exit(main())
