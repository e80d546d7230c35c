// Exposure by group on hand-computed cases: two areas, one flagged cell straddling both, a group
// with zero population, one period; trends and bootstrap determinism.
#include <gtest/gtest.h>

#include <cmath>

#include "scrutineer/core/error.hpp"
#include "scrutineer/core/parallel.hpp"
#include "scrutineer/disparity/exposure.hpp"

namespace scrutineer::disparity {
namespace {

constexpr std::int64_t kYear = 31556952;  // 365.2425 days in seconds, the trend's year

// Area A: white 100, black 20; area B: white 10, black 90. Half of A lies in cell 0 and half in
// cell 1; a quarter of B lies in cell 1 and three quarters in cell 2. Spreading the counts by the
// share of each AREA lying in each cell gives (white, black, total):
//   cell 0: (50, 10, 60)   cell 1: (50 + 2.5, 10 + 22.5, 85) = (52.5, 32.5, 85)   cell 2:
//   (7.5, 67.5, 75)
// A third group, "asian", has no population anywhere.
UnitPopulation two_areas() {
  UnitPopulation pop;
  pop.groups = {"white", "black", "asian"};
  pop.by_group = {{50, 52.5, 7.5}, {10, 32.5, 67.5}, {0, 0, 0}};
  pop.total = {60, 85, 75};
  return pop;
}

TEST(Exposure, OneFlaggedCellStraddlingTwoAreas) {
  ExposureOptions options;
  options.bootstrap = 0;
  const auto r = compute_exposure(two_areas(), {{0, {1}}}, {}, {}, options);
  ASSERT_EQ(r.groups.size(), 3u);
  const auto& white = r.groups[0];
  const auto& black = r.groups[1];
  // Population 110 each of 220: shares 0.5.
  EXPECT_DOUBLE_EQ(white.population, 110);
  EXPECT_DOUBLE_EQ(black.population_share, 0.5);
  // Exposure = population of the flagged cell: 52.5 and 32.5 of 85.
  EXPECT_DOUBLE_EQ(white.exposure, 52.5);
  EXPECT_DOUBLE_EQ(black.exposure, 32.5);
  EXPECT_DOUBLE_EQ(r.total_exposure, 85);
  EXPECT_NEAR(white.exposure_share, 0.6176470588235294, 1e-12);   // 52.5 / 85
  EXPECT_NEAR(black.exposure_share, 0.38235294117647056, 1e-12);  // 32.5 / 85
  EXPECT_NEAR(white.disparity_ratio, 1.2352941176470589, 1e-12);  // (52.5/85) / 0.5
  EXPECT_NEAR(black.disparity_ratio, 0.7647058823529411, 1e-12);  // (32.5/85) / 0.5
  EXPECT_NEAR(white.per_capita, 0.4772727272727273, 1e-12);       // 52.5 / 110
  EXPECT_NEAR(black.per_capita, 0.29545454545454547, 1e-12);      // 32.5 / 110
  // Equal populations: the first of the largest (white) is the reference; 32.5 / 52.5.
  EXPECT_EQ(r.reference, 0);
  EXPECT_DOUBLE_EQ(white.per_capita_ratio, 1.0);
  EXPECT_NEAR(black.per_capita_ratio, 0.6190476190476191, 1e-12);
  EXPECT_EQ(r.times_flagged, (std::vector<std::int64_t>{0, 1, 0}));
}

TEST(Exposure, GroupWithZeroPopulationHasUndefinedRatios) {
  ExposureOptions options;
  options.bootstrap = 0;
  const auto r = compute_exposure(two_areas(), {{0, {1}}}, {}, {}, options);
  const auto& asian = r.groups[2];
  EXPECT_DOUBLE_EQ(asian.population, 0);
  EXPECT_DOUBLE_EQ(asian.population_share, 0);
  EXPECT_DOUBLE_EQ(asian.exposure, 0);
  EXPECT_DOUBLE_EQ(asian.exposure_share, 0);
  EXPECT_TRUE(std::isnan(asian.disparity_ratio));  // 0 / 0
  EXPECT_TRUE(std::isnan(asian.per_capita));
  EXPECT_TRUE(std::isnan(asian.per_capita_ratio));
}

TEST(Exposure, NamedReferenceGroup) {
  ExposureOptions options;
  options.bootstrap = 0;
  options.reference = "black";
  const auto r = compute_exposure(two_areas(), {{0, {1}}}, {}, {}, options);
  EXPECT_EQ(r.reference, 1);
  EXPECT_NEAR(r.groups[0].per_capita_ratio, 52.5 / 32.5, 1e-12);
  options.reference = "martian";
  EXPECT_THROW(compute_exposure(two_areas(), {{0, {1}}}, {}, {}, options), ConfigError);
}

TEST(Exposure, RecordedAndEstimatedTrueCrimeBenchmarks) {
  // Recorded crime per cell (6, 17, 0): crime share white = (6·50/60 + 17·52.5/85) / 23 =
  // (5 + 10.5) / 23 = 0.673913..., black = (1 + 6.5) / 23 = 0.326087...
  const std::vector<double> crime = {6, 17, 0};
  // Cell 0 lies in A, cell 1 half in A and half in B, cell 2 in B; reporting rates A 0.5, B 0.25:
  // true crime = (6/0.5, 17·0.5/0.5 + 17·0.5/0.25, 0) = (12, 51, 0).
  const auto true_crime =
      estimate_true_crime(crime, {{0, 0, 1.0}, {1, 0, 0.5}, {1, 1, 0.5}, {2, 1, 1.0}}, {0.5, 0.25});
  EXPECT_EQ(true_crime, (std::vector<double>{12, 51, 0}));
  ExposureOptions options;
  options.bootstrap = 0;
  const auto r = compute_exposure(two_areas(), {{0, {1}}}, crime, true_crime, options);
  EXPECT_NEAR(r.groups[0].crime_share, 0.6739130434782609, 1e-12);
  EXPECT_NEAR(r.groups[1].crime_share, 0.32608695652173914, 1e-12);
  // Exposure share / crime share, from python3: (52.5/85)/(15.5/23), (32.5/85)/(7.5/23).
  EXPECT_NEAR(r.groups[0].crime_ratio, 0.9165085388994307, 1e-12);
  EXPECT_NEAR(r.groups[1].crime_ratio, 1.172549019607843, 1e-12);
  // True crime share white = (12·50/60 + 51·52.5/85) / 63 = 41.5 / 63.
  EXPECT_NEAR(r.groups[0].true_crime_share, 0.6587301587301587, 1e-12);
  EXPECT_NEAR(r.groups[1].true_crime_ratio, 1.1203830369357044, 1e-12);
  EXPECT_DOUBLE_EQ(r.unattributed_crime_share, 0);
}

TEST(Exposure, CrimeInUnpopulatedUnitsIsUnattributed) {
  UnitPopulation pop = two_areas();
  pop.by_group[0].push_back(0);
  pop.by_group[1].push_back(0);
  pop.by_group[2].push_back(0);
  pop.total.push_back(0);  // a park: crime but no residents
  ExposureOptions options;
  options.bootstrap = 0;
  const auto r = compute_exposure(pop, {{0, {1, 3}}}, {6, 17, 0, 23}, {}, options);
  EXPECT_DOUBLE_EQ(r.unattributed_crime_share, 0.5);         // 23 of 46
  EXPECT_NEAR(r.groups[0].crime_share, 15.5 / 23.0, 1e-12);  // as without the park
  EXPECT_DOUBLE_EQ(r.groups[0].exposure, 52.5);              // the park adds nobody
}

TEST(Exposure, ReportingRateOutsideUnitIntervalIsRejected) {
  EXPECT_THROW(estimate_true_crime({1}, {{0, 0, 1.0}}, {0.0}), ConfigError);
  EXPECT_THROW(estimate_true_crime({1}, {{0, 0, 1.0}}, {1.5}), ConfigError);
}

TEST(Exposure, UnitOutsideTheGridIsRejected) {
  ExposureOptions options;
  EXPECT_THROW(compute_exposure(two_areas(), {{0, {3}}}, {}, {}, options), ConfigError);
  EXPECT_THROW(compute_exposure(two_areas(), {{0, {-1}}}, {}, {}, options), ConfigError);
}

TEST(Exposure, DuplicateFlagsInAPeriodCountOnce) {
  ExposureOptions options;
  options.bootstrap = 0;
  const auto r = compute_exposure(two_areas(), {{0, {1, 1, 1}}}, {}, {}, options);
  EXPECT_DOUBLE_EQ(r.groups[0].exposure, 52.5);
}

TEST(Exposure, PeriodsSumAndTrendPerYear) {
  // Period k starts k years after the first and flags cell k. Black disparity ratio per period:
  // (10/60)/0.5 = 1/3, (32.5/85)/0.5 = 0.7647, (67.5/75)/0.5 = 1.8; slope (1.8 - 1/3) / 2.
  ExposureOptions options;
  options.bootstrap = 0;
  const auto r =
      compute_exposure(two_areas(), {{2 * kYear, {2}}, {0, {0}}, {kYear, {1}}}, {}, {}, options);
  ASSERT_EQ(r.by_period.size(), 3u);
  EXPECT_EQ(r.period_starts, (std::vector<std::int64_t>{0, kYear, 2 * kYear}));  // sorted
  EXPECT_NEAR(r.by_period[0][1].disparity_ratio, 1.0 / 3.0, 1e-12);
  EXPECT_NEAR(r.by_period[2][1].disparity_ratio, 1.8, 1e-12);
  EXPECT_NEAR(r.groups[1].disparity_trend.slope_per_year, 0.7333333333333334, 1e-12);
  EXPECT_NEAR(r.groups[0].disparity_trend.slope_per_year, -0.7333333333333334, 1e-12);
  EXPECT_EQ(r.groups[1].disparity_trend.periods, 3);
  EXPECT_EQ(r.groups[2].disparity_trend.periods, 0);  // never defined for the empty group
  // Totals over periods: every cell flagged once, so exposure = population.
  EXPECT_DOUBLE_EQ(r.groups[1].exposure, 110);
  EXPECT_NEAR(r.groups[1].disparity_ratio, 1.0, 1e-12);
}

TEST(Exposure, OnePeriodBootstrapIntervalIsThePoint) {
  // Every resample of a single period is that period, so the interval collapses onto the estimate.
  ExposureOptions options;
  options.bootstrap = 200;
  const auto r = compute_exposure(two_areas(), {{0, {1}}}, {}, {}, options);
  EXPECT_DOUBLE_EQ(r.groups[1].disparity_ratio_ci.lo, r.groups[1].disparity_ratio);
  EXPECT_DOUBLE_EQ(r.groups[1].disparity_ratio_ci.hi, r.groups[1].disparity_ratio);
  EXPECT_TRUE(std::isnan(r.groups[1].disparity_trend.slope_ci.lo));  // one period: no slope
}

TEST(Exposure, BootstrapIsSeededAndIndependentOfThreads) {
  std::vector<Period> periods;
  for (int p = 0; p < 24; ++p) periods.push_back({p * kYear / 12, {p % 3, (p * 7) % 3}});
  ExposureOptions options;
  options.bootstrap = 500;
  options.seed = 42;
  ExposureResult one, two;
  {
    ThreadLimit limit(1);
    one = compute_exposure(two_areas(), periods, {}, {}, options);
  }
  {
    ThreadLimit limit(2);
    two = compute_exposure(two_areas(), periods, {}, {}, options);
  }
  const auto& a = one.groups[1];
  const auto& b = two.groups[1];
  EXPECT_EQ(a.disparity_ratio_ci.lo, b.disparity_ratio_ci.lo);
  EXPECT_EQ(a.disparity_ratio_ci.hi, b.disparity_ratio_ci.hi);
  EXPECT_EQ(a.disparity_trend.slope_ci.lo, b.disparity_trend.slope_ci.lo);
  // The interval brackets the estimate and has width (flags differ between periods).
  EXPECT_LT(a.disparity_ratio_ci.lo, a.disparity_ratio);
  EXPECT_GT(a.disparity_ratio_ci.hi, a.disparity_ratio);
  options.seed = 43;
  const auto other = compute_exposure(two_areas(), periods, {}, {}, options);
  EXPECT_NE(other.groups[1].disparity_ratio_ci.lo, a.disparity_ratio_ci.lo);
}

TEST(Exposure, PercentileInterpolatesBetweenOrderStatistics) {
  // Type 7: h = (n - 1) q = 3 · 0.5 = 1.5 -> 2 + 0.5 · (3 - 2) = 2.5; NaN is left out.
  EXPECT_DOUBLE_EQ(percentile({4, 1, 3, 2, kNaN}, 0.5), 2.5);
  EXPECT_DOUBLE_EQ(percentile({4, 1, 3, 2}, 1.0), 4);
  EXPECT_TRUE(std::isnan(percentile({kNaN}, 0.5)));
}

TEST(Exposure, LeastSquaresSlope) {
  // y = 2x + 1 exactly; and a single distinct x gives no slope.
  EXPECT_DOUBLE_EQ(least_squares_slope({0, 1, 2, 3}, {1, 3, 5, 7}), 2.0);
  EXPECT_TRUE(std::isnan(least_squares_slope({1, 1}, {0, 5})));
}

}  // namespace
}  // namespace scrutineer::disparity
