// Messages made safe for a terminal or a log (see the header).
#include "scrutineer/core/printable.hpp"

#include <fmt/format.h>

namespace scrutineer {

namespace {

// The length of the UTF-8 sequence starting at `at` (1 to 4), or 0 when it is not valid UTF-8 or
// is a C1 control (U+0080 to U+009F), which terminals obey as escapes.
std::size_t utf8_length(std::string_view s, std::size_t at) {
  const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(s[i]); };
  const unsigned char c = byte(at);
  const std::size_t n = c >= 0xF0 && c <= 0xF4 ? 4 : c >= 0xE0 ? 3 : c >= 0xC2 && c < 0xE0 ? 2 : 0;
  if (n == 0 || at + n > s.size()) return 0;
  for (std::size_t i = 1; i < n; ++i)
    if ((byte(at + i) & 0xC0) != 0x80) return 0;
  if (n == 2 && c == 0xC2 && byte(at + 1) < 0xA0) return 0;   // C1 controls
  if (n == 3 && c == 0xE0 && byte(at + 1) < 0xA0) return 0;   // overlong
  if (n == 3 && c == 0xED && byte(at + 1) >= 0xA0) return 0;  // surrogates
  if (n == 4 && c == 0xF0 && byte(at + 1) < 0x90) return 0;   // overlong
  if (n == 4 && c == 0xF4 && byte(at + 1) >= 0x90) return 0;  // beyond U+10FFFF
  return n;
}

// Control bytes and invalid UTF-8 as \xNN; everything else as it is.
std::string escape_bytes(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c >= 0x20 && c < 0x7F) {
      out.push_back(text[i++]);
      continue;
    }
    const auto n = c >= 0x80 ? utf8_length(text, i) : 0;
    if (n > 0) {
      out.append(text.substr(i, n));
      i += n;
    } else {
      out += fmt::format("\\x{:02x}", c);
      ++i;
    }
  }
  return out;
}

// A quoted value ('...') longer than `max_quoted` bytes, shortened.
std::string shorten_quoted(std::string_view text, std::size_t max_quoted) {
  std::string out;
  std::size_t at = 0;
  while (at < text.size()) {
    const auto open = text.find('\'', at);
    const auto close = open == std::string_view::npos ? open : text.find('\'', open + 1);
    if (close == std::string_view::npos) {
      out.append(text.substr(at));
      break;
    }
    const auto inner = text.substr(open + 1, close - open - 1);
    out.append(text.substr(at, open + 1 - at));
    if (inner.size() > max_quoted)
      out += fmt::format("{}... ({} bytes)", inner.substr(0, max_quoted / 2), inner.size());
    else
      out.append(inner);
    out.push_back('\'');
    at = close + 1;
  }
  return out;
}

}  // namespace

std::string printable_message(std::string_view text, std::size_t max_quoted,
                              std::size_t max_bytes) {
  // Shorten first, so a cut never splits an escape; then escape, then cap the whole.
  const auto shortened = shorten_quoted(text, max_quoted);
  auto out = escape_bytes(shortened);
  if (out.size() > max_bytes) {
    auto cut = max_bytes;
    while (cut > 0 && (static_cast<unsigned char>(out[cut]) & 0xC0) == 0x80) --cut;
    out = fmt::format("{}... (message cut at {} bytes)", out.substr(0, cut), max_bytes);
  }
  return out;
}

}  // namespace scrutineer
