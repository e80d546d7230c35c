// The loop's truth fitted to real records: Chicago aggravated assaults 2010-2019 on the South Side
// region with community areas (../shared/data/chicago; see its PROVENANCE.md).
#include <gtest/gtest.h>

#include <filesystem>

#include "loop_test_helpers.hpp"
#include "scrutineer/core/parallel.hpp"
#include "scrutineer/feedback/loop.hpp"
#include "scrutineer/feedback/world.hpp"

namespace scrutineer::feedback {
namespace {

const std::string kChicago = std::string(SCRUTINEER_SHARED_DATA) + "/chicago/";

TEST(FitWorldChicago, SouthSideFitsAndTheLoopRunsOnIt) {
  if (!std::filesystem::exists(kChicago + "aggravated_assaults_2010_2019.csv"))
    GTEST_SKIP() << kChicago << " absent: no Chicago data";
  study::StudyOptions st;
  st.events = kChicago + "aggravated_assaults_2010_2019.csv";
  st.read.columns.time = "date";
  st.read.columns.lon = "longitude";
  st.read.columns.lat = "latitude";
  st.read.time_zone = "America/Chicago";
  st.region = kChicago + "southside_region.geojson";
  st.cell_size = 250;
  st.areas = kChicago + "community_areas_acs2014.geojson";
  st.area_id = "area_id";
  st.groups = {"white", "black", "hispanic"};
  st.total = "pop_2014";
  const auto study = study::build_study(st);
  // The events outside the South Side region are dropped before the fit (docs/study.md).
  EXPECT_GT(study.counts.outside, 100000);
  EXPECT_EQ(study.counts.inside + study.counts.outside, 148636);  // PROVENANCE.md
  FitWorldOptions o;
  o.reporting_rate = 0.5;
  const auto world = fit_world(study, o);
  // The South Side region is part of the city: most of the 148,636 assaults and of the 77
  // community areas' people lie outside it, and the notes must say so.
  EXPECT_EQ(world.areas.size(), 77u);
  EXPECT_GT(world.grid.valid_count(), 100);
  EXPECT_GE(world.theta, 0.0);
  EXPECT_LT(world.theta, 1.0);
  EXPECT_GT(world.omega, 0.0);
  int outside_notes = 0;
  for (const auto& n : world.notes)
    outside_notes += n.find("outside the grid") != std::string::npos ||
                     n.find("outside the region") != std::string::npos;
  EXPECT_EQ(outside_notes, 2);  // the events left out, the people left out
  // Reporting rate 0.5 everywhere: the same fit, with every background rate doubled (μ / 0.5).
  o.reporting_rate = 1.0;
  const auto recorded = fit_world(study, o);
  EXPECT_DOUBLE_EQ(recorded.theta, world.theta);
  for (auto c : world.grid.valid_cells()) EXPECT_DOUBLE_EQ(world.mu[c], 2 * recorded.mu[c]);
  const auto [one, two] = run_with_1_and_2_threads(world, quick_loop(20, 60, 2, 20));
  EXPECT_EQ(one.scenarios[0].days_flagged, two.scenarios[0].days_flagged);
  EXPECT_EQ(one.groups, (std::vector<std::string>{"white", "black", "hispanic"}));
  EXPECT_EQ(one.groups[static_cast<std::size_t>(one.reference_group)], "black");
}

}  // namespace
}  // namespace scrutineer::feedback
