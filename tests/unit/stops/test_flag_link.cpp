// Stops inside and outside a forecast's flagged cells (stops/flag_link.hpp), the flags read by
// the disparity audit's own reader, on a two-cell grid counted by hand.
#include <gtest/gtest.h>

#include "scrutineer/core/error.hpp"
#include "scrutineer/core/time.hpp"
#include "scrutineer/stops/flag_link.hpp"

using namespace scrutineer;
using namespace scrutineer::stops;

namespace {

// Two cells of one degree in lon/lat (the transformation is then the identity): cell 0 is
// [0, 1) x [0, 1), cell 1 is [1, 2) x [0, 1).
geo::Grid two_cells() {
  geo::Grid g;
  g.size = 1;
  g.nx = 2;
  g.ny = 1;
  g.valid = {1, 1};
  g.crs = "EPSG:4326";
  return g;
}

Stop at(const char* utc, double lon, double lat, int group, bool located = true) {
  Stop s;
  s.utc = *parse_iso_datetime(utc);
  s.local = s.utc;
  s.lon = lon;
  s.lat = lat;
  s.has_location = located;
  s.group = group;
  return s;
}

}  // namespace

TEST(StopsFlagLink, CountsStopsInTheCellsFlaggedForTheirPeriod) {
  const auto grid = two_cells();
  disparity::FlagReadOptions read;
  read.format = "cell";
  // Cell 0 flagged on 1 September, cell 1 on 2 September (each period one day long).
  const auto flags = disparity::read_flags_from_string(
      "flags.csv", "date,cell\n2022-09-01,0\n2022-09-02,1\n", read, &grid, nullptr);
  StopRecords r;
  r.groups = {"White", "Black"};
  r.stops = {
      at("2022-09-01T10:00", 0.5, 0.5, 0),         // White, cell 0, flagged that day: inside
      at("2022-09-01T11:00", 1.5, 0.5, 1),         // Black, cell 1, not flagged that day: outside
      at("2022-09-02T09:00", 1.5, 0.5, 1),         // Black, cell 1, flagged on the 2nd: inside
      at("2022-09-02T12:00", 0.5, 0.5, 0),         // White, cell 0 on the 2nd: outside
      at("2022-09-02T12:00", 5.0, 5.0, 0),         // off the grid
      at("2022-08-31T12:00", 0.5, 0.5, 0),         // before the first flag date
      at("2022-09-03T00:00", 0.5, 0.5, 1),         // after the last one-day period
      at("2022-09-01T12:00", 0.5, 0.5, 1, false),  // no location
      at("2022-09-01T12:00", 0.5, 0.5, -1),        // no group: not counted anywhere
  };
  const auto link = link_flags(r, grid, flags, "White", 0.95);
  EXPECT_EQ(link.periods, 2);
  EXPECT_EQ(link.flagged_cells, 2);
  EXPECT_EQ(link.used, 4);
  EXPECT_EQ(link.outside_grid, 1);
  EXPECT_EQ(link.outside_periods, 2);
  EXPECT_EQ(link.no_location, 1);
  // White 1 inside, 1 outside; Black 1 inside, 1 outside: shares 1/2 each, odds ratio
  // (1 x 1) / (1 x 1) = 1.
  EXPECT_EQ(link.rows[0].inside, 1);
  EXPECT_EQ(link.rows[0].outside, 1);
  EXPECT_EQ(link.rows[1].inside, 1);
  EXPECT_EQ(link.rows[1].outside, 1);
  EXPECT_DOUBLE_EQ(link.rows[1].share_inside, 0.5);
  EXPECT_DOUBLE_EQ(link.rows[1].odds.ratio, 1);
  const auto csv = flag_link_csv(link, 1);
  EXPECT_NE(csv.find("Black,1,1,0.500000,0.500000,1.000000,"), std::string::npos) << csv;
  // With min_cell 2 the counts of 1 are suppressed.
  EXPECT_NE(flag_link_csv(link, 2).find("Black,,,,,,,"), std::string::npos);
}

TEST(StopsFlagLink, AreaFlagsAreRefused) {
  disparity::FlagTable t;
  t.format = disparity::FlagFormat::kArea;
  StopRecords r;
  r.groups = {"White"};
  EXPECT_THROW(link_flags(r, two_cells(), t, "White", 0.95), ConfigError);
}
