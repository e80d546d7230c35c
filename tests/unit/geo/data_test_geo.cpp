// Grid, mask and overlay on the real public data in ../shared/data (skipped when absent).
#include <gtest/gtest.h>

#include <charconv>
#include <cmath>
#include <filesystem>
#include <numeric>
#include <utility>
#include <vector>

#include "scrutineer/core/parallel.hpp"
#include "scrutineer/geo/crs.hpp"
#include "scrutineer/geo/overlay.hpp"
#include "scrutineer/geo/region.hpp"
#include "scrutineer/io/csv.hpp"

namespace scrutineer::geo {
namespace {

const std::string kShared = SCRUTINEER_SHARED_DATA;

#define REQUIRE_FILE(path)                                \
  if (!std::filesystem::exists(path))                     \
  GTEST_SKIP() << path << " absent: the data tests need " \
               << "../shared/data"

double sum(const std::vector<double>& v) { return std::accumulate(v.begin(), v.end(), 0.0); }

TEST(GeoData, SouthSideGridAndMask) {
  const std::string path = kShared + "/chicago/southside_region.geojson";
  REQUIRE_FILE(path);
  const Region region = read_region(path, "EPSG:2790");
  const Grid grid = make_grid(region, 150, 0, 0);
  // Independent check (run once, 2026-11-23): `ogr2ogr -t_srs EPSG:2790` of the region into a
  // GeoPackage, its extent by SpatiaLite MbrMinX/..., the extent rule recomputed in python3
  // (x0 = floor(355510.317 / 150) * 150 = 355500, nx = floor(365926.462 / 150) + 1 - 2370 = 70;
  // y0 = 564600, ny = 3843 + 1 - 3764 = 80), every cell written as WKT and counted with
  // `ogrinfo -dialect sqlite -sql "SELECT count(*) FROM cells c, region r WHERE
  // ST_Intersects(c.geom, r.geom)"`: 2,536 valid cells.
  EXPECT_EQ(grid.nx, 70);
  EXPECT_EQ(grid.ny, 80);
  EXPECT_DOUBLE_EQ(grid.x0, 355500);
  EXPECT_DOUBLE_EQ(grid.y0, 564600);
  EXPECT_EQ(grid.valid_count(), 2536);
  EXPECT_EQ(grid.crs, "EPSG:2790");
}

// The longitude and latitude columns of every record, as read.
std::pair<std::vector<double>, std::vector<double>> read_lon_lat(io::CsvReader& csv,
                                                                 std::size_t lon, std::size_t lat) {
  std::vector<double> x, y;
  io::CsvRecord record;
  while (csv.next(record)) {
    double a = 0, b = 0;
    std::from_chars(record[lon].data(), record[lon].data() + record[lon].size(), a);
    std::from_chars(record[lat].data(), record[lat].data() + record[lat].size(), b);
    x.push_back(a);
    y.push_back(b);
  }
  return {x, y};
}

TEST(GeoData, SouthSideEventsOutsideRegion) {
  const std::string region_path = kShared + "/chicago/southside_region.geojson";
  const std::string events_path = kShared + "/chicago/southside_2016_sample.csv";
  REQUIRE_FILE(region_path);
  REQUIRE_FILE(events_path);
  const Region region = read_region(region_path, "EPSG:2790");
  io::CsvReader csv(events_path);
  const auto lat = csv.require_column("Latitude"), lon = csv.require_column("Longitude");
  auto [x, y] = read_lon_lat(csv, lon, lat);
  Transformer to_region("EPSG:4326", "EPSG:2790");
  to_region.transform(x, y);
  const auto report = report_outside(region, x, y);
  // PROVENANCE.md of chicago/: "979 of the 1,000 points lie inside southside_region.geojson".
  EXPECT_EQ(report.total, 1000);
  EXPECT_EQ(report.outside, 21);
}

// Issue 16's clip: the 148,636 Chicago aggravated assaults projected to EPSG:2790 against the
// South Side region, by the grid of cells (the default) and point by point, with 1 and 2 threads.
TEST(GeoData, ChicagoClipByCellsEqualsEachPoint) {
  const std::string region_path = kShared + "/chicago/southside_region.geojson";
  const std::string events_path = kShared + "/chicago/aggravated_assaults_2010_2019.csv";
  REQUIRE_FILE(region_path);
  REQUIRE_FILE(events_path);
  const Region region = read_region(region_path, "EPSG:2790");
  io::CsvReader csv(events_path);
  const auto lat = csv.require_column("latitude"), lon = csv.require_column("longitude");
  auto [x, y] = read_lon_lat(csv, lon, lat);
  Transformer("EPSG:4326", "EPSG:2790").transform(x, y);
  ASSERT_EQ(x.size(), 148636u);
  ASSERT_GT(detail::choose_clip_grid(region, 30000).nx(), 1);  // the cells are used
  const auto each = detail::inside_region_per_point(region, x, y);
  std::vector<std::uint8_t> one, two;
  {
    ThreadLimit limit(1);
    one = inside_region(region, x, y);
  }
  {
    ThreadLimit limit(2);
    two = inside_region(region, x, y);
  }
  EXPECT_EQ(one, each);
  EXPECT_EQ(two, each);
  // BM_StudyStartupChicago's events_inside, and `scrutineer backtest`'s count on this workload.
  EXPECT_EQ(std::accumulate(each.begin(), each.end(), std::int64_t(0)), 23925);
}

// Total population spread from areas to the cells of a grid over the areas' own union and summed
// back: conserved to 1e-6 relative (the published totals are in each PROVENANCE.md).
void check_conservation(const std::string& path, const std::string& id, const std::string& column,
                        const std::string& crs, double cell, double published_total) {
  const Region region = read_region(path, crs);
  const Grid grid = make_grid(region, cell);
  const Areas areas = read_areas(path, id, crs);
  const Overlay overlay = make_overlay(grid, areas);
  const auto& pop = areas.column(column);
  EXPECT_NEAR(sum(pop), published_total, 0.5);
  for (std::size_t a = 0; a < areas.size(); ++a)
    EXPECT_LT(overlay.area_outside_share(a), 1e-9) << areas.ids[a];
  const auto cells = overlay.spread_to_cells(pop);
  EXPECT_NEAR(sum(cells) / published_total, 1, 1e-6);
  const auto back = overlay.sum_to_areas(cells);
  EXPECT_NEAR(sum(back) / published_total, 1, 1e-6);
  // Cells hold people only where areas are: nothing in invalid cells.
  for (std::int64_t c = 0; c < grid.cells(); ++c)
    if (!grid.valid[c]) {
      ASSERT_EQ(cells[c], 0.0);
    }
}

TEST(GeoData, ChicagoCommunityAreasConservePopulation) {
  const std::string path = kShared + "/chicago/community_areas_acs2014.geojson";
  REQUIRE_FILE(path);
  // PROVENANCE.md: total population 2,733,835.
  check_conservation(path, "area_id", "pop_2014", "EPSG:2790", 250, 2733835);
}

TEST(GeoData, NewYorkTractsConservePopulation) {
  const std::string path = kShared + "/nyc/tracts_acs2008_2012.geojson";
  REQUIRE_FILE(path);
  // PROVENANCE.md: population 8,199,221 in 2,166 tracts. UTM zone 18N (metres).
  check_conservation(path, "tract_geoid", "poptot", "EPSG:32618", 250, 8199221);
}

TEST(GeoData, ManchesterLsoasConservePopulation) {
  const std::string path = kShared + "/manchester/lsoa_2011_ethnicity.geojson";
  REQUIRE_FILE(path);
  // PROVENANCE.md: Persons, Manchester total 503,127, 282 LSOAs; British National Grid.
  check_conservation(path, "lsoa_code", "Persons", "EPSG:27700", 250, 503127);
}

}  // namespace
}  // namespace scrutineer::geo
