#include <atoll/devices/chacha_random.hpp>
#include <atoll/devices/sha256.hpp>

#include <algorithm>
#include <cstring>
#include <utility>

namespace atl {

namespace {

// Domain separation: a key made by create() never equals one made by reseed().
constexpr std::string_view seed_label = "atoll chacha_random seed";
constexpr std::string_view reseed_label = "atoll chacha_random reseed";
// The nonce is fixed: every refill uses a fresh key.
constexpr std::array<std::byte, chacha20_nonce_size> zero_nonce{};

}  // namespace

void secure_wipe(std::span<std::byte> bytes) noexcept {
  volatile std::byte* p = bytes.data();
  for (std::size_t i = 0; i < bytes.size(); ++i) p[i] = std::byte{0};
}

result<chacha_random> chacha_random::create(std::span<const std::byte> seed) noexcept {
  if (seed.size() < min_seed_size) {
    return error(errc::invalid_argument, "chacha_random needs at least ", min_seed_size,
                 " bytes of seed, got ", seed.size());
  }
  sha256 h;
  h.update(seed_label);
  h.update(seed);
  chacha_random r;
  r.key_ = h.finish();
  r.keyed_ = true;
  return r;
}

chacha_random::chacha_random(chacha_random&& other) noexcept
    : key_(other.key_), buffer_(other.buffer_), position_(other.position_), keyed_(other.keyed_) {
  other.wipe();
}

chacha_random& chacha_random::operator=(chacha_random&& other) noexcept {
  if (this != &other) {
    key_ = other.key_;
    buffer_ = other.buffer_;
    position_ = other.position_;
    keyed_ = other.keyed_;
    other.wipe();
  }
  return *this;
}

chacha_random::~chacha_random() { wipe(); }

void chacha_random::wipe() noexcept {
  secure_wipe(key_);
  secure_wipe(buffer_);
  position_ = buffer_size;
  keyed_ = false;
}

void chacha_random::refill() noexcept {
  ATOLL_ASSERT(keyed_);  // a moved-from generator must not be used
  for (std::size_t i = 0; i < blocks_per_refill; ++i) {
    chacha20_block(key_, static_cast<std::uint32_t>(i), zero_nonce,
                   std::span<std::byte, chacha20_block_size>(
                       buffer_.data() + i * chacha20_block_size, chacha20_block_size));
  }
  // Fast key erasure: the first bytes of the output become the next key and
  // are wiped from the buffer before anything is handed out.
  std::memcpy(key_.data(), buffer_.data(), key_.size());
  secure_wipe(std::span(buffer_.data(), key_.size()));
  position_ = key_.size();
}

void chacha_random::fill(std::span<std::byte> out) noexcept {
  ATOLL_ASSERT(keyed_);
  while (!out.empty()) {
    if (position_ == buffer_size) refill();
    const std::size_t take = std::min(out.size(), buffer_size - position_);
    std::memcpy(out.data(), buffer_.data() + position_, take);
    secure_wipe(std::span(buffer_.data() + position_, take));
    position_ += take;
    out = out.subspan(take);
  }
}

void chacha_random::reseed(std::span<const std::byte> entropy) noexcept {
  ATOLL_ASSERT(keyed_);
  sha256 h;
  h.update(reseed_label);
  h.update(key_);
  h.update(entropy);
  key_ = h.finish();
  secure_wipe(buffer_);
  position_ = buffer_size;
}

}  // namespace atl
