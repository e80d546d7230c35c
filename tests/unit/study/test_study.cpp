// build_study: the one set-up of events, region, grid, clip, areas and groups (docs/study.md), on
// two hand-made areas: A = [500000, 500150] x [4600000, 4600100] (pop 300) and B = [500150,
// 500300] x the same (pop 600), in EPSG:32616.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "scrutineer/core/error.hpp"
#include "scrutineer/study/study.hpp"

namespace scrutineer::study {
namespace {

namespace fs = std::filesystem;
const std::string kAreas = SCRUTINEER_TEST_DATA "/geo/two_areas.geojson";

// Five events: three inside the areas (one of category "b"), one 50 m east of them, one 200 m
// north; on 2020-01-01..05 (UTC).
StudyOptions with_events(const fs::path& dir) {
  StudyOptions o;
  o.events = (dir / "events.csv").string();
  std::ofstream(o.events) << "time,x,y,kind\n"
                             "2020-01-01 10:00,500010,4600010,a\n"
                             "2020-01-02 10:00,500160,4600050,b\n"
                             "2020-01-03 10:00,500290,4600090,a\n"
                             "2020-01-04 10:00,500350,4600050,a\n"
                             "2020-01-05 10:00,500100,4600300,a\n";
  o.read.format = "generic";
  o.read.time_zone = "UTC";
  o.read.columns.time = "time";
  o.read.columns.x = "x";
  o.read.columns.y = "y";
  o.read.columns.category = "kind";
  o.read.source_crs = o.read.target_crs = "EPSG:32616";
  o.cell_size = 100;
  return o;
}

fs::path temp_dir() {
  const auto dir =
      fs::temp_directory_path() / ("scrutineer_study_" + std::to_string(getpid()) + "_" +
                                   ::testing::UnitTest::GetInstance()->current_test_info()->name());
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

TEST(Study, WithoutARegionTheAreasUnionIsTheRegionAndEventsOutsideAreDropped) {
  const auto dir = temp_dir();
  auto o = with_events(dir);
  o.areas = kAreas;
  o.area_id = "code";
  o.groups = {"pop"};
  const auto s = build_study(o);
  EXPECT_TRUE(s.has_region);
  EXPECT_NE(s.region_source.find("union of the areas"), std::string::npos);
  // Region [500000, 500300] x [4600000, 4600100], 100 m cells: 4 x 2 touching cells (as in
  // test_grid_command.cpp).
  EXPECT_EQ(s.grid.nx, 4);
  EXPECT_EQ(s.grid.ny, 2);
  EXPECT_EQ(s.counts.rows_read, 5);
  EXPECT_EQ(s.counts.inside, 3);
  EXPECT_EQ(s.counts.outside, 2);
  EXPECT_TRUE(s.counts.clipped);
  EXPECT_EQ(s.events.size(), 3u);
  // One group "pop": A 300, B 600, the total the sum of the groups.
  ASSERT_EQ(s.groups.names, (std::vector<std::string>{"pop"}));
  EXPECT_EQ(s.groups.total, (std::vector<double>{300, 600}));
  EXPECT_EQ(s.overlay.areas, 2u);
  const auto text = s.describe();
  EXPECT_NE(text.find("3 inside the region, 2 outside (dropped)"), std::string::npos) << text;
  // Without the clip the two stay, counted.
  o.clip = false;
  const auto kept = build_study(o);
  EXPECT_EQ(kept.events.size(), 5u);
  EXPECT_EQ(kept.counts.outside, 2);
  EXPECT_FALSE(kept.counts.clipped);
  fs::remove_all(dir);
}

TEST(Study, WithoutRegionOrAreasTheGridCoversTheEventsEveryCellValid) {
  const auto dir = temp_dir();
  const auto s = build_study(with_events(dir));
  EXPECT_FALSE(s.has_region);
  // x 500010..500350 -> ix 5000..5003 (4), y 4600010..4600300 -> iy 46000..46003 (4).
  EXPECT_EQ(s.grid.nx, 4);
  EXPECT_EQ(s.grid.ny, 4);
  EXPECT_EQ(s.grid.valid_count(), 16);
  EXPECT_EQ(s.events.size(), 5u);
  EXPECT_EQ(s.counts.outside, 0);
  fs::remove_all(dir);
}

TEST(Study, FiltersCountEachStep) {
  const auto dir = temp_dir();
  auto o = with_events(dir);
  o.region = kAreas;
  o.category = "a";       // drops the 2 January event
  o.from = "2020-01-02";  // drops the 1 January event
  o.to = "2020-01-05";    // drops the 5 January event
  const auto s = build_study(o);
  EXPECT_EQ(s.counts.after_category, 4);
  EXPECT_EQ(s.counts.after_dates, 2);  // 3 and 4 January
  EXPECT_EQ(s.counts.inside, 1);       // 3 January; 4 January lies east of the region
  EXPECT_EQ(s.events.size(), 1u);
  // Issue 17: the category compares ignoring case ("Burglary" keeps "burglary").
  o.category = "A";
  EXPECT_EQ(build_study(o).counts.after_category, 4);
  // None matching: the message lists the categories present, most frequent first.
  o.category = "none";
  try {
    build_study(o);
    ADD_FAILURE() << "no error";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("the categories present are: 'a' (4), 'b' (1)"),
              std::string::npos)
        << e.what();
  }
  o.category.clear();
  o.from = "2 January";
  EXPECT_THROW(build_study(o), ConfigError);
  fs::remove_all(dir);
}

TEST(Study, CellAreasInsideTheRegion) {
  const auto dir = temp_dir();
  auto o = with_events(dir);
  o.region = kAreas;
  EXPECT_TRUE(build_study(o).cell_area.empty());  // only when asked for
  o.cell_areas = true;
  const auto s = build_study(o);
  ASSERT_EQ(s.cell_area.size(), 8u);
  // Row 0 (y 4600000..4600100) lies wholly in the region for x up to 500300: 3 whole cells, and
  // the fourth touches it on its west edge only; row 1 touches it along the bottom edge.
  EXPECT_DOUBLE_EQ(s.cell_area[0], 10000);
  EXPECT_DOUBLE_EQ(s.cell_area[2], 10000);
  EXPECT_DOUBLE_EQ(s.cell_area[3], 0);
  EXPECT_DOUBLE_EQ(s.cell_area[4], 0);
  o.valid = "shares-area";  // the touching cells are invalid then
  EXPECT_EQ(build_study(o).grid.valid_count(), 3);
  fs::remove_all(dir);
}

TEST(Study, OptionErrors) {
  StudyOptions o;
  EXPECT_THROW(build_study(o), ConfigError);  // nothing to study
  o.areas = kAreas;
  EXPECT_THROW(build_study(o), ConfigError);  // areas without their id column
  o.areas.clear();
  o.region = kAreas;
  o.groups = {"pop"};
  EXPECT_THROW(build_study(o), ConfigError);  // groups without areas
  o.groups.clear();
  o.category = "a";
  EXPECT_THROW(build_study(o), ConfigError);  // a filter without events
  o.category.clear();
  o.valid = "inside";
  EXPECT_THROW(build_study(o), ConfigError);
  o.valid = "touches";
  o.cell_size = -1;
  EXPECT_THROW(build_study(o), ConfigError);
}

}  // namespace
}  // namespace scrutineer::study
