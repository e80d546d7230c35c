// A feedback loop split by replicates (run_replicates over ranges, then summarise_loop:
// `scrutineer sweep`'s [split], docs/sweep.md) gives run_loop's result exactly: replicate r draws
// only from streams seeded by (seed, r).
#include <gtest/gtest.h>

#include "loop_test_helpers.hpp"
#include "scrutineer/core/error.hpp"
#include "scrutineer/feedback/loop.hpp"
#include "scrutineer/feedback/world.hpp"

namespace scrutineer::feedback {
namespace {

TEST(LoopParts, ReplicateRangesThenSummaryGiveTheWholeLoop) {
  synth::CityOptions c;
  c.neighbourhoods_x = 3;
  c.neighbourhoods_y = 3;
  c.cells_per_side = 4;
  c.days = 10;
  c.background_per_day = 10;
  const auto world = world_from_city(synth::generate_city(c));
  auto o = quick_loop(20, 30, 7, 6);
  o.mitigations = {Mitigation::kNone, Mitigation::kExploration};
  const auto whole = run_loop(world, o);
  std::vector<std::vector<ReplicateRun>> runs;
  for (const auto& [first, last] : std::vector<std::pair<int, int>>{{0, 2}, {2, 4}, {4, 7}}) {
    auto part = run_replicates(world, o, first, last);
    ASSERT_EQ(part.size(), static_cast<std::size_t>(last - first));
    for (auto& r : part) runs.push_back(std::move(r));
  }
  const auto merged = summarise_loop(world, o, std::move(runs));
  ASSERT_EQ(merged.scenarios.size(), 2u);
  for (std::size_t s = 0; s < 2; ++s) {
    const auto& a = whole.scenarios[s];
    const auto& b = merged.scenarios[s];
    EXPECT_EQ(a.final_values, b.final_values);
    EXPECT_EQ(a.concentration_day, b.concentration_day);
    EXPECT_EQ(a.days_flagged, b.days_flagged);
    EXPECT_EQ(a.mean[0], b.mean[0]);  // total variation by area, every day: no NaN
    EXPECT_EQ(a.q95[0], b.q95[0]);
    EXPECT_EQ(a.exposure_ratio, b.exposure_ratio);
  }
  EXPECT_THROW(run_replicates(world, o, 3, 8), InternalError);
  EXPECT_THROW(summarise_loop(world, o, run_replicates(world, o, 0, 2)), InternalError);
}

}  // namespace
}  // namespace scrutineer::feedback
