#include <atoll/net/ipv6/ext_policy.hpp>

namespace atl::net {
namespace {

constexpr std::uint32_t fixed_len = ipv6_view::header_len;

bool is_extension(std::uint8_t next) noexcept {
  const auto p = static_cast<ip_protocol>(next);
  return p == ip_protocol::hop_by_hop || p == ip_protocol::ipv6_route ||
         p == ip_protocol::ipv6_opts || p == ip_protocol::ipv6_frag;
}

// One step of the chain: where a header starts, how long it is, and where
// its Next Header field is. Stops (false) at an upper layer, a fragment
// header, or anything out of bounds.
struct chain_cursor {
  std::span<const std::byte> payload;
  std::size_t max_headers;
  std::uint8_t next;
  std::size_t at = 0;
  std::uint32_t next_field = 6;  // the fixed header's Next Header
  std::size_t headers = 0;

  [[nodiscard]] bool at_extension() const noexcept {
    return is_extension(next) && static_cast<ip_protocol>(next) != ip_protocol::ipv6_frag &&
           headers < max_headers && payload.size() - at >= 8;
  }
  [[nodiscard]] std::size_t length() const noexcept {
    return (std::size_t{wire::get_u8(payload, at + 1)} + 1) * 8;
  }
  bool advance() noexcept {
    const std::size_t len = length();
    if (len > payload.size() - at) return false;
    next_field = static_cast<std::uint32_t>(fixed_len + at);
    next = wire::get_u8(payload, at);
    at += len;
    ++headers;
    return true;
  }
};

// The options of a hop-by-hop or destination options header: the first one
// not to be skipped decides (RFC 8200 section 4.2).
enum class option_verdict : std::uint8_t { skip, silent, problem };

option_verdict option_problem(std::span<const std::byte> options, std::uint32_t options_at,
                              ipv6_param_problem& problem) noexcept {
  std::size_t at = 0;
  while (at < options.size()) {
    const auto type = static_cast<std::uint8_t>(options[at]);
    if (type == 0) {  // Pad1
      ++at;
      continue;
    }
    if (options.size() - at < 2) return option_verdict::silent;
    const std::size_t length = static_cast<std::uint8_t>(options[at + 1]);
    if (length > options.size() - at - 2) return option_verdict::silent;
    switch (type >> 6) {
      case 0: break;
      case 1: return option_verdict::silent;
      default:
        problem.code = 2;
        problem.pointer = options_at + static_cast<std::uint32_t>(at);
        problem.to_multicast = (type >> 6) == 2;
        return option_verdict::problem;
    }
    at += 2 + length;
  }
  return option_verdict::skip;
}

}  // namespace

std::optional<ipv6_param_problem> ext_problem(const ipv6_view& view,
                                              const ipv6_ext_limits& limits) noexcept {
  chain_cursor c{view.payload(), limits.max_headers, view.next_header()};
  while (c.at_extension()) {
    const std::size_t len = c.length();
    if (len > c.payload.size() - c.at) return std::nullopt;
    const auto header = c.payload.subspan(c.at, len);
    const auto header_at = static_cast<std::uint32_t>(fixed_len + c.at);
    const auto kind = static_cast<ip_protocol>(c.next);
    if (kind == ip_protocol::ipv6_route) {
      if (wire::get_u8(header, 3) != 0) {
        // RFC 8200 4.4: an unrecognised routing type with segments left.
        return ipv6_param_problem{0, header_at + 2, false};
      }
    } else {
      ipv6_param_problem p;
      switch (option_problem(header.subspan(2), header_at + 2, p)) {
        case option_verdict::skip: break;
        case option_verdict::silent: return std::nullopt;
        case option_verdict::problem: return p;
      }
    }
    if (!c.advance()) return std::nullopt;
  }
  return std::nullopt;
}

ipv6_param_problem unknown_next_header(const ipv6_view& view,
                                       const ipv6_ext_limits& limits) noexcept {
  chain_cursor c{view.payload(), limits.max_headers, view.next_header()};
  while (c.at_extension()) {
    if (!c.advance()) break;
  }
  return ipv6_param_problem{1, c.next_field, false};
}

}  // namespace atl::net
