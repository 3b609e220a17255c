// Hostile input: while client b sends server a 4 MiB that a checks byte for
// byte, an attacker on a third switch port writes tens of thousands of
// malformed and hostile frames at a (hostile_frames.hpp): random bytes,
// truncated headers of every layer, bad lengths and checksums, bogus TCP
// options, overlapping, tiny and never-ending fragments, a SYN flood from
// spoofed sources and to a closed port, blind RSTs, ACKs and SYNs into the
// live connection. The transfer must complete, every class must be
// counted where the stack counts it, every bounded table must stay within
// its limit, and the heap may grow during the attack by no more than the
// configured limits allow (global operator new is counted in this file,
// which is why it is a test binary of its own).
//
// Separate tests look at RFC 5961 (challenge ACKs for in-window RSTs and
// SYNs, their rate limit, and the exact RST that does reset) and at ARP
// cache poisoning (a finding: one forged reply redirects a's traffic for
// the client until the entry goes stale; see the test).
#include "direct_pair.hpp"
#include "hostile_frames.hpp"
#include <atoll/net/wire/arp.hpp>
#include <atoll/net/wire/icmpv6.hpp>
#include <atoll/net/wire/ndp.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <new>
#include <optional>
#include <string>
#include <vector>

// --- Counting the heap ----------------------------------------------------------
//
// Every operator new of the process goes through these: each block carries
// a header with its size, so live bytes and their peak are exact (requested
// sizes, without the allocator's own overhead).

namespace {

std::size_t heap_live = 0;
std::size_t heap_peak = 0;
constexpr std::size_t heap_header = 16;  // keeps the default alignment

// A replacement operator new cannot use operator new: it takes the memory
// from malloc (NOLINT below), like the library's own.
void* counted_alloc(std::size_t n, std::size_t align) noexcept {
  const std::size_t header = std::max(heap_header, align);
  void* raw = align > heap_header
                  ? std::aligned_alloc(align, (header + n + align - 1) / align * align)  // NOLINT
                  : std::malloc(header + n);  // NOLINT(cppcoreguidelines-no-malloc)
  if (raw == nullptr) return nullptr;
  auto* base = static_cast<unsigned char*>(raw);
  std::memcpy(base + header - sizeof(std::size_t), &n, sizeof(n));
  heap_live += n;
  heap_peak = std::max(heap_peak, heap_live);
  return base + header;
}

void counted_free(void* p, std::size_t align) noexcept {
  if (p == nullptr) return;
  const std::size_t header = std::max(heap_header, align);
  auto* base = static_cast<unsigned char*>(p) - header;
  std::size_t n = 0;
  std::memcpy(&n, base + header - sizeof(std::size_t), sizeof(n));
  heap_live -= n;
  std::free(base);  // NOLINT(cppcoreguidelines-no-malloc)
}

void* must(void* p) noexcept {
  if (p == nullptr) std::abort();  // no exceptions in this build
  return p;
}

}  // namespace

// NOLINTBEGIN(misc-new-delete-overloads,cert-dcl54-cpp)
void* operator new(std::size_t n) { return must(counted_alloc(n, 0)); }
void* operator new[](std::size_t n) { return must(counted_alloc(n, 0)); }
void* operator new(std::size_t n, const std::nothrow_t&) noexcept { return counted_alloc(n, 0); }
void* operator new[](std::size_t n, const std::nothrow_t&) noexcept { return counted_alloc(n, 0); }
void* operator new(std::size_t n, std::align_val_t a) {
  return must(counted_alloc(n, static_cast<std::size_t>(a)));
}
void* operator new[](std::size_t n, std::align_val_t a) {
  return must(counted_alloc(n, static_cast<std::size_t>(a)));
}
void* operator new(std::size_t n, std::align_val_t a, const std::nothrow_t&) noexcept {
  return counted_alloc(n, static_cast<std::size_t>(a));
}
void* operator new[](std::size_t n, std::align_val_t a, const std::nothrow_t&) noexcept {
  return counted_alloc(n, static_cast<std::size_t>(a));
}
void operator delete(void* p) noexcept { counted_free(p, 0); }
void operator delete[](void* p) noexcept { counted_free(p, 0); }
void operator delete(void* p, std::size_t) noexcept { counted_free(p, 0); }
void operator delete[](void* p, std::size_t) noexcept { counted_free(p, 0); }
void operator delete(void* p, const std::nothrow_t&) noexcept { counted_free(p, 0); }
void operator delete[](void* p, const std::nothrow_t&) noexcept { counted_free(p, 0); }
void operator delete(void* p, std::align_val_t a) noexcept {
  counted_free(p, static_cast<std::size_t>(a));
}
void operator delete[](void* p, std::align_val_t a) noexcept {
  counted_free(p, static_cast<std::size_t>(a));
}
void operator delete(void* p, std::size_t, std::align_val_t a) noexcept {
  counted_free(p, static_cast<std::size_t>(a));
}
void operator delete[](void* p, std::size_t, std::align_val_t a) noexcept {
  counted_free(p, static_cast<std::size_t>(a));
}
void operator delete(void* p, std::align_val_t a, const std::nothrow_t&) noexcept {
  counted_free(p, static_cast<std::size_t>(a));
}
void operator delete[](void* p, std::align_val_t a, const std::nothrow_t&) noexcept {
  counted_free(p, static_cast<std::size_t>(a));
}
// NOLINTEND(misc-new-delete-overloads,cert-dcl54-cpp)

namespace atl::conformance {
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(stack_conformance);
}  // namespace atl::conformance

namespace atl::net::testing {
namespace {

constexpr std::size_t transfer_total = std::size_t{4} << 20;
constexpr unsigned pattern_seed = 9;
constexpr std::size_t attack_rounds = 250;      // each round: one attack of every kind
constexpr std::uint32_t spoofed_sources = 150;  // more than the ARP cache's 128 entries

/// hostile_setup: small limits, so that an unbounded structure would show.
pair_setup hostile_setup() {
  pair_setup s;
  link_config link;
  link.delay = 1ms;
  link.queue_frames = 256;
  link.queue_bytes = std::size_t{512} * 1024;
  s.link_a = link;
  s.link_b = link;
  s.extra_link = link;
  s.extra_ports = 1;
  for (direct_config* c : {&s.a, &s.b}) {
    c->backlog = 8;
    c->tx_queue = 256;
    c->tcp.send_buffer = std::size_t{64} * 1024;
    c->tcp.receive_buffer = std::size_t{64} * 1024;
    c->tcp.reassembly_bytes = std::size_t{64} * 1024;
  }
  return s;
}

/// heap_bound(s, a): the most the heap may grow while the attack runs, from
/// the configured limits (requested bytes; a buf adds a 40-byte block header
/// to its bytes). The attack sends some 16 MiB of never-completing fragment
/// data and 500 to 750 SYNs that reach the listener (each worth 192 KiB of
/// buffers if it were kept), so an unbounded reassembler or SYN queue would
/// pass the bound several times over. direct_config does not expose the
/// reassemblers' limits, so their defaults (1 MiB per family) are used.
/// The bound adds up:
///   - each reassembler (IPv4 and IPv6): max_bytes of payload plus a buf
///     header per fragment (max_datagrams * max_fragments), and for IPv6
///     the first fragment kept per datagram (1232 bytes) and the last
///     reassembled packet (64 KiB);
///   - the listener: syn_backlog + accept_backlog connections (2 * backlog),
///     each with its send and receive buffers, out-of-order data
///     (reassembly_bytes) and 4 KiB for the object and its tables;
///   - the established connection's out-of-order data;
///   - the transmit queues of both stacks (tx_queue frames of at most
///     1514 + 64 + 40 bytes) and IPv6's frame queue (max_out frames);
///   - the switch: every port's delivery queue (queue_bytes, plus 256 bytes
///     of bookkeeping per frame);
///   - ARP's and the neighbour cache's queued packets (max_queued and as
///     many again), and 1 MiB for everything of constant size (coroutine
///     frames, event wake-ups, the attacker's batch of frames).
std::size_t heap_bound(const pair_setup& s, direct& a) {
  constexpr std::size_t buf_header = 40;
  constexpr std::size_t frame = 1514 + 64 + buf_header;
  const auto& r4 = a.core().ip().reassembly().limits();
  const auto& r6 = a.core().ip6()->reassembler().limits();
  const std::size_t reassembly = r4.max_bytes + r4.max_datagrams * r4.max_fragments * buf_header +
                                 r6.max_bytes + r6.max_datagrams * r6.max_fragments * buf_header +
                                 r6.max_datagrams * 1232 + 65536;
  const auto& tcp = s.a.tcp;
  const std::size_t per_connection =
      tcp.send_buffer + tcp.receive_buffer + tcp.reassembly_bytes + 4096;
  const std::size_t listener = 2 * s.a.backlog * per_connection + tcp.reassembly_bytes;
  const std::size_t tx = (s.a.tx_queue + s.b.tx_queue + std::size_t{2} * 256) * frame;
  const std::size_t ports = 3;
  const std::size_t switch_queues =
      ports * (s.link_a.queue_bytes + s.link_a.queue_frames * (256 + buf_header));
  const std::size_t arp = std::size_t{2} * 64 * frame;
  return reassembly + listener + tx + switch_queues + arp + (std::size_t{1} << 20);
}

/// attack_state: what the attack saw, sampled after every batch.
struct attack_state {
  std::size_t frames = 0;
  std::size_t write_errors = 0;
  std::size_t heap_before = 0;
  std::size_t heap_growth = 0;  ///< peak during the attack minus the heap before it
  std::size_t received_at_end = 0;
  std::size_t max_reassembly4 = 0;
  std::size_t max_datagrams4 = 0;
  std::size_t max_reassembly6 = 0;
  std::size_t max_datagrams6 = 0;
  std::size_t max_connections = 0;
  const std::vector<std::byte>* received = nullptr;
};

/// attacker_view: what the attacker's port received.
struct attacker_view {
  std::size_t arp_answered = 0;
  std::size_t nd_answered = 0;
  std::size_t cookie_syn_acks = 0;             ///< only an MSS option: a SYN cookie
  std::size_t full_syn_acks = 0;               ///< window scale echoed: a half-open connection
  std::vector<std::uint32_t> half_open_ports;  ///< distinct spoofed ports with a full SYN-ACK
  std::size_t resets = 0;
};

void sample(attack_state& st, direct& a) {
  const auto& r4 = a.core().ip().reassembly();
  const auto& r6 = a.core().ip6()->reassembler();
  st.max_reassembly4 = std::max(st.max_reassembly4, r4.bytes_held());
  st.max_datagrams4 = std::max(st.max_datagrams4, r4.in_progress());
  st.max_reassembly6 = std::max(st.max_reassembly6, r6.bytes_held());
  st.max_datagrams6 = std::max(st.max_datagrams6, r6.in_progress());
  st.max_connections = std::max(st.max_connections, a.stats().live_connections);
}

task<result<void>> attack(engine& e, memory_switch::port& x, hostile_frames& gen, direct& a,
                          attack_state& st) {
  co_await e.sleep_for(50ms);  // the transfer is under way
  std::vector<frame_bytes> batch;
  batch.reserve(128);
  st.heap_before = heap_live;
  heap_peak = heap_live;
  constexpr auto kinds = static_cast<std::size_t>(hostile_kind::count_);
  for (std::size_t i = 0; i < attack_rounds * kinds; ++i) {
    gen.make(static_cast<hostile_kind>(i % kinds), batch);
    for (const frame_bytes& f : batch) {
      auto b = buf::copy_of(f);
      if (!b) co_return b.error();
      auto w = co_await x.write(bufs(std::move(*b)));
      if (!w) ++st.write_errors;
      ++st.frames;
    }
    batch.clear();
    sample(st, a);
    if (i % 8 == 7) co_await e.sleep_for(1ms);
  }
  co_await e.sleep_for(200ms);  // what is still queued gets processed
  sample(st, a);
  st.heap_growth = heap_peak - st.heap_before;
  st.received_at_end = st.received->size();
  co_return ok();
}

/// advert_for(packet, scene, mac): the neighbour advertisement (an IPv6
/// packet) that answers a solicitation for one of the spoofed addresses.
std::optional<frame_bytes> advert_for(std::span<const std::byte> packet, const hostile_scene& scene,
                                      const mac_addr& mac) {
  auto v = ipv6_view::checked(packet);
  if (!v || v->next_header() != static_cast<std::uint8_t>(ip_protocol::icmpv6)) return std::nullopt;
  auto iv = icmpv6_view::checked(v->payload());
  if (!iv) return std::nullopt;
  auto ns = ndp_repr::parse(*iv, ip_pair(v->src(), v->dst()));
  if (!ns || ns->type != icmpv6_type::neighbor_solicit) return std::nullopt;
  const auto& t = ns->target.octets();
  const auto& base = scene.spoof6_base.octets();
  if (!std::equal(t.begin(), t.begin() + 14, base.begin())) return std::nullopt;
  const std::uint32_t low = (std::uint32_t{t[14]} << 8) | t[15];
  const std::uint32_t first = (std::uint32_t{base[14]} << 8) | base[15];
  if (low < first || low >= first + scene.spoof_count) return std::nullopt;
  ndp_repr na;
  na.type = icmpv6_type::neighbor_advert;
  na.target = ns->target;
  na.solicited_flag = true;
  na.override_flag = true;
  na.target_ll = mac;
  const ip_pair ips(ns->target, v->src());
  ipv6_repr ip;
  ip.src = ns->target;
  ip.dst = v->src();
  ip.next_header = ip_protocol::icmpv6;
  ip.hop_limit = 255;
  ip.payload_len = static_cast<std::uint16_t>(na.buffer_len());
  frame_bytes out(ipv6_repr::buffer_len() + na.buffer_len());
  ip.emit(std::span(out).first(ipv6_repr::buffer_len()));
  na.emit(std::span(out).subspan(ipv6_repr::buffer_len()), ips);
  return out;
}

/// respond(x, scene, v): the attacker's port: answers ARP and neighbour
/// solicitations for the spoofed addresses (so that the victim's answers to them leave) and
/// classifies what comes back.
task<result<void>> respond(memory_switch::port& x, hostile_scene scene, attacker_view& v) {
  for (;;) {
    auto got = co_await x.receive();
    if (!got) co_return got.error();
    const auto bytes = got->frame.bytes();
    auto eth_view = ethernet_view::checked(bytes);
    if (!eth_view) continue;
    auto eth = ethernet_repr::parse(*eth_view);
    if (!eth) continue;
    if (eth->type == ethertype::arp) {
      auto av = arp_view::checked(eth_view->payload());
      if (!av) continue;
      auto req = arp_repr::parse(*av);
      if (!req || req->operation != arp_operation::request) continue;
      const auto base = scene.spoof4_base.octets()[3];
      const auto last = req->target_ip.octets()[3];
      if (last < base || last >= base + scene.spoof_count) continue;
      auto reply = buf::copy_of(
          hostile_frames::arp_claim(req->target_ip, x.mac(), req->sender_mac, req->sender_ip));
      if (!reply) co_return reply.error();
      auto w = co_await x.write(bufs(std::move(*reply)));
      if (w) ++v.arp_answered;
      continue;
    }
    if (eth->type == ethertype::ipv6) {
      auto na = advert_for(eth_view->payload(), scene, x.mac());
      if (na) {
        auto reply = buf::copy_of(hostile_frames::ethernet(eth->src, x.mac(), 0x86dd, *na));
        if (!reply) co_return reply.error();
        auto w = co_await x.write(bufs(std::move(*reply)));
        if (w) ++v.nd_answered;
        continue;
      }
    }
    captured c{x.index(), {}, std::vector<std::byte>(bytes.begin(), bytes.end())};
    auto seg = tcp_of(c);
    if (!seg) continue;
    if (seg->h.flags.has(tcp_flags::rst)) ++v.resets;
    if (!seg->h.flags.has(tcp_flags::syn) || !seg->h.flags.has(tcp_flags::ack)) continue;
    if (seg->h.window_scale) {
      ++v.full_syn_acks;
      const std::uint32_t p = seg->h.dst_port.value();
      if (std::find(v.half_open_ports.begin(), v.half_open_ports.end(), p) ==
              v.half_open_ports.end() &&
          v.half_open_ports.size() < v.half_open_ports.capacity()) {
        v.half_open_ports.push_back(p);
      }
    } else {
      ++v.cookie_syn_acks;
    }
  }
}

task<result<void>> paced_write(engine& e, direct_flow& f, std::size_t total) {
  // Slow enough that the transfer outlasts the attack: 32 KiB every 10 ms.
  const auto data = conformance::pattern(total, pattern_seed);
  constexpr std::size_t chunk = std::size_t{32} * 1024;
  for (std::size_t at = 0; at < total; at += chunk) {
    const std::size_t n = std::min(chunk, total - at);
    auto w = co_await f.write(conformance::stack_bufs(std::span(data).subspan(at, n), 1));
    if (!w) co_return w.error();
    co_await e.sleep_for(10ms);
  }
  auto s = co_await f.shutdown();
  co_return s;
}

task<result<std::vector<std::byte>>> under_attack(engine& e, direct& a, direct& b,
                                                  memory_switch::port& x, ip_addr at,
                                                  hostile_scene scene, attack_state& st) {
  auto l = a.listen(ip_endpoint{at, scene.listening});
  if (!l) co_return l.error();
  auto [accepted, connected] = co_await all(l->accept(), b.connect(l->local()));
  if (!accepted) co_return accepted.error();
  if (!connected) co_return connected.error();
  scene.client_port = connected->local().port;
  hostile_frames gen(scene, 0x5eed);
  std::vector<std::byte> got;
  got.reserve(transfer_total + 1);
  st.received = &got;
  auto [w, r, hit] = co_await all(paced_write(e, *connected, transfer_total),
                                  conformance::read_all(*accepted, got, transfer_total + 1),
                                  attack(e, x, gen, a, st));
  if (!w) co_return w.error();
  if (!r) co_return r.error();
  if (!hit) co_return hit.error();
  co_return got;
}

hostile_scene scene_of(direct_pair& p, bool ipv6) {
  hostile_scene s;
  s.ipv6 = ipv6;
  s.victim_mac = p.port_a().mac();
  s.victim4 = p.a->core().address();
  s.victim6 = *p.a->core().config().ipv6_address;
  s.listening = port(80);
  s.closed = port(81);
  s.attacker_mac = p.extra[0]->mac();
  s.spoof4_base = ipv4_addr(10, 0, 0, 64);
  s.spoof6_base = ipv6_addr::from_groups({0xfd00, 0, 0, 0, 0, 0, 0, 0x1000});
  s.spoof_count = spoofed_sources;
  s.client_mac = p.port_b().mac();
  s.client4 = p.b->core().address();
  s.client6 = *p.b->core().config().ipv6_address;
  return s;
}

struct attack_outcome {
  attack_state st;
  attacker_view seen;
};

/// run_attack(p, setup, ipv6): the transfer under attack; checks what every
/// family shares (the bytes, the bounds, the heap, the generic counters).
void run_attack(direct_pair& p, const pair_setup& setup, bool ipv6, attack_outcome& out) {
  const hostile_scene scene = scene_of(p, ipv6);
  out.seen.half_open_ports.reserve(4096);
  task_set attacker(p.loop, "attacker");
  ASSERT_OK(attacker.spawn(respond(*p.extra[0], scene, out.seen)));
  const ip_addr at = ipv6 ? ip_addr(scene.victim6) : ip_addr(scene.victim4);
  auto got = p.run(under_attack(p.loop, *p.a, *p.b, *p.extra[0], at, scene, out.st), 600s);
  ASSERT_OK(got);
  // The transfer completed, byte for byte, and the attack ran while it did.
  ASSERT_EQ(got->size(), transfer_total);
  EXPECT_TRUE(*got == conformance::pattern(transfer_total, pattern_seed));
  EXPECT_LT(out.st.received_at_end, transfer_total);
  EXPECT_GT(out.st.frames, 20000U);
  // Bounded tables stayed bounded.
  const auto& r4 = p.a->core().ip().reassembly().limits();
  const auto& r6 = p.a->core().ip6()->reassembler().limits();
  EXPECT_LE(out.st.max_reassembly4, r4.max_bytes);
  EXPECT_LE(out.st.max_datagrams4, r4.max_datagrams);
  EXPECT_LE(out.st.max_reassembly6, r6.max_bytes);
  EXPECT_LE(out.st.max_datagrams6, r6.max_datagrams);
  EXPECT_EQ(out.st.max_connections, 1U);  // nothing the attacker opened was accepted
  // The heap grew by no more than the limits allow.
  const std::size_t bound = heap_bound(setup, *p.a);
  EXPECT_LE(out.st.heap_growth, bound) << "bound " << bound;
  // Generic counters: malformed frames, segments and datagrams were dropped.
  EXPECT_GT(p.a->stats().rx_dropped, 0U);
  EXPECT_GT(p.a->stats().tcp_bad, 0U);
  EXPECT_GT(p.a->stats().udp_bad, 0U);
  EXPECT_GT(p.a->stats().tcp_resets_sent, 0U);  // SYNs to the closed port
  EXPECT_GT(p.a->core().arp().stats().dropped(ipv4::arp_drop::malformed), 0U);
  EXPECT_GT(p.a->core().ip().stats().dropped(ipv4::ipv4_drop::malformed), 0U);
  EXPECT_GT(p.a->core().ip6()->stats().rx_malformed, 0U);
  attacker_view& v = out.seen;
  // The SYN flood: the SYN queue holds `backlog` half-open connections,
  // then the listener answers with cookies (a cookie SYN-ACK carries no
  // window scale, RFC 4987 3.6).
  EXPECT_GT(v.cookie_syn_acks, 0U);
  EXPECT_LE(v.half_open_ports.size(), setup.a.backlog);
  // The figures docs/direct-stack.md quotes, for the log.
  std::printf("hostile %s: %zu frames, heap growth %zu of %zu bytes, %zu cookie SYN-ACKs\n",
              ipv6 ? "v6" : "v4", static_cast<std::size_t>(out.st.frames), out.st.heap_growth,
              bound, static_cast<std::size_t>(v.cookie_syn_acks));
}

TEST(hostile_input, an_ipv4_transfer_survives_tens_of_thousands_of_hostile_frames) {
  const pair_setup setup = hostile_setup();
  direct_pair p(setup);
  ASSERT_TRUE(p.a);
  attack_outcome out;
  run_attack(p, setup, false, out);
  if (::testing::Test::HasFatalFailure()) return;
  EXPECT_GT(out.seen.arp_answered, 0U);
  EXPECT_GT(p.a->core().ip().stats().dropped(ipv4::ipv4_drop::bad_icmp), 0U);
  const auto& r = p.a->core().ip().reassembly().stats();
  EXPECT_GT(p.a->core().ip().stats().dropped(ipv4::ipv4_drop::reassembly), 0U);
  EXPECT_GT(r.dropped(ip::reassembly_drop::overlap), 0U);
  EXPECT_GT(r.dropped(ip::reassembly_drop::too_large), 0U);
  EXPECT_GT(r.dropped(ip::reassembly_drop::too_many_fragments), 0U);
  EXPECT_GT(r.dropped(ip::reassembly_drop::per_source_limit) +
                r.dropped(ip::reassembly_drop::per_source_bytes) +
                r.dropped(ip::reassembly_drop::evicted),
            0U);
  EXPECT_EQ(r.reassembled, 0U);  // no attack datagram was ever complete
  // What is left in reassembly times out.
  p.pass(p.a->core().ip().reassembly().limits().timeout + 1s);
  EXPECT_EQ(p.a->core().ip().reassembly().in_progress(), 0U);
  EXPECT_EQ(p.a->core().ip().reassembly().bytes_held(), 0U);
  EXPECT_GT(r.dropped(ip::reassembly_drop::timeout), 0U);
}

TEST(hostile_input, an_ipv6_transfer_survives_tens_of_thousands_of_hostile_frames) {
  const pair_setup setup = hostile_setup();
  direct_pair p(setup);
  ASSERT_TRUE(p.a);
  attack_outcome out;
  run_attack(p, setup, true, out);
  if (::testing::Test::HasFatalFailure()) return;
  const ipv6_host& h = *p.a->core().ip6();
  const auto& r = h.reassembler().stats();
  EXPECT_GT(h.stats().rx_fragments_dropped, 0U);
  EXPECT_GT(r.dropped(ip::reassembly_drop::overlap), 0U);
  // A fragment ending past 65535 is refused by the wire layer already
  // (counted with the malformed packets), not by the reassembler.
  EXPECT_GT(r.dropped(ip::reassembly_drop::too_many_fragments), 0U);
  EXPECT_GT(r.dropped(ip::reassembly_drop::per_source_limit) +
                r.dropped(ip::reassembly_drop::per_source_bytes) +
                r.dropped(ip::reassembly_drop::evicted),
            0U);
  EXPECT_EQ(h.stats().rx_reassembled, 0U);
  EXPECT_GT(out.seen.nd_answered, 0U);
  EXPECT_GT(out.st.max_reassembly6, 0U);
  p.pass(h.reassembler().limits().timeout + 1s);
  EXPECT_EQ(h.reassembler().in_progress(), 0U);
  EXPECT_EQ(h.reassembler().bytes_held(), 0U);
  EXPECT_GT(r.dropped(ip::reassembly_drop::timeout), 0U);
}

// --- RFC 5961 against a blind attacker who guessed the window ------------------

task<result<void>> inject(memory_switch::port& x, std::vector<frame_bytes> frames) {
  for (const frame_bytes& f : frames) {
    auto b = buf::copy_of(f);
    if (!b) co_return b.error();
    auto w = co_await x.write(bufs(std::move(*b)));
    if (!w) co_return w.error();
  }
  co_return ok();
}

task<result<std::string>> say(direct_flow& from, direct_flow& to, std::string text) {
  auto w = co_await from.write(conformance::stack_text(text));
  if (!w) co_return w.error();
  auto heard = co_await conformance::read_exactly(to, text.size());
  co_return heard;
}

/// next_expected(cap, port): the sequence number after the last byte the
/// stack on `port` sent (what its peer expects next).
std::uint32_t next_expected(const frame_capture& cap, std::size_t port) {
  std::uint32_t next = 0;
  for (const tcp_seen& s : segments(cap)) {
    if (s.port != port) continue;
    next = s.h.seq + static_cast<std::uint32_t>(s.payload_len) +
           (s.h.flags.has(tcp_flags::syn) || s.h.flags.has(tcp_flags::fin) ? 1U : 0U);
  }
  return next;
}

TEST(hostile_input, in_window_rsts_and_syns_draw_rate_limited_challenge_acks) {
  for (const bool ipv6 : {false, true}) {
    SCOPED_TRACE(ipv6 ? "IPv6" : "IPv4");
    const pair_setup setup = hostile_setup();
    direct_pair p(setup);
    ASSERT_TRUE(p.a);
    frame_capture cap;
    p.net_switch.set_tap(&cap);
    hostile_scene scene = scene_of(p, ipv6);
    const ip_addr at = ipv6 ? ip_addr(scene.victim6) : ip_addr(scene.victim4);
    auto fp = p.run(conformance::connect_pair(*p.a, *p.b, at));
    ASSERT_OK(fp);
    ASSERT_OK(p.run(say(fp->client, fp->server, "hello")));
    p.pass(500ms);
    scene.listening = fp->server.local().port;
    scene.client_port = fp->client.local().port;
    hostile_frames gen(scene, 7);
    // Thirty RSTs inside the window but not at its left edge, then a SYN:
    // RFC 5961 3.2 and 4.2 answer each with a challenge ACK, at most
    // challenge_acks_per_second of them (section 7).
    const std::uint32_t expected = next_expected(cap, 1);
    std::vector<frame_bytes> frames;
    for (std::uint32_t i = 0; i < 31; ++i) {
      tcp_repr h;
      h.src_port = scene.client_port;
      h.dst_port = scene.listening;
      h.seq = expected + 1000 + 7 * i;
      h.flags = tcp_flags(i < 30 ? tcp_flags::rst : tcp_flags::syn);
      const frame_bytes s = hostile_frames::tcp_segment(gen.client_pair(), h, {});
      frames.push_back(gen.ip_frame(gen.client_pair(), ip_protocol::tcp, s, scene.client_mac));
    }
    const std::size_t before = cap.frames.size();
    ASSERT_OK(p.run(inject(*p.extra[0], std::move(frames))));
    p.pass(100ms);
    std::size_t challenges = 0;
    for (std::size_t i = before; i < cap.frames.size(); ++i) {
      auto s = tcp_of(cap.frames[i]);
      if (s && s->port == 0 && s->h.flags.has(tcp_flags::ack) && !s->h.flags.has(tcp_flags::rst))
        ++challenges;
    }
    EXPECT_GE(challenges, 1U);
    EXPECT_LE(challenges, setup.a.tcp.challenge_acks_per_second);
    // The connection lives on.
    auto still = p.run(say(fp->client, fp->server, "still here"));
    ASSERT_OK(still);
    EXPECT_EQ(*still, "still here");
    // A RST exactly at the next expected sequence number does reset it.
    p.pass(100ms);
    tcp_repr exact;
    exact.src_port = scene.client_port;
    exact.dst_port = scene.listening;
    exact.seq = next_expected(cap, 1);
    exact.flags = tcp_flags(tcp_flags::rst);
    const frame_bytes s = hostile_frames::tcp_segment(gen.client_pair(), exact, {});
    std::vector<frame_bytes> last;
    last.push_back(gen.ip_frame(gen.client_pair(), ip_protocol::tcp, s, scene.client_mac));
    ASSERT_OK(p.run(inject(*p.extra[0], std::move(last))));
    EXPECT_ERRC(p.run(fp->server.read()), errc::connection_reset);
    p.net_switch.set_tap(nullptr);
  }
}

// --- ARP cache poisoning: a finding -------------------------------------------
//
// arp_cache follows RFC 826's merge: a sender already in the cache is
// updated by any ARP packet, whoever sent it. One forged reply saying that
// the client's address is at the attacker's MAC therefore redirects every
// frame the server sends to the client, until the entry goes stale
// (reachable_time, 30 s), its unicast probes to the attacker's MAC go
// unanswered (max_tries) and a broadcast request finds the real client.
// This test pins that behaviour down: the poisoning succeeds, the server's
// data is held up for tens of seconds, and the connection recovers.

TEST(hostile_input, a_forged_arp_reply_redirects_the_server_until_the_entry_goes_stale) {
  const pair_setup setup = hostile_setup();
  direct_pair p(setup);
  ASSERT_TRUE(p.a);
  const hostile_scene scene = scene_of(p, false);
  auto fp = p.run(conformance::connect_pair(*p.a, *p.b, ip_addr(scene.victim4)));
  ASSERT_OK(fp);
  ASSERT_OK(p.run(say(fp->server, fp->client, "before")));
  ASSERT_EQ(p.a->core().arp().lookup(scene.client4), scene.client_mac);
  std::vector<frame_bytes> claim;
  claim.push_back(hostile_frames::arp_claim(scene.client4, scene.attacker_mac, scene.victim_mac,
                                            scene.victim4));
  ASSERT_OK(p.run(inject(*p.extra[0], std::move(claim))));
  p.pass(10ms);
  EXPECT_EQ(p.a->core().arp().lookup(scene.client4), scene.attacker_mac);  // poisoned
  const mono_time sent = p.loop.now();
  auto heard = p.run(say(fp->server, fp->client, "after"), 300s);
  ASSERT_OK(heard);
  EXPECT_EQ(*heard, "after");
  const duration held = p.loop.now() - sent;
  EXPECT_GT(held, 20s);                                                  // stalled while poisoned
  EXPECT_EQ(p.a->core().arp().lookup(scene.client4), scene.client_mac);  // healed
  // The attacker's port got the server's frames meant for the client.
  EXPECT_GT(p.extra[0]->queued() + p.extra[0]->stats().rx_drops, 0U);
}

}  // namespace
}  // namespace atl::net::testing
