// flow_id: the 4-tuple naming one TCP connection, for IPv4 or IPv6.
//
// Addresses are kept as 16 bytes (an IPv4 address in the first four, the
// rest zero) plus a family flag, so one type serves both families, compares
// and hashes cheaply, and serialises to the bytes a SYN cookie is keyed on.
#pragma once

#include <atoll/net/addr.hpp>
#include <atoll/net/checksum.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

namespace atl::net::tcp {

class flow_id {
public:
  /// wire_size: the bytes of to_bytes().
  static constexpr std::size_t wire_size = 1 + 16 + 16 + 2 + 2;

  flow_id() noexcept = default;
  flow_id(const ipv4_addr& local, port local_port, const ipv4_addr& remote,
          port remote_port) noexcept
      : local_port_(local_port), remote_port_(remote_port) {
    for (std::size_t i = 0; i < 4; ++i) {
      local_[i] = local.octets()[i];
      remote_[i] = remote.octets()[i];
    }
  }
  flow_id(const ipv6_addr& local, port local_port, const ipv6_addr& remote,
          port remote_port) noexcept
      : v6_(true),
        local_(local.octets()),
        remote_(remote.octets()),
        local_port_(local_port),
        remote_port_(remote_port) {}

  [[nodiscard]] bool is_v6() const noexcept { return v6_; }
  [[nodiscard]] port local_port() const noexcept { return local_port_; }
  [[nodiscard]] port remote_port() const noexcept { return remote_port_; }
  [[nodiscard]] ipv4_addr local4() const noexcept {
    return ipv4_addr(local_[0], local_[1], local_[2], local_[3]);
  }
  [[nodiscard]] ipv4_addr remote4() const noexcept {
    return ipv4_addr(remote_[0], remote_[1], remote_[2], remote_[3]);
  }
  [[nodiscard]] ipv6_addr local6() const noexcept { return ipv6_addr(local_); }
  [[nodiscard]] ipv6_addr remote6() const noexcept { return ipv6_addr(remote_); }

  /// reversed: the same connection seen from the other end.
  [[nodiscard]] flow_id reversed() const noexcept {
    flow_id r = *this;
    r.local_ = remote_;
    r.remote_ = local_;
    r.local_port_ = remote_port_;
    r.remote_port_ = local_port_;
    return r;
  }

  /// outgoing: the IP pair of a segment this side sends (local to remote).
  [[nodiscard]] ip_pair outgoing() const noexcept {
    if (v6_) return ip_pair(local6(), remote6());
    return ip_pair(local4(), remote4());
  }
  /// incoming: the IP pair of a segment this side receives.
  [[nodiscard]] ip_pair incoming() const noexcept {
    if (v6_) return ip_pair(remote6(), local6());
    return ip_pair(remote4(), local4());
  }

  /// to_bytes: a fixed serialisation (family, addresses, ports), the input
  /// of keyed hashes such as SYN cookies.
  [[nodiscard]] std::array<std::byte, wire_size> to_bytes() const noexcept {
    std::array<std::byte, wire_size> out{};
    out[0] = std::byte{v6_ ? std::uint8_t{6} : std::uint8_t{4}};
    for (std::size_t i = 0; i < 16; ++i) {
      out[1 + i] = std::byte{local_[i]};
      out[17 + i] = std::byte{remote_[i]};
    }
    out[33] = std::byte{static_cast<std::uint8_t>(local_port_.value() >> 8)};
    out[34] = std::byte{static_cast<std::uint8_t>(local_port_.value())};
    out[35] = std::byte{static_cast<std::uint8_t>(remote_port_.value() >> 8)};
    out[36] = std::byte{static_cast<std::uint8_t>(remote_port_.value())};
    return out;
  }

  /// hash: FNV-1a over to_bytes(), for tables (not keyed: tables that face
  /// peers bound their size instead of trusting the spread).
  [[nodiscard]] std::uint64_t hash() const noexcept {
    std::uint64_t h = 0xcbf29ce484222325ULL;
    for (std::byte b : to_bytes()) {
      h ^= std::to_integer<std::uint64_t>(b);
      h *= 0x100000001b3ULL;
    }
    return h;
  }

  friend bool operator==(const flow_id&, const flow_id&) noexcept = default;

private:
  bool v6_ = false;
  std::array<std::uint8_t, 16> local_{};
  std::array<std::uint8_t, 16> remote_{};
  port local_port_;
  port remote_port_;
};

}  // namespace atl::net::tcp
