#include <atoll/core/log.hpp>

namespace atl {

namespace {
// Both are constinit: sources declared at namespace scope in other files
// register during static initialisation, whatever the order.
constinit log_sink* current_sink = nullptr;
constinit std::uint64_t dropped = 0;

intrusive_list<log_source, log_source_tag>& registry() noexcept {
  static intrusive_list<log_source, log_source_tag> sources;
  return sources;
}
}  // namespace

std::string_view to_string(log_level level) noexcept {
  switch (level) {
    case log_level::error: return "error";
    case log_level::warn: return "warn";
    case log_level::info: return "info";
    case log_level::debug: return "debug";
  }
  return "?";
}

result<log_level> parse_log_level(std::string_view text) noexcept {
  for (auto level : {log_level::error, log_level::warn, log_level::info, log_level::debug}) {
    if (text == to_string(level)) return level;
  }
  return error(errc::invalid_argument, "unknown log level '", text, "' (error, warn, info, debug)");
}

log_source::log_source(const char* name, log_level level) noexcept : name_(name), level_(level) {
  registry().push_back(*this);
}

log_source::~log_source() { unlink(); }

void log_source::emit(log_level level, std::string_view message) const noexcept {
  if (current_sink == nullptr) {
    ++dropped;
    return;
  }
  current_sink->write(level, name_, message);
}

log_sink* set_log_sink(log_sink* sink) noexcept {
  log_sink* old = current_sink;
  current_sink = sink;
  return old;
}

std::uint64_t dropped_log_lines() noexcept { return dropped; }

log_source* find_log_source(std::string_view name) noexcept {
  log_source* found = nullptr;
  registry().for_each([&](log_source& s) {
    if (found == nullptr && name == s.name()) found = &s;
  });
  return found;
}

result<void> set_log_levels(std::string_view spec) noexcept {
  while (!spec.empty()) {
    const auto comma = spec.find(',');
    const std::string_view item = spec.substr(0, comma);
    spec = comma == std::string_view::npos ? std::string_view{} : spec.substr(comma + 1);
    if (item.empty()) continue;
    const auto colon = item.find(':');
    if (colon == std::string_view::npos) {
      return error(errc::invalid_argument, "log level entry '", item, "' is not source:level");
    }
    ATOLL_TRY(const log_level level, parse_log_level(item.substr(colon + 1)));
    const std::string_view name = item.substr(0, colon);
    if (name == "*") {
      registry().for_each([level](log_source& s) { s.set_level(level); });
      continue;
    }
    log_source* s = find_log_source(name);
    if (s == nullptr) return error(errc::not_found, "no log source named '", name, "'");
    s->set_level(level);
  }
  return ok();
}

}  // namespace atl
