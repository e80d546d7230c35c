// Calendar and time-zone conversion.
#include <gtest/gtest.h>

#include "scrutineer/core/error.hpp"
#include "scrutineer/core/time.hpp"

namespace scrutineer {

TEST(Time, DaysFromCivilKnownDates) {
  EXPECT_EQ(days_from_civil(1970, 1, 1), 0);
  // 2000-03-01: 30 years (7 leap days: 72,76,...,96) * 365 + 7 = 10957 to 2000-01-01, + 31 + 29.
  EXPECT_EQ(days_from_civil(2000, 3, 1), 10957 + 31 + 29);
  EXPECT_EQ(days_from_civil(1969, 12, 31), -1);
}

TEST(Time, CivilRoundTrip) {
  for (std::int64_t s : {-86401LL, 0LL, 951782400LL, 1483228800LL + 3723}) {
    EXPECT_EQ(seconds_from_civil(civil_from_seconds(s)), s);
  }
  const auto c = civil_from_seconds(1483228800 + 3723);  // 2017-01-01 01:02:03 UTC
  EXPECT_EQ(c.year, 2017);
  EXPECT_EQ(c.hour, 1u);
  EXPECT_EQ(c.minute, 2u);
  EXPECT_EQ(c.second, 3u);
}

TEST(Time, ChicagoLocalToUtc) {
  const TimeZone chicago("America/Chicago");
  // 2016-07-01 12:00 CDT (UTC-5) is 17:00 UTC; 2016-01-15 12:00 CST (UTC-6) is 18:00 UTC.
  EXPECT_EQ(chicago.to_utc(*parse_iso_datetime("2016-07-01 12:00")),
            *parse_iso_datetime("2016-07-01 17:00"));
  EXPECT_EQ(chicago.to_utc(*parse_iso_datetime("2016-01-15 12:00")),
            *parse_iso_datetime("2016-01-15 18:00"));
  // The autumn hour 01:30 on 2016-11-06 happens twice: the earlier (CDT, 06:30 UTC) is taken.
  EXPECT_EQ(chicago.to_utc(*parse_iso_datetime("2016-11-06 01:30")),
            *parse_iso_datetime("2016-11-06 06:30"));
  // 02:30 on 2016-03-13 never happened (clocks went 02:00 -> 03:00): it becomes 03:30 CDT = 08:30.
  EXPECT_EQ(chicago.to_utc(*parse_iso_datetime("2016-03-13 02:30")),
            *parse_iso_datetime("2016-03-13 08:30"));
  EXPECT_EQ(chicago.local_day_start(*parse_iso_datetime("2016-07-02 03:00")),
            *parse_iso_datetime("2016-07-01 05:00"));
}

TEST(Time, UnknownZoneIsConfigError) { EXPECT_THROW(TimeZone("Mars/Olympus"), ConfigError); }

TEST(Time, ParseIsoRejectsBadDates) {
  EXPECT_FALSE(parse_iso_datetime("2016-02-30"));
  EXPECT_FALSE(parse_iso_datetime("2016-13-01"));
  EXPECT_FALSE(parse_iso_datetime("16-01-01"));
  EXPECT_FALSE(parse_iso_datetime("2016-01-01 25:00"));
  EXPECT_EQ(*parse_iso_datetime("2016-02-29T23:59:59Z"),
            days_from_civil(2016, 2, 29) * 86400 + 86399);
  EXPECT_EQ(format_iso_utc(0), "1970-01-01T00:00:00Z");
}

}  // namespace scrutineer
