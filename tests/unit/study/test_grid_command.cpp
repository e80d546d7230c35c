// The `scrutineer grid` library function and the command's exit codes.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "scrutineer/core/error.hpp"
#include "scrutineer/io/vector.hpp"
#include "scrutineer/study/grid_command.hpp"

namespace scrutineer::study {
namespace {

const std::string kData = SCRUTINEER_TEST_DATA "/geo/";

std::filesystem::path temp_dir() {
  auto dir = std::filesystem::temp_directory_path() /
             ("scrutineer_grid_cmd_" + std::to_string(getpid()) + "_" +
              ::testing::UnitTest::GetInstance()->current_test_info()->name());
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

std::string read_text(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST(GridCommand, CellsOverlayAndEventsOutside) {
  const auto dir = temp_dir();
  StudyOptions st;
  st.region = kData + "two_areas.geojson";
  st.cell_size = 100;
  st.areas = kData + "two_areas.geojson";
  st.area_id = "code";
  // Two events: one inside, one 50 m east of the region (x = 500350), on lines 2 and 3, in the
  // region's CRS (EPSG:32616).
  st.events = (dir / "events.csv").string();
  std::ofstream(st.events) << "time,x,y\n2020-01-02 00:00,500010,4600010\n"
                              "2020-01-01 00:00,500350,4600050\n";
  st.read.format = "generic";
  st.read.time_zone = "UTC";
  st.read.columns.time = "time";
  st.read.columns.x = "x";
  st.read.columns.y = "y";
  st.read.source_crs = st.read.target_crs = "EPSG:32616";
  GridCommandOptions o;
  o.output = (dir / "cells.gpkg").string();
  o.spread = {"pop"};
  o.overlay_output = (dir / "overlay.csv").string();
  const auto result = run_grid(st, o);
  EXPECT_EQ(result.study.crs, "EPSG:32616");
  const auto& grid = result.study.grid;
  // Region [500000, 500300] x [4600000, 4600100], 100 m cells from origin 0: both high edges on
  // grid lines, so ix 5000..5003 (nx 4) and iy 46000..46001 (ny 2), all touching: 8 valid.
  EXPECT_EQ(grid.nx, 4);
  EXPECT_EQ(grid.ny, 2);
  EXPECT_EQ(grid.valid_count(), 8);
  EXPECT_EQ(result.study.counts.outside, 1);
  EXPECT_FALSE(result.study.counts.clipped);  // listed, not dropped
  EXPECT_EQ(result.outside_rows, (std::vector<std::int64_t>{3}));
  // Overlay rows: cell 0 -> A 10,000; cell 1 -> A 5,000 and B 5,000; cell 2 -> B 10,000 (the
  // hand case of test_overlay.cpp, shifted); shares 1 and 2/3, 0.5 and 1/3.
  EXPECT_EQ(read_text(dir / "overlay.csv"),
            "cell,ix,iy,area_id,intersection,cell_share,area_share\n"
            "0,0,0,A,10000,1,0.66666666666666663\n"
            "1,1,0,A,5000,0.5,0.33333333333333331\n"
            "1,1,0,B,5000,0.5,0.33333333333333331\n"
            "2,2,0,B,10000,1,0.66666666666666663\n");
  // Spread pop (A 300, B 600): 200, 300, 400 in cells 0..2, 0 in the touching cells.
  const auto cells = io::read_polygons(o.output);
  ASSERT_EQ(cells.size(), 8u);
  const auto& pop = cells.numbers[*cells.find_field("pop")];
  EXPECT_NEAR(pop[0], 200, 1e-9);
  EXPECT_NEAR(pop[1], 300, 1e-9);
  EXPECT_NEAR(pop[2], 400, 1e-9);
  EXPECT_EQ(pop[3], 0);
  const auto text = describe(result, o);
  EXPECT_NE(text.find("4 x 2 cells"), std::string::npos) << text;
  EXPECT_NE(text.find("1 outside the region (first at lines 3)"), std::string::npos) << text;
  std::filesystem::remove_all(dir);
}

TEST(GridCommand, OptionErrors) {
  StudyOptions st;
  GridCommandOptions o;
  EXPECT_THROW(run_grid(st, o), ConfigError);  // no region
  st.region = kData + "two_areas.geojson";
  st.areas = st.region;
  EXPECT_THROW(run_grid(st, o), ConfigError);  // --areas without --id
  st.areas.clear();
  o.overlay_output = "x.csv";
  EXPECT_THROW(run_grid(st, o), ConfigError);  // --overlay without --areas
  o.overlay_output.clear();
  o.output = "cells.shp";
  EXPECT_THROW(run_grid(st, o), ConfigError);
}

TEST(GridCommand, ExitCodes) {
  const std::string cli = SCRUTINEER_CLI;
  // 65: a point where a polygon was expected (bad input data); 74: no such file; 64: bad option.
  EXPECT_EQ(WEXITSTATUS(std::system(
                (cli + " -q grid --crs '' --region " + kData + "point_feature.geojson 2>/dev/null")
                    .c_str())),
            65);
  EXPECT_EQ(WEXITSTATUS(std::system(
                (cli + " -q grid --region " + kData + "absent.geojson 2>/dev/null").c_str())),
            74);
  EXPECT_EQ(WEXITSTATUS(std::system(
                (cli + " -q grid --region " + kData + "two_areas.geojson --cell-size 0 2>/dev/null")
                    .c_str())),
            64);
}

}  // namespace
}  // namespace scrutineer::study
