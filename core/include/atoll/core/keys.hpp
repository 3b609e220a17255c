// Keys: typed configuration with a compile-time default and a boot-time
// override (the role of MirageOS keys).
//
// An application's keys are fields of a plain struct whose initialisers are
// the compile-time defaults. At boot the target's generated main binds each
// field to its name in a key_set and parses the boot arguments (the command
// line on unix, the kernel command line on kvm, xenstore on xen):
//
//   struct hello_keys { std::int64_t count = 4; atl::duration interval = 1s; };
//   hello_keys k;
//   key_set keys("hello");
//   keys.add("count", k.count, "how many greetings");
//   keys.add("interval", k.interval, "time between greetings");
//   ATOLL_TRY(auto outcome, keys.parse(args));
//
// A bad value is an error naming the key and what was expected; an unknown
// key is an error naming it; `--help` asks for the list of keys, with types,
// defaults and documentation.
#pragma once

#include <atoll/core/format.hpp>
#include <atoll/core/result.hpp>
#include <atoll/core/time.hpp>

#include <cstddef>
#include <cstdint>
#include <limits>
#include <span>
#include <string_view>
#include <type_traits>

namespace atl {

/// The kinds of value a key can hold; each maps to one C++ field type.
enum class key_kind : std::uint8_t {
  boolean,  ///< bool: "true"/"false"/"1"/"0"/"yes"/"no"/"on"/"off"; "--name" alone means true
  integer,  ///< signed integers of any width: decimal, optional sign, range-checked
  unsigned_integer,  ///< unsigned integers of any width: decimal or 0x hex, range-checked
  string,            ///< std::string_view into the boot arguments (they live as long as the image)
  time_interval,     ///< atl::duration: a number with a unit ns, us, ms, s, m, h ("1500ms", "2s",
                     ///< "1.5h"); "0" needs no unit; never negative
};

namespace detail {
// The parsers behind parse_key_value<T>. Each returns the value or an
// errc::invalid_argument error quoting the text: "'four' is not an integer",
// "'300' is out of range (0 to 255)".
result<long long> parse_signed_key(std::string_view text, long long min, long long max) noexcept;
result<unsigned long long> parse_unsigned_key(std::string_view text,
                                              unsigned long long max) noexcept;
result<bool> parse_bool_key(std::string_view text) noexcept;
result<duration> parse_duration_key(std::string_view text) noexcept;

/// Integer field types a key may have: every integral type but bool and the
/// character types (std::int8_t and std::uint8_t are signed/unsigned char, and
/// count as numbers).
// A constant expression; clang-tidy mistakes variable templates for dynamic init.
template <class T>
inline constexpr bool is_key_integer_v =  // NOLINT(bugprone-dynamic-static-initializers)
    std::is_integral_v<T> && !std::is_same_v<T, bool> && !std::is_same_v<T, char> &&
    !std::is_same_v<T, wchar_t> && !std::is_same_v<T, char8_t> && !std::is_same_v<T, char16_t> &&
    !std::is_same_v<T, char32_t>;
}  // namespace detail

/// parse_key_value<T>(text): the typed value of `text` (T is one of the
/// field types of key_kind), or an errc::invalid_argument error saying what
/// was expected. The message quotes the text but not the key's name.
/// For std::string_view the result views `text` itself.
template <class T>
result<T> parse_key_value(std::string_view text) noexcept {
  if constexpr (std::is_same_v<T, bool>) {
    return detail::parse_bool_key(text);
  } else if constexpr (std::is_same_v<T, std::string_view>) {
    return text;
  } else if constexpr (std::is_same_v<T, duration>) {
    return detail::parse_duration_key(text);
  } else if constexpr (detail::is_key_integer_v<T>) {
    if constexpr (std::is_signed_v<T>) {
      ATOLL_TRY(const long long v, detail::parse_signed_key(text, std::numeric_limits<T>::min(),
                                                            std::numeric_limits<T>::max()));
      return static_cast<T>(v);
    } else {
      ATOLL_TRY(const unsigned long long v,
                detail::parse_unsigned_key(text, std::numeric_limits<T>::max()));
      return static_cast<T>(v);
    }
  } else {
    static_assert(sizeof(T) == 0, "unsupported key type");
  }
}

/// outcome of key_set::parse.
enum class key_outcome : std::uint8_t {
  run,   ///< keys parsed: start the application
  help,  ///< --help was given: print help() and exit successfully
};

class key_set {
public:
  static constexpr std::size_t max_keys = 64;
  /// Longest key name accepted by add().
  static constexpr std::size_t max_name = 32;

  /// key_set(program): the name shown by help(); it must outlive the set.
  explicit key_set(std::string_view program) noexcept : program_(program) {}
  key_set(const key_set&) = delete;
  key_set& operator=(const key_set&) = delete;

  /// add(name, field, doc): binds `field` (its current value is the default)
  /// to `--name`. Names are [a-z0-9-], start with a letter, are at most
  /// max_name long, unique, and neither "help" nor "no-..." of a boolean;
  /// breaking this, or more than max_keys keys, is a program bug (assertion).
  /// `name` and `doc` must be static strings; `field` must outlive the set.
  template <class T>
  void add(const char* name, T& field, const char* doc) noexcept;

  /// parse(args): applies "--name=value", "--name value" (the next argument
  /// is the value unless it starts with "--") and, for booleans, "--name" /
  /// "--no-name" / "--name=value" (a boolean never takes the next argument).
  /// A key given twice takes its last value.
  ///
  /// Fails on the first bad argument with errc::invalid_argument naming it
  /// ("key 'count': 'four' is not an integer", "unknown key '--cuont' (did
  /// you mean '--count'?)", "unexpected argument 'x'"); no field is changed
  /// then. Returns key_outcome::help, changing nothing and checking nothing,
  /// when "--help" or "-h" is among the args. String fields view the args,
  /// which must outlive their use.
  result<key_outcome> parse(std::span<const std::string_view> args) noexcept;

  /// help(out): calls out(line) (a std::string_view without newline) for a
  /// usage line, then one line per key in the order they were added,
  /// "  --name=TYPE  doc (default: v)", then one for --help. TYPE is bool,
  /// int8..int64, uint8..uint64, string or duration.
  template <class Out>
  void help(Out&& out) const {
    text_buffer<160> head("usage: ", program_, " [--key=value ...]");
    out(head.view());
    for (std::size_t i = 0; i < count_; ++i) {
      text_buffer<400> line;
      describe(keys_[i], line);
      out(line.view());
    }
    out(std::string_view("  --help  print this list and exit"));
  }

  [[nodiscard]] std::size_t size() const noexcept { return count_; }

private:
  struct binding {
    const char* name;
    const char* doc;
    key_kind kind;
    void* field;
    std::uint8_t width;        // bytes of the field, for integers
    text_buffer<48> fallback;  // the compile-time default, as text
  };
  void bind(const char* name, const char* doc, key_kind kind, void* field,
            std::uint8_t width) noexcept;
  result<void> apply(std::span<const std::string_view> args, bool store) noexcept;
  static result<void> assign(const binding& b, std::string_view text, bool apply) noexcept;
  static void describe(const binding& b, text_buffer<400>& line) noexcept;
  binding* find(std::string_view name) noexcept;
  [[nodiscard]] const binding* closest(std::string_view name) const noexcept;

  std::string_view program_;
  binding keys_[max_keys];
  std::size_t count_ = 0;
};

template <class T>
void key_set::add(const char* name, T& field, const char* doc) noexcept {
  if constexpr (std::is_same_v<T, bool>) {
    bind(name, doc, key_kind::boolean, &field, 1);
  } else if constexpr (std::is_same_v<T, std::string_view>) {
    bind(name, doc, key_kind::string, &field, 0);
  } else if constexpr (std::is_same_v<T, duration>) {
    bind(name, doc, key_kind::time_interval, &field, 8);
  } else if constexpr (detail::is_key_integer_v<T>) {
    static_assert(sizeof(T) <= 8);
    bind(name, doc, std::is_signed_v<T> ? key_kind::integer : key_kind::unsigned_integer, &field,
         sizeof(T));
  } else {
    static_assert(sizeof(T) == 0, "unsupported key type");
  }
}

}  // namespace atl
