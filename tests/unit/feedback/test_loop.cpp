// Tests of the closed-loop simulator (issue 6) and its measures.
#include <gtest/gtest.h>

#include <cmath>
#include <numeric>

#include "loop_test_helpers.hpp"
#include "scrutineer/core/error.hpp"
#include "scrutineer/core/parallel.hpp"
#include "scrutineer/core/random.hpp"
#include "scrutineer/evaluate/ranking.hpp"
#include "scrutineer/feedback/loop.hpp"
#include "scrutineer/feedback/measures.hpp"

namespace scrutineer::feedback {
namespace {

TEST(Measures, TotalVariationByHand) {
  // p = (0.5, 0.5, 0), q = (0.25, 0.25, 0.5): ½ (0.25 + 0.25 + 0.5) = 0.5; weights are normalised.
  EXPECT_DOUBLE_EQ(total_variation({2, 2, 0}, {1, 1, 2}), 0.5);
  EXPECT_DOUBLE_EQ(total_variation({1, 0}, {0, 3}), 1.0);
  EXPECT_DOUBLE_EQ(total_variation({1, 1}, {5, 5}), 0.0);
}

TEST(Measures, GiniByHand) {
  // (0, 0, 0, 4): 2 (4 · 4) / (4 · 4) − 5/4 = 0.75 = (n − 1)/n, all in one.
  EXPECT_DOUBLE_EQ(gini({0, 4, 0, 0}), 0.75);
  EXPECT_DOUBLE_EQ(gini({3, 3, 3}), 0.0);
  // (1, 2, 3): 2 (1 + 4 + 9) / (3 · 6) − 4/3 = 28/18 − 24/18 = 2/9.
  EXPECT_NEAR(gini({3, 1, 2}), 2.0 / 9.0, 1e-15);
  // The histogram form agrees: counts 0,0,1,1,1,5 -> count_of = {2, 3, 0, 0, 0, 1}.
  EXPECT_NEAR(gini_of_counts({2, 3, 0, 0, 0, 1}, 6), gini({0, 0, 1, 1, 1, 5}), 1e-15);
}

synth::City small_city() {
  synth::CityOptions c;
  c.neighbourhoods_x = 3;
  c.neighbourhoods_y = 3;
  c.cells_per_side = 5;  // 225 cells
  c.days = 10;           // the loop simulates its own truth; the city gives the layout and rates
  c.background_per_day = 12;
  return synth::generate_city(c);
}

LoopOptions small_loop() { return quick_loop(90, 60, 8, 10); }

double mean_of(const std::vector<double>& v) {
  double sum = 0, n = 0;
  for (double x : v)
    if (!std::isnan(x)) {
      sum += x;
      n += 1;
    }
  return sum / n;
}

TEST(Loop, ReportedOnlyTrainingEqualsALoopWithoutDiscovery) {
  // Training on reported crime only, the patrols never see what they discover, so the flags must
  // be exactly those of a run where patrols discover nothing (same report stream per replicate).
  const auto city = small_city();
  LoopOptions a = small_loop();
  a.discovery = 0.6;
  a.mitigations = {Mitigation::kReportedOnly};
  LoopOptions b = small_loop();
  b.discovery = 0;
  const auto ra = run_loop(city, a), rb = run_loop(city, b);
  EXPECT_EQ(ra.scenarios[0].days_flagged, rb.scenarios[0].days_flagged);
  const auto tvd = static_cast<std::size_t>(Measure::kTvdArea);
  EXPECT_EQ(ra.scenarios[0].mean[tvd], rb.scenarios[0].mean[tvd]);
  // ... while it did record more (the discovered crimes).
  const auto discovered = static_cast<std::size_t>(Measure::kDiscovered);
  EXPECT_GT(mean_of(ra.scenarios[0].mean[discovered]), 0);
  EXPECT_EQ(mean_of(rb.scenarios[0].mean[discovered]), 0);
}

TEST(Loop, NoDiscoveryNoDivergenceDiscoveryDivergesAsTheoryPredicts) {
  // Equal reporting and no discovery effect: the record is an unbiased thinning of the truth, so
  // the share of recorded crime in flagged cells equals the share of true crime there (up to
  // Monte-Carlo noise). With discovery, flagged cells are over-recorded (Lum & Isaac 2016): the
  // recorded share exceeds the true share, and patrols concentrate (higher Gini of days flagged).
  const auto city = small_city();
  LoopOptions o = small_loop();
  o.equal_reporting = 0.5;
  o.discovery = 0;
  const auto calm = run_loop(city, o);
  o.discovery = 0.8;
  const auto loop = run_loop(city, o);
  const auto rec = static_cast<std::size_t>(Measure::kRecordedHitRate);
  const auto tru = static_cast<std::size_t>(Measure::kTrueHitRate);
  const auto gini = static_cast<std::size_t>(Measure::kGiniCells);
  const double calm_gap =
      mean_of(calm.scenarios[0].mean[rec]) - mean_of(calm.scenarios[0].mean[tru]);
  const double loop_gap =
      mean_of(loop.scenarios[0].mean[rec]) - mean_of(loop.scenarios[0].mean[tru]);
  // Calm: the gap is sampling noise. About 12 recorded crimes a day × 90 days × 8 replicates =
  // 8640 records; with a hit share near 0.09 the standard error is √(0.09 · 0.91 / 8640) = 0.003,
  // so 0.015 is 5 of them.
  EXPECT_NEAR(calm_gap, 0.0, 0.015);
  // With discovery 0.8 a crime in a flagged cell is recorded with probability 0.5 + 0.5 · 0.8 = 0.9
  // instead of 0.5, so for a true hit share h the recorded share is 0.9h / (0.9h + 0.5(1 − h))
  // (0.151 for h = 0.09): check the simulated mean against this prediction from its own h.
  const double h = mean_of(loop.scenarios[0].mean[tru]);
  EXPECT_GT(loop_gap, 0.03);
  EXPECT_NEAR(mean_of(loop.scenarios[0].mean[rec]), 0.9 * h / (0.9 * h + 0.5 * (1 - h)), 0.015);
  EXPECT_GT(mean_of(loop.scenarios[0].mean[gini]), mean_of(calm.scenarios[0].mean[gini]));
}

TEST(Loop, ExplorationSpreadsPatrols) {
  // Swapping half of the flags for random cells each day flags many more distinct cells: the
  // Gini of days flagged per cell falls.
  const auto city = small_city();
  LoopOptions o = small_loop();
  o.discovery = 0.6;
  o.mitigations = {Mitigation::kNone, Mitigation::kExploration};
  o.exploration_share = 0.5;
  const auto r = run_loop(city, o);
  const auto gini = static_cast<std::size_t>(Measure::kGiniCells);
  EXPECT_LT(r.scenarios[1].mean[gini].back(), r.scenarios[0].mean[gini].back());
  // 5 random cells a day among 215: only a handful of cells are never flagged after 90 days.
}

TEST(Loop, SameSeedSameResultWhateverTheThreads) {
  const auto city = small_city();
  LoopOptions o = small_loop();
  o.days = 30;
  o.replicates = 4;
  o.mitigations = {Mitigation::kNone, Mitigation::kRejection, Mitigation::kDownweight};
  const auto [one, two] = run_with_1_and_2_threads(city, o);
  for (std::size_t s = 0; s < o.mitigations.size(); ++s) {
    EXPECT_EQ(one.scenarios[s].days_flagged, two.scenarios[s].days_flagged);
    EXPECT_EQ(one.scenarios[s].final_values, two.scenarios[s].final_values);
  }
  o.seed = 99;
  EXPECT_NE(run_loop(city, o).scenarios[0].days_flagged, one.scenarios[0].days_flagged);
}

// Issue 16: the loop selects its flags instead of ranking every cell; they must be the ranking's
// first cells, in its order (evaluate::rank_by_risk, the exact path), with ties, NaN, +-0 and
// infinities, for every tie rule, counts from 0 past the number of cells, and coverages.
TEST(Loop, TopCellsAreTheRankingsFirstCells) {
  geo::Grid grid;
  grid.nx = 30;
  grid.ny = 20;
  grid.size = 100;
  grid.valid.assign(600, 1);
  for (std::size_t c = 0; c < 600; c += 7) grid.valid[c] = 0;
  Rng rng(16);
  std::vector<double> risk(600);
  for (auto& r : risk) {
    const auto kind = rng.below(10);
    r = kind < 4 ? 0.0 : kind < 6 ? std::floor(rng.uniform(0, 5)) : rng.uniform(0, 3);
  }
  risk[5] = -0.0;
  risk[8] = std::nan("");
  risk[9] = HUGE_VAL;
  risk[10] = -HUGE_VAL;
  for (const auto rule :
       {evaluate::TieRule::kRandom, evaluate::TieRule::kRowMajor, evaluate::TieRule::kOpenCp}) {
    const auto ties = evaluate::tie_order(grid, rule, 3);
    const auto ranking = evaluate::rank_by_risk(risk, ties);
    evaluate::Policy policy;
    policy.tie_rule = rule;
    policy.mode = evaluate::PolicyMode::kCount;
    for (const std::int64_t count : {0, 1, 20, 200, 514, 515, 600}) {
      policy.count = count;
      const auto k = static_cast<std::size_t>(std::min<std::int64_t>(count, 514));
      EXPECT_EQ(evaluate::top_cells(risk, ties, policy),
                std::vector<std::int64_t>(ranking.begin(), ranking.begin() + k))
          << count;
    }
    policy.mode = evaluate::PolicyMode::kCoverage;
    for (const double coverage : {0.0, 0.05, 0.5, 1.0}) {
      policy.coverage = coverage;
      const auto k = static_cast<std::size_t>(std::floor(514 * coverage));
      EXPECT_EQ(evaluate::top_cells(risk, ties, policy),
                std::vector<std::int64_t>(ranking.begin(), ranking.begin() + k))
          << coverage;
    }
  }
}

TEST(Loop, BadOptionsAreRejected) {
  LoopOptions o = small_loop();
  o.model = "crystal-ball";
  EXPECT_THROW(validate(o), ConfigError);
  o = small_loop();
  o.discovery = 1.5;
  EXPECT_THROW(validate(o), ConfigError);
  EXPECT_THROW(mitigations_from_string("none,magic"), ConfigError);
  const auto list = mitigations_from_string("none,reported-only,rejection,exploration,downweight");
  ASSERT_EQ(list.size(), 5u);
  EXPECT_EQ(list[4], Mitigation::kDownweight);
}

}  // namespace
}  // namespace scrutineer::feedback
