// tcp_wire: two TCP connections back to back on a virtual clock, for tests.
//
// Every segment goes through tcp_repr::emit and parse (so what a
// connection sends must be a valid segment) and waits `delay` before it is
// delivered. A test can drop, duplicate or hold chosen segments, or lose a
// fraction at random from a fixed seed.
#pragma once

#include <atoll/net/tcp/connection.hpp>
#include <atoll/net/tcp/listener.hpp>

#include <cstdint>
#include <functional>
#include <map>
#include <random>
#include <vector>

namespace atl::net::tcp::test {

struct sent_segment {
  int from = 0;  // 0: a, 1: b
  tcp_repr header;
  std::size_t payload = 0;
  mono_time at{};
};

class tcp_wire {
public:
  /// What to do with a segment leaving `from`.
  enum class verdict { pass, drop, duplicate };
  using filter = std::function<verdict(int from, const tcp_repr&, const buf& payload)>;

  tcp_wire();

  /// Connections are made by the test and attached here (a is side 0, b
  /// side 1); a segment goes to the connection on the other side whose
  /// ports match, else (side 1) to the listener.
  segment_sink& sink(int from) noexcept { return sinks_[from]; }
  void attach(connection* a, connection* b) noexcept {
    sides_[0].clear();
    sides_[1].clear();
    if (a != nullptr) sides_[0].push_back(a);
    if (b != nullptr) sides_[1].push_back(b);
  }
  void add(int side, connection* c) { sides_[side].push_back(c); }
  void attach_listener(listener* l) noexcept { listener_ = l; }
  std::uint32_t next_isn = 0x12345678;

  mono_time now{std::chrono::seconds(1000)};
  duration delay = std::chrono::milliseconds(1);
  filter on_send;
  double loss = 0.0;     // random loss in both directions (data segments only)
  double reorder = 0.0;  // chance a segment is delayed by an extra `delay * 3`
  std::mt19937_64 rng{42};
  std::vector<sent_segment> log;

  /// step: runs the earliest event (a delivery or a timer); false if none
  /// comes before `limit`.
  bool step(mono_time limit);
  /// run_for(d): every event in the next d, then now = start + d.
  void run_for(duration d);
  /// run_until(done, max): steps until done() or max of virtual time passed.
  bool run_until(const std::function<bool()>& done, duration max);
  /// inject(to, header, payload): delivers a forged segment now.
  void inject(int to, const tcp_repr& header, const buf& payload = {});
  void inject(int to, const flow_id& flow, const tcp_repr& header, const buf& payload = {});

  /// count(from, pred): segments in the log from `from` matching pred.
  std::size_t count(int from, const std::function<bool(const sent_segment&)>& pred) const;

private:
  struct end_sink final : segment_sink {
    tcp_wire* wire = nullptr;
    int from = 0;
    void send(const flow_id& flow, const tcp_repr& header, const bufs& payload) noexcept override;
  };
  struct packet {
    int to;
    flow_id flow;  // the receiver's view
    tcp_repr header;
    buf payload;
    mono_time at;
    std::uint64_t order;
  };
  void enqueue(int from, const flow_id& flow, const tcp_repr& header, const bufs& payload);
  void deliver_to(int to, const flow_id& flow, const tcp_repr& header, const buf& payload);
  void deliver(const packet& p);

  end_sink sinks_[2];
  std::vector<connection*> sides_[2];
  listener* listener_ = nullptr;
  std::map<std::pair<mono_time, std::uint64_t>, packet> flight_;  // by arrival
  std::uint64_t order_ = 0;
};

/// Addresses used by the tests.
flow_id flow_a();  // a's view: 10.0.0.1:1000 -> 10.0.0.2:2000
flow_id flow_b();  // b's view
void dump(const tcp_wire&);

}  // namespace atl::net::tcp::test
