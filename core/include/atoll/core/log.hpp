// Logging: named sources with levels, written to one sink (the console).
//
// A log_source is declared where it is used (`log_source tcp_log{"tcp"};`)
// and registers itself by name, so levels can be set per source at boot with
// the `--logs` key ("tcp:debug,*:warn"). Lines go to the sink that the
// target's generated main installs over the Console device; before that (and
// in unit tests without one) they are dropped and counted. The sink is the
// one deliberate piece of global state in core, as MirageOS's Logs reporter.
#pragma once

#include <atoll/core/format.hpp>
#include <atoll/core/intrusive_list.hpp>
#include <atoll/core/result.hpp>

#include <cstdint>
#include <string_view>

namespace atl {

enum class log_level : std::uint8_t { error = 0, warn = 1, info = 2, debug = 3 };

std::string_view to_string(log_level level) noexcept;
/// parse_log_level("debug"): the level, or errc::invalid_argument.
result<log_level> parse_log_level(std::string_view text) noexcept;

/// log_sink: receives finished lines. write() must not fail or block for long.
class log_sink {
public:
  virtual void write(log_level level, std::string_view source,
                     std::string_view message) noexcept = 0;

protected:
  log_sink() = default;
  ~log_sink() = default;
  log_sink(const log_sink&) = default;
  log_sink& operator=(const log_sink&) = default;
};

class log_source : public list_hook<struct log_source_tag> {
public:
  static constexpr std::size_t max_line = 480;

  /// log_source(name, level): registers the source; `name` must be static.
  explicit log_source(const char* name, log_level level = log_level::info) noexcept;
  log_source(const log_source&) = delete;
  log_source& operator=(const log_source&) = delete;
  ~log_source();

  [[nodiscard]] const char* name() const noexcept { return name_; }
  [[nodiscard]] log_level level() const noexcept { return level_; }
  void set_level(log_level level) noexcept { level_ = level; }
  [[nodiscard]] bool enabled(log_level level) const noexcept { return level <= level_; }

  /// log(level, parts...): formats the parts (text_buffer rules) and writes
  /// one line, when the source's level lets it through.
  template <class... Parts>
  void log(log_level level, const Parts&... parts) const noexcept {
    if (!enabled(level)) return;
    text_buffer<max_line> line(parts...);
    emit(level, line.view());
  }
  template <class... Parts>
  void error(const Parts&... parts) const noexcept {
    log(log_level::error, parts...);
  }
  template <class... Parts>
  void warn(const Parts&... parts) const noexcept {
    log(log_level::warn, parts...);
  }
  template <class... Parts>
  void info(const Parts&... parts) const noexcept {
    log(log_level::info, parts...);
  }
  template <class... Parts>
  void debug(const Parts&... parts) const noexcept {
    log(log_level::debug, parts...);
  }

private:
  void emit(log_level level, std::string_view message) const noexcept;

  const char* name_;
  log_level level_;
};

/// set_log_sink(s): installs the sink (nullptr: drop lines). Returns the old one.
log_sink* set_log_sink(log_sink* sink) noexcept;
/// dropped_log_lines: lines written while no sink was installed.
std::uint64_t dropped_log_lines() noexcept;
/// find_log_source(name): the registered source of that name, or nullptr.
log_source* find_log_source(std::string_view name) noexcept;
/// set_log_levels("tcp:debug,*:warn"): sets levels; "*" means every source,
/// and later entries win. An unknown level is an error naming it; an unknown
/// source name is an error too (a typo would otherwise go unnoticed).
result<void> set_log_levels(std::string_view spec) noexcept;

}  // namespace atl
