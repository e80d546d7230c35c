// Calendar arithmetic and time-zone conversion (IANA zones through Howard Hinnant's date/tz,
// reading the system tzdata). Times are int64 seconds since the Unix epoch in UTC.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace scrutineer {

constexpr std::int64_t kSecondsPerDay = 86400;

// The one range of dates every reader accepts and every writer can write (issue 19, item 14):
// years 1 to 9999, the years of a four-digit ISO 8601 date. The time parser, the ISO reader and
// ingest (after conversion to UTC) refuse anything outside it.
constexpr std::int64_t kMinYear = 1, kMaxYear = 9999;
constexpr bool valid_year(std::int64_t year) { return year >= kMinYear && year <= kMaxYear; }
// 0001-01-01T00:00:00Z and 9999-12-31T23:59:59Z in seconds since the epoch.
constexpr std::int64_t kMinTime = -62135596800, kMaxTime = 253402300799;
constexpr bool valid_time(std::int64_t utc_seconds) {
  return utc_seconds >= kMinTime && utc_seconds <= kMaxTime;
}

// Days since 1970-01-01 of a proleptic Gregorian date (Hinnant's days_from_civil algorithm).
std::int64_t days_from_civil(std::int64_t year, unsigned month, unsigned day);

struct CivilTime {
  std::int64_t year;
  unsigned month, day, hour, minute, second;
};
CivilTime civil_from_seconds(std::int64_t seconds);
std::int64_t seconds_from_civil(const CivilTime& c);

// A loaded time zone; conversion is thread-safe.
class TimeZone {
 public:
  // Throws ConfigError for an unknown zone name. "UTC" is always known.
  explicit TimeZone(std::string_view name);
  const std::string& name() const { return name_; }
  // Wall-clock seconds (as if UTC) to true UTC. A wall time that occurs twice (autumn) takes the
  // earlier instant; one that never occurs (spring gap) is moved forward by the gap, as the
  // clocks were.
  std::int64_t to_utc(std::int64_t local_seconds) const;
  std::int64_t to_local(std::int64_t utc_seconds) const;
  // UTC instant at which the local calendar day holding `utc_seconds` starts.
  std::int64_t local_day_start(std::int64_t utc_seconds) const;

 private:
  std::string name_;
  const void* zone_;  // const date::time_zone*, null for UTC
};

// Parses "YYYY-MM-DD", "YYYY-MM-DD HH:MM", "YYYY-MM-DDTHH:MM:SS" (optionally ending in Z) as
// wall-clock seconds. Returns nullopt when the text is not of that form or names no real date.
std::optional<std::int64_t> parse_iso_datetime(std::string_view text);
// "YYYY-MM-DDTHH:MM:SSZ".
std::string format_iso_utc(std::int64_t seconds);
// "YYYY-MM-DD".
std::string format_iso_date(std::int64_t seconds);

}  // namespace scrutineer
