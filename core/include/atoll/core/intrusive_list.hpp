// intrusive_list: a doubly linked list whose nodes live inside their owners.
//
// Used for the engine's ready queue, waiters and task sets: linking and
// unlinking never allocate, and a node unlinks itself when destroyed, so an
// owner that goes away (a cancelled coroutine's frame) leaves no dangling
// entry behind.
#pragma once

#include <atoll/core/assert.hpp>

#include <cstddef>

namespace atl {

class list_node {
public:
  list_node() noexcept = default;
  list_node(const list_node&) = delete;
  list_node& operator=(const list_node&) = delete;
  ~list_node() { unlink(); }

  [[nodiscard]] bool linked() const noexcept { return next_ != nullptr; }
  void unlink() noexcept {
    if (next_ == nullptr) return;
    prev_->next_ = next_;
    next_->prev_ = prev_;
    next_ = prev_ = nullptr;
  }

private:
  template <class T, class Tag>
  friend class intrusive_list;
  list_node* prev_ = nullptr;
  list_node* next_ = nullptr;
};

/// list_hook<Tag>: the base through which T is linked into lists tagged Tag;
/// a T that sits in two kinds of list derives from two hooks.
template <class Tag = void>
class list_hook : public list_node {};

/// intrusive_list<T, Tag>: a list of T linked through its list_hook<Tag>
/// base. The list does not own the elements.
template <class T, class Tag = void>
class intrusive_list {
  using hook = list_hook<Tag>;

public:
  intrusive_list() noexcept { head_.prev_ = head_.next_ = &head_; }
  intrusive_list(const intrusive_list&) = delete;
  intrusive_list& operator=(const intrusive_list&) = delete;
  ~intrusive_list() { clear(); }

  [[nodiscard]] bool empty() const noexcept { return head_.next_ == &head_; }

  void push_back(T& item) noexcept {
    list_node& n = static_cast<hook&>(item);
    ATOLL_ASSERT(!n.linked());
    n.prev_ = head_.prev_;
    n.next_ = &head_;
    head_.prev_->next_ = &n;
    head_.prev_ = &n;
  }

  /// front: the first element; the list must not be empty.
  T& front() noexcept {
    ATOLL_ASSERT(!empty());
    return owner(head_.next_);
  }
  T& pop_front() noexcept {
    T& item = front();
    static_cast<hook&>(item).unlink();
    return item;
  }

  /// clear: unlinks every element (the elements themselves stay).
  void clear() noexcept {
    while (!empty()) head_.next_->unlink();
  }

  /// size: counts the elements (linear).
  [[nodiscard]] std::size_t size() const noexcept {
    std::size_t n = 0;
    for (const list_node* p = head_.next_; p != &head_; p = p->next_) ++n;
    return n;
  }

  /// for_each(f): calls f(T&) on each element; f may unlink the element it
  /// is given, but no other.
  template <class F>
  void for_each(F&& f) {
    for (list_node* p = head_.next_; p != &head_;) {
      list_node* next = p->next_;
      f(owner(p));
      p = next;
    }
  }

private:
  static T& owner(list_node* n) noexcept { return static_cast<T&>(static_cast<hook&>(*n)); }

  list_node head_;
};

}  // namespace atl
