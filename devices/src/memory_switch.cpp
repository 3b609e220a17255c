#include <atoll/devices/memory_switch.hpp>

#include <algorithm>
#include <new>
#include <utility>

namespace atl {

namespace {

/// complete_checksum(frame, start, offset): what a NIC does for a
/// tx_offload::checksum request: the Internet checksum (RFC 1071) of the
/// bytes from `start` to the end, whose field at start + offset already holds
/// the pseudo-header sum, stored into that field.
void complete_checksum(buf& frame, std::size_t start, std::size_t offset) noexcept {
  const auto bytes = frame.bytes();
  std::uint64_t sum = 0;
  for (std::size_t i = start; i < bytes.size(); i += 2) {
    std::uint32_t word = std::to_integer<std::uint32_t>(bytes[i]) << 8;
    if (i + 1 < bytes.size()) word |= std::to_integer<std::uint32_t>(bytes[i + 1]);
    sum += word;
  }
  while ((sum >> 16) != 0) sum = (sum & 0xffff) + (sum >> 16);
  frame.set_u16(start + offset, static_cast<std::uint16_t>(~sum & 0xffff));
}

result<buf> copy_frame(const buf& frame) noexcept { return buf::copy_of(frame.bytes()); }

std::uint64_t key_of(mac_addr mac) noexcept {
  std::uint64_t key = 0;
  for (const std::uint8_t octet : mac.octets()) key = (key << 8) | octet;
  return key;
}

/// mac_at(frame, offset): six bytes of a frame already checked to be long
/// enough, as a MAC key.
std::uint64_t mac_at(const buf& frame, std::size_t offset) noexcept {
  return (std::uint64_t{frame.u16(offset)} << 32) | frame.u32(offset + 2);
}

}  // namespace

// A port's transmit turn: the write waits here, in start order, while the
// transmit queue is full. Woken writers are counted so a write started later
// cannot slip in ahead of them.
class memory_switch::port::tx_turn : public waiter {
public:
  explicit tx_turn(port& p) noexcept : port_(p) {}
  tx_turn(const tx_turn&) = delete;
  tx_turn& operator=(const tx_turn&) = delete;
  ~tx_turn() {
    // Cancelled after being woken: give the turn to the next writer.
    if (woken && !resumed) {
      unlink();
      --port_.tx_woken_;
      port_.pass_tx_turn();
    }
  }
  [[nodiscard]] bool await_ready() const noexcept { return false; }
  void await_suspend(std::coroutine_handle<> h) noexcept {
    handle = h;
    port_.tx_waiters_.push_back(*this);
  }
  void await_resume() noexcept {
    resumed = true;
    --port_.tx_woken_;
  }

  bool woken = false;
  bool resumed = false;

private:
  port& port_;
};

// The delivery task's wait: a timer set to the earliest arrival on the link,
// moved whenever an earlier frame joins (jitter, reordering).
class memory_switch::port::wake {
public:
  explicit wake(port& p) noexcept : port_(p) {}
  wake(const wake&) = delete;
  wake& operator=(const wake&) = delete;
  ~wake() {
    if (timer_.heap_index != timer::not_queued) port_.owner_.engine_.remove_timer(timer_);
    if (port_.sleeper_ == this) port_.sleeper_ = nullptr;
  }
  [[nodiscard]] bool await_ready() const noexcept { return false; }
  void await_suspend(std::coroutine_handle<> h) noexcept {
    timer_.on_expiry.handle = h;
    port_.sleeper_ = this;
    arm();
  }
  void await_resume() noexcept { port_.sleeper_ = nullptr; }

  /// arm: the timer follows the head of the line (or sleeps when empty).
  void arm() noexcept {
    if (timer_.on_expiry.linked()) return;  // fired; resumes this turn
    engine& e = port_.owner_.engine_;
    const bool queued = timer_.heap_index != timer::not_queued;
    if (port_.line_.empty()) {
      if (queued) e.remove_timer(timer_);
      return;
    }
    const mono_time due = port_.line_.front().due;
    if (queued) {
      if (timer_.deadline == due) return;
      e.remove_timer(timer_);
    }
    timer_.deadline = due;
    e.add_timer(timer_);
  }

private:
  port& port_;
  timer timer_;
};

// ---- memory_switch ----

memory_switch::memory_switch(engine& e, const switch_config& config) noexcept
    : engine_(e), config_(config), rng_(config.seed), tasks_(e, "memory_switch") {
  ports_.reserve(config_.max_ports);
  macs_.reserve(config_.mac_table_size);
}

memory_switch::~memory_switch() = default;

result<memory_switch::port*> memory_switch::add_port(const link_config& link,
                                                     const port_options& options) noexcept {
  if (ports_.size() >= config_.max_ports) {
    return error(errc::limit_exceeded, "the switch has all its ", config_.max_ports, " ports");
  }
  if (link.mtu < 68 || link.mtu > 65535 - ethernet_header_size) {
    return error(errc::invalid_argument, "a port MTU of ", link.mtu, " is out of range");
  }
  port_options chosen = options;
  const std::size_t index = ports_.size();
  if (chosen.mac == mac_addr{}) {
    const std::size_t n = index + 1;
    chosen.mac = mac_addr(mac_addr::octets_type{0x02, 0x00, 0x00, config_.id,
                                                static_cast<std::uint8_t>(n >> 8),
                                                static_cast<std::uint8_t>(n & 0xff)});
  }
  if (chosen.mac.is_multicast()) {
    return error(errc::invalid_argument, "a port MAC must be unicast: ", chosen.mac.text().view());
  }
  std::unique_ptr<port> made(new (std::nothrow) port(*this, index, link, chosen));
  if (!made) return error(errc::no_memory, "no memory for a switch port");
  port* p = made.get();
  ports_.push_back(std::move(made));
  auto spawned = tasks_.spawn(p->delivery());
  if (!spawned) {
    ports_.pop_back();
    return spawned.error();
  }
  return p;
}

memory_switch::port& memory_switch::at(std::size_t index) noexcept {
  ATOLL_ASSERT(index < ports_.size());
  return *ports_[index];
}

result<std::size_t> memory_switch::learned(mac_addr mac) noexcept {
  const mono_time now = engine_.now();
  const std::uint64_t key = key_of(mac);
  for (const mac_entry& e : macs_) {
    if (e.key == key && now - e.seen < config_.mac_aging) return e.port;
  }
  return error(errc::not_found, mac.text().view(), " is not in the MAC table");
}

void memory_switch::learn(std::uint64_t key, std::size_t port_index, mono_time now) noexcept {
  mac_entry* oldest = nullptr;
  for (mac_entry& e : macs_) {
    if (e.key == key) {
      e.port = port_index;
      e.seen = now;
      return;
    }
    if (oldest == nullptr || e.seen < oldest->seen) oldest = &e;
  }
  if (macs_.size() < config_.mac_table_size) {
    macs_.push_back(mac_entry{key, port_index, now});  // reserved: never reallocates
    return;
  }
  if (oldest == nullptr) return;  // a table of size zero learns nothing
  if (now - oldest->seen < config_.mac_aging) ++evictions_;
  *oldest = mac_entry{key, port_index, now};
}

double memory_switch::next_unit() noexcept {
  // splitmix64: small, fast, and the same sequence for the same seed.
  std::uint64_t z = (rng_ += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  z ^= z >> 31;
  return static_cast<double>(z >> 11) * 0x1.0p-53;
}

bool memory_switch::chance(double probability) noexcept {
  // No draw for a fault that is off, so adding a port does not shift the
  // random sequence of the others' faults.
  if (probability <= 0.0) return false;
  if (probability >= 1.0) return true;
  return next_unit() < probability;
}

void memory_switch::forward(port& from, buf frame, const tx_offload& offload) noexcept {
  const mono_time now = engine_.now();
  if (tap_ != nullptr) tap_->on_frame(from.index_, now, frame);
  // Group addresses have the low bit of the first octet set (bit 40 of the key).
  constexpr std::uint64_t group_bit = std::uint64_t{1} << 40;
  const std::uint64_t to = mac_at(frame, 0);
  const std::uint64_t source = mac_at(frame, 6);
  if ((source & group_bit) == 0) learn(source, from.index_, now);

  // for_port(p, f): the frame as port p receives it.
  const auto for_port = [&offload](port& p, buf f) {
    rx_frame out{std::move(f), {}};
    if (offload.checksum) {
      if (p.checksum_offload_) {
        out.info.checksum_partial = true;
        out.info.csum_start = offload.csum_start;
        out.info.csum_offset = offload.csum_offset;
      } else {
        complete_checksum(out.frame, offload.csum_start, offload.csum_offset);
      }
    }
    return out;
  };

  if ((to & group_bit) == 0) {
    for (const mac_entry& e : macs_) {
      if (e.key != to || now - e.seen >= config_.mac_aging) continue;
      if (e.port == from.index_) return;  // the destination is behind the sender's port
      port& p = *ports_[e.port];
      p.egress(for_port(p, std::move(frame)), from);
      return;
    }
  }
  ++flooded_;
  // Every receiver gets its own copy; the last one takes the sender's copy.
  std::size_t last = ports_.size();
  for (std::size_t i = 0; i < ports_.size(); ++i) {
    if (i != from.index_) last = i;
  }
  for (std::size_t i = 0; i < ports_.size(); ++i) {
    if (i == from.index_) continue;
    port& p = *ports_[i];
    if (i == last) {
      p.egress(for_port(p, std::move(frame)), from);
      break;
    }
    auto copy = copy_frame(frame);
    if (!copy) {
      ++p.stats_.rx_drops;
      continue;
    }
    p.egress(for_port(p, std::move(*copy)), from);
  }
}

// ---- memory_switch::port ----

memory_switch::port::port(memory_switch& owner, std::size_t index, const link_config& link,
                          const port_options& options) noexcept
    : owner_(owner),
      index_(index),
      mac_(options.mac),
      mtu_(link.mtu),
      checksum_offload_(options.checksum_offload),
      link_(link),
      rx_ready_(owner.engine_) {}

memory_switch::port::~port() = default;

task<result<void>> memory_switch::port::write(bufs frame, tx_offload offload) noexcept {
  if (closed_) co_return error(errc::closed, "switch port ", index_, " is closed");
  ATOLL_CO_TRYV(check_frame_size(frame.size(), mtu_));
  if (offload.gso != gso_type::none) {
    co_return error(errc::unsupported, "switch ports do not segment (GSO)");
  }
  if (offload.checksum) {
    if (!checksum_offload_) {
      co_return error(errc::unsupported, "switch port ", index_, " has no checksum offload");
    }
    if (std::size_t{offload.csum_start} + offload.csum_offset + 2 > frame.size()) {
      co_return error(errc::invalid_argument, "checksum field at ",
                      offload.csum_start + offload.csum_offset, " is outside the frame");
    }
  }
  if (!tx_waiters_.empty() || tx_woken_ != 0 || tx_in_flight_ >= link_.tx_queue) {
    tx_turn turn(*this);
    co_await turn;
    if (closed_) co_return error(errc::closed, "switch port ", index_, " is closed");
  }
  // The sender's bytes are copied now: it may reuse its bufs at once.
  // copy_to below writes every byte, so the buffer is not zero-filled first.
  auto copy = buf::allocate_uninit(frame.size());
  if (!copy) {
    ++stats_.tx_errors;
    pass_tx_turn();
    co_return copy.error();
  }
  (void)frame.copy_to(copy->mutable_bytes());
  ++stats_.tx_packets;
  stats_.tx_bytes += frame.size();
  if (!link_.up) {
    ++stats_.tx_drops;
  } else {
    owner_.forward(*this, std::move(*copy), offload);
  }
  pass_tx_turn();
  co_return ok();
}

task<result<rx_frame>> memory_switch::port::receive() noexcept {
  for (;;) {
    if (closed_) co_return error(errc::closed, "switch port ", index_, " is closed");
    if (!rx_.empty()) {
      rx_frame got = std::move(rx_.front());
      rx_.pop_front();
      rx_bytes_ -= got.frame.size();
      ++stats_.rx_packets;
      stats_.rx_bytes += got.frame.size();
      co_return got;
    }
    co_await rx_ready_.wait();
  }
}

bool memory_switch::port::faultless() const noexcept {
  return link_.loss <= 0.0 && link_.duplicate <= 0.0 && link_.reorder <= 0.0 &&
         link_.delay <= duration{} && link_.jitter <= duration{} && link_.bandwidth == 0;
}

bool memory_switch::port::admit(std::size_t size) noexcept {
  if (queued() >= link_.queue_frames || line_bytes_ + rx_bytes_ + size > link_.queue_bytes) {
    ++faults_.queue_drops;
    ++stats_.rx_drops;
    return false;
  }
  return true;
}

void memory_switch::port::push_rx(rx_frame frame) noexcept {
  rx_bytes_ += frame.frame.size();
  rx_.push_back(std::move(frame));
  rx_ready_.set();
}

void memory_switch::port::egress(rx_frame frame, port& from) noexcept {
  const std::size_t size = frame.frame.size();
  if (closed_) {
    ++stats_.rx_drops;
    return;
  }
  if (!link_.up) {
    ++faults_.down_drops;
    ++stats_.rx_drops;
    return;
  }
  if (size > link_.mtu + ethernet_header_size) {
    ++faults_.mtu_drops;
    ++stats_.rx_drops;
    return;
  }
  if (line_.empty() && faultless()) {  // the fast path: no timer, no task
    if (admit(size)) push_rx(std::move(frame));
    return;
  }
  if (owner_.chance(link_.loss)) {
    ++faults_.lost;
    ++stats_.rx_drops;
    return;
  }
  rx_frame second;
  std::size_t copies = 1;
  if (owner_.chance(link_.duplicate)) {
    auto twin = copy_frame(frame.frame);
    if (twin) {
      second = rx_frame{std::move(*twin), frame.info};
      copies = 2;
      ++faults_.duplicated;
    } else {
      ++stats_.rx_drops;  // the duplicate that could not be made
    }
  }
  const mono_time now = owner_.engine_.now();
  for (std::size_t c = 0; c < copies; ++c) {
    if (!admit(size)) continue;
    duration extra{};
    if (owner_.chance(link_.reorder)) {
      extra = link_.reorder_hold;
      ++faults_.reordered;
    }
    mono_time sent = now;
    if (link_.bandwidth != 0) {
      const auto bits = static_cast<std::uint64_t>(size) * 8;
      const auto ns = static_cast<std::int64_t>(bits * 1'000'000'000ULL / link_.bandwidth);
      link_free_ = std::max(link_free_, now) + duration(ns);
      sent = link_free_;
    }
    duration jitter{};
    if (link_.jitter > duration{}) {
      jitter = duration(static_cast<std::int64_t>(owner_.next_unit() *
                                                  static_cast<double>(link_.jitter.count())));
    }
    // Copy 0 takes `frame`, copy 1 (a duplicate) `second`: each moves once.
    in_flight entry{
        sent + link_.delay + jitter + extra, line_order_++,
        c == 0 ? std::move(frame) : std::move(second),  // NOLINT(bugprone-use-after-move)
        &from};
    const auto at = std::upper_bound(
        line_.begin(), line_.end(), entry, [](const in_flight& a, const in_flight& b) {
          return a.due < b.due || (a.due == b.due && a.order < b.order);
        });
    line_bytes_ += size;
    ++from.tx_in_flight_;
    ++faults_.delayed;
    line_.insert(at, std::move(entry));
  }
  deliver_due(now);
  rearm();
}

void memory_switch::port::deliver_due(mono_time now) noexcept {
  while (!line_.empty() && line_.front().due <= now) {
    in_flight head = std::move(line_.front());
    line_.pop_front();
    line_bytes_ -= head.frame.frame.size();
    push_rx(std::move(head.frame));
    head.from->release_tx();
  }
}

void memory_switch::port::rearm() noexcept {
  if (sleeper_ != nullptr) sleeper_->arm();
}

void memory_switch::port::release_tx() noexcept {
  --tx_in_flight_;
  pass_tx_turn();
}

void memory_switch::port::pass_tx_turn() noexcept {
  if (tx_woken_ != 0 || tx_waiters_.empty()) return;
  if (!closed_ && tx_in_flight_ >= link_.tx_queue) return;
  auto& next =
      static_cast<tx_turn&>(tx_waiters_.pop_front());  // NOLINT(*-downcast): only tx_turns queue
  next.woken = true;
  ++tx_woken_;
  owner_.engine_.schedule(next);
}

task<void> memory_switch::port::delivery() noexcept {
  for (;;) {
    deliver_due(owner_.engine_.now());
    wake w(*this);
    co_await w;
  }
}

void memory_switch::port::set_link(const link_config& c) noexcept {
  link_ = c;
  if (!link_.up) {
    // The cable is out: what is on it is lost.
    while (!line_.empty()) {
      in_flight head = std::move(line_.front());
      line_.pop_front();
      line_bytes_ -= head.frame.frame.size();
      ++faults_.down_drops;
      ++stats_.rx_drops;
      head.from->release_tx();
    }
  }
  rearm();
  pass_tx_turn();  // the transmit queue may have grown
}

void memory_switch::port::close() noexcept {
  if (closed_) return;
  closed_ = true;
  while (!line_.empty()) {
    in_flight head = std::move(line_.front());
    line_.pop_front();
    line_bytes_ -= head.frame.frame.size();
    head.from->release_tx();
  }
  rx_.clear();
  rx_bytes_ = 0;
  rearm();
  rx_ready_.set();
  // Every waiting writer wakes, sees the port closed and fails.
  while (!tx_waiters_.empty()) {
    auto& next =
        static_cast<tx_turn&>(tx_waiters_.pop_front());  // NOLINT(*-downcast): only tx_turns queue
    next.woken = true;
    ++tx_woken_;
    owner_.engine_.schedule(next);
  }
}

}  // namespace atl
