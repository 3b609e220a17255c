#include <atoll/net/wire/options.hpp>

namespace atl::net {

result<std::optional<wire_option>> option_walker::next() noexcept {
  while (at_ < options_.size()) {
    const auto kind = static_cast<std::uint8_t>(options_[at_]);
    if (kind == end_of_list) {
      at_ = options_.size();
      break;
    }
    if (kind == no_operation) {
      ++at_;
      continue;
    }
    const std::size_t left = options_.size() - at_;
    if (left < 2) {
      at_ = options_.size();
      return error(errc::corrupt, "option ", kind, " has no length byte");
    }
    const auto length = static_cast<std::uint8_t>(options_[at_ + 1]);
    if (length < 2 || length > left) {
      at_ = options_.size();
      return error(errc::corrupt, "option ", kind, " has length ", length, " with ", left,
                   " bytes left");
    }
    const wire_option option{kind, options_.subspan(at_ + 2, length - 2U)};
    at_ += length;
    return std::optional<wire_option>(option);
  }
  return std::optional<wire_option>();
}

result<void> check_options(std::span<const std::byte> options) noexcept {
  option_walker walker(options);
  while (true) {
    ATOLL_TRY(const auto option, walker.next());
    if (!option) return ok();
  }
}

}  // namespace atl::net
