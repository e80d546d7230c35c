// Disparity runs on real data (../shared/data): Chicago community areas, Manchester LSOAs (monthly
// periods), NYC census tracts on a grid (population conserved). Expected values are hand-checked.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>

#include "scrutineer/core/error.hpp"
#include "scrutineer/disparity/run.hpp"
#include "scrutineer/geo/areas.hpp"
#include "scrutineer/geo/grid.hpp"
#include "scrutineer/geo/region.hpp"

namespace scrutineer::disparity {
namespace {

namespace fs = std::filesystem;

std::string shared(const std::string& rel) {
  return std::string(SCRUTINEER_SHARED_DATA) + "/" + rel;
}

fs::path temp_dir(const std::string& name) {
  const auto dir = fs::temp_directory_path() / ("scrutineer_disparity_" + name);
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

void write(const fs::path& path, const std::string& text) { std::ofstream(path) << text; }

const GroupExposure& group(const ExposureResult& r, const std::string& name) {
  for (const auto& g : r.groups)
    if (g.name == name) return g;
  throw std::runtime_error("no group " + name);
}

TEST(DisparityData, ChicagoCommunityAreaFlags) {
  const auto areas = shared("chicago/community_areas_acs2014.geojson");
  if (!fs::exists(areas)) GTEST_SKIP() << areas << " absent: Chicago community areas not available";
  const auto dir = temp_dir("chicago");
  // Washington Park (40) in two months, Near North Side (8) in one.
  write(dir / "flags.csv", "date,area\n2016-01-01,40\n2016-01-01,8\n2016-02-01,40\n");
  study::StudyOptions st;
  st.read.target_crs = "utm";
  st.cell_size = 0;  // area flags
  st.areas = areas;
  st.area_id = "area_id";
  st.groups = {"white", "black", "hispanic"};
  st.total = "pop_2014";
  DisparityOptions o;
  o.flags = (dir / "flags.csv").string();
  o.out = (dir / "out").string();
  o.bootstrap = 100;
  const auto report = run_disparity(st, o);
  const auto& r = report.result;
  // From the GeoJSON properties (python3, json module): area 40 pop 11647, white 228, black
  // 11392, hispanic 246; area 8 pop 84305, white 64868, black 8842, hispanic 4828; city pop
  // 2,733,835 (PROVENANCE.md), black 894,446. Black exposure 2·11392 + 8842 = 31626 of
  // 2·11647 + 84305 = 107599.
  EXPECT_DOUBLE_EQ(r.total_population, 2733835);
  EXPECT_DOUBLE_EQ(group(r, "black").exposure, 31626);
  EXPECT_DOUBLE_EQ(r.total_exposure, 107599);
  EXPECT_NEAR(group(r, "black").disparity_ratio, 0.8983678565222968, 1e-12);
  EXPECT_NEAR(group(r, "white").disparity_ratio, 1.2065902777749462, 1e-12);
  EXPECT_NEAR(group(r, "hispanic").exposure_share, 0.0494428386880919, 1e-12);  // 5320/107599
  // Hispanic overlaps race: said in the notes, and shares are against pop_2014.
  EXPECT_TRUE(report.groups.overlapping);
  EXPECT_NE(report.summary.find("overlap the race counts"), std::string::npos);
  EXPECT_TRUE(fs::exists(dir / "out" / "areas.geojson"));
  EXPECT_TRUE(fs::exists(dir / "out" / "disparity.json"));
  // Recorded crime per area by point in polygon: PROVENANCE.md says 100 of the 148,636 assaults
  // fall outside every community area. The region is the union of the areas (docs/study.md), so
  // the study drops those 100 and says so.
  const auto assaults = shared("chicago/aggravated_assaults_2010_2019.csv");
  if (fs::exists(assaults)) {
    st.events = assaults;
    st.read.columns.time = "date";
    st.read.columns.lon = "longitude";
    st.read.columns.lat = "latitude";
    st.read.time_zone = "America/Chicago";
    const auto with_crime = run_disparity(st, o);
    EXPECT_NE(with_crime.summary.find("148536 events"), std::string::npos) << with_crime.summary;
    EXPECT_NE(with_crime.summary.find("(0 outside the areas; 100 events outside the region were "
                                      "left out)"),
              std::string::npos)
        << with_crime.summary;
    EXPECT_TRUE(std::isfinite(group(with_crime.result, "black").crime_ratio));
    st.events.clear();
    st.read = {};
    st.read.target_crs = "utm";
  }
  // Adding Hispanic to a race group is refused.
  st.groups = {"x=black+hispanic"};
  EXPECT_THROW(run_disparity(st, o), ConfigError);
}

TEST(DisparityData, ManchesterLsoaMonthlyFlags) {
  const auto areas = shared("manchester/lsoa_2011_ethnicity.geojson");
  if (!fs::exists(areas)) GTEST_SKIP() << areas << " absent: Manchester LSOAs not available";
  const auto dir = temp_dir("manchester");
  write(dir / "flags.csv", "month,lsoa\n2017-01,E01005061\n2017-01,E01005062\n2017-02,E01005063\n");
  study::StudyOptions st;
  st.read.target_crs = "utm";
  st.cell_size = 0;  // area flags
  st.areas = areas;
  st.area_id = "lsoa_code";
  st.groups = {"black=BlkAfrican+BlkCaribbean+OtherBlk", "white=WhiteBrit+Irish+OtherWhite"};
  st.total = "Persons";
  DisparityOptions o;
  o.flags = (dir / "flags.csv").string();
  o.flag_options.area_column = "lsoa";
  o.out = (dir / "out").string();
  o.bootstrap = 0;
  const auto r = run_disparity(st, o).result;
  ASSERT_EQ(r.period_starts.size(), 2u);  // monthly periods
  // Black = BlkAfrican + BlkCaribbean + OtherBlk: E01005061 333+99+106 = 538, E01005062
  // 214+82+49 = 345, E01005063 205+98+85 = 388; total 1271 of 1648+2893+1486 = 6027 persons.
  // Manchester: 503,127 persons (PROVENANCE.md), 43,484 black (python3 over the GeoJSON).
  EXPECT_DOUBLE_EQ(group(r, "black").exposure, 1271);
  EXPECT_DOUBLE_EQ(r.total_exposure, 6027);
  EXPECT_DOUBLE_EQ(r.total_population, 503127);
  EXPECT_NEAR(group(r, "black").disparity_ratio, (1271.0 / 6027) / (43484.0 / 503127), 1e-12);
  EXPECT_NEAR(r.by_period[1][0].exposure_share, 388.0 / 1486, 1e-12);
}

TEST(DisparityData, NycTractsOnAGridConservePopulation) {
  const auto areas_path = shared("nyc/tracts_acs2008_2012.geojson");
  if (!fs::exists(areas_path)) GTEST_SKIP() << areas_path << " absent: NYC tracts not available";
  const auto dir = temp_dir("nyc");
  // Flag every valid 1 km cell of the grid over the union of the tracts in one period: every
  // person is in a flagged cell once, so exposure = population (8,199,221, PROVENANCE.md) and
  // every disparity ratio is 1, whatever the overlay weights.
  const auto areas = geo::read_areas(areas_path, "tract_geoid", "utm");
  const auto grid = geo::make_grid(geo::read_region(areas_path, areas.crs), 1000);
  std::string flags = "date,cell\n";
  for (const auto c : grid.valid_cells()) flags += "2015-06-01," + std::to_string(c) + "\n";
  write(dir / "flags.csv", flags);
  study::StudyOptions st;
  st.read.target_crs = "utm";
  st.areas = areas_path;
  st.area_id = "tract_geoid";
  st.groups = {"white=european", "black=african", "asian", "hispanic"};
  st.total = "poptot";
  st.cell_size = 1000;
  DisparityOptions o;
  o.flags = (dir / "flags.csv").string();
  o.out = (dir / "out").string();
  o.bootstrap = 0;
  const auto r = run_disparity(st, o).result;
  EXPECT_NEAR(r.total_population, 8199221, 1e-6 * 8199221);
  EXPECT_NEAR(r.total_exposure, r.total_population, 1e-9 * r.total_population);
  for (const auto& g : r.groups) EXPECT_NEAR(g.disparity_ratio, 1.0, 1e-9) << g.name;
}

}  // namespace
}  // namespace scrutineer::disparity
