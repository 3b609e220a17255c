// any_backend: one backend, whatever its type, behind a small interface.
//
// The model (repo, branches, merges) is written once, in .cpp files, over
// this interface rather than as templates over every backend type: it is
// large, and a virtual call per object read costs nothing next to a hash.
// backend_ref<B> adapts any type meeting the `backend` concept; it borrows
// the backend, which must outlive it.
#pragma once

#include <atoll/store/backend.hpp>

namespace atl::store {

class any_backend {
public:
  virtual ~any_backend() = default;
  [[nodiscard]] virtual hash_format format() const noexcept = 0;
  virtual task<result<object_id>> write(object_kind kind, std::span<const std::byte> payload) = 0;
  virtual task<result<raw_object>> read(const object_id& id) = 0;
  virtual task<result<bool>> contains(const object_id& id) = 0;
  virtual task<result<std::vector<object_id>>> object_ids() = 0;
  virtual task<result<object_id>> read_ref(std::string_view name) = 0;
  virtual task<result<void>> update_ref(std::string_view name, std::optional<object_id> expected,
                                        std::optional<object_id> desired) = 0;
  virtual task<result<std::vector<ref_entry>>> list_refs(std::string_view prefix) = 0;
  virtual task<result<void>> flush() = 0;

protected:
  any_backend() = default;
  any_backend(const any_backend&) = default;
  any_backend& operator=(const any_backend&) = default;
};

template <backend B>
class backend_ref final : public any_backend {
public:
  explicit backend_ref(B& b) noexcept : b_(&b) {}

  [[nodiscard]] hash_format format() const noexcept override { return b_->format(); }
  task<result<object_id>> write(object_kind kind, std::span<const std::byte> payload) override {
    return b_->write(kind, payload);
  }
  task<result<raw_object>> read(const object_id& id) override { return b_->read(id); }
  task<result<bool>> contains(const object_id& id) override { return b_->contains(id); }
  task<result<std::vector<object_id>>> object_ids() override { return b_->object_ids(); }
  task<result<object_id>> read_ref(std::string_view name) override { return b_->read_ref(name); }
  task<result<void>> update_ref(std::string_view name, std::optional<object_id> expected,
                                std::optional<object_id> desired) override {
    return b_->update_ref(name, expected, desired);
  }
  task<result<std::vector<ref_entry>>> list_refs(std::string_view prefix) override {
    return b_->list_refs(prefix);
  }
  task<result<void>> flush() override { return b_->flush(); }

private:
  B* b_;
};

}  // namespace atl::store
