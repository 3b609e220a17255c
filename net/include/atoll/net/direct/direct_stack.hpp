// direct_stack<Network>: atoll's own TCP/IP stack over a network device
// (devices/network.hpp), meeting the stack concept (net/stack.hpp) as the
// socket stack does, so an application runs on either unchanged
// (docs/direct-stack.md).
//
// The template is thin: direct_core (direct_core.hpp) holds the protocol
// cores, the tables and the handles; the stack adds the device and three
// tasks in a task_set it owns:
//   - receive: each frame from the device goes to direct_core::on_frame;
//   - timer: sleeps until the cores' earliest deadline, or until
//     timer_changed() says a deadline moved earlier, and runs on_timer;
//   - transmit: writes the core's queued frames to the device in order
//     (the device's back-pressure holds them in the bounded queue).
// start() installs the configuration and starts the tasks; destroying the
// stack cancels them. The engine and the device must outlive the stack,
// the stack every handle it made.
#pragma once

#include <atoll/core/engine.hpp>
#include <atoll/core/result.hpp>
#include <atoll/core/task.hpp>
#include <atoll/core/task_set.hpp>
#include <atoll/core/when.hpp>
#include <atoll/devices/network.hpp>
#include <atoll/net/direct/direct_core.hpp>
#include <atoll/net/stack.hpp>

#include <chrono>
#include <utility>

namespace atl::net {

template <network Network>
class direct_stack {
public:
  using flow_type = direct_flow;
  using listener_type = direct_listener;
  using udp_socket_type = direct_udp_socket;

  direct_stack(engine& e, Network& device, const direct_config& config)
      : engine_(e),
        device_(device),
        core_(e, device.mac(), device.mtu(), config),
        tasks_(e, "direct") {}
  direct_stack(const direct_stack&) = delete;
  direct_stack& operator=(const direct_stack&) = delete;

  /// start(): configures the interface and starts the tasks.
  /// errc::invalid_argument for a configuration the core refuses.
  result<void> start() {
    ATOLL_TRYV(core_.start(engine_.now()));
    ATOLL_TRYV(tasks_.spawn(receive_loop(engine_, device_, core_)));
    ATOLL_TRYV(tasks_.spawn(timer_loop(engine_, core_)));
    ATOLL_TRYV(tasks_.spawn(transmit_loop(device_, core_)));
    return ok();
  }

  result<listener_type> listen(ip_endpoint at) { return core_.listen(at); }
  task<result<flow_type>> connect(ip_endpoint to) { return core_.connect(to); }
  result<udp_socket_type> udp_bind(ip_endpoint at) { return core_.udp_bind(at); }

  [[nodiscard]] direct_core& core() noexcept { return core_; }
  [[nodiscard]] const direct_stats& stats() const noexcept { return core_.stats(); }

private:
  static task<result<void>> receive_loop(engine& e, Network& device, direct_core& core) noexcept {
    for (;;) {
      auto got = co_await device.receive();
      if (!got) co_return got.error();
      core.on_frame(got->frame, e.now());
    }
  }

  static task<void> sleep_until(engine& e, mono_time deadline) noexcept {
    co_await e.sleep_until(deadline);
  }
  static task<void> changed(direct_core& core) noexcept { co_await core.timer_changed().wait(); }

  static task<void> timer_loop(engine& e, direct_core& core) noexcept {
    for (;;) {
      mono_time deadline = core.next_deadline();
      if (deadline <= e.now()) {
        core.on_timer(e.now());
        deadline = core.next_deadline();
        // A core that stays due would spin: give the others a turn.
        if (deadline <= e.now()) deadline = e.now() + std::chrono::milliseconds(1);
      }
      core.set_armed(deadline);
      core.timer_changed().reset();
      if (deadline == mono_never) {
        co_await core.timer_changed().wait();
      } else {
        auto woken = co_await any(sleep_until(e, deadline), changed(core));
        (void)woken;
      }
    }
  }

  static task<result<void>> transmit_loop(Network& device, direct_core& core) noexcept {
    for (;;) {
      while (core.has_frame()) {
        auto sent = co_await device.write(core.take_frame());
        if (!sent && sent.error().code() == errc::closed) co_return sent.error();
      }
      co_await core.tx_ready().wait();
    }
  }

  engine& engine_;
  Network& device_;
  direct_core core_;
  task_set tasks_;
};

}  // namespace atl::net
