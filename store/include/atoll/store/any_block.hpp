// any_block: a block device, whatever its type, behind a small interface,
// so the block backend is written once in .cpp files (as any_backend does
// for the model). block_ref<B> adapts any type meeting atl::block; it
// borrows the device, which must outlive it.
#pragma once

#include <atoll/devices/block.hpp>

namespace atl::store {

class any_block {
public:
  virtual ~any_block() = default;
  [[nodiscard]] virtual block_info info() const noexcept = 0;
  virtual task<result<void>> read(sector first, std::span<std::byte> out) = 0;
  virtual task<result<void>> write(sector first, std::span<const std::byte> in) = 0;
  virtual task<result<void>> flush() = 0;

protected:
  any_block() = default;
  any_block(const any_block&) = default;
  any_block& operator=(const any_block&) = default;
};

template <block B>
class block_ref final : public any_block {
public:
  explicit block_ref(B& b) noexcept : b_(&b) {}
  [[nodiscard]] block_info info() const noexcept override { return b_->info(); }
  task<result<void>> read(sector first, std::span<std::byte> out) override {
    return b_->read(first, out);
  }
  task<result<void>> write(sector first, std::span<const std::byte> in) override {
    return b_->write(first, in);
  }
  task<result<void>> flush() override { return b_->flush(); }

private:
  B* b_;
};

}  // namespace atl::store
