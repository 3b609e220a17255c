#include <atoll/kernel/command_line.hpp>

namespace atl::kernel {

namespace {

bool blank(char c) noexcept { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

}  // namespace

result<void> command_line::parse(std::string_view text) noexcept {
  count_ = 0;
  if (text.size() > max_length) {
    return error(errc::limit_exceeded, "the command line is longer than ", max_length, " bytes");
  }
  if (text.find('\0') != std::string_view::npos) {
    return error(errc::invalid_argument, "a NUL byte in the command line");
  }
  std::size_t out = 0;  // in text_: unquoted words are never longer than the line
  std::size_t i = 0;
  while (i < text.size()) {
    if (blank(text[i])) {
      ++i;
      continue;
    }
    if (count_ == max_words) {
      count_ = 0;
      return error(errc::limit_exceeded, "the command line has more than ", max_words, " words");
    }
    const std::size_t start = out;
    bool quoted = false;
    for (; i < text.size() && (quoted || !blank(text[i])); ++i) {
      char c = text[i];
      if (c == '"') {
        quoted = !quoted;
        continue;
      }
      if (c == '\\' && i + 1 < text.size()) c = text[++i];
      text_[out++] = c;
    }
    if (quoted) {
      count_ = 0;
      return error(errc::invalid_argument, "an unterminated quote in the command line");
    }
    words_[count_++] = std::string_view(text_ + start, out - start);
  }
  return ok();
}

}  // namespace atl::kernel
