// The words a manifest may use: device kinds and their options, key types,
// and the C++ keywords that cannot be names.
#include "manifest.hpp"
#include <atoll/core/keys.hpp>
#include <atoll/core/time.hpp>

#include <algorithm>
#include <array>
#include <cstdint>

namespace atl::tool {

namespace {

using form = option_spec::form;

constexpr option_spec block_options[] = {
    {"file", form::value, "the image file (default of the key NAME-file)"},
    {"sectors", form::value, "sectors of a new image, when the file is missing or empty"},
    {"sector_size", form::value, "bytes per sector (512 when not given)"},
    {"read_only", form::flag, "open the image read-only"},
};
constexpr option_spec kv_ro_options[] = {
    {"crunch", form::value, "a folder compiled into the image"},
    {"dir", form::flag_or_value, "a folder read at run time (the key NAME-dir)"},
};
constexpr option_spec kv_options[] = {
    {"size", form::value, "bytes the store may hold (16 MiB when not given)"},
};

constexpr device_kind kinds[] = {
    {"console", {}, "text output"},
    {"mono_clock", {}, "monotonic time"},
    {"wall_clock", {}, "time of day"},
    {"sleep", {}, "timers"},
    {"random", {}, "a CSPRNG seeded from the target's entropy"},
    {"block", block_options, "sectors of a disk"},
    {"kv_ro", kv_ro_options, "a read-only key-value store"},
    {"kv", kv_options, "a read-write key-value store"},
    {"stack", {}, "TCP/IP: the host's sockets or atoll's direct stack over TAP, chosen by --net"},
};

struct key_type_info {
  key_type type;
  std::string_view name;
  std::string_view cpp;
};
constexpr key_type_info key_types[] = {
    {key_type::boolean, "bool", "bool"},
    {key_type::integer, "int", "std::int64_t"},
    {key_type::unsigned_integer, "uint", "std::uint64_t"},
    {key_type::port, "port", "std::uint16_t"},
    {key_type::string, "string", "std::string_view"},
    {key_type::duration, "duration", "atl::duration"},
};

constexpr std::string_view keywords[] = {
    "alignas",       "alignof",     "and",
    "and_eq",        "asm",         "auto",
    "bitand",        "bitor",       "bool",
    "break",         "case",        "catch",
    "char",          "char16_t",    "char32_t",
    "char8_t",       "class",       "co_await",
    "co_return",     "co_yield",    "compl",
    "concept",       "const",       "const_cast",
    "consteval",     "constexpr",   "constinit",
    "continue",      "decltype",    "default",
    "delete",        "do",          "double",
    "dynamic_cast",  "else",        "enum",
    "explicit",      "export",      "extern",
    "false",         "float",       "for",
    "friend",        "goto",        "if",
    "inline",        "int",         "long",
    "mutable",       "namespace",   "new",
    "noexcept",      "not",         "not_eq",
    "nullptr",       "operator",    "or",
    "or_eq",         "private",     "protected",
    "public",        "register",    "reinterpret_cast",
    "requires",      "return",      "short",
    "signed",        "sizeof",      "static",
    "static_assert", "static_cast", "struct",
    "switch",        "template",    "this",
    "thread_local",  "throw",       "true",
    "try",           "typedef",     "typeid",
    "typename",      "union",       "unsigned",
    "using",         "virtual",     "void",
    "volatile",      "wchar_t",     "while",
    "xor",           "xor_eq",
};

template <class T>
std::string problem_of(std::string_view text) {
  auto v = parse_key_value<T>(text);
  return v ? std::string() : std::string(v.error().message());
}

}  // namespace

std::span<const device_kind> device_kinds() noexcept { return kinds; }

const device_kind* find_device_kind(std::string_view name) noexcept {
  const auto* k = std::find_if(std::begin(kinds), std::end(kinds),
                               [name](const device_kind& d) { return d.name == name; });
  return k == std::end(kinds) ? nullptr : k;
}

std::string_view key_type_names() noexcept { return "bool, int, uint, port, string, duration"; }

std::string_view to_string(key_type t) noexcept {
  for (const auto& k : key_types) {
    if (k.type == t) return k.name;
  }
  return "?";
}

std::optional<key_type> parse_key_type(std::string_view name) noexcept {
  for (const auto& k : key_types) {
    if (k.name == name) return k.type;
  }
  return std::nullopt;
}

std::string_view cpp_type(key_type t) noexcept {
  for (const auto& k : key_types) {
    if (k.type == t) return k.cpp;
  }
  return "?";
}

std::string check_key_value(key_type t, std::string_view text) {
  switch (t) {
    case key_type::boolean: return problem_of<bool>(text);
    case key_type::integer: return problem_of<std::int64_t>(text);
    case key_type::unsigned_integer: return problem_of<std::uint64_t>(text);
    case key_type::port: return problem_of<std::uint16_t>(text);
    case key_type::duration: return problem_of<duration>(text);
    case key_type::string: return {};
  }
  return "unknown key type";
}

bool is_cpp_keyword(std::string_view word) noexcept {
  return std::find(std::begin(keywords), std::end(keywords), word) != std::end(keywords);
}

std::string field_name(std::string_view key_name) {
  std::string out(key_name);
  std::replace(out.begin(), out.end(), '-', '_');
  return out;
}

}  // namespace atl::tool
