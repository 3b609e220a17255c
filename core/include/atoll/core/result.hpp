// result<T> and error: failure as a value.
//
// Every fallible operation on input from a peer, a device or a file returns
// `result<T>`. An `error` is a category (`errc`) plus a short message that is
// stored inline, so making, copying and returning an error never allocates and
// can never fail. Program bugs are not errors: they go through ATOLL_ASSERT
// (core/assert.hpp) and stop the unikernel with a report.
#pragma once

#include <atoll/core/assert.hpp>

#include <cstddef>
#include <cstdint>
#include <new>
#include <string_view>
#include <type_traits>
#include <utility>

namespace atl {

/// errc: the small, actionable taxonomy of failures. A caller decides what to
/// do from the category alone; the message is for people.
enum class errc : std::uint8_t {
  invalid_argument,   ///< bad input: malformed, out of range, wrong type
  not_found,          ///< the named thing does not exist
  exists,             ///< the thing to create already exists
  no_memory,          ///< an allocation or a subsystem budget is exhausted
  limit_exceeded,     ///< a configured limit (queue, table, size) was reached
  timed_out,          ///< a deadline passed first
  cancelled,          ///< the operation was abandoned by its owner
  closed,             ///< the flow, device or store is closed
  eof,                ///< end of the data, cleanly
  connection_reset,   ///< the peer aborted
  refused,            ///< the peer or the policy said no
  unreachable,        ///< no route or no answer from the peer
  io_error,           ///< the device failed
  corrupt,            ///< stored or received data fails its checks
  permission_denied,  ///< the capability does not allow it
  unsupported,        ///< not implemented or not available on this target
  protocol_error,     ///< the peer broke the protocol
  busy,               ///< try again later
  conflict,           ///< concurrent change (test-and-set, merge)
};

/// Name of an errc value, for messages ("timed_out").
std::string_view to_string(errc code) noexcept;

/// error: a category and a short, human-readable message held inline.
/// Messages longer than `max_message` bytes are truncated, never dropped.
class error {
public:
  static constexpr std::size_t max_message = 118;

  constexpr error() noexcept : error(errc::invalid_argument) {}
  constexpr explicit error(errc code) noexcept : code_(code) {}
  error(errc code, std::string_view message) noexcept;
  /// error(code, a, b, ...): the message is the concatenation of the parts;
  /// integral parts are printed in decimal.
  template <class... Parts>
    requires(sizeof...(Parts) >= 2)
  error(errc code, const Parts&... parts) noexcept : code_(code) {
    (append(parts), ...);
  }

  [[nodiscard]] constexpr errc code() const noexcept { return code_; }
  /// The message, or the category's name when there is none.
  [[nodiscard]] std::string_view message() const noexcept;

  friend bool operator==(const error& e, errc c) noexcept { return e.code_ == c; }

private:
  void append(std::string_view part) noexcept;
  void append(const char* part) noexcept { append(std::string_view(part)); }
  void append(char part) noexcept { append(std::string_view(&part, 1)); }
  void append_signed(long long v) noexcept;
  void append_unsigned(unsigned long long v) noexcept;
  template <class I>
    requires(std::is_integral_v<I> && !std::is_same_v<I, char> && !std::is_same_v<I, bool>)
  void append(I v) noexcept {
    if constexpr (std::is_signed_v<I>) {
      append_signed(v);
    } else {
      append_unsigned(v);
    }
  }

  errc code_;
  std::uint8_t length_ = 0;
  char text_[max_message] = {};
};

/// result<T>: either a T or an error. `[[nodiscard]]`: ignoring a result is a
/// compile error under -Werror. result<void> carries only success or error.
template <class T>
class [[nodiscard]] result {
public:
  using value_type = T;

  // Implicit from a value and from an error, so `return value;` and
  // `return error{...};` both read naturally.
  template <class U = T>
    requires std::is_constructible_v<T, U&&> && (!std::is_same_v<std::remove_cvref_t<U>, result>) &&
             (!std::is_same_v<std::remove_cvref_t<U>, atl::error>)
  result(U&& value) noexcept(std::is_nothrow_constructible_v<T, U&&>) : ok_(true) {
    new (&value_) T(std::forward<U>(value));
  }
  result(const atl::error& e) noexcept : ok_(false) { new (&error_) atl::error(e); }
  result(errc code) noexcept : result(atl::error(code)) {}

  result(const result& other) noexcept(std::is_nothrow_copy_constructible_v<T>) : ok_(other.ok_) {
    if (ok_) {
      new (&value_) T(other.value_);
    } else {
      new (&error_) atl::error(other.error_);
    }
  }
  result(result&& other) noexcept(std::is_nothrow_move_constructible_v<T>) : ok_(other.ok_) {
    if (ok_) {
      new (&value_) T(std::move(other.value_));
    } else {
      new (&error_) atl::error(other.error_);
    }
  }
  result& operator=(const result& other) {
    if (this != &other) {
      destroy();
      new (this) result(other);
    }
    return *this;
  }
  result& operator=(result&& other) noexcept {
    if (this != &other) {
      destroy();
      new (this) result(std::move(other));
    }
    return *this;
  }
  ~result() { destroy(); }

  [[nodiscard]] bool has_value() const noexcept { return ok_; }
  explicit operator bool() const noexcept { return ok_; }

  T& value() & noexcept {
    ATOLL_ASSERT(ok_);
    return value_;
  }
  const T& value() const& noexcept {
    ATOLL_ASSERT(ok_);
    return value_;
  }
  T&& value() && noexcept {
    ATOLL_ASSERT(ok_);
    return std::move(value_);
  }
  T& operator*() & noexcept { return value(); }
  const T& operator*() const& noexcept { return value(); }
  T&& operator*() && noexcept { return std::move(*this).value(); }
  T* operator->() noexcept { return &value(); }
  const T* operator->() const noexcept { return &value(); }

  [[nodiscard]] const atl::error& error() const noexcept {
    ATOLL_ASSERT(!ok_);
    return error_;
  }

  template <class U>
  T value_or(U&& fallback) const& {
    return ok_ ? value_ : static_cast<T>(std::forward<U>(fallback));
  }

private:
  void destroy() noexcept {
    if (ok_) value_.~T();  // error is trivially destructible
  }

  bool ok_;
  union {
    T value_;
    atl::error error_;
  };
};

template <>
class [[nodiscard]] result<void> {
public:
  using value_type = void;

  result() noexcept = default;
  result(const atl::error& e) noexcept : ok_(false), error_(e) {}
  result(errc code) noexcept : result(atl::error(code)) {}

  [[nodiscard]] bool has_value() const noexcept { return ok_; }
  explicit operator bool() const noexcept { return ok_; }
  void value() const noexcept { ATOLL_ASSERT(ok_); }
  [[nodiscard]] const atl::error& error() const noexcept {
    ATOLL_ASSERT(!ok_);
    return error_;
  }

private:
  bool ok_ = true;
  atl::error error_{};
};

/// ok(): the success value of result<void>, for `return ok();`.
inline result<void> ok() noexcept { return {}; }

template <class T>
inline constexpr bool is_result_v = false;
template <class T>
inline constexpr bool is_result_v<result<T>> = true;

}  // namespace atl

#define ATOLL_CONCAT_INNER(a, b) a##b
#define ATOLL_CONCAT(a, b) ATOLL_CONCAT_INNER(a, b)

/// ATOLL_TRY(decl, expr): evaluate `expr` (a result); on error return it from
/// the enclosing function, otherwise declare `decl` from the value.
///   ATOLL_TRY(auto header, ipv4_view::checked(bytes));
#define ATOLL_TRY(decl, expr)                                                                 \
  auto ATOLL_CONCAT(atoll_try_, __LINE__) = (expr);                                           \
  if (!ATOLL_CONCAT(atoll_try_, __LINE__)) return ATOLL_CONCAT(atoll_try_, __LINE__).error(); \
  decl = std::move(*ATOLL_CONCAT(atoll_try_, __LINE__))

/// ATOLL_TRYV(expr): the same for result<void>.
#define ATOLL_TRYV(expr)                          \
  do {                                            \
    auto atoll_tryv_ = (expr);                    \
    if (!atoll_tryv_) return atoll_tryv_.error(); \
  } while (false)

/// ATOLL_CO_TRY / ATOLL_CO_TRYV: the same inside a coroutine (co_return).
#define ATOLL_CO_TRY(decl, expr)                                                                 \
  auto ATOLL_CONCAT(atoll_try_, __LINE__) = (expr);                                              \
  if (!ATOLL_CONCAT(atoll_try_, __LINE__)) co_return ATOLL_CONCAT(atoll_try_, __LINE__).error(); \
  decl = std::move(*ATOLL_CONCAT(atoll_try_, __LINE__))

#define ATOLL_CO_TRYV(expr)                          \
  do {                                               \
    auto atoll_tryv_ = (expr);                       \
    if (!atoll_tryv_) co_return atoll_tryv_.error(); \
  } while (false)
