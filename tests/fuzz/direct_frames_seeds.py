#!/usr/bin/env python3
"""Writes the seed corpus of fuzz_direct_frames (tests/fuzz/corpus/direct_frames).

Each seed is a sequence of records [len_hi, len_lo, advance_ms, frame] as
direct_frames_fuzzer.cpp reads them, addressed to the core's MAC
02:00:00:00:00:01, 10.0.0.1 and fd00::1, with valid checksums, so that the
fuzzer starts from frames that reach ARP, ICMP, UDP, TCP and NDP.
Run it again after changing the fuzzer's configuration."""
import os
import struct

CORE_MAC = bytes.fromhex("020000000001")
PEER_MAC = bytes.fromhex("020000000002")
CORE4 = bytes([10, 0, 0, 1])
PEER4 = bytes([10, 0, 0, 2])
CORE6 = bytes.fromhex("fd000000000000000000000000000001")
PEER6 = bytes.fromhex("fd000000000000000000000000000002")


def csum(data: bytes) -> int:
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack(f"!{len(data) // 2}H", data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def eth(ethertype: int, payload: bytes, dst: bytes = CORE_MAC) -> bytes:
    return dst + PEER_MAC + struct.pack("!H", ethertype) + payload


def ipv4(proto: int, payload: bytes, ident: int = 1, frag: int = 0x4000) -> bytes:
    h = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(payload), ident, frag, 64, proto, 0, PEER4, CORE4)
    return h[:10] + struct.pack("!H", csum(h)) + h[12:] + payload


def l4v4(proto: int, seg: bytes, at: int) -> bytes:
    pseudo = PEER4 + CORE4 + struct.pack("!BBH", 0, proto, len(seg))
    c = csum(pseudo + seg)
    return seg[:at] + struct.pack("!H", c) + seg[at + 2:]


def ipv6(nh: int, payload: bytes, src: bytes = PEER6, dst: bytes = CORE6, hops: int = 64) -> bytes:
    return struct.pack("!IHBB", 0x60000000, len(payload), nh, hops) + src + dst + payload


def l4v6(nh: int, seg: bytes, at: int, src: bytes = PEER6, dst: bytes = CORE6) -> bytes:
    pseudo = src + dst + struct.pack("!IxxxB", len(seg), nh)
    c = csum(pseudo + seg)
    return seg[:at] + struct.pack("!H", c) + seg[at + 2:]


def tcp(sport: int, dport: int, seq: int, ack: int, flags: int, opts: bytes = b"", data: bytes = b"") -> bytes:
    off = (20 + len(opts)) // 4
    return struct.pack("!HHIIBBHHH", sport, dport, seq, ack, off << 4, flags, 65535, 0, 0) + opts + data


def udp(sport: int, dport: int, data: bytes) -> bytes:
    return struct.pack("!HHHH", sport, dport, 8 + len(data), 0) + data


def record(frame: bytes, advance: int = 0) -> bytes:
    return struct.pack("!HB", len(frame), advance) + frame


ARP_REQ = eth(0x0806, struct.pack("!HHBBH", 1, 0x0800, 6, 4, 1) + PEER_MAC + PEER4 + bytes(6) + CORE4,
              dst=b"\xff" * 6)
SYN_OPTS = bytes([2, 4, 0x05, 0xB4, 4, 2, 8, 10, 0, 0, 0, 1, 0, 0, 0, 0, 1, 3, 3, 7])
SYN4 = eth(0x0800, ipv4(6, l4v4(6, tcp(40000, 80, 1000, 0, 0x02, SYN_OPTS), 16)))
SYN4_CLOSED = eth(0x0800, ipv4(6, l4v4(6, tcp(40001, 81, 5, 0, 0x02), 16)))
UDP53 = eth(0x0800, ipv4(17, l4v4(17, udp(5353, 53, b"query"), 6)))
UDP_CLOSED = eth(0x0800, ipv4(17, l4v4(17, udp(5353, 9, b"nobody"), 6)))
ECHO = eth(0x0800, ipv4(1, (lambda m: m[:2] + struct.pack("!H", csum(m)) + m[4:])(
    struct.pack("!BBHHH", 8, 0, 0, 1, 1) + b"ping")))
PAYLOAD = l4v4(17, udp(5353, 53, bytes(range(48))), 6)
FRAG1 = eth(0x0800, ipv4(17, PAYLOAD[:24], ident=9, frag=0x2000))
FRAG2 = eth(0x0800, ipv4(17, PAYLOAD[24:], ident=9, frag=3))
SOLICITED = bytes.fromhex("ff0200000000000000000001ff000001")
NS = eth(0x86DD, ipv6(58, l4v6(58, struct.pack("!BBHI", 135, 0, 0, 0) + CORE6 + bytes([1, 1]) + PEER_MAC, 2,
                                dst=SOLICITED), dst=SOLICITED, hops=255), dst=bytes.fromhex("3333ff000001"))
SYN6 = eth(0x86DD, ipv6(6, l4v6(6, tcp(40002, 80, 77, 0, 0x02, SYN_OPTS), 16)))
ECHO6 = eth(0x86DD, ipv6(58, l4v6(58, struct.pack("!BBHHH", 128, 0, 0, 1, 1) + b"ping6", 2)))

SEEDS = {
    "arp_then_syn": record(ARP_REQ) + record(SYN4, 1),
    "syn_closed_port": record(ARP_REQ) + record(SYN4_CLOSED),
    "udp_bound_and_closed": record(ARP_REQ) + record(UDP53) + record(UDP_CLOSED, 5),
    "echo": record(ARP_REQ) + record(ECHO),
    "fragments": record(ARP_REQ) + record(FRAG2) + record(FRAG1, 3),
    "fragment_timeout": record(FRAG1) + record(b"", 255) + record(b"", 255) + record(b"", 255),
    "ndp_then_syn6": record(b"", 255) + record(NS) + record(SYN6, 1) + record(ECHO6),
    "syn_then_timers": record(ARP_REQ) + record(SYN4) + record(b"", 255) + record(b"", 255),
}

if __name__ == "__main__":
    out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus", "direct_frames")
    os.makedirs(out, exist_ok=True)
    for name, data in SEEDS.items():
        with open(os.path.join(out, name), "wb") as f:
            f.write(data)
