// Hand-computed accuracy metrics on a tiny grid, and the seeded bootstrap.
#include <gtest/gtest.h>

#include <cmath>

#include "scrutineer/core/error.hpp"
#include "scrutineer/core/parallel.hpp"
#include "scrutineer/evaluate/bootstrap.hpp"
#include "scrutineer/evaluate/metrics.hpp"
#include "scrutineer/evaluate/policy.hpp"

namespace scrutineer::evaluate {
namespace {

// 3 x 2 grid of unit cells, cell 5 (x=2, y=1) invalid.
geo::Grid tiny_grid() {
  geo::Grid g;
  g.size = 1;
  g.nx = 3;
  g.ny = 2;
  g.valid = {1, 1, 1, 1, 1, 0};
  return g;
}

// Events: 2 in cell 0, 1 in cell 2, 3 in cell 4, 1 in the invalid cell 5, 1 off the grid.
PeriodCounts tiny_counts() {
  const std::vector<double> x = {0.5, 0.2, 2.5, 1.5, 1.5, 1.9, 2.5, 10.0};
  const std::vector<double> y = {0.5, 0.7, 0.5, 1.5, 1.1, 1.9, 1.5, 10.0};
  return count_events(x, y, 0, x.size(), tiny_grid());
}

TEST(Metrics, CountEventsKeepsOutsideInTotal) {
  const auto counts = tiny_counts();
  EXPECT_EQ(counts.per_cell, (std::vector<std::int32_t>{2, 0, 1, 0, 3, 0}));
  EXPECT_EQ(counts.total, 8);
  EXPECT_EQ(counts.outside, 2);
}

// Risk 5, 4, 3, 2, 1 on the valid cells 0..4 (row-major ranking 0, 1, 2, 3, 4).
// captured = cumulative counts 2, 0, 1, 0, 3 -> [0, 2, 2, 3, 3, 6];
// oracle: counts sorted 3, 2, 1 -> [0, 3, 5, 6, 6, 6].
TEST(Metrics, CaptureAndOracleCurves) {
  const auto grid = tiny_grid();
  const auto counts = tiny_counts();
  const auto ranking = rank_cells({5, 4, 3, 2, 1, 9}, grid, TieRule::kRowMajor);
  const auto curve = capture_curve(ranking, counts.per_cell);
  EXPECT_EQ(curve.captured, (std::vector<std::int64_t>{0, 2, 2, 3, 3, 6}));
  EXPECT_EQ(curve.nonempty, (std::vector<std::int64_t>{0, 1, 1, 2, 2, 3}));
  const auto oracle = oracle_curve(counts.per_cell, grid);
  EXPECT_EQ(oracle, (std::vector<std::int64_t>{0, 3, 5, 6, 6, 6}));
  EXPECT_EQ(oracle_cells_needed(oracle, 0), 0);
  EXPECT_EQ(oracle_cells_needed(oracle, 4), 2);
  EXPECT_EQ(oracle_cells_needed(oracle, 7), -1);
}

// 40% of 5 valid cells: floor(2.0) = 2 flagged (cells 0, 1). Hand values:
// n = 2, N = 8 -> hit rate 0.25; PAI = 0.25 / (2/5) = 0.625; n* = 5 -> PEI = 2/5 = 0.4;
// a* = 1 cell (cell 4 alone holds 3 >= 2) -> PEI* = 1/2; cell 1 empty -> wrong share 1/2.
TEST(Metrics, AccuracyAtFortyPercent) {
  const auto grid = tiny_grid();
  const auto counts = tiny_counts();
  const auto ranking = rank_cells({5, 4, 3, 2, 1, 9}, grid, TieRule::kRowMajor);
  const auto curve = capture_curve(ranking, counts.per_cell);
  const auto oracle = oracle_curve(counts.per_cell, grid);
  const auto a = accuracy_at(cells_for_coverage(5, 0.4), curve, oracle, counts.total);
  EXPECT_EQ(a.flagged, 2);
  EXPECT_EQ(a.captured, 2);
  EXPECT_EQ(a.best_captured, 5);
  EXPECT_EQ(a.oracle_cells, 1);
  EXPECT_EQ(a.wrong_cells, 1);
  EXPECT_DOUBLE_EQ(a.hit_rate, 0.25);
  EXPECT_DOUBLE_EQ(a.pai, 0.625);
  EXPECT_DOUBLE_EQ(a.pei, 0.4);
  EXPECT_DOUBLE_EQ(a.pei_star, 0.5);
  EXPECT_DOUBLE_EQ(a.wrong_share, 0.5);
  // All 5 cells: n = 6 of N = 8 (2 events no valid cell could hold): hit 0.75, PAI 0.75, PEI 1.
  const auto all = accuracy_at(5, curve, oracle, counts.total);
  EXPECT_DOUBLE_EQ(all.hit_rate, 0.75);
  EXPECT_DOUBLE_EQ(all.pai, 0.75);
  EXPECT_DOUBLE_EQ(all.pei, 1.0);
  EXPECT_DOUBLE_EQ(all.pei_star, 3.0 / 5.0);  // the oracle needs the 3 non-empty cells
  EXPECT_DOUBLE_EQ(all.wrong_share, 2.0 / 5.0);
}

// A period with no events: every flagged cell is wrong; the hit rate and PEI are undefined (NaN),
// never a made-up 0 or 1.
TEST(Metrics, ZeroEventPeriod) {
  const auto grid = tiny_grid();
  const std::vector<std::int32_t> none(6, 0);
  const auto ranking = rank_cells({5, 4, 3, 2, 1, 9}, grid, TieRule::kOpenCp);
  const auto a = accuracy_at(2, capture_curve(ranking, none), oracle_curve(none, grid), 0);
  EXPECT_EQ(a.captured, 0);
  EXPECT_TRUE(std::isnan(a.hit_rate));
  EXPECT_TRUE(std::isnan(a.pai));
  EXPECT_TRUE(std::isnan(a.pei));
  EXPECT_DOUBLE_EQ(a.pei_star, 0.0);
  EXPECT_DOUBLE_EQ(a.wrong_share, 1.0);
}

// Ties: the open_cp rule flags the last of equal cells, which changes the catch. Risk all equal on
// the valid cells: open_cp ranks 4, 3, 2, 1, 0 -> 1 cell catches cell 4's 3 events; row-major ranks
// cell 0 first -> 2 events.
TEST(Metrics, TieRuleChangesCatch) {
  const auto grid = tiny_grid();
  const auto counts = tiny_counts();
  const std::vector<double> flat(6, 1.0);
  const auto last = capture_curve(rank_cells(flat, grid, TieRule::kOpenCp), counts.per_cell);
  const auto first = capture_curve(rank_cells(flat, grid, TieRule::kRowMajor), counts.per_cell);
  EXPECT_EQ(last.captured[1], 3);
  EXPECT_EQ(first.captured[1], 2);
}

// Values from python3 (math.log, math.lgamma, math.exp), run once:
// rates 1, 0.5, 2, 0 (floored to 1e-9), 1; counts 2, 0, 1, 0, 3 ->
// mean of y log l - l - lgamma(y + 1) = -1.2583518940456109;
// Brier mean of ((1 - e^-l) - [y > 0])^2 = 0.088760865421627.
TEST(Metrics, PoissonLogLikelihoodAndBrier) {
  const auto grid = tiny_grid();
  const auto counts = tiny_counts();
  const std::vector<double> rate = {1, 0.5, 2, 0, 1, 7};
  EXPECT_NEAR(poisson_log_likelihood(rate, counts.per_cell, grid), -1.2583518940456109, 1e-12);
  EXPECT_NEAR(brier_score(rate, counts.per_cell, grid), 0.088760865421627, 1e-12);
}

TEST(Bootstrap, ReproducibleBySeed) {
  const std::vector<double> num = {1, 4, 0, 3, 2, 5, 1, 0, 2, 6};
  const std::vector<double> den = {5, 6, 2, 7, 4, 8, 3, 1, 5, 9};
  BootstrapOptions o;
  o.replicates = 500;
  o.seed = 7;
  const auto a = bootstrap_pooled_ratio(num, den, o);
  const auto b = bootstrap_pooled_ratio(num, den, o);
  EXPECT_EQ(a.lo, b.lo);
  EXPECT_EQ(a.hi, b.hi);
  // Pooled estimate: 24 / 50.
  EXPECT_DOUBLE_EQ(a.estimate, 24.0 / 50.0);
  EXPECT_LT(a.lo, a.estimate);
  EXPECT_GT(a.hi, a.estimate);
  o.seed = 8;
  const auto c = bootstrap_pooled_ratio(num, den, o);
  EXPECT_TRUE(c.lo != a.lo || c.hi != a.hi);
}

TEST(Bootstrap, SameWithOneAndTwoThreads) {
  std::vector<double> num, den;
  for (int i = 0; i < 92; ++i) {
    num.push_back(i % 7);
    den.push_back(10 + i % 5);
  }
  BootstrapOptions o;
  o.replicates = 1000;
  Interval one, two;
  {
    ThreadLimit limit(1);
    one = bootstrap_pooled_ratio(num, den, o);
  }
  {
    ThreadLimit limit(2);
    two = bootstrap_pooled_ratio(num, den, o);
  }
  EXPECT_EQ(one.lo, two.lo);
  EXPECT_EQ(one.hi, two.hi);
}

// Every period has the same ratio 1/2, so every resample does: the interval collapses onto it.
// A model compared with itself differs by exactly 0 in every resample.
TEST(Bootstrap, DegenerateCases) {
  BootstrapOptions o;
  o.replicates = 200;
  const auto same = bootstrap_pooled_ratio({1, 2, 3}, {2, 4, 6}, o);
  EXPECT_DOUBLE_EQ(same.lo, 0.5);
  EXPECT_DOUBLE_EQ(same.hi, 0.5);
  const auto diff =
      bootstrap_pooled_ratio_difference({1, 0, 3}, {2, 4, 6}, {1, 0, 3}, {2, 4, 6}, o);
  EXPECT_DOUBLE_EQ(diff.estimate, 0.0);
  EXPECT_DOUBLE_EQ(diff.lo, 0.0);
  EXPECT_DOUBLE_EQ(diff.hi, 0.0);
  // Mean ignores NaN: (1 + 3) / 2.
  EXPECT_DOUBLE_EQ(bootstrap_mean({1, std::nan(""), 3}, o).estimate, 2.0);
  o.replicates = 0;
  EXPECT_THROW(bootstrap_pooled_ratio({1}, {2}, o), ConfigError);
}

}  // namespace
}  // namespace scrutineer::evaluate
