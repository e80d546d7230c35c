// Each area's exposure ratio (its share of patrol exposure / its share of residents) and its
// bootstrap interval over periods, on hand-computed cases (issue 17's uncertainty view).
#include <gtest/gtest.h>

#include <cmath>

#include "scrutineer/core/error.hpp"
#include "scrutineer/disparity/exposure.hpp"

namespace scrutineer::disparity {
namespace {

// Unit 0 holds 100 residents of area 0; unit 1 holds 100 of area 0 and 200 of area 1; area 2 has
// no residents. P = (200, 200, 0), Σ P = 400: each populated area holds half the residents.
const std::vector<UnitAreaPopulation> kSplit = {{0, 0, 100}, {1, 0, 100}, {1, 1, 200}};

TEST(AreaRatios, HandComputedRatiosOfThreePeriods) {
  // Periods flag unit 0, unit 1 (twice: counted once), unit 1:
  //   E_0 = 100 + 100 + 100 = 300, E_1 = 0 + 200 + 200 = 400, Σ E = 700.
  //   ratio_0 = (300 / 700) / (200 / 400) = 6/7, ratio_1 = (400 / 700) / (1/2) = 8/7.
  ExposureOptions options;
  options.bootstrap = 0;
  const auto r = area_ratios(3, 2, kSplit, {{0, {0}}, {1, {1, 1}}, {2, {1}}}, options);
  ASSERT_EQ(r.size(), 3u);
  EXPECT_DOUBLE_EQ(r[0].population, 200);
  EXPECT_DOUBLE_EQ(r[0].exposure, 300);
  EXPECT_DOUBLE_EQ(r[1].exposure, 400);
  EXPECT_DOUBLE_EQ(r[0].ratio, 6.0 / 7.0);
  EXPECT_DOUBLE_EQ(r[1].ratio, 8.0 / 7.0);
  EXPECT_TRUE(std::isnan(r[2].ratio));  // no residents: undefined, never zero
  EXPECT_TRUE(std::isnan(r[0].ci.lo));  // no bootstrap: no interval
  EXPECT_FALSE(r[0].includes_parity());
}

TEST(AreaRatios, IntervalOfTwoPeriodsIncludesParityAndOfOneExcludesIt) {
  // Periods p0 flags unit 0 (e = (100, 0)), p1 flags unit 1 (e = (100, 200)). A resample holds p0
  // k = 0, 1 or 2 times (probabilities 1/4, 1/2, 1/4): ratio_0 = (100k + 100(2-k)) / (100k +
  // 300(2-k)) / (1/2) = 2/3, 1, 2. With 1000 replicates both tails hold about 250 draws, so the 95%
  // interval is [2/3, 2]: it includes 1 although the estimate is exactly 1.
  ExposureOptions options;
  options.bootstrap = 1000;
  const auto two = area_ratios(3, 2, kSplit, {{0, {0}}, {86400, {1}}}, options);
  EXPECT_DOUBLE_EQ(two[0].ratio, 1);
  EXPECT_DOUBLE_EQ(two[0].ci.lo, 2.0 / 3.0);
  EXPECT_DOUBLE_EQ(two[0].ci.hi, 2);
  EXPECT_TRUE(two[0].includes_parity());
  // One period flagging unit 0: every resample is that period, ratio_0 = (100/100) / (1/2) = 2 and
  // ratio_1 = 0, each interval collapsing onto its estimate: neither includes 1.
  const auto one = area_ratios(3, 2, kSplit, {{0, {0}}}, options);
  EXPECT_DOUBLE_EQ(one[0].ratio, 2);
  EXPECT_DOUBLE_EQ(one[0].ci.lo, 2);
  EXPECT_DOUBLE_EQ(one[0].ci.hi, 2);
  EXPECT_FALSE(one[0].includes_parity());
  EXPECT_DOUBLE_EQ(one[1].ci.hi, 0);
  EXPECT_FALSE(one[1].includes_parity());
}

TEST(AreaRatios, SameBootstrapAsTheGroups) {
  // Each area as a group of compute_exposure (pop_a(u) per unit, total = their sum): its disparity
  // ratio and interval are the area's, replicate for replicate (Rng(seed, r) over the same
  // periods in the same order, given here out of order).
  UnitPopulation pop;
  pop.groups = {"area 0", "area 1"};
  pop.by_group = {{100, 100}, {0, 200}};
  pop.total = {100, 300};
  const std::vector<Period> periods = {{5, {1}}, {0, {0}}, {3, {0, 1}}, {4, {0}}, {9, {1}}};
  ExposureOptions options;
  options.bootstrap = 300;
  options.seed = 7;
  const auto groups = compute_exposure(pop, periods, {}, {}, options);
  const auto areas = area_ratios(2, 2, {{0, 0, 100}, {1, 0, 100}, {1, 1, 200}}, periods, options);
  for (std::size_t a = 0; a < 2; ++a) {
    EXPECT_DOUBLE_EQ(areas[a].ratio, groups.groups[a].disparity_ratio) << a;
    EXPECT_DOUBLE_EQ(areas[a].ci.lo, groups.groups[a].disparity_ratio_ci.lo) << a;
    EXPECT_DOUBLE_EQ(areas[a].ci.hi, groups.groups[a].disparity_ratio_ci.hi) << a;
  }
}

TEST(AreaRatios, UnitsAndAreasOutOfRangeAreRefused) {
  ExposureOptions options;
  EXPECT_THROW(area_ratios(1, 2, kSplit, {}, options), ConfigError);          // area 1 of 1
  EXPECT_THROW(area_ratios(3, 2, kSplit, {{0, {2}}}, options), ConfigError);  // unit 2 of 2
}

}  // namespace
}  // namespace scrutineer::disparity
