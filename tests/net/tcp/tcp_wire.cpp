#include "tcp_wire.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>

namespace atl::net::tcp::test {

flow_id flow_a() {
  return flow_id(ipv4_addr(10, 0, 0, 1), port(1000), ipv4_addr(10, 0, 0, 2), port(2000));
}
flow_id flow_b() { return flow_a().reversed(); }

tcp_wire::tcp_wire() {
  for (int i = 0; i < 2; ++i) {
    sinks_[i].wire = this;
    sinks_[i].from = i;
  }
}

void tcp_wire::end_sink::send(const flow_id& flow, const tcp_repr& header,
                              const bufs& payload) noexcept {
  wire->enqueue(from, flow, header, payload);
}

void tcp_wire::enqueue(int from, const flow_id& flow, const tcp_repr& header, const bufs& payload) {
  auto flat = payload.flatten();
  ASSERT_TRUE(flat.has_value());
  ASSERT_EQ(header.payload_len, flat->size());
  log.push_back({from, header, flat->size(), now});
  // Through the wire format and back: the header must be one that exists.
  std::vector<std::byte> bytes(header.buffer_len() + flat->size());
  header.emit(std::span<std::byte>(bytes).first(header.buffer_len()), flow.outgoing(),
              flat->bytes());
  std::copy(flat->bytes().begin(), flat->bytes().end(),
            bytes.begin() + static_cast<std::ptrdiff_t>(header.buffer_len()));
  auto view = tcp_view::checked(bytes);
  ASSERT_TRUE(view.has_value());
  auto parsed = tcp_repr::parse(*view, flow.outgoing());
  ASSERT_TRUE(parsed.has_value());
  auto payload_copy = buf::copy_of(view->payload());
  ASSERT_TRUE(payload_copy.has_value());

  verdict v = on_send ? on_send(from, *parsed, *payload_copy) : verdict::pass;
  if (v == verdict::pass && loss > 0 && !flat->empty()) {
    if (std::uniform_real_distribution<double>(0, 1)(rng) < loss) v = verdict::drop;
  }
  if (v == verdict::drop) return;
  duration d = delay;
  if (reorder > 0 && std::uniform_real_distribution<double>(0, 1)(rng) < reorder) d += 3 * delay;
  const int copies = v == verdict::duplicate ? 2 : 1;
  for (int i = 0; i < copies; ++i) {
    const std::uint64_t order = order_++;
    flight_.emplace(std::pair(now + d, order),
                    packet{1 - from, flow.reversed(), *parsed, *payload_copy, now + d, order});
  }
}

void tcp_wire::deliver_to(int to, const flow_id& flow, const tcp_repr& header, const buf& payload) {
  for (connection* c : sides_[to]) {
    if (c->id().local_port() == header.dst_port && c->id().remote_port() == header.src_port) {
      c->on_segment(header, payload, now);
      return;
    }
  }
  if (to == 1 && listener_ != nullptr)
    listener_->on_segment(flow, header, payload, now, next_isn++);
}

void tcp_wire::deliver(const packet& p) { deliver_to(p.to, p.flow, p.header, p.payload); }

void tcp_wire::inject(int to, const tcp_repr& header, const buf& payload) {
  inject(to, to == 1 ? flow_b() : flow_a(), header, payload);
}

void tcp_wire::inject(int to, const flow_id& flow, const tcp_repr& header, const buf& payload) {
  deliver_to(to, flow, header, payload);
}

bool tcp_wire::step(mono_time limit) {
  auto first = flight_.begin();
  mono_time next = first != flight_.end() ? first->second.at : mono_never;
  connection* timer_conn = nullptr;
  bool timer_listener = false;
  for (auto& side : sides_) {
    for (connection* c : side) {
      if (c->next_deadline() < next) {
        next = c->next_deadline();
        timer_conn = c;
        timer_listener = false;
      }
    }
  }
  if (listener_ != nullptr && listener_->next_deadline() < next) {
    next = listener_->next_deadline();
    timer_conn = nullptr;
    timer_listener = true;
  }
  if (next == mono_never || next > limit) return false;
  if (next > now) now = next;
  if (timer_conn != nullptr) {
    timer_conn->on_timer(now);
  } else if (timer_listener) {
    listener_->on_timer(now);
  } else {
    packet p = std::move(first->second);
    flight_.erase(first);
    deliver(p);
  }
  return true;
}

void tcp_wire::run_for(duration d) {
  const mono_time end = now + d;
  while (step(end)) {
  }
  now = end;
}

bool tcp_wire::run_until(const std::function<bool()>& done, duration max) {
  const mono_time end = now + max;
  while (!done()) {
    if (!step(end)) return done();
  }
  return true;
}

std::size_t tcp_wire::count(int from, const std::function<bool(const sent_segment&)>& pred) const {
  return static_cast<std::size_t>(std::count_if(
      log.begin(), log.end(), [&](const sent_segment& s) { return s.from == from && pred(s); }));
}

void dump(const tcp_wire& w) {
  for (const auto& s : w.log) {
    std::printf("%lld %c seq=%u ack=%u fl=%02x win=%u len=%zu sack=%u\n",
                static_cast<long long>((s.at - w.log.front().at).count() / 1000000),
                s.from != 0 ? 'B' : 'A', s.header.seq, s.header.ack, s.header.flags.bits(),
                s.header.window, s.payload, s.header.sack_count);
  }
}

}  // namespace atl::net::tcp::test
