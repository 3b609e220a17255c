#!/usr/bin/env python3
"""Writes the reference packets of the net tests and the fuzz seed corpora.

    tests/net/packets/generate.py      (then scripts/format)

Two sources, both checked here with a checksum written independently of the
C++ one (a plain sum of 16-bit words, RFC 1071 section 4.1's algorithm):

  * linux_frames.txt: frames captured from the Linux kernel's stack by
    capture.py (see there how);
  * frames built below with the struct module from the RFC layouts, for
    what that capture cannot show: an 802.1Q tag, IPv4 options, an IPv6
    extension-header chain, SACK blocks, "fragmentation needed", "packet
    too big", a router advertisement with prefixes and MTU, and DHCPv4
    messages (with option overload and a split option, RFC 3396).

Outputs: tests/net/packets.hpp (one std::array per frame, in namespace
atl::net::test_packets) and tests/fuzz/corpus/<harness>/<frame> for the
harnesses ethernet, arp, ipv4, ipv6, icmp, udp, tcp and dhcp. The seed format
of icmp, udp and tcp is one family byte (4 or 6), the source and
destination addresses, then the message (tests/fuzz/net_fuzz.hpp).
"""
import os
import struct
import subprocess

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", "..", ".."))


def csum(data):
    if len(data) % 2:
        data += b"\0"
    total = 0
    for i in range(0, len(data), 2):
        total += (data[i] << 8) | data[i + 1]
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return ~total & 0xFFFF


def mac(text):
    return bytes(int(x, 16) for x in text.split(":"))


def ip4(text):
    return bytes(int(x) for x in text.split("."))


def ip6(text):
    import ipaddress
    return ipaddress.IPv6Address(text).packed


def eth(dst, src, etype, payload, vlan=None):
    head = mac(dst) + mac(src)
    if vlan is not None:
        head += struct.pack("!HH", 0x8100, vlan)
    return head + struct.pack("!H", etype) + payload


def ipv4(src, dst, proto, payload, ttl=64, ident=0, flags_frag=0x4000, options=b""):
    ihl = 5 + len(options) // 4
    h = struct.pack("!BBHHHBBH4s4s", 0x40 | ihl, 0, ihl * 4 + len(payload), ident, flags_frag, ttl,
                    proto, 0, ip4(src), ip4(dst)) + options
    h = h[:10] + struct.pack("!H", csum(h)) + h[12:]
    return h + payload


def ipv6(src, dst, nh, payload, hlim=64):
    return struct.pack("!IHBB16s16s", 6 << 28, len(payload), nh, hlim, ip6(src), ip6(dst)) + payload


def pseudo4(src, dst, proto, length):
    return ip4(src) + ip4(dst) + struct.pack("!BBH", 0, proto, length)


def pseudo6(src, dst, nh, length):
    return ip6(src) + ip6(dst) + struct.pack("!IxxxB", length, nh)


def with_checksum(msg, at, pseudo):
    c = csum(pseudo + msg)
    if c == 0 and at == 6:  # UDP
        c = 0xFFFF
    return msg[:at] + struct.pack("!H", c) + msg[at + 2:]


def udp(sport, dport, payload, pseudo_of):
    msg = struct.pack("!HHHH", sport, dport, 8 + len(payload), 0) + payload
    return with_checksum(msg, 6, pseudo_of(17, len(msg)))


def tcp(sport, dport, seq, ack, flags, window, options, payload, pseudo_of):
    doff = 5 + len(options) // 4
    msg = struct.pack("!HHIIBBHHH", sport, dport, seq, ack, doff << 4, flags, window, 0, 0)
    msg += options + payload
    return with_checksum(msg, 16, pseudo_of(6, len(msg)))


def icmpv4(t, code, rest, data):
    msg = struct.pack("!BBH", t, code, 0) + rest + data
    return msg[:2] + struct.pack("!H", csum(msg)) + msg[4:]


def icmpv6(src, dst, t, code, body):
    msg = struct.pack("!BBH", t, code, 0) + body
    return with_checksum(msg, 2, pseudo6(src, dst, 58, len(msg)))


MAC_A, MAC_B = "02:00:00:00:0a:01", "02:00:00:00:0b:02"
MAC_ROUTER = "02:00:00:00:00:fe"


def built():
    frames = {}
    p4 = lambda s, d: (lambda proto, n: pseudo4(s, d, proto, n))
    p6 = lambda s, d: (lambda nh, n: pseudo6(s, d, nh, n))

    # 802.1Q: VLAN 42, priority 5, carrying a UDP datagram.
    dgram = udp(5353, 5353, b"tagged", p4("10.9.0.1", "10.9.0.2"))
    frames["vlan_udp"] = eth(MAC_B, MAC_A, 0x0800, ipv4("10.9.0.1", "10.9.0.2", 17, dgram),
                             vlan=(5 << 13) | 42)

    # IPv4 with options: NOP, router alert (RFC 2113, 4 bytes), NOP, NOP, end of list.
    options = bytes([1, 148, 4, 0, 0, 1, 1, 0])
    dgram = udp(4000, 4001, b"with options", p4("10.9.0.1", "10.9.0.2"))
    frames["ipv4_options"] = eth(MAC_B, MAC_A, 0x0800,
                                 ipv4("10.9.0.1", "10.9.0.2", 17, dgram, options=options))

    # TCP ACK carrying timestamps and three SACK blocks, Linux's layout.
    opts = bytes([1, 1, 8, 10]) + struct.pack("!II", 1000, 2000)
    opts += bytes([1, 1, 5, 26]) + struct.pack("!6I", 100, 200, 300, 400, 500, 600)
    seg = tcp(7777, 40000, 1, 2, 0x10, 502, opts, b"", p4("10.9.0.2", "10.9.0.1"))
    frames["ipv4_tcp_sack"] = eth(MAC_A, MAC_B, 0x0800, ipv4("10.9.0.2", "10.9.0.1", 6, seg))

    # A chain: hop-by-hop (PadN), destination options (Pad1 x2, PadN),
    # routing type 4 with no segments left, then UDP.
    s6, d6 = "fd09::1", "fd09::2"
    dgram = udp(4000, 4001, b"behind a chain", p6(s6, d6))
    hbh = bytes([60, 0, 1, 4, 0, 0, 0, 0])
    dst = bytes([43, 0, 0, 0, 1, 2, 0, 0])
    rt = bytes([17, 2, 4, 0, 0, 0, 0, 0]) + ip6("fd09::2")
    frames["ipv6_ext_chain"] = eth(MAC_B, MAC_A, 0x86DD, ipv6(s6, d6, 0, hbh + dst + rt + dgram))

    # Fragmentation needed (RFC 1191), quoting a TCP segment's header and 8 bytes.
    seg = tcp(40000, 443, 1, 0, 0x02, 64240, b"", b"", p4("10.9.0.1", "203.0.113.9"))
    quoted = ipv4("10.9.0.1", "203.0.113.9", 6, seg)[:28]
    msg = icmpv4(3, 4, struct.pack("!HH", 0, 1400), quoted)
    frames["icmpv4_frag_needed"] = eth(MAC_A, MAC_ROUTER, 0x0800,
                                       ipv4("10.9.0.254", "10.9.0.1", 1, msg, ident=7, flags_frag=0))

    # Packet too big, quoting an IPv6 header and 8 bytes.
    inner = ipv6("fd09::1", "2001:db8::9", 17, udp(4000, 53, b"x" * 1400,
                                                    p6("fd09::1", "2001:db8::9")))[:48]
    msg = icmpv6("fd09::fe", "fd09::1", 2, 0, struct.pack("!I", 1280) + inner)
    frames["icmpv6_packet_too_big"] = eth(MAC_A, MAC_ROUTER, 0x86DD,
                                          ipv6("fd09::fe", "fd09::1", 58, msg))

    # Router advertisement: hop limit 64, O flag, lifetime 1800 s, reachable
    # 30000 ms, retrans 1000 ms; source link-layer, MTU 1500, and two prefixes.
    ll = "fe80::ff:fe00:fe"
    body = struct.pack("!BBHII", 64, 0x40, 1800, 30000, 1000)
    body += bytes([1, 1]) + mac(MAC_ROUTER)
    body += bytes([5, 1, 0, 0]) + struct.pack("!I", 1500)
    body += bytes([3, 4, 64, 0xC0]) + struct.pack("!III", 86400, 14400, 0) + ip6("fd09::")
    body += bytes([3, 4, 48, 0x80]) + struct.pack("!III", 0xFFFFFFFF, 0xFFFFFFFF, 0) + ip6(
        "2001:db8:1::")
    frames["ndp_ra"] = eth("33:33:00:00:00:01", MAC_ROUTER, 0x86DD,
                           ipv6(ll, "ff02::1", 58, icmpv6(ll, "ff02::1", 134, 0, body), hlim=255))

    # DHCPv4: a client (MAC_A) and a server at 10.9.0.254.
    def dhcp(op, xid, yiaddr, siaddr, options, flags=0, sname=b"", file=b""):
        fixed = struct.pack("!BBBBIHH4s4s4s4s16s64s128s", op, 1, 6, 0, xid, 0, flags,
                            bytes(4), ip4(yiaddr), ip4(siaddr), bytes(4),
                            mac(MAC_A), sname, file)
        return fixed + bytes([99, 130, 83, 99]) + options

    def opt(code, value):
        return bytes([code, len(value)]) + value

    xid = 0x3903F326
    discover = dhcp(1, xid, "0.0.0.0", "0.0.0.0",
                    opt(53, b"\x01") + opt(55, bytes([1, 3, 6, 15, 51, 58, 59])) +
                    opt(57, struct.pack("!H", 1500)) + b"\xff", flags=0x8000)
    discover += bytes(max(0, 300 - len(discover)))
    server_opts = (opt(54, ip4("10.9.0.254")) + opt(51, struct.pack("!I", 3600)) +
                   opt(58, struct.pack("!I", 1800)) + opt(59, struct.pack("!I", 3150)) +
                   opt(1, ip4("255.255.255.0")) + opt(3, ip4("10.9.0.254")) +
                   opt(6, ip4("10.9.0.53") + ip4("10.9.0.54")))
    offer = dhcp(2, xid, "10.9.0.1", "10.9.0.254", opt(53, b"\x02") + server_opts + b"\xff")
    request = dhcp(1, xid, "0.0.0.0", "0.0.0.0",
                   opt(53, b"\x03") + opt(50, ip4("10.9.0.1")) + opt(54, ip4("10.9.0.254")) +
                   opt(55, bytes([1, 3])) + opt(55, bytes([6, 15])) + b"\x00\x00\xff")
    # An ACK whose options continue in the file field (overload 1); the DNS
    # list is split across both fields (RFC 3396 concatenation).
    file_field = opt(6, ip4("10.9.0.54")) + opt(1, ip4("255.255.255.0")) + b"\xff"
    ack = dhcp(2, xid, "10.9.0.1", "10.9.0.254",
               opt(53, b"\x05") + opt(52, b"\x01") + opt(54, ip4("10.9.0.254")) +
               opt(51, struct.pack("!I", 3600)) + opt(3, ip4("10.9.0.254") + ip4("10.9.0.253")) +
               opt(6, ip4("10.9.0.53")) + b"\xff",
               file=file_field.ljust(128, b"\0"))
    for name, msg, src, dst, sport, dport, dmac in (
            ("dhcp_discover", discover, "0.0.0.0", "255.255.255.255", 68, 67, "ff:ff:ff:ff:ff:ff"),
            ("dhcp_offer", offer, "10.9.0.254", "10.9.0.1", 67, 68, MAC_A),
            ("dhcp_request", request, "0.0.0.0", "255.255.255.255", 68, 67, "ff:ff:ff:ff:ff:ff"),
            ("dhcp_ack", ack, "10.9.0.254", "10.9.0.1", 67, 68, MAC_A)):
        dgram = udp(sport, dport, msg, p4(src, dst))
        smac = MAC_A if sport == 68 else MAC_ROUTER
        frames[name] = eth(dmac, smac, 0x0800, ipv4(src, dst, 17, dgram, flags_frag=0))
    return frames


def check(name, frame):
    """The checksums of a frame, computed here: raises when one is wrong."""
    etype = struct.unpack("!H", frame[12:14])[0]
    at = 14
    if etype == 0x8100:
        etype = struct.unpack("!H", frame[16:18])[0]
        at = 18
    if etype == 0x0800:
        ip = frame[at:]
        ihl = (ip[0] & 15) * 4
        total = struct.unpack("!H", ip[2:4])[0]
        assert csum(ip[:ihl]) == 0, name + ": IPv4 header checksum"
        if struct.unpack("!H", ip[6:8])[0] & 0x3FFF:
            return  # a fragment: the transport checksum covers the whole datagram
        proto, l4 = ip[9], ip[ihl:total]
        if proto == 1:
            assert csum(l4) == 0, name + ": ICMP checksum"
        elif proto in (6, 17):
            if proto == 17 and struct.unpack("!H", l4[6:8])[0] == 0:
                return
            assert csum(ip[12:20] + struct.pack("!BBH", 0, proto, len(l4)) + l4) == 0, name
    elif etype == 0x86DD:
        ip = frame[at:]
        plen = struct.unpack("!H", ip[4:6])[0]
        nh, off = ip[6], 40
        while nh in (0, 43, 60):
            nh, off = ip[off], off + (ip[off + 1] + 1) * 8
        if nh in (6, 17, 58):
            l4 = ip[off:40 + plen]
            assert csum(pseudo6_raw(ip[8:24], ip[24:40], nh, len(l4)) + l4) == 0, name


def pseudo6_raw(src, dst, nh, length):
    return src + dst + struct.pack("!IxxxB", length, nh)


def layers(frame):
    """(etype, ip offset, family, src, dst, l4 offset, l4 end, proto) of a frame."""
    etype = struct.unpack("!H", frame[12:14])[0]
    at = 14
    if etype == 0x8100:
        etype = struct.unpack("!H", frame[16:18])[0]
        at = 18
    if etype == 0x0800:
        ip = frame[at:]
        ihl = (ip[0] & 15) * 4
        total = struct.unpack("!H", ip[2:4])[0]
        fragment = struct.unpack("!H", ip[6:8])[0] & 0x3FFF
        return etype, at, 4, ip[12:16], ip[16:20], at + ihl, at + total, None if fragment else ip[9]
    if etype == 0x86DD:
        ip = frame[at:]
        plen = struct.unpack("!H", ip[4:6])[0]
        nh, off = ip[6], 40
        while nh in (0, 43, 60):
            nh, off = ip[off], off + (ip[off + 1] + 1) * 8
        return etype, at, 6, ip[8:24], ip[24:40], at + off, at + 40 + plen, None if nh == 44 else nh
    return etype, at, None, None, None, None, None, None


def header_text(frames):
    out = ["// Reference frames for the net tests: generated by tests/net/packets/generate.py",
           "// from tests/net/packets/linux_frames.txt (captured from Linux by capture.py)",
           "// and from frames built there with Python's struct module. Do not edit: run",
           "// the generator, then scripts/format.",
           "#pragma once", "", "#include <array>", "#include <cstddef>", "#include <cstdint>",
           "#include <span>", "", "namespace atl::net::test_packets {", ""]
    for name, frame in frames.items():
        out.append(f"inline constexpr std::array<std::uint8_t, {len(frame)}> {name} = {{")
        out.append(", ".join(f"0x{b:02x}" for b in frame))
        out.append("};")
    out += ["",
            "/// bytes(frame): the frame as bytes, for the views.",
            "template <std::size_t N>",
            "std::span<const std::byte> bytes(const std::array<std::uint8_t, N>& frame) {",
            "  return std::as_bytes(std::span<const std::uint8_t>(frame));",
            "}", "", "}  // namespace atl::net::test_packets", ""]
    return "\n".join(out)


def write_seed(harness, name, data):
    d = os.path.join(ROOT, "tests", "fuzz", "corpus", harness)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def main():
    frames = {}
    for line in open(os.path.join(HERE, "linux_frames.txt")):
        name, hexdata = line.split()
        frames[name] = bytes.fromhex(hexdata)
    frames.update(built())
    for name, frame in frames.items():
        check(name, frame)

    header = os.path.join(ROOT, "tests", "net", "packets.hpp")
    with open(header, "w") as f:
        f.write(header_text(frames))

    for name, frame in frames.items():
        etype, ip_at, family, src, dst, l4, l4_end, proto = layers(frame)
        if name in ("ipv4_udp", "vlan_udp", "ipv6_tcp_syn", "arp_request", "ndp_ra",
                    "ipv4_tcp_syn", "icmpv4_frag_needed"):
            write_seed("ethernet", name, frame)
        if etype == 0x0806:
            write_seed("arp", name, frame[ip_at:])
        if family == 4:
            write_seed("ipv4", name, frame[ip_at:l4_end])
        if family == 6:
            write_seed("ipv6", name, frame[ip_at:l4_end])
        if proto is None:
            continue
        prefix = bytes([family]) + src + dst
        harness = {1: "icmp", 58: "icmp", 6: "tcp", 17: "udp"}.get(proto)
        if harness:
            write_seed(harness, name, prefix + frame[l4:l4_end])
        if name.startswith("dhcp_"):
            write_seed("dhcp", name, frame[l4 + 8:l4_end])
    fmt = subprocess.run(["clang-format-16", "-i", header], check=False)
    if fmt.returncode != 0:
        print("generate: run scripts/format on", header)


if __name__ == "__main__":
    main()
