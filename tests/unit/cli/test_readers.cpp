// The readers behind the commands, fed bad input (issue 19, items 14 and 16): one range of years
// for every date reader and writer, coordinates that are corrupt numbers, an unbalanced quote in an
// export, and a header in the wrong delimiter.
#include <gtest/gtest.h>

#include <string>

#include "scrutineer/core/error.hpp"
#include "scrutineer/core/time.hpp"
#include "scrutineer/disparity/flags.hpp"
#include "scrutineer/geo/grid.hpp"
#include "scrutineer/ingest/ingest.hpp"

namespace scrutineer {
namespace {

using ingest::DropReason;

// Generic CSV: time t (%Y-%m-%d %H:%M), lon, lat, category c.
ingest::ReadResult read_generic(const std::string& rows, const std::string& zone = "UTC") {
  ingest::ReadOptions o;
  o.format = "generic";
  o.columns.time = "t";
  o.columns.time_format = "%Y-%m-%d %H:%M";
  o.columns.lon = "lon";
  o.columns.lat = "lat";
  o.columns.category = "c";
  o.time_zone = zone;
  return ingest::read_events_from_string("g.csv", "t,lon,lat,c\n" + rows, o);
}

// Ten good rows around Chicago so that the read has a centre (lines 2..11).
std::string good_rows() {
  std::string s;
  for (int i = 0; i < 10; ++i)
    s += "2020-01-0" + std::to_string(i % 9 + 1) + " 10:00,-87.6" + std::to_string(i) +
         ",41.8,THEFT\n";
  return s;
}

std::vector<std::int64_t> lines(const ingest::ReadReport& r, DropReason reason) {
  return r.dropped[static_cast<std::size_t>(reason)].first_lines;
}

// Issue 19, item 14: years 0000 and 10000 were written by `ingest` and refused by its own reader.
// Year 0 is refused by the parser; 9999-12-31 23:30 in Chicago is 10000-01-01 in UTC and is
// refused after the conversion; 9999-12-31 23:30 in UTC is the last writable time and is kept.
TEST(Readers, YearsOutsideOneToNineThousandNineHundredNinetyNineAreBadTimes) {
  const auto r = read_generic(good_rows() +
                                  "0000-06-01 10:00,-87.6,41.8,THEFT\n"   // line 12
                                  "9999-12-31 23:30,-87.6,41.8,THEFT\n",  // line 13
                              "America/Chicago");
  EXPECT_EQ(lines(r.report, DropReason::kBadTime), (std::vector<std::int64_t>{12, 13}));
  EXPECT_EQ(r.report.rows_kept, 10);
  const auto last = read_generic(good_rows() + "9999-12-31 23:30,-87.6,41.8,THEFT\n");
  EXPECT_EQ(last.report.rows_kept, 11);
  // The one range, as the ISO reader and the time parser see it.
  EXPECT_FALSE(parse_iso_datetime("0000-01-01").has_value());
  EXPECT_TRUE(parse_iso_datetime("0001-01-01").has_value());
  EXPECT_EQ(*parse_iso_datetime("0001-01-01T00:00:00Z"), kMinTime);
  EXPECT_EQ(*parse_iso_datetime("9999-12-31T23:59:59Z"), kMaxTime);
  std::int64_t t = 0;
  EXPECT_FALSE(ingest::TimeParser("%Y-%m-%dT%H:%M:%SZ").parse("0000-01-01T00:00:00Z", t));
}

// Issue 19, item 14: a latitude of 1e-320 (a subnormal) was kept as a point on the equator.
TEST(Readers, TinyNonZeroCoordinatesAreRefused) {
  const auto r = read_generic(good_rows() + "2020-01-05 10:00,-87.6,1e-320,THEFT\n" +
                              "2020-01-05 10:00,-1e-305,41.8,THEFT\n");
  EXPECT_EQ(lines(r.report, DropReason::kOutOfRangeCoordinates),
            (std::vector<std::int64_t>{12, 13}));
  EXPECT_EQ(r.report.rows_kept, 10);
}

// Issue 19, item 14: two rows dated 0000 in disparity flags flipped a trend with exit 0. They are
// an InputError naming the line.
TEST(Readers, FlagsDatedYearZeroAreAnError) {
  geo::Grid g;
  g.size = 100;
  g.nx = 3;
  g.ny = 2;
  g.valid.assign(6, 1);
  g.crs = "EPSG:32631";
  disparity::FlagReadOptions o;
  try {
    disparity::read_flags_from_string("f.csv", "date,cell\n2020-01-01,1\n0000-01-01,2\n", o, &g,
                                      nullptr);
    FAIL() << "year 0 accepted";
  } catch (const InputError& e) {
    EXPECT_EQ(e.line(), 3);
  }
  EXPECT_THROW(disparity::read_flags_from_string("f.csv", "date,cell\n0000-01,2\n", o, &g, nullptr),
               InputError);
}

// Issue 19, item 16: an unbalanced quote swallowed the rest of the export (40 rows gone, reported
// as 1 dropped). Now it costs its own row; the 40 rows after it are kept.
TEST(Readers, UnbalancedQuoteInAnExportCostsOneRow) {
  std::string rows = good_rows() + "2020-01-05 10:00,-87.6,41.8,\"THEFT\n";  // line 12
  for (int i = 0; i < 40; ++i) rows += "2020-01-06 10:00,-87.61,41.81,BURGLARY\n";
  const auto r = read_generic(rows);
  EXPECT_EQ(lines(r.report, DropReason::kUnterminatedQuote), (std::vector<std::int64_t>{12}));
  EXPECT_EQ(r.report.rows_read, 51);  // 10 + 1 + 40
  EXPECT_EQ(r.report.rows_kept, 50);
}

// Issue 19, item 16: a ';'-delimited file whose header also holds a comma got no hint.
TEST(Readers, SemicolonHeaderWithACommaGetsTheHint) {
  ingest::ReadOptions o;
  o.format = "police-uk";
  try {
    ingest::read_events_from_string(
        "s.csv", "Month;Crime type;Location, street;Longitude;Latitude\n2017-01;B;x;-2.2;53.4\n",
        o);
    FAIL();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("pass --delimiter ';'"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace scrutineer
