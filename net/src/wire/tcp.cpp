#include <atoll/net/wire/options.hpp>
#include <atoll/net/wire/tcp.hpp>

#include <algorithm>

namespace atl::net {
namespace {

constexpr std::uint8_t kind_eol = 0;
constexpr std::uint8_t kind_nop = 1;
constexpr std::uint8_t kind_mss = 2;
constexpr std::uint8_t kind_window_scale = 3;
constexpr std::uint8_t kind_sack_permitted = 4;
constexpr std::uint8_t kind_sack = 5;
constexpr std::uint8_t kind_timestamps = 8;
constexpr std::size_t max_options_len = 40;

// How emit() lays the options out. Aligned is Linux's layout, in which
// timestamps and SACK blocks start on a 4-byte boundary (receivers have a
// fast path for NOP NOP TS); packed has no NOPs and is the shortest, so
// whatever options a peer fitted into 40 bytes, we fit too.
struct options_layout {
  bool aligned = true;
  std::size_t blocks = 0;
  std::size_t len = 0;
};

options_layout layout_of(const tcp_repr& r) noexcept {
  const std::size_t count = r.sack_count;
  std::size_t aligned = (r.mss ? 4 : 0) + (r.window_scale ? 4 : 0);
  if (r.timestamps) {
    aligned += 12;  // SACKP TS, or NOP NOP TS
  } else if (r.sack_permitted) {
    aligned += 4;  // NOP NOP SACKP
  }
  const std::size_t packed_raw = (r.mss ? 4 : 0) + (r.window_scale ? 3 : 0) +
                                 (r.sack_permitted ? 2 : 0) + (r.timestamps ? 10 : 0);
  const auto sack_len = [](std::size_t n, std::size_t overhead) {
    return n == 0 ? 0 : overhead + 8 * n;
  };
  const auto round4 = [](std::size_t n) { return (n + 3) & ~std::size_t{3}; };
  if (aligned + sack_len(count, 4) <= max_options_len) {
    return {true, count, aligned + sack_len(count, 4)};
  }
  if (round4(packed_raw + sack_len(count, 2)) <= max_options_len) {
    return {false, count, round4(packed_raw + sack_len(count, 2))};
  }
  // Not all blocks fit: as many as the roomier layout takes.
  const std::size_t fit_aligned =
      aligned + 12 <= max_options_len ? (max_options_len - aligned - 4) / 8 : 0;
  const std::size_t fit_packed =
      packed_raw + 10 <= max_options_len ? (max_options_len - packed_raw - 2) / 8 : 0;
  if (fit_aligned >= fit_packed) {
    const std::size_t n = std::min(fit_aligned, count);
    return {true, n, aligned + sack_len(n, 4)};
  }
  const std::size_t n = std::min(fit_packed, count);
  return {false, n, round4(packed_raw + sack_len(n, 2))};
}

class option_writer {
public:
  explicit option_writer(std::span<std::byte> out) noexcept : out_(out) {}
  void u8(std::uint8_t v) noexcept { wire::put_u8(out_, at_++, v); }
  void u16(std::uint16_t v) noexcept {
    wire::put_u16(out_, at_, v);
    at_ += 2;
  }
  void u32(std::uint32_t v) noexcept {
    wire::put_u32(out_, at_, v);
    at_ += 4;
  }
  [[nodiscard]] std::size_t at() const noexcept { return at_; }

private:
  std::span<std::byte> out_;
  std::size_t at_ = 0;
};

void write_options(const tcp_repr& r, const options_layout& layout,
                   std::span<std::byte> out) noexcept {
  option_writer w(out);
  if (r.mss) {
    w.u8(kind_mss);
    w.u8(4);
    w.u16(*r.mss);
  }
  if (layout.aligned) {
    if (r.timestamps) {
      if (r.sack_permitted) {
        w.u8(kind_sack_permitted);
        w.u8(2);
      } else {
        w.u8(kind_nop);
        w.u8(kind_nop);
      }
      w.u8(kind_timestamps);
      w.u8(10);
      w.u32(r.timestamps->value);
      w.u32(r.timestamps->echo);
    } else if (r.sack_permitted) {
      w.u8(kind_nop);
      w.u8(kind_nop);
      w.u8(kind_sack_permitted);
      w.u8(2);
    }
    if (r.window_scale) {
      w.u8(kind_nop);
      w.u8(kind_window_scale);
      w.u8(3);
      w.u8(*r.window_scale);
    }
    if (layout.blocks != 0) {
      w.u8(kind_nop);
      w.u8(kind_nop);
    }
  } else {
    if (r.window_scale) {
      w.u8(kind_window_scale);
      w.u8(3);
      w.u8(*r.window_scale);
    }
    if (r.sack_permitted) {
      w.u8(kind_sack_permitted);
      w.u8(2);
    }
    if (r.timestamps) {
      w.u8(kind_timestamps);
      w.u8(10);
      w.u32(r.timestamps->value);
      w.u32(r.timestamps->echo);
    }
  }
  if (layout.blocks != 0) {
    w.u8(kind_sack);
    w.u8(static_cast<std::uint8_t>(2 + 8 * layout.blocks));
    for (std::size_t i = 0; i < layout.blocks; ++i) {
      w.u32(r.sack[i].left);
      w.u32(r.sack[i].right);
    }
  }
  while (w.at() < layout.len) w.u8(kind_eol);
  ATOLL_ASSERT(w.at() == layout.len);
}

error bad_option(const char* name, std::size_t length) noexcept {
  return error(errc::corrupt, "tcp: a ", name, " option of ", length + 2, " bytes");
}

}  // namespace

result<tcp_view> tcp_view::checked(std::span<const std::byte> bytes) noexcept {
  if (bytes.size() < min_header_len) {
    return error(errc::corrupt, "tcp: ", bytes.size(), " bytes is shorter than a header");
  }
  const std::size_t header_len = (std::size_t{wire::get_u8(bytes, 12)} >> 4) * 4;
  if (header_len < min_header_len) {
    return error(errc::corrupt, "tcp: data offset ", header_len / 4, " is below 5");
  }
  if (header_len > bytes.size()) {
    return error(errc::corrupt, "tcp: a header of ", header_len, " bytes in ", bytes.size());
  }
  return tcp_view(bytes);
}

bool tcp_view::checksum_ok(const ip_pair& ips) const noexcept {
  checksum_accumulator sum(ips.pseudo_sum(ip_protocol::tcp, bytes_.size()));
  sum.add(bytes_);
  return sum.checksum() == 0;
}

result<tcp_repr> tcp_repr::parse(const tcp_view& view, const ip_pair& ips,
                                 checksum_policy policy) noexcept {
  if (policy == checksum_policy::verify && !view.checksum_ok(ips)) {
    return error(errc::corrupt, "tcp: bad checksum");
  }
  if (view.bytes().size() - view.header_len() > 65535) {
    return error(errc::corrupt, "tcp: a payload over 65535 bytes");
  }
  tcp_repr r;
  r.src_port = view.src_port();
  r.dst_port = view.dst_port();
  r.seq = view.seq();
  r.ack = view.ack();
  r.flags = view.flags();
  r.window = view.window();
  r.urgent = view.urgent();
  r.payload_len = static_cast<std::uint16_t>(view.payload().size());

  option_walker walker(view.options());
  while (true) {
    auto next = walker.next();
    if (!next) return error(errc::corrupt, "tcp: ", next.error().message());
    if (!*next) break;
    const wire_option& option = **next;
    const std::size_t length = option.data.size();
    switch (option.kind) {
      case kind_mss:
        if (length != 2) return bad_option("MSS", length);
        r.mss = wire::get_u16(option.data, 0);
        break;
      case kind_window_scale:
        if (length != 1) return bad_option("window scale", length);
        r.window_scale = std::min(wire::get_u8(option.data, 0), max_window_scale);
        break;
      case kind_sack_permitted:
        if (length != 0) return bad_option("SACK-permitted", length);
        r.sack_permitted = true;
        break;
      case kind_sack:
        if (length == 0 || length % 8 != 0 || length / 8 > max_sack_blocks) {
          return bad_option("SACK", length);
        }
        r.sack_count = static_cast<std::uint8_t>(length / 8);
        for (std::size_t i = 0; i < r.sack_count; ++i) {
          r.sack[i] =
              sack_block{wire::get_u32(option.data, 8 * i), wire::get_u32(option.data, 8 * i + 4)};
        }
        break;
      case kind_timestamps:
        if (length != 8) return bad_option("timestamps", length);
        r.timestamps = tcp_timestamps{wire::get_u32(option.data, 0), wire::get_u32(option.data, 4)};
        break;
      default: break;  // unknown: skipped by its length
    }
  }
  return r;
}

std::size_t tcp_repr::sack_blocks_sent() const noexcept { return layout_of(*this).blocks; }

std::size_t tcp_repr::options_len() const noexcept { return layout_of(*this).len; }

void tcp_repr::emit(std::span<std::byte> out, const ip_pair& ips,
                    std::span<const std::byte> payload) const noexcept {
  ATOLL_ASSERT(payload.size() == payload_len);
  emit(out, ips, ones_sum(payload));
}

void tcp_repr::emit(std::span<std::byte> out, const ip_pair& ips,
                    std::uint16_t payload_sum) const noexcept {
  emit_partial(out, ips);
  checksum_accumulator sum(ones_sum(out));
  sum.add_partial(payload_sum);
  wire::put_u16(out, 16, sum.checksum());
}

void tcp_repr::emit_partial(std::span<std::byte> out, const ip_pair& ips) const noexcept {
  const options_layout layout = layout_of(*this);
  const std::size_t header_len = tcp_view::min_header_len + layout.len;
  ATOLL_ASSERT(out.size() == header_len);
  ATOLL_ASSERT(header_len + payload_len <= 65535);
  ATOLL_ASSERT(sack_count <= max_sack_blocks);
  ATOLL_ASSERT(!window_scale || *window_scale <= max_window_scale);
  wire::put_u16(out, 0, src_port.value());
  wire::put_u16(out, 2, dst_port.value());
  wire::put_u32(out, 4, seq);
  wire::put_u32(out, 8, ack);
  wire::put_u8(out, 12, static_cast<std::uint8_t>((header_len / 4) << 4));
  wire::put_u8(out, 13, flags.bits());
  wire::put_u16(out, 14, window);
  wire::put_u16(out, 18, urgent);
  write_options(*this, layout, out.subspan(tcp_view::min_header_len));
  wire::put_u16(out, 16, ips.pseudo_sum(ip_protocol::tcp, header_len + payload_len));
}

bool operator==(const tcp_repr& a, const tcp_repr& b) noexcept {
  return a.src_port == b.src_port && a.dst_port == b.dst_port && a.seq == b.seq && a.ack == b.ack &&
         a.flags == b.flags && a.window == b.window && a.urgent == b.urgent && a.mss == b.mss &&
         a.window_scale == b.window_scale && a.sack_permitted == b.sack_permitted &&
         a.sack_count == b.sack_count &&
         std::equal(a.sack.begin(), a.sack.begin() + a.sack_count, b.sack.begin()) &&
         a.timestamps == b.timestamps && a.payload_len == b.payload_len;
}

}  // namespace atl::net
