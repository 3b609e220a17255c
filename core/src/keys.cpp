#include <atoll/core/keys.hpp>

#include <cstring>

namespace atl {

namespace {

constexpr std::size_t max_shown = 40;

/// shown(text): `text` as quoted in messages, cut to max_shown characters so
/// that the explanation after it still fits an error's inline message.
text_buffer<max_shown + 2> shown(std::string_view text) noexcept {
  text_buffer<max_shown + 2> out;
  if (text.size() <= max_shown) {
    out.append(text);
  } else {
    out.append(text.substr(0, max_shown - 3)).append("...");
  }
  return out;
}

error not_a(std::string_view text, std::string_view what) noexcept {
  return error(errc::invalid_argument, "'", shown(text).view(), "' is not ", what);
}

bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }

bool all_digits(std::string_view text) noexcept {
  if (text.empty()) return false;
  for (char c : text) {
    if (!is_digit(c)) return false;
  }
  return true;
}

int hex_digit(char c) noexcept {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

/// accumulate(digits, base, limit): the value of `digits` (all valid in
/// `base`), or false when it exceeds `limit`.
bool accumulate(std::string_view digits, unsigned base, unsigned long long limit,
                unsigned long long& value) noexcept {
  value = 0;
  for (char c : digits) {
    const auto d = static_cast<unsigned>(hex_digit(c));
    if (d > limit || value > (limit - d) / base) return false;
    value = value * base + d;
  }
  return true;
}

template <class T>
T load(const void* field) noexcept {
  T v;
  std::memcpy(&v, field, sizeof v);
  return v;
}

template <class T>
void store(void* field, T v) noexcept {
  std::memcpy(field, &v, sizeof v);
}

long long load_signed(const void* field, std::uint8_t width) noexcept {
  switch (width) {
    case 1: return load<std::int8_t>(field);
    case 2: return load<std::int16_t>(field);
    case 4: return load<std::int32_t>(field);
    default: return load<std::int64_t>(field);
  }
}

unsigned long long load_unsigned(const void* field, std::uint8_t width) noexcept {
  switch (width) {
    case 1: return load<std::uint8_t>(field);
    case 2: return load<std::uint16_t>(field);
    case 4: return load<std::uint32_t>(field);
    default: return load<std::uint64_t>(field);
  }
}

long long signed_min(std::uint8_t width) noexcept {
  return width >= 8 ? static_cast<long long>(-0x7fffffffffffffffLL - 1) : -(1LL << (8 * width - 1));
}
long long signed_max(std::uint8_t width) noexcept {
  return width >= 8 ? 0x7fffffffffffffffLL : (1LL << (8 * width - 1)) - 1;
}
unsigned long long unsigned_max(std::uint8_t width) noexcept {
  return width >= 8 ? ~0ULL : (1ULL << (8 * width)) - 1;
}

struct time_unit {
  std::string_view suffix;
  long long nanoseconds;
};
// Longest suffixes first where one ends another ("ms" before "s").
constexpr time_unit time_units[] = {
    {"ns", 1},
    {"us", 1'000},
    {"ms", 1'000'000},
    {"s", 1'000'000'000},
    {"m", 60'000'000'000},
    {"h", 3'600'000'000'000},
};

unsigned long long gcd(unsigned long long a, unsigned long long b) noexcept {
  while (b != 0) {
    const unsigned long long r = a % b;
    a = b;
    b = r;
  }
  return a;
}

template <std::size_t N>
void append_duration(text_buffer<N>& out, duration d) noexcept {
  const long long ns = d.count();
  if (ns == 0) {
    out.append("0s");
    return;
  }
  // The largest unit that divides the value exactly.
  for (std::size_t i = std::size(time_units); i-- > 0;) {
    if (ns % time_units[i].nanoseconds == 0) {
      out.append(ns / time_units[i].nanoseconds).append(time_units[i].suffix);
      return;
    }
  }
}

std::string_view type_name(key_kind kind, std::uint8_t width) noexcept {
  switch (kind) {
    case key_kind::boolean: return "bool";
    case key_kind::string: return "string";
    case key_kind::time_interval: return "duration";
    case key_kind::integer:
      switch (width) {
        case 1: return "int8";
        case 2: return "int16";
        case 4: return "int32";
        default: return "int64";
      }
    case key_kind::unsigned_integer:
      switch (width) {
        case 1: return "uint8";
        case 2: return "uint16";
        case 4: return "uint32";
        default: return "uint64";
      }
  }
  return "?";
}

/// edit_distance(a, b): Levenshtein distance, for "did you mean"; both must
/// be at most key_set::max_name + 8 long.
std::size_t edit_distance(std::string_view a, std::string_view b) noexcept {
  constexpr std::size_t cap = key_set::max_name + 9;
  std::size_t row[cap];
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t above = row[j];
      std::size_t best = diagonal + (a[i - 1] == b[j - 1] ? 0 : 1);
      if (above + 1 < best) best = above + 1;
      if (row[j - 1] + 1 < best) best = row[j - 1] + 1;
      row[j] = best;
      diagonal = above;
    }
  }
  return row[b.size()];
}

bool valid_name(const char* name) noexcept {
  const std::string_view n(name);
  if (n.empty() || n.size() > key_set::max_name || n[0] < 'a' || n[0] > 'z') return false;
  for (char c : n) {
    if (!((c >= 'a' && c <= 'z') || is_digit(c) || c == '-')) return false;
  }
  return n != "help";
}

bool starts_with(std::string_view text, std::string_view prefix) noexcept {
  return text.substr(0, prefix.size()) == prefix;
}

}  // namespace

namespace detail {

result<long long> parse_signed_key(std::string_view text, long long min, long long max) noexcept {
  std::string_view digits = text;
  bool negative = false;
  if (!digits.empty() && (digits[0] == '+' || digits[0] == '-')) {
    negative = digits[0] == '-';
    digits.remove_prefix(1);
  }
  if (!all_digits(digits)) return not_a(text, "an integer");
  // Magnitudes in unsigned arithmetic: -min does not fit a long long.
  unsigned long long limit = static_cast<unsigned long long>(max);
  if (negative) limit = min < 0 ? 0ULL - static_cast<unsigned long long>(min) : 0ULL;
  unsigned long long magnitude = 0;
  if (!accumulate(digits, 10, limit, magnitude)) {
    return error(errc::invalid_argument, "'", shown(text).view(), "' is out of range (", min,
                 " to ", max, ")");
  }
  if (!negative) return static_cast<long long>(magnitude);
  if (magnitude == 0) return 0LL;
  return -static_cast<long long>(magnitude - 1) - 1;
}

result<unsigned long long> parse_unsigned_key(std::string_view text,
                                              unsigned long long max) noexcept {
  auto out_of_range = [&]() {
    return error(errc::invalid_argument, "'", shown(text).view(), "' is out of range (0 to ", max,
                 ")");
  };
  if (starts_with(text, "0x") || starts_with(text, "0X")) {
    const std::string_view digits = text.substr(2);
    if (digits.empty()) return not_a(text, "an unsigned integer");
    for (char c : digits) {
      if (hex_digit(c) < 0) return not_a(text, "an unsigned integer");
    }
    unsigned long long v = 0;
    if (!accumulate(digits, 16, max, v)) return out_of_range();
    return v;
  }
  if (starts_with(text, "-") && all_digits(text.substr(1))) {
    // A negative number: say what the range is rather than "not a number".
    unsigned long long v = 0;
    if (accumulate(text.substr(1), 10, ~0ULL, v) && v == 0) return 0ULL;
    return out_of_range();
  }
  if (!all_digits(text)) return not_a(text, "an unsigned integer");
  unsigned long long v = 0;
  if (!accumulate(text, 10, max, v)) return out_of_range();
  return v;
}

result<bool> parse_bool_key(std::string_view text) noexcept {
  if (text == "true" || text == "1" || text == "yes" || text == "on") return true;
  if (text == "false" || text == "0" || text == "no" || text == "off") return false;
  return not_a(text, "a boolean (true/false, yes/no, on/off, 1/0)");
}

result<duration> parse_duration_key(std::string_view text) noexcept {
  constexpr std::string_view example = "a duration (e.g. 250ms, 2s, 1.5h)";
  std::size_t end = 0;
  while (end < text.size() && (is_digit(text[end]) || text[end] == '.')) ++end;
  const std::string_view number = text.substr(0, end);
  const std::string_view suffix = text.substr(end);
  const std::size_t dot = number.find('.');
  const std::string_view whole = number.substr(0, dot);
  std::string_view fraction =
      dot == std::string_view::npos ? std::string_view{} : number.substr(dot + 1);
  if (!all_digits(whole) || (dot != std::string_view::npos && !all_digits(fraction))) {
    return not_a(text, example);
  }
  if (suffix.empty()) {
    unsigned long long v = 0;
    if (dot == std::string_view::npos && accumulate(whole, 10, ~0ULL, v) && v == 0) {
      return duration::zero();
    }
    return error(errc::invalid_argument, "'", shown(text).view(),
                 "' needs a unit (ns, us, ms, s, m, h)");
  }
  long long unit = 0;
  for (const time_unit& u : time_units) {
    if (suffix == u.suffix) unit = u.nanoseconds;
  }
  if (unit == 0) return not_a(text, example);

  auto too_long = [&]() {
    return error(errc::invalid_argument, "'", shown(text).view(),
                 "' is out of range (at most 292 years)");
  };
  constexpr auto max_ns = static_cast<unsigned long long>(0x7fffffffffffffffLL);
  const auto unit_ns = static_cast<unsigned long long>(unit);
  unsigned long long whole_units = 0;
  if (!accumulate(whole, 10, max_ns / unit_ns, whole_units)) return too_long();
  unsigned long long ns = whole_units * unit_ns;

  // The fraction f = r / 10^k of a unit must be a whole number of
  // nanoseconds: with g = gcd(unit, 10^k), r * unit / 10^k is exact iff
  // (10^k / g) divides r, and is then (r / (10^k / g)) * (unit / g) < unit.
  while (!fraction.empty() && fraction.back() == '0') fraction.remove_suffix(1);
  if (!fraction.empty()) {
    if (fraction.size() > 19) {
      return error(errc::invalid_argument, "'", shown(text).view(), "' is finer than a nanosecond");
    }
    unsigned long long r = 0;
    (void)accumulate(fraction, 10, ~0ULL, r);
    unsigned long long scale = 1;
    for (std::size_t i = 0; i < fraction.size(); ++i) scale *= 10;
    const unsigned long long g = gcd(unit_ns, scale);
    const unsigned long long denominator = scale / g;
    if (r % denominator != 0) {
      return error(errc::invalid_argument, "'", shown(text).view(), "' is finer than a nanosecond");
    }
    const unsigned long long part = (r / denominator) * (unit_ns / g);
    if (part > max_ns - ns) return too_long();
    ns += part;
  }
  return duration(static_cast<long long>(ns));
}

}  // namespace detail

void key_set::bind(const char* name, const char* doc, key_kind kind, void* field,
                   std::uint8_t width) noexcept {
  ATOLL_ASSERT(name != nullptr && doc != nullptr && field != nullptr);
  ATOLL_ASSERT(valid_name(name));
  ATOLL_ASSERT(count_ < max_keys);
  const std::string_view n(name);
  for (std::size_t i = 0; i < count_; ++i) {
    const std::string_view other(keys_[i].name);
    ATOLL_ASSERT(other != n);
    // "--no-x" must mean one thing: the negation of boolean x, or key no-x.
    ATOLL_ASSERT(!(kind == key_kind::boolean && other == text_buffer<48>("no-", n).view()));
    ATOLL_ASSERT(
        !(keys_[i].kind == key_kind::boolean && n == text_buffer<48>("no-", other).view()));
  }
  binding& b = keys_[count_++];
  b.name = name;
  b.doc = doc;
  b.kind = kind;
  b.field = field;
  b.width = width;
  b.fallback.clear();
  switch (kind) {
    case key_kind::boolean: b.fallback.append(load<bool>(field)); break;
    case key_kind::integer: b.fallback.append(load_signed(field, width)); break;
    case key_kind::unsigned_integer: b.fallback.append(load_unsigned(field, width)); break;
    case key_kind::string:
      b.fallback.append('"').append(load<std::string_view>(field)).append('"');
      break;
    case key_kind::time_interval: append_duration(b.fallback, load<duration>(field)); break;
  }
}

key_set::binding* key_set::find(std::string_view name) noexcept {
  for (std::size_t i = 0; i < count_; ++i) {
    if (name == keys_[i].name) return &keys_[i];
  }
  return nullptr;
}

const key_set::binding* key_set::closest(std::string_view name) const noexcept {
  if (name.size() > max_name + 8) return nullptr;
  const binding* best = nullptr;
  std::size_t best_distance = 3;  // suggest only near misses
  for (std::size_t i = 0; i < count_; ++i) {
    const std::size_t d = edit_distance(name, keys_[i].name);
    if (d < best_distance && d < name.size()) {
      best = &keys_[i];
      best_distance = d;
    }
  }
  return best;
}

result<void> key_set::assign(const binding& b, std::string_view text, bool apply) noexcept {
  switch (b.kind) {
    case key_kind::boolean: {
      ATOLL_TRY(const bool v, detail::parse_bool_key(text));
      if (apply) store(b.field, v);
      break;
    }
    case key_kind::string:
      if (apply) store(b.field, text);
      break;
    case key_kind::time_interval: {
      ATOLL_TRY(const duration v, detail::parse_duration_key(text));
      if (apply) store(b.field, v);
      break;
    }
    case key_kind::integer: {
      ATOLL_TRY(const long long v,
                detail::parse_signed_key(text, signed_min(b.width), signed_max(b.width)));
      if (!apply) break;
      switch (b.width) {
        case 1: store(b.field, static_cast<std::int8_t>(v)); break;
        case 2: store(b.field, static_cast<std::int16_t>(v)); break;
        case 4: store(b.field, static_cast<std::int32_t>(v)); break;
        default: store(b.field, static_cast<std::int64_t>(v)); break;
      }
      break;
    }
    case key_kind::unsigned_integer: {
      ATOLL_TRY(const unsigned long long v,
                detail::parse_unsigned_key(text, unsigned_max(b.width)));
      if (!apply) break;
      switch (b.width) {
        case 1: store(b.field, static_cast<std::uint8_t>(v)); break;
        case 2: store(b.field, static_cast<std::uint16_t>(v)); break;
        case 4: store(b.field, static_cast<std::uint32_t>(v)); break;
        default: store(b.field, static_cast<std::uint64_t>(v)); break;
      }
      break;
    }
  }
  return ok();
}

result<void> key_set::apply(std::span<const std::string_view> args, bool store_values) noexcept {
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string_view arg = args[i];
    if (arg.size() < 3 || !starts_with(arg, "--")) {
      return error(errc::invalid_argument, "unexpected argument '", shown(arg).view(),
                   "' (keys are --name=value; --help lists them)");
    }
    const std::string_view body = arg.substr(2);
    const std::size_t equals = body.find('=');
    const std::string_view name = body.substr(0, equals);
    const bool has_value = equals != std::string_view::npos;
    std::string_view value = has_value ? body.substr(equals + 1) : std::string_view{};

    const binding* b = find(name);
    if (b == nullptr && starts_with(name, "no-")) {
      if (const binding* negated = find(name.substr(3)); negated != nullptr) {
        if (negated->kind != key_kind::boolean) {
          return error(errc::invalid_argument, "key '", negated->name, "': --", name,
                       " is only for booleans");
        }
        if (has_value) {
          return error(errc::invalid_argument, "key '", negated->name, "': --", name,
                       " takes no value");
        }
        ATOLL_TRYV(assign(*negated, "false", store_values));
        continue;
      }
    }
    if (b == nullptr) {
      text_buffer<max_shown + 2> given = shown(name);
      if (const binding* near = closest(name); near != nullptr) {
        return error(errc::invalid_argument, "unknown key '--", given.view(), "' (did you mean '--",
                     near->name, "'?)");
      }
      return error(errc::invalid_argument, "unknown key '--", given.view(), "'");
    }
    if (!has_value) {
      if (b->kind == key_kind::boolean) {
        value = "true";
      } else if (i + 1 < args.size() && !starts_with(args[i + 1], "--")) {
        value = args[++i];
      } else {
        return error(errc::invalid_argument, "key '", b->name, "': missing value (--", b->name, "=",
                     type_name(b->kind, b->width), ")");
      }
    }
    auto assigned = assign(*b, value, store_values);
    if (!assigned) {
      return error(errc::invalid_argument, "key '", b->name, "': ", assigned.error().message());
    }
  }
  return ok();
}

result<key_outcome> key_set::parse(std::span<const std::string_view> args) noexcept {
  for (std::string_view arg : args) {
    if (arg == "--help" || arg == "-h") return key_outcome::help;
  }
  // Check everything first, then store: a bad argument changes no field.
  ATOLL_TRYV(apply(args, false));
  const result<void> stored = apply(args, true);
  ATOLL_ASSERT(stored.has_value());
  return key_outcome::run;
}

void key_set::describe(const binding& b, text_buffer<400>& line) noexcept {
  line.append("  --")
      .append(b.name)
      .append('=')
      .append(type_name(b.kind, b.width))
      .append("  ")
      .append(b.doc)
      .append(" (default: ")
      .append(b.fallback.view())
      .append(')');
}

}  // namespace atl
