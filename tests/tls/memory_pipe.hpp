// memory_pipe: two connected byte_flow ends in memory, for tests of what
// runs over a flow (TLS, HTTP). Each direction holds at most `capacity`
// bytes: a writer facing a reader that does not read waits, as over TCP.
//
//   read()      the next bytes, at most `chunk`; an empty buf once the other
//               end shut down or closed and everything was read.
//   write(b)    completes when all of b sits in the direction's buffer;
//               errc::connection_reset if the other end is closed.
//   shutdown()  the other end reads EOF after the bytes written.
//   close()     shutdown, and later operations here fail with errc::closed.
// Counters: buffered() (bytes in a direction), peak() (its high-water mark).
#pragma once

#include <atoll/core/buf.hpp>
#include <atoll/core/engine.hpp>
#include <atoll/core/event.hpp>
#include <atoll/core/result.hpp>
#include <atoll/core/task.hpp>

#include <algorithm>
#include <cstddef>
#include <memory>
#include <utility>
#include <vector>

namespace atl::tls::test {

class pipe_end {
public:
  struct direction {
    explicit direction(engine& e, std::size_t capacity)
        : ring(capacity), readable(e), writable(e) {}
    std::vector<std::byte> ring;
    std::size_t head = 0;
    std::size_t size = 0;
    std::size_t peak = 0;
    bool eof = false;
    event readable;
    event writable;
  };
  struct shared {
    shared(engine& e, std::size_t capacity, std::size_t chunk_size)
        : dirs{direction(e, capacity), direction(e, capacity)}, chunk(chunk_size) {}
    direction dirs[2];  // dirs[i]: written by end i, read by end 1-i
    std::size_t chunk;
    bool closed[2] = {false, false};
  };

  pipe_end(std::shared_ptr<shared> s, int side) : s_(std::move(s)), side_(side) {}
  pipe_end(pipe_end&&) noexcept = default;
  pipe_end& operator=(pipe_end&&) noexcept = default;

  task<result<buf>> read() { return do_read(s_, side_); }
  task<result<void>> write(bufs data) { return do_write(s_, side_, std::move(data)); }
  task<result<void>> shutdown() { return do_shutdown(s_, side_); }
  void close() {
    if (!s_ || s_->closed[side_]) return;
    s_->closed[side_] = true;
    end_output(*s_, side_);
    s_->dirs[1 - side_].writable.set();  // a writer towards us learns of it
  }

  /// buffered(): bytes written by this end and not yet read by the other.
  [[nodiscard]] std::size_t buffered() const { return s_->dirs[side_].size; }
  /// peak(): the most bytes ever buffered in that direction.
  [[nodiscard]] std::size_t peak() const { return s_->dirs[side_].peak; }

private:
  static void end_output(shared& s, int side) {
    s.dirs[side].eof = true;
    s.dirs[side].readable.set();
  }

  static task<result<buf>> do_read(std::shared_ptr<shared> s, int side) {
    direction& d = s->dirs[1 - side];
    for (;;) {
      if (s->closed[side]) co_return error(errc::closed, "pipe: read after close");
      if (d.size > 0) {
        const std::size_t n = std::min(d.size, s->chunk);
        result<buf> out = buf::allocate_uninit(n);
        if (!out) co_return out.error();
        std::span<std::byte> bytes = out->mutable_bytes();
        for (std::size_t i = 0; i < n; ++i) bytes[i] = d.ring[(d.head + i) % d.ring.size()];
        d.head = (d.head + n) % d.ring.size();
        d.size -= n;
        d.writable.set();
        co_return std::move(*out);
      }
      if (d.eof) co_return buf{};
      co_await d.readable.wait();
    }
  }

  static task<result<void>> do_write(std::shared_ptr<shared> s, int side, bufs data) {
    direction& d = s->dirs[side];
    if (s->closed[side] || d.eof) co_return error(errc::closed, "pipe: write after shutdown");
    for (const buf& segment : data) {
      std::size_t at = 0;
      while (at < segment.size()) {
        if (s->closed[1 - side]) co_return error(errc::connection_reset, "pipe: peer closed");
        const std::size_t room = d.ring.size() - d.size;
        if (room == 0) {
          co_await d.writable.wait();
          continue;
        }
        const std::size_t n = std::min(room, segment.size() - at);
        for (std::size_t i = 0; i < n; ++i) {
          d.ring[(d.head + d.size + i) % d.ring.size()] = segment.data()[at + i];
        }
        d.size += n;
        d.peak = std::max(d.peak, d.size);
        at += n;
        d.readable.set();
      }
    }
    co_return ok();
  }

  static task<result<void>> do_shutdown(std::shared_ptr<shared> s, int side) {
    if (s->closed[side]) co_return error(errc::closed, "pipe: shutdown after close");
    end_output(*s, side);
    co_return ok();
  }

  std::shared_ptr<shared> s_;
  int side_;
};

/// make_pipe(e, capacity, chunk): two connected ends.
inline std::pair<pipe_end, pipe_end> make_pipe(engine& e,
                                               std::size_t capacity = std::size_t{64} * 1024,
                                               std::size_t chunk = std::size_t{8} * 1024) {
  auto s = std::make_shared<pipe_end::shared>(e, capacity, chunk);
  return {pipe_end(s, 0), pipe_end(s, 1)};
}

}  // namespace atl::tls::test
