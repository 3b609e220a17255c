// The application manifest: what an application needs, read by `atoll`.
//
// A manifest (atoll.manifest beside the application) is line-oriented: one
// statement per line, words separated by blanks, a word with blanks written
// in double quotes (a backslash takes the next character as it is), `#`
// outside quotes starts a comment (docs/app-model.md has the whole grammar):
//
//   name    hello                              # the application's name
//   app     hello.hpp hello::unikernel         # header and class template
//   device  console console                    # kind and name, in start()'s order
//   device  sleep   sleep
//   device  kv_ro   site crunch=htdocs         # options: option=value or a flag
//   key     count   uint 4 "how many greetings"
//   cert    ca secrets/ca name="a CA"          # made by `atoll configure`
//
// The parser is a pure function of the text: it touches no file and never
// exits, so the unit tests and the fuzz harness drive it directly. Every
// problem is a diagnostic "FILE:LINE: message".
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace atl::tool {

/// diagnostic: one problem, located in a file.
struct diagnostic {
  std::string file;
  int line = 0;  ///< 1-based; 0 when the problem is not on a line
  std::string message;

  /// text: "FILE:LINE: message" (or "FILE: message" without a line).
  [[nodiscard]] std::string text() const;
};

/// option_spec: an option a device kind accepts.
struct option_spec {
  std::string_view name;
  enum class form { value, flag, flag_or_value } shape;  ///< `name=V`, `name`, or either
  std::string_view summary;
};

/// device_kind: a kind of device a manifest may name (the device concepts).
struct device_kind {
  std::string_view name;
  std::span<const option_spec> options;
  std::string_view summary;
};

/// device_kinds: every kind, in the order error messages list them.
std::span<const device_kind> device_kinds() noexcept;
/// find_device_kind(name): the kind, or nullptr.
const device_kind* find_device_kind(std::string_view name) noexcept;

/// key_type: the types a key may have, each one C++ field type.
enum class key_type {
  boolean,           ///< bool
  integer,           ///< int: std::int64_t
  unsigned_integer,  ///< uint: std::uint64_t
  port,              ///< port: std::uint16_t
  string,            ///< string: std::string_view
  duration,          ///< duration: atl::duration ("1s", "250ms")
};
/// key_type_names: "bool, int, uint, port, string, duration" (for messages).
std::string_view key_type_names() noexcept;
std::string_view to_string(key_type t) noexcept;
std::optional<key_type> parse_key_type(std::string_view name) noexcept;
/// cpp_type(t): the C++ type of a key's field ("std::uint64_t").
std::string_view cpp_type(key_type t) noexcept;
/// check_key_value(t, text): empty when `text` is a valid value of type t,
/// else what is wrong with it (the message the application gives at boot).
std::string check_key_value(key_type t, std::string_view text);

struct device_option {
  std::string name;
  std::optional<std::string> value;  ///< nullopt for a flag
};

struct device_decl {
  std::string kind;
  std::string name;
  std::vector<device_option> options;
  int line = 0;

  /// option(name): the option, or nullptr when not given.
  [[nodiscard]] const device_option* option(std::string_view key) const noexcept;
};

struct key_decl {
  std::string name;  ///< as on the command line: [a-z][a-z0-9-]*
  key_type type = key_type::string;
  std::string default_text;
  std::string doc;
  int line = 0;
};

/// cert_decl: a `cert` statement: files `atoll configure` makes with
/// `atoll cert` when they are missing (keys and certificates that must
/// never be committed: the piñata's, a development HTTPS certificate).
///
///   cert ACTION OUT [OPTION=VALUE ...]
///
/// ACTION is one of cert_actions; OUT is the output prefix (OUT.crt and
/// OUT.key, or OUT.key and OUT.address for bitcoin) and `ca=` names a CA's
/// prefix, both relative to the manifest's folder and inside it. OPTION is
/// one of cert_option_names; dns and ip may repeat. Which options an action
/// takes is checked by `atoll cert`'s own parser at configure time.
struct cert_decl {
  std::string action;
  std::string out;
  std::vector<std::pair<std::string, std::string>> options;  ///< in order
  int line = 0;
};

/// cert_actions: "ca server client self-signed bitcoin".
inline constexpr std::string_view cert_actions[] = {"ca", "server", "client", "self-signed",
                                                    "bitcoin"};
/// cert_option_names: the options a cert statement may give.
inline constexpr std::string_view cert_option_names[] = {"ca", "name", "dns", "ip", "days", "key"};

struct manifest {
  std::string path;        ///< the manifest file, as named in diagnostics
  std::string name;        ///< [a-z][a-z0-9_-]*: the executable and the CMake project
  std::string header;      ///< the application's header, relative to the manifest's folder
  std::string class_name;  ///< the class template, a C++ (qualified) name
  int name_line = 0;
  int app_line = 0;
  std::vector<device_decl> devices;  ///< in the order start() takes them
  std::vector<key_decl> keys;        ///< in the order --help lists them
  std::vector<cert_decl> certs;      ///< in the order configure makes them

  /// at(line): a diagnostic in this manifest.
  [[nodiscard]] diagnostic at(int line, std::string message) const;
};

/// Limits of a manifest; past them it is rejected with a diagnostic.
inline constexpr std::size_t max_manifest_lines = 10000;
inline constexpr std::size_t max_line_length = 4096;
inline constexpr std::size_t max_devices = 32;
/// Keys of the manifest; the target adds its own (logs, device paths), and
/// core's key_set holds 64 in all.
inline constexpr std::size_t max_keys = 48;
inline constexpr std::size_t max_certs = 16;
inline constexpr std::size_t max_key_name = 32;  ///< key_set::max_name
inline constexpr std::size_t max_name = 48;      ///< application and device names

/// parse_outcome: a manifest, or the first problem.
struct parse_outcome {
  std::optional<manifest> value;
  diagnostic error;
};

/// parse_manifest(path, text): parses and checks a manifest read from
/// `path` (used only in diagnostics). Checks everything that needs no file
/// system and no target: syntax, names, kinds, options, key types and
/// defaults (with the parsers the application uses at boot).
parse_outcome parse_manifest(std::string_view path, std::string_view text);

/// field_name(key): the C++ field of a key ("log-level" -> log_level).
std::string field_name(std::string_view key_name);
/// is_cpp_keyword(word): a C++20 keyword or alternative token ("and").
bool is_cpp_keyword(std::string_view word) noexcept;

}  // namespace atl::tool
