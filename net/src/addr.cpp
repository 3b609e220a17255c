#include <atoll/core/assert.hpp>
#include <atoll/net/addr.hpp>

#include <cstring>

namespace atl::net {
namespace {

int hex_digit(char c) noexcept {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// A decimal number of at most `max`, without sign or leading zeros ("0" is fine).
bool parse_decimal(std::string_view text, unsigned max, unsigned& out) noexcept {
  if (text.empty() || text.size() > 5 || (text.size() > 1 && text[0] == '0')) return false;
  unsigned v = 0;
  for (const char c : text) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + static_cast<unsigned>(c - '0');
  }
  if (v > max) return false;
  out = v;
  return true;
}

bool parse_v4(std::string_view text, ipv4_addr::octets_type& out) noexcept {
  for (std::size_t part = 0; part < 4; ++part) {
    const std::size_t dot = text.find('.');
    // Three parts end with a dot, the fourth with the end of the text.
    if ((dot == std::string_view::npos) != (part == 3)) return false;
    unsigned v = 0;
    if (!parse_decimal(text.substr(0, dot), 255, v)) return false;
    out[part] = static_cast<std::uint8_t>(v);
    if (part != 3) text.remove_prefix(dot + 1);
  }
  return true;
}

// The ':'-separated groups of one side of "::" (or of a whole address without
// one). `allow_v4`: the last piece may be dotted IPv4, worth two groups.
// Returns false on any malformed group; `count` is the number of groups.
bool parse_groups(std::string_view text, bool allow_v4, std::uint16_t* out, std::size_t max,
                  std::size_t& count) noexcept {
  count = 0;
  if (text.empty()) return true;
  while (true) {
    const std::size_t colon = text.find(':');
    const std::string_view piece = text.substr(0, colon);
    const bool last = colon == std::string_view::npos;
    if (last && allow_v4 && piece.find('.') != std::string_view::npos) {
      ipv4_addr::octets_type v4{};
      if (count + 2 > max || !parse_v4(piece, v4)) return false;
      out[count++] = static_cast<std::uint16_t>((v4[0] << 8) | v4[1]);
      out[count++] = static_cast<std::uint16_t>((v4[2] << 8) | v4[3]);
      return true;
    }
    if (piece.empty() || piece.size() > 4 || count == max) return false;
    unsigned v = 0;
    for (const char c : piece) {
      const int d = hex_digit(c);
      if (d < 0) return false;
      v = v * 16 + static_cast<unsigned>(d);
    }
    out[count++] = static_cast<std::uint16_t>(v);
    if (last) return true;
    text.remove_prefix(colon + 1);
  }
}

error bad_v6(std::string_view text) noexcept {
  return error(errc::invalid_argument, "'", text, "' is not an IPv6 address");
}

// Splits "addr/len" and parses len (at most max).
bool split_prefix(std::string_view text, unsigned max, std::string_view& addr,
                  std::uint8_t& length) noexcept {
  const std::size_t slash = text.find('/');
  if (slash == std::string_view::npos) return false;
  addr = text.substr(0, slash);
  unsigned v = 0;
  if (!parse_decimal(text.substr(slash + 1), max, v)) return false;
  length = static_cast<std::uint8_t>(v);
  return true;
}

}  // namespace

ipv4_addr ipv4_addr::from_bytes(std::span<const std::byte> b) noexcept {
  ATOLL_ASSERT(b.size() >= 4);
  octets_type o{};
  std::memcpy(o.data(), b.data(), o.size());
  return ipv4_addr(o);
}

void ipv4_addr::write_to(std::span<std::byte> out) const noexcept {
  ATOLL_ASSERT(out.size() >= 4);
  std::memcpy(out.data(), octets_.data(), octets_.size());
}

result<ipv4_addr> ipv4_addr::parse(std::string_view text) noexcept {
  octets_type o{};
  if (!parse_v4(text, o)) {
    return error(errc::invalid_argument, "'", text, "' is not an IPv4 address");
  }
  return ipv4_addr(o);
}

text_buffer<16> ipv4_addr::text() const noexcept {
  text_buffer<16> out;
  for (std::size_t i = 0; i < 4; ++i) {
    if (i != 0) out.append('.');
    out.append(static_cast<unsigned>(octets_[i]));
  }
  return out;
}

ipv6_addr ipv6_addr::from_bytes(std::span<const std::byte> b) noexcept {
  ATOLL_ASSERT(b.size() >= 16);
  octets_type o{};
  std::memcpy(o.data(), b.data(), o.size());
  return ipv6_addr(o);
}

void ipv6_addr::write_to(std::span<std::byte> out) const noexcept {
  ATOLL_ASSERT(out.size() >= 16);
  std::memcpy(out.data(), octets_.data(), octets_.size());
}

result<ipv6_addr> ipv6_addr::parse(std::string_view text) noexcept {
  std::uint16_t head[8] = {};
  std::uint16_t tail[8] = {};
  std::size_t head_count = 0;
  std::size_t tail_count = 0;
  const std::size_t gap = text.find("::");
  if (gap == std::string_view::npos) {
    if (!parse_groups(text, true, head, 8, head_count) || head_count != 8) return bad_v6(text);
  } else {
    const std::string_view before = text.substr(0, gap);
    const std::string_view after = text.substr(gap + 2);
    if (after.find("::") != std::string_view::npos) return bad_v6(text);
    if (!parse_groups(before, false, head, 7, head_count)) return bad_v6(text);
    if (!parse_groups(after, true, tail, 7, tail_count)) return bad_v6(text);
    if (head_count + tail_count > 7) return bad_v6(text);
  }
  std::array<std::uint16_t, 8> groups{};
  for (std::size_t i = 0; i < head_count; ++i) groups[i] = head[i];
  for (std::size_t i = 0; i < tail_count; ++i) groups[8 - tail_count + i] = tail[i];
  return from_groups(groups);
}

text_buffer<48> ipv6_addr::text() const noexcept {
  constexpr char digits[] = "0123456789abcdef";
  text_buffer<48> out;
  const auto append_group = [&](std::uint16_t g) {
    bool started = false;
    for (int shift = 12; shift >= 0; shift -= 4) {
      const unsigned d = (g >> shift) & 0xfU;
      if (d != 0 || started || shift == 0) {
        out.append(digits[d]);
        started = true;
      }
    }
  };
  if (is_v4_mapped()) {
    out.append("::ffff:");
    for (std::size_t i = 12; i < 16; ++i) {
      if (i != 12) out.append('.');
      out.append(static_cast<unsigned>(octets_[i]));
    }
    return out;
  }
  // The longest run of two or more zero groups, the first one on a tie.
  std::size_t best_start = 8;
  std::size_t best_length = 1;
  for (std::size_t i = 0; i < 8;) {
    if (group(i) != 0) {
      ++i;
      continue;
    }
    std::size_t j = i;
    while (j < 8 && group(j) == 0) ++j;
    if (j - i > best_length) {
      best_start = i;
      best_length = j - i;
    }
    i = j;
  }
  for (std::size_t i = 0; i < 8; ++i) {
    if (i == best_start) {
      out.append("::");
      i += best_length - 1;
      continue;
    }
    if (i != 0 && i != best_start + best_length) out.append(':');
    append_group(group(i));
  }
  return out;
}

result<ipv4_prefix> ipv4_prefix::create(ipv4_addr addr, std::uint8_t length) noexcept {
  if (length > 32) {
    return error(errc::invalid_argument, "an IPv4 prefix length of ", length, " is over 32");
  }
  return ipv4_prefix(addr, length);
}

result<ipv4_prefix> ipv4_prefix::parse(std::string_view text) noexcept {
  std::string_view addr_text;
  std::uint8_t length = 0;
  ipv4_addr::octets_type o{};
  if (!split_prefix(text, 32, addr_text, length) || !parse_v4(addr_text, o)) {
    return error(errc::invalid_argument, "'", text, "' is not an IPv4 prefix");
  }
  return ipv4_prefix(ipv4_addr(o), length);
}

result<std::uint8_t> ipv4_prefix::length_of_mask(const ipv4_addr& mask) noexcept {
  const std::uint32_t m = mask.to_u32();
  const std::uint32_t inverted = ~m;
  // Contiguous: the inverted mask is of the form 0...01...1.
  if ((inverted & (inverted + 1)) != 0) {
    return error(errc::invalid_argument, "netmask ", mask.text().view(), " is not contiguous");
  }
  std::uint8_t length = 0;
  for (std::uint32_t bit = 0x80000000U; bit != 0 && (m & bit) != 0; bit >>= 1) ++length;
  return length;
}

text_buffer<20> ipv4_prefix::text() const noexcept {
  text_buffer<20> out;
  out.append(addr_.text().view()).append('/').append(static_cast<unsigned>(length_));
  return out;
}

result<ipv6_prefix> ipv6_prefix::create(ipv6_addr addr, std::uint8_t length) noexcept {
  if (length > 128) {
    return error(errc::invalid_argument, "an IPv6 prefix length of ", length, " is over 128");
  }
  return ipv6_prefix(addr, length);
}

result<ipv6_prefix> ipv6_prefix::parse(std::string_view text) noexcept {
  std::string_view addr_text;
  std::uint8_t length = 0;
  if (!split_prefix(text, 128, addr_text, length)) {
    return error(errc::invalid_argument, "'", text, "' is not an IPv6 prefix");
  }
  auto addr = ipv6_addr::parse(addr_text);
  if (!addr) return error(errc::invalid_argument, "'", text, "' is not an IPv6 prefix");
  return ipv6_prefix(*addr, length);
}

ipv6_addr ipv6_prefix::network() const noexcept {
  ipv6_addr::octets_type o = addr_.octets();
  for (std::size_t i = 0; i < 16; ++i) {
    const std::size_t first_bit = i * 8;
    if (first_bit >= length_) {
      o[i] = 0;
    } else if (first_bit + 8 > length_) {
      o[i] = static_cast<std::uint8_t>(o[i] & (0xff00U >> (length_ - first_bit)));
    }
  }
  return ipv6_addr(o);
}

bool ipv6_prefix::contains(const ipv6_addr& a) const noexcept {
  const auto other = ipv6_prefix(a, length_);
  return other.network() == network();
}

text_buffer<52> ipv6_prefix::text() const noexcept {
  text_buffer<52> out;
  out.append(addr_.text().view()).append('/').append(static_cast<unsigned>(length_));
  return out;
}

result<port> port::parse(std::string_view text) noexcept {
  unsigned v = 0;
  if (!parse_decimal(text, 65535, v)) {
    return error(errc::invalid_argument, "'", text, "' is not a port number");
  }
  return port(static_cast<std::uint16_t>(v));
}

}  // namespace atl::net
