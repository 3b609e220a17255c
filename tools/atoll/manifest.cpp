#include "manifest.hpp"

#include <algorithm>
#include <utility>

namespace atl::tool {

std::string diagnostic::text() const {
  if (line <= 0) return file + ": " + message;
  return file + ":" + std::to_string(line) + ": " + message;
}

const device_option* device_decl::option(std::string_view key) const noexcept {
  for (const auto& o : options) {
    if (o.name == key) return &o;
  }
  return nullptr;
}

diagnostic manifest::at(int line, std::string message) const {
  return diagnostic{path, line, std::move(message)};
}

namespace {

bool is_lower_name(std::string_view s, std::string_view extra, std::size_t max) {
  if (s.empty() || s.size() > max || s[0] < 'a' || s[0] > 'z') return false;
  return std::all_of(s.begin(), s.end(), [extra](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
           extra.find(c) != std::string_view::npos;
  });
}

bool is_qualified_identifier(std::string_view s) {
  if (s.starts_with("::")) s.remove_prefix(2);
  if (s.empty()) return false;
  while (true) {
    const std::size_t end = s.find("::");
    const std::string_view part = s.substr(0, end);
    if (part.empty() || (part[0] >= '0' && part[0] <= '9') || is_cpp_keyword(part)) return false;
    const bool ident = std::all_of(part.begin(), part.end(), [](char c) {
      return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
    });
    if (!ident) return false;
    if (end == std::string_view::npos) return true;
    s.remove_prefix(end + 2);
  }
}

template <class Names, class Name>
std::string join(const Names& names, Name name_of) {
  std::string out;
  for (const auto& n : names) {
    if (!out.empty()) out += ", ";
    out += name_of(n);
  }
  return out;
}

// (Appended, not "'" + std::string(s): g++ 12 at -O3 warns falsely about
// operator+(const char*, std::string&&), -Wrestrict.)
std::string quoted(std::string_view s) {
  std::string out = "'";
  out.append(s);
  return out + "'";
}

// split_words(line, words): blanks separate words, "..." quotes (a backslash
// takes the next character as it is), # starts a comment. Returns the
// problem, empty when the line is well formed.
std::string split_words(std::string_view line, std::vector<std::string>& words) {
  std::size_t i = 0;
  const auto blank = [](char c) { return c == ' ' || c == '\t' || c == '\r'; };
  while (i < line.size()) {
    if (blank(line[i])) {
      ++i;
      continue;
    }
    if (line[i] == '#') break;
    std::string word;
    if (line[i] == '"') {
      ++i;
      bool closed = false;
      while (i < line.size()) {
        char c = line[i++];
        if (c == '"') {
          closed = true;
          break;
        }
        if (c == '\\' && i < line.size()) c = line[i++];
        word += c;
      }
      if (!closed) return "unterminated quoted word";
      if (i < line.size() && !blank(line[i]) && line[i] != '#') {
        return "a quoted word must be followed by a blank";
      }
    } else {
      while (i < line.size() && !blank(line[i]) && line[i] != '#') {
        if (line[i] == '"') return "a quote in the middle of a word";
        word += line[i++];
      }
    }
    words.push_back(std::move(word));
  }
  return {};
}

// is_path_text(p): letters, digits and . _ - + / only.
bool is_path_text(std::string_view p) {
  return std::all_of(p.begin(), p.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           std::string_view("._-+/").find(c) != std::string_view::npos;
  });
}

class parser {
public:
  explicit parser(std::string_view path) { m_.path = std::string(path); }

  parse_outcome run(std::string_view text) {
    int line_no = 0;
    std::size_t pos = 0;
    while (pos < text.size()) {
      const std::size_t end = text.find('\n', pos);
      const std::string_view line =
          text.substr(pos, end == std::string_view::npos ? std::string_view::npos : end - pos);
      pos = end == std::string_view::npos ? text.size() : end + 1;
      ++line_no;
      if (static_cast<std::size_t>(line_no) > max_manifest_lines) {
        return fail(line_no, "more than " + std::to_string(max_manifest_lines) + " lines");
      }
      if (line.size() > max_line_length) {
        return fail(line_no,
                    "a line longer than " + std::to_string(max_line_length) + " characters");
      }
      if (line.find('\0') != std::string_view::npos) return fail(line_no, "a NUL byte");
      std::vector<std::string> words;
      if (auto problem = split_words(line, words); !problem.empty()) return fail(line_no, problem);
      if (words.empty()) continue;
      if (auto problem = statement(words, line_no); !problem.empty()) {
        return fail(line_no, problem);
      }
    }
    if (m_.name_line == 0) return fail(0, "the manifest has no 'name' statement");
    if (m_.app_line == 0) return fail(0, "the manifest has no 'app' statement");
    return parse_outcome{std::move(m_), {}};
  }

private:
  parse_outcome fail(int line, std::string message) {
    return parse_outcome{std::nullopt, m_.at(line, std::move(message))};
  }

  // statement(words, line): one statement; the problem, or empty.
  std::string statement(const std::vector<std::string>& w, int line) {
    const std::string& verb = w[0];
    if (verb == "name") return name(w, line);
    if (verb == "app") return app(w, line);
    if (verb == "device") return device(w, line);
    if (verb == "key") return key(w, line);
    if (verb == "cert") return cert(w, line);
    return "unknown statement " + quoted(verb) + " (name, app, device, key, cert)";
  }

  std::string name(const std::vector<std::string>& w, int line) {
    if (m_.name_line != 0) {
      return "a second 'name' (the first is on line " + std::to_string(m_.name_line) + ")";
    }
    if (w.size() != 2) return "'name' takes one word: name NAME";
    if (!is_lower_name(w[1], "_-", max_name)) {
      return "bad application name " + quoted(w[1]) +
             " (lower-case letters, digits, '-' and '_', starting with a letter, at most " +
             std::to_string(max_name) + ")";
    }
    m_.name = w[1];
    m_.name_line = line;
    return {};
  }

  std::string app(const std::vector<std::string>& w, int line) {
    if (m_.app_line != 0) {
      return "a second 'app' (the first is on line " + std::to_string(m_.app_line) + ")";
    }
    if (w.size() != 3) return "'app' takes two words: app HEADER CLASS_TEMPLATE";
    if (w[1].empty() || w[1][0] == '/' || !is_path_text(w[1])) {
      return "the app header " + quoted(w[1]) +
             " must be a path relative to the manifest, of letters, digits and . _ - + /";
    }
    if (!is_qualified_identifier(w[2])) {
      return quoted(w[2]) + " is not a C++ class template name (such as hello::unikernel)";
    }
    m_.header = w[1];
    m_.class_name = w[2];
    m_.app_line = line;
    return {};
  }

  std::string device(const std::vector<std::string>& w, int line) {
    if (w.size() < 3) return "'device' takes a kind and a name: device KIND NAME [OPTION ...]";
    const device_kind* kind = find_device_kind(w[1]);
    if (kind == nullptr) {
      return "unknown device kind " + quoted(w[1]) + " (" +
             join(device_kinds(), [](const device_kind& k) { return std::string(k.name); }) + ")";
    }
    if (!is_lower_name(w[2], "_", max_name)) {
      return "bad device name " + quoted(w[2]) +
             " (lower-case letters, digits and '_', starting with a letter, at most " +
             std::to_string(max_name) + ")";
    }
    for (const auto& other : m_.devices) {
      if (other.name == w[2]) {
        return "a second device named " + quoted(w[2]) + " (the first is on line " +
               std::to_string(other.line) + ")";
      }
    }
    if (m_.devices.size() == max_devices) {
      return "too many devices (" + std::to_string(max_devices) + " at most)";
    }
    device_decl d{w[1], w[2], {}, line};
    for (std::size_t i = 3; i < w.size(); ++i) {
      if (auto problem = device_option_word(*kind, d, w[i]); !problem.empty()) return problem;
    }
    if (d.kind == "kv_ro") {
      // crunch=FOLDER, dir[=FOLDER], or both with a bare dir: the compiled-in
      // files unless the device's dir key names a folder at boot.
      const device_option* crunch = d.option("crunch");
      const device_option* dir = d.option("dir");
      if ((crunch == nullptr && dir == nullptr) ||
          (crunch != nullptr && dir != nullptr && dir->value.has_value())) {
        return "a kv_ro device takes crunch=FOLDER, dir[=FOLDER], or crunch=FOLDER dir";
      }
    }
    m_.devices.push_back(std::move(d));
    return {};
  }

  static std::string device_option_word(const device_kind& kind, device_decl& d,
                                        const std::string& word) {
    const auto eq = word.find('=');
    std::string name = word.substr(0, eq);
    std::optional<std::string> value;
    if (eq != std::string::npos) value = word.substr(eq + 1);
    const auto spec = std::find_if(kind.options.begin(), kind.options.end(),
                                   [&name](const option_spec& o) { return o.name == name; });
    if (kind.options.empty()) {
      return "device kind " + quoted(kind.name) + " takes no options (" + quoted(word) + ")";
    }
    if (spec == kind.options.end()) {
      return "device kind " + quoted(kind.name) + " has no option " + quoted(name) + " (" +
             join(kind.options, [](const option_spec& o) { return std::string(o.name); }) + ")";
    }
    const std::string what = "option " + quoted(name) + " of device " + quoted(d.name);
    if (spec->shape == option_spec::form::value && (!value || value->empty())) {
      return what + " needs a value (" + name + "=...)";
    }
    if (spec->shape == option_spec::form::flag && value) return what + " takes no value";
    if (spec->shape == option_spec::form::flag_or_value && value && value->empty()) {
      return what + " needs a value after '=' (or none: " + name + ")";
    }
    if (d.option(name) != nullptr) return what + " is given twice";
    if (name == "sectors" || name == "sector_size" || name == "size") {
      if (auto bad = check_key_value(key_type::unsigned_integer, *value); !bad.empty()) {
        return what + ": " + bad;
      }
    }
    d.options.push_back({std::move(name), std::move(value)});
    return {};
  }

  // inside_path(p): a path relative to the manifest's folder that stays in it.
  static bool inside_path(std::string_view p) {
    if (p.empty() || p.front() == '/' || p.back() == '/' || !is_path_text(p)) return false;
    std::size_t pos = 0;
    while (pos <= p.size()) {
      const std::size_t end = std::min(p.find('/', pos), p.size());
      const std::string_view part = p.substr(pos, end - pos);
      if (part.empty() || part == "." || part == "..") return false;
      pos = end + 1;
    }
    return true;
  }

  std::string cert(const std::vector<std::string>& w, int line) {
    if (w.size() < 3)
      return "'cert' takes an action and a prefix: cert ACTION OUT [OPTION=VALUE ...]";
    const auto names = [](std::span<const std::string_view> list) {
      return join(list, [](std::string_view n) { return std::string(n); });
    };
    if (std::find(std::begin(cert_actions), std::end(cert_actions), w[1]) ==
        std::end(cert_actions)) {
      return "unknown cert action " + quoted(w[1]) + " (" + names(cert_actions) + ")";
    }
    const auto bad_path = [](const std::string& what, const std::string& p) {
      return what + " " + quoted(p) +
             " must be a path inside the manifest's folder (letters, digits, . _ - + /; no "
             "'..')";
    };
    if (!inside_path(w[2])) return bad_path("the cert prefix", w[2]);
    for (const auto& other : m_.certs) {
      if (other.out == w[2]) {
        return "a second cert " + quoted(w[2]) + " (the first is on line " +
               std::to_string(other.line) + ")";
      }
    }
    if (m_.certs.size() == max_certs) {
      return "too many cert statements (" + std::to_string(max_certs) + " at most)";
    }
    cert_decl d{w[1], w[2], {}, line};
    for (std::size_t i = 3; i < w.size(); ++i) {
      const auto eq = w[i].find('=');
      std::string name = w[i].substr(0, eq);
      if (std::find(std::begin(cert_option_names), std::end(cert_option_names), name) ==
          std::end(cert_option_names)) {
        return "unknown cert option " + quoted(name) + " (" + names(cert_option_names) + ")";
      }
      if (eq == std::string::npos || eq + 1 == w[i].size()) {
        return "cert option " + quoted(name) + " needs a value (" + name + "=...)";
      }
      std::string value = w[i].substr(eq + 1);
      if (name == "ca" && !inside_path(value)) return bad_path("the CA prefix", value);
      d.options.emplace_back(std::move(name), std::move(value));
    }
    m_.certs.push_back(std::move(d));
    return {};
  }

  std::string key(const std::vector<std::string>& w, int line) {
    if (w.size() != 5) return "'key' takes four words: key NAME TYPE DEFAULT \"DOC\"";
    const std::string& name = w[1];
    if (!is_lower_name(name, "-", max_key_name)) {
      return "bad key name " + quoted(name) +
             " (lower-case letters, digits and '-', starting with a letter, at most " +
             std::to_string(max_key_name) + ")";
    }
    if (name == "help" || name == "logs" || name.starts_with("no-")) {
      return "the key name " + quoted(name) +
             " is reserved (help, logs, and no-... which turns a bool key off)";
    }
    if (is_cpp_keyword(field_name(name))) {
      return "the key name " + quoted(name) + " is a C++ keyword (its field keys." +
             field_name(name) + " could not be written)";
    }
    const auto type = parse_key_type(w[2]);
    if (!type) {
      return "unknown key type " + quoted(w[2]) + " (" + std::string(key_type_names()) + ")";
    }
    if (auto bad = check_key_value(*type, w[3]); !bad.empty()) {
      return "bad default for key " + quoted(name) + ": " + bad;
    }
    for (const auto& other : m_.keys) {
      if (other.name == name) {
        return "a second key named " + quoted(name) + " (the first is on line " +
               std::to_string(other.line) + ")";
      }
    }
    if (m_.keys.size() == max_keys) {
      return "too many keys (" + std::to_string(max_keys) + " at most)";
    }
    m_.keys.push_back({name, *type, w[3], w[4], line});
    return {};
  }

  manifest m_;
};

}  // namespace

parse_outcome parse_manifest(std::string_view path, std::string_view text) {
  return parser(path).run(text);
}

}  // namespace atl::tool
