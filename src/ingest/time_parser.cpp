// Hand-written date-time parsing for crime exports (no sscanf/strptime: ingest parses millions of
// rows a second), and detection of a file's time pattern from sample values.
#include <fmt/format.h>

#include <array>
#include <string>

#include "scrutineer/core/error.hpp"
#include "scrutineer/core/time.hpp"
#include "scrutineer/ingest/ingest.hpp"

namespace scrutineer::ingest {

namespace {

constexpr char kLiteral = '\0';

bool is_leap(std::int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

unsigned days_in_month(std::int64_t y, unsigned m) {
  static constexpr std::array<unsigned, 12> kDays{31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && is_leap(y) ? 29 : kDays[m - 1];
}

// Reads `min_digits` to `max_digits` ASCII digits at text[pos].
bool read_digits(std::string_view text, std::size_t& pos, int min_digits, int max_digits,
                 unsigned& out) {
  unsigned value = 0;
  int n = 0;
  while (n < max_digits && pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
    value = value * 10 + static_cast<unsigned>(text[pos] - '0');
    ++pos;
    ++n;
  }
  out = value;
  return n >= min_digits;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace

TimeParser::TimeParser(std::string_view pattern) : pattern_(pattern) {
  bool year = false, month = false, day = false, hour = false, minute = false, second = false;
  bool twelve = false, meridiem = false;
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    if (pattern[i] != '%') {
      ops_.push_back(kLiteral);
      ops_.push_back(pattern[i]);
      continue;
    }
    if (++i == pattern.size())
      throw ConfigError(fmt::format("time format '{}' ends with a lone '%'", pattern));
    const char d = pattern[i];
    switch (d) {
      case 'Y':
      case 'y':
        year = true;
        break;
      case 'm':
        month = true;
        break;
      case 'd':
        day = true;
        break;
      case 'H':
        hour = true;
        break;
      case 'I':
        hour = twelve = true;
        break;
      case 'M':
        minute = true;
        break;
      case 'S':
        second = true;
        break;
      case 'p':
        meridiem = true;
        break;
      case '%':
        ops_.push_back(kLiteral);
        ops_.push_back('%');
        continue;
      default:
        throw ConfigError(fmt::format(
            "time format '{}': unknown directive %{} (expected %Y %y %m %d %H %I %M %S %p)",
            pattern, d));
    }
    ops_.push_back(d);
  }
  if (!year || !month)
    throw ConfigError(
        fmt::format("time format '{}' needs a year (%Y or %y) and a month (%m)", pattern));
  if (twelve != meridiem)
    throw ConfigError(fmt::format("time format '{}': %I and %p go together", pattern));
  // The fixed layout: every number at its widest. Reading at fixed offsets then matches what the
  // general reader does on such a text, as it takes as many digits as a directive allows.
  std::size_t at = 0;
  for (std::size_t k = 0; k < ops_.size(); ++k) {
    const char op = ops_[k];
    if (op == kLiteral) {
      fixed_.push_back({kLiteral, ops_[++k], static_cast<std::uint8_t>(at)});
      at += 1;
      continue;
    }
    fixed_.push_back({op, 0, static_cast<std::uint8_t>(at)});
    at += op == 'Y' ? 4 : 2;
  }
  fixed_size_ = at < 250 ? at : 0;
  resolution_ = second           ? TimeResolution::kSecond
                : minute || hour ? TimeResolution::kMinute
                : day            ? TimeResolution::kDay
                                 : TimeResolution::kMonth;
}

namespace {

// Two ASCII digits at p, or false.
inline bool two_digits(const char* p, unsigned& out) {
  const unsigned a = static_cast<unsigned char>(p[0]) - '0',
                 b = static_cast<unsigned char>(p[1]) - '0';
  out = a * 10 + b;
  return a < 10 && b < 10;
}

}  // namespace

// The usual text: every number at its widest (a portal's "04/27/2016 01:44:00 PM"), read at the
// offsets of the fixed layout without a loop over the pattern's text.
bool TimeParser::parse_fixed(std::string_view text, Fields& f) const {
  const char* p = text.data();
  unsigned v = 0, w = 0;
  for (const FixedOp& o : fixed_) {
    const char* q = p + o.at;
    switch (o.op) {
      case kLiteral:
        if (*q != o.literal) return false;
        break;
      case 'Y':
        if (!two_digits(q, v) || !two_digits(q + 2, w)) return false;
        f.year = v * 100 + w;
        break;
      case 'y':
        if (!two_digits(q, v)) return false;
        f.year = v < 69 ? 2000 + v : 1900 + v;  // POSIX strptime's pivot
        break;
      case 'm':
        if (!two_digits(q, f.month)) return false;
        break;
      case 'd':
        if (!two_digits(q, f.day)) return false;
        break;
      case 'H':
      case 'I':
        if (!two_digits(q, f.hour)) return false;
        break;
      case 'M':
        if (!two_digits(q, f.minute)) return false;
        break;
      case 'S':
        if (!two_digits(q, f.second)) return false;
        break;
      case 'p': {
        if ((q[1] | 0x20) != 'm') return false;
        const char c = static_cast<char>(q[0] | 0x20);
        if (c != 'a' && c != 'p') return false;
        f.pm = c == 'p';
        break;
      }
      default:
        return false;
    }
  }
  return true;
}

bool TimeParser::parse_general(std::string_view text, Fields& f) const {
  std::size_t pos = 0;
  unsigned v = 0;
  for (std::size_t k = 0; k < ops_.size(); ++k) {
    const char op = ops_[k];
    switch (op) {
      case kLiteral:
        if (pos >= text.size() || text[pos] != ops_[++k]) return false;
        ++pos;
        break;
      case 'Y':
        if (!read_digits(text, pos, 4, 4, v)) return false;
        f.year = v;
        break;
      case 'y':
        if (!read_digits(text, pos, 2, 2, v)) return false;
        f.year = v < 69 ? 2000 + v : 1900 + v;  // POSIX strptime's pivot
        break;
      case 'm':
        if (!read_digits(text, pos, 1, 2, f.month)) return false;
        break;
      case 'd':
        if (!read_digits(text, pos, 1, 2, f.day)) return false;
        break;
      case 'H':
      case 'I':
        if (!read_digits(text, pos, 1, 2, f.hour)) return false;
        break;
      case 'M':
        if (!read_digits(text, pos, 1, 2, f.minute)) return false;
        break;
      case 'S':
        if (!read_digits(text, pos, 1, 2, f.second)) return false;
        break;
      case 'p': {
        if (pos + 2 > text.size() || (text[pos + 1] | 0x20) != 'm') return false;
        const char c = static_cast<char>(text[pos] | 0x20);
        if (c != 'a' && c != 'p') return false;
        f.pm = c == 'p';
        pos += 2;
        break;
      }
      default:
        return false;
    }
  }
  return pos == text.size();
}

bool TimeParser::parse(std::string_view text, std::int64_t& local_seconds) const {
  text = trim(text);
  Fields f;
  if (text.size() != fixed_size_ || !parse_fixed(text, f)) {
    f = Fields();
    if (!parse_general(text, f)) return false;
  }
  std::int64_t year = f.year;
  unsigned month = f.month, day = f.day, hour = f.hour;
  if (!valid_year(year) || month < 1 || month > 12 || day < 1 || day > days_in_month(year, month))
    return false;
  if (f.pm >= 0) {
    if (hour < 1 || hour > 12) return false;
    hour = hour % 12 + (f.pm ? 12 : 0);  // 12:xx AM is 00:xx, 12:xx PM is 12:xx
  }
  if (hour > 23 || f.minute > 59 || f.second > 59) return false;
  local_seconds =
      days_from_civil(year, month, day) * kSecondsPerDay + hour * 3600 + f.minute * 60 + f.second;
  return true;
}

std::string detect_time_format(const std::vector<std::string>& samples) {
  // Month-first US forms come before their day-first twins; a file that fits both is refused.
  static const std::array<const char*, 17> kPatterns{"%Y-%m-%d %H:%M:%S",
                                                     "%Y-%m-%dT%H:%M:%S",
                                                     "%Y-%m-%dT%H:%M:%SZ",
                                                     "%Y-%m-%d %H:%M",
                                                     "%Y-%m-%dT%H:%M",
                                                     "%Y-%m-%d",
                                                     "%Y-%m",
                                                     "%m/%d/%Y %I:%M:%S %p",
                                                     "%m/%d/%Y %I:%M %p",
                                                     "%m/%d/%Y %H:%M:%S",
                                                     "%m/%d/%Y %H:%M",
                                                     "%m/%d/%Y",
                                                     "%m/%d/%y",
                                                     "%d/%m/%Y %H:%M:%S",
                                                     "%d/%m/%Y %H:%M",
                                                     "%d/%m/%Y",
                                                     "%d/%m/%y"};
  auto fits = [&](const char* pattern) {
    const TimeParser parser(pattern);
    std::int64_t t = 0;
    bool any = false;
    for (const auto& s : samples) {
      if (trim(s).empty()) continue;
      if (!parser.parse(s, t)) return false;
      any = true;
    }
    return any;
  };
  for (const char* pattern : kPatterns) {
    if (!fits(pattern)) continue;
    std::string p = pattern;
    if (p.rfind("%m/%d/", 0) == 0) {
      std::string twin = "%d/%m/" + p.substr(6);
      if (fits(twin.c_str()))
        throw ConfigError(fmt::format(
            "the dates fit both {} (month first) and {} (day first): give --time-format", p, twin));
    }
    return p;
  }
  return "";
}

}  // namespace scrutineer::ingest
