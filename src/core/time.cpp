// Calendar arithmetic and time-zone conversion.
#include "scrutineer/core/time.hpp"

#include <date/tz.h>
#include <fmt/format.h>

#include <charconv>
#include <chrono>

#include "scrutineer/core/error.hpp"
#include "scrutineer/core/local_time.hpp"

namespace scrutineer {

std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

CivilTime civil_from_seconds(std::int64_t seconds) {
  std::int64_t days = seconds / kSecondsPerDay;
  std::int64_t rest = seconds % kSecondsPerDay;
  if (rest < 0) {
    rest += kSecondsPerDay;
    --days;
  }
  days += 719468;
  const std::int64_t era = (days >= 0 ? days : days - 146096) / 146097;
  const auto doe = static_cast<unsigned>(days - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  const std::int64_t y = static_cast<std::int64_t>(yoe) + era * 400 + (m <= 2);
  return {y,
          m,
          d,
          static_cast<unsigned>(rest / 3600),
          static_cast<unsigned>(rest % 3600 / 60),
          static_cast<unsigned>(rest % 60)};
}

std::int64_t seconds_from_civil(const CivilTime& c) {
  return days_from_civil(c.year, c.month, c.day) * kSecondsPerDay + c.hour * 3600 + c.minute * 60 +
         c.second;
}

TimeZone::TimeZone(std::string_view name) : name_(name), zone_(nullptr) {
  if (name == "UTC" || name == "Etc/UTC") return;
  try {
    zone_ = date::locate_zone(std::string(name));
  } catch (const std::exception&) {
    throw ConfigError(fmt::format(
        "unknown time zone '{}': expected an IANA name such as America/Chicago or Europe/London",
        name));
  }
}

std::int64_t TimeZone::to_utc(std::int64_t local_seconds) const {
  if (!zone_) return local_seconds;
  const auto* zone = static_cast<const date::time_zone*>(zone_);
  const date::local_seconds local{std::chrono::seconds(local_seconds)};
  const auto info = zone->get_info(local);
  std::chrono::seconds offset = info.first.offset;
  if (info.result == date::local_info::nonexistent) {
    // In the spring gap: the clocks jumped by (second.offset - first.offset); move forward by it.
    return local_seconds - info.first.offset.count();
  }
  return (local - offset).time_since_epoch().count();
}

std::int64_t TimeZone::to_local(std::int64_t utc_seconds) const {
  if (!zone_) return utc_seconds;
  const auto* zone = static_cast<const date::time_zone*>(zone_);
  const date::sys_seconds sys{std::chrono::seconds(utc_seconds)};
  return utc_seconds + zone->get_info(sys).offset.count();
}

std::int64_t TimeZone::local_day_start(std::int64_t utc_seconds) const {
  const std::int64_t local = to_local(utc_seconds);
  std::int64_t day = local / kSecondsPerDay;
  if (local % kSecondsPerDay < 0) --day;
  return to_utc(day * kSecondsPerDay);
}

namespace {
bool read_int(std::string_view s, std::size_t pos, std::size_t len, unsigned& out) {
  if (pos + len > s.size()) return false;
  const char* b = s.data() + pos;
  auto [p, ec] = std::from_chars(b, b + len, out);
  return ec == std::errc() && p == b + len;
}
}  // namespace

std::optional<std::int64_t> parse_iso_datetime(std::string_view s) {
  if (!s.empty() && s.back() == 'Z') s.remove_suffix(1);
  unsigned y, m, d, hh = 0, mm = 0, ss = 0;
  if (s.size() < 10 || s[4] != '-' || s[7] != '-') return std::nullopt;
  if (!read_int(s, 0, 4, y) || !read_int(s, 5, 2, m) || !read_int(s, 8, 2, d)) return std::nullopt;
  if (s.size() > 10) {
    if ((s[10] != ' ' && s[10] != 'T') || s.size() < 16 || s[13] != ':') return std::nullopt;
    if (!read_int(s, 11, 2, hh) || !read_int(s, 14, 2, mm)) return std::nullopt;
    if (s.size() > 16 && (s.size() != 19 || s[16] != ':' || !read_int(s, 17, 2, ss)))
      return std::nullopt;
  }
  if (!valid_year(y) || m < 1 || m > 12 || d < 1 || hh > 23 || mm > 59 || ss > 59)
    return std::nullopt;
  const auto ymd = date::year(static_cast<int>(y)) / date::month(m) / date::day(d);
  if (!ymd.ok()) return std::nullopt;
  return days_from_civil(y, m, d) * kSecondsPerDay + hh * 3600 + mm * 60 + ss;
}

std::string format_iso_utc(std::int64_t seconds) {
  const auto c = civil_from_seconds(seconds);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z", c.year, c.month, c.day, c.hour,
                     c.minute, c.second);
}

std::string format_iso_date(std::int64_t seconds) {
  const auto c = civil_from_seconds(seconds);
  return fmt::format("{:04}-{:02}-{:02}", c.year, c.month, c.day);
}

std::int64_t local_to_utc(const std::string& text, const TimeZone& zone, const std::string& what,
                          const std::string& expected) {
  const auto wall = parse_iso_datetime(text);
  if (!wall) throw ConfigError(fmt::format("{}: expected {}, found '{}'", what, expected, text));
  return zone.to_utc(*wall);
}

}  // namespace scrutineer
