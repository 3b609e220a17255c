#!/usr/bin/env python3
"""Captures reference frames from the Linux kernel's own TCP/IP stack.

Run as root: `tests/net/packets/capture.py > tests/net/packets/linux_frames.txt`.

It makes two network namespaces joined by a veth pair (no other interface is
touched and both namespaces are deleted at the end):

    atlwire_a: va 02:00:00:00:0a:01  10.9.0.1/24  fd09::1/64
    atlwire_b: vb 02:00:00:00:0b:02  10.9.0.2/24  fd09::2/64

sniffs vb with an AF_PACKET socket while `a` brings its link up (router
solicitation, DAD, MLD), pings `b` (ARP, ICMP echo, neighbour discovery),
sends UDP to a closed port (ICMP port unreachable, twice with a datagram
larger than the MTU: IPv4 fragments, IPv6 fragment headers, errors quoting
576 and 1280 bytes) and opens a TCP connection to a server in `b` (the
handshake with MSS, SACK-permitted, timestamps and window scale; data; FIN).
Transmit checksum offload is turned off on both ends, so every checksum is
computed by the kernel. Every frame is the kernel's except the payload of the ICMPv4 echo request,
whose header this script writes (the kernel writes the IPv4 header).

Output: one line per kind of frame, the first seen: "<name> <hex>". The
names are what tests/net/packets/generate.py and the tests use.
"""
import binascii
import os
import socket
import struct
import subprocess
import sys
import time

A, B = "atlwire_a", "atlwire_b"


def sh(*args):
    subprocess.run(args, check=True)


def in_ns(ns, *args):
    return ["ip", "netns", "exec", ns, *args]


def classify(frame):
    et = struct.unpack("!H", frame[12:14])[0]
    if et == 0x0806:
        return "arp_request" if frame[21] == 1 else "arp_reply"
    if et == 0x0800:
        ip = frame[14:]
        ihl = (ip[0] & 15) * 4
        frag = struct.unpack("!H", ip[6:8])[0]
        proto, l4 = ip[9], ip[ihl:]
        if frag & 0x3FFF:
            if frag & 0x1FFF == 0:
                return "ipv4_frag_first"
            return "ipv4_frag_middle" if frag & 0x2000 else "ipv4_frag_last"
        if proto == 1:
            names = {8: "icmpv4_echo_request", 0: "icmpv4_echo_reply"}
            if l4[0] == 3:
                return "icmpv4_port_unreachable" + ("_576" if len(ip) == 576 else "")
            return names.get(l4[0])
        if proto == 17:
            return "ipv4_udp"
        if proto == 6:
            flags = l4[13]
            return {0x02: "ipv4_tcp_syn", 0x12: "ipv4_tcp_synack", 0x18: "ipv4_tcp_data",
                    0x11: "ipv4_tcp_fin"}.get(flags)
    if et == 0x86DD:
        ip = frame[14:]
        nh, l4 = ip[6], ip[40:]
        src_unspecified = ip[8:24] == bytes(16)
        if nh == 0:
            return "ipv6_hbh_mld_report"
        if nh == 44:
            off = struct.unpack("!H", l4[2:4])[0]
            if off & 0xFFF8 == 0:
                return "ipv6_frag_first"
            return "ipv6_frag_middle" if off & 1 else "ipv6_frag_last"
        if nh == 58:
            t = l4[0]
            if t == 135:
                return "ndp_ns_dad" if src_unspecified else "ndp_ns"
            if t == 1:
                return "icmpv6_port_unreachable" + ("_1280" if len(ip) == 1280 else "")
            return {133: "ndp_rs", 136: "ndp_na", 128: "icmpv6_echo_request",
                    129: "icmpv6_echo_reply"}.get(t)
        if nh == 17:
            return "ipv6_udp"
        if nh == 6:
            return {0x02: "ipv6_tcp_syn", 0x12: "ipv6_tcp_synack", 0x18: "ipv6_tcp_data",
                    0x14: "ipv6_tcp_rst", 0x11: "ipv6_tcp_fin"}.get(l4[13])
    return None


def no_tx_checksum(dev):
    """ethtool -K dev tx off, through SIOCETHTOOL (ETHTOOL_STXCSUM): veth
    otherwise leaves the TCP and UDP checksums to an offload that never runs."""
    import ctypes
    import fcntl

    value = struct.pack("II", 0x17, 0)  # ETHTOOL_STXCSUM, off
    buf = ctypes.create_string_buffer(value)
    ifreq = struct.pack("16sP", dev.encode(), ctypes.addressof(buf))
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    fcntl.ioctl(s.fileno(), 0x8946, ifreq)  # SIOCETHTOOL


def sniff(seconds, out):
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(3))
    s.bind(("vb", 0))
    s.settimeout(0.2)
    end = time.time() + seconds
    with open(out, "w") as f:
        while time.time() < end:
            try:
                data = s.recv(65535)
            except socket.timeout:
                continue
            f.write(binascii.hexlify(data).decode() + "\n")
            f.flush()


def serve():
    import threading

    def one(family, addr):
        s = socket.socket(family, socket.SOCK_STREAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind((addr, 7777))
        s.listen(4)
        s.settimeout(10)
        try:
            while True:
                c, _ = s.accept()
                c.recv(100)
                c.sendall(b"bye")
                c.close()
        except socket.timeout:
            pass

    threads = [threading.Thread(target=one, args=(socket.AF_INET, "10.9.0.2")),
               threading.Thread(target=one, args=(socket.AF_INET6, "fd09::2"))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


def client():
    def csum(b):
        b += b"\0" * (len(b) % 2)
        s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
        while s >> 16:
            s = (s & 0xFFFF) + (s >> 16)
        return ~s & 0xFFFF

    time.sleep(3)  # the link comes up: RS, DAD, MLD
    r = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
    data = b"atoll ping v4 0123456789abcdef"
    h = struct.pack("!BBHHH", 8, 0, 0, 0x1234, 1)
    r.sendto(struct.pack("!BBHHH", 8, 0, csum(h + data), 0x1234, 1) + data, ("10.9.0.2", 0))
    time.sleep(0.5)
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    u.sendto(b"nobody listens here", ("10.9.0.2", 9))
    time.sleep(0.5)
    c = socket.create_connection(("10.9.0.2", 7777))
    c.sendall(b"hello atoll")
    c.recv(10)
    c.close()
    time.sleep(0.5)
    u.sendto(bytes(range(256)) * 12, ("10.9.0.2", 9))
    time.sleep(1.1)  # ICMP rate limit
    r6 = socket.socket(socket.AF_INET6, socket.SOCK_RAW, socket.IPPROTO_ICMPV6)
    r6.sendto(struct.pack("!BBHHH", 128, 0, 0, 0x4321, 1) + b"atoll ping v6 0123456789abcdef",
              ("fd09::2", 0))
    time.sleep(0.5)
    u6 = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
    u6.sendto(b"nobody listens here either", ("fd09::2", 9))
    time.sleep(0.5)
    c6 = socket.create_connection(("fd09::2", 7777))
    c6.sendall(b"hello atoll v6")
    c6.recv(10)
    c6.close()
    time.sleep(1.1)
    u6.sendto(bytes(range(256)) * 12, ("fd09::2", 9))
    time.sleep(0.5)


def main():
    role = sys.argv[1] if len(sys.argv) > 1 else "run"
    if role == "sniff":
        return sniff(float(sys.argv[2]), sys.argv[3])
    if role == "serve":
        return serve()
    if role == "client":
        return client()
    if role == "nocsum":
        return no_tx_checksum(sys.argv[2])
    me = os.path.abspath(__file__)
    raw = "/tmp/atlwire_frames.txt"
    sh("ip", "netns", "add", A)
    sh("ip", "netns", "add", B)
    try:
        sh("ip", "link", "add", "va", "type", "veth", "peer", "name", "vb")
        sh("ip", "link", "set", "va", "netns", A)
        sh("ip", "link", "set", "vb", "netns", B)
        for ns, dev, mac, v4, v6 in ((A, "va", "02:00:00:00:0a:01", "10.9.0.1/24", "fd09::1/64"),
                                     (B, "vb", "02:00:00:00:0b:02", "10.9.0.2/24", "fd09::2/64")):
            sh(*in_ns(ns, "ip", "link", "set", dev, "address", mac))
            sh(*in_ns(ns, "sysctl", "-q", f"net.ipv6.conf.{dev}.accept_dad=0" if ns == B else
                      f"net.ipv6.conf.{dev}.accept_dad=1"))
            sh(*in_ns(ns, "ip", "addr", "add", v4, "dev", dev))
            sh(*in_ns(ns, "ip", "-6", "addr", "add", v6, "dev", dev))
            sh(*in_ns(ns, "ip", "link", "set", "lo", "up"))
            sh(*in_ns(ns, sys.executable, me, "nocsum", dev))
        sh(*in_ns(B, "ip", "link", "set", "vb", "up"))
        sniffer = subprocess.Popen(in_ns(B, sys.executable, me, "sniff", "14", raw))
        time.sleep(0.5)
        server = subprocess.Popen(in_ns(B, sys.executable, me, "serve"))
        time.sleep(0.5)
        sh(*in_ns(A, "ip", "link", "set", "va", "up"))
        sh(*in_ns(A, sys.executable, me, "client"))
        sniffer.wait()
        server.wait()
    finally:
        subprocess.run(["ip", "netns", "del", A])
        subprocess.run(["ip", "netns", "del", B])
    seen = set()
    for line in open(raw):
        frame = bytes.fromhex(line.strip())
        name = classify(frame)
        if name and name not in seen:
            seen.add(name)
            print(name, frame.hex())
    os.unlink(raw)


if __name__ == "__main__":
    main()
