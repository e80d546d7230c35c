// Exact intervals and tests of stops/stats.hpp against hand computations and published tables.
#include <gtest/gtest.h>

#include <cmath>

#include "scrutineer/stops/stats.hpp"

using namespace scrutineer::stops;

TEST(StopsStats, ClopperPearsonEdgesHaveClosedForms) {
  // k = 0: high solves (1 - p)^n = alpha/2, so p = 1 - 0.025^(1/10) = 1 - exp(ln 0.025 / 10)
  // = 1 - exp(-0.3688879) = 1 - 0.6915029 = 0.3084971. k = n: low = 0.025^(1/10) = 0.6915029.
  const auto zero = clopper_pearson(0, 10, 0.95);
  EXPECT_EQ(zero.low, 0);
  EXPECT_NEAR(zero.high, 0.3084971, 1e-6);
  const auto all = clopper_pearson(10, 10, 0.95);
  EXPECT_NEAR(all.low, 0.6915029, 1e-6);
  EXPECT_EQ(all.high, 1);
}

TEST(StopsStats, ClopperPearsonMatchesPublishedTableValues) {
  // Clopper & Pearson's 95% interval for 5 of 10: 0.1871 to 0.8129, the usual table value; 10 of
  // 20: 0.2720 to 0.7280. The six-digit values are the bounds found by bisection on binomial tail
  // sums (the method of examples/stops/check.py), which share no code with the incomplete beta.
  const auto five = clopper_pearson(5, 10, 0.95);
  EXPECT_NEAR(five.low, 0.187086, 1e-5);
  EXPECT_NEAR(five.high, 0.812914, 1e-5);
  const auto ten = clopper_pearson(10, 20, 0.95);
  EXPECT_NEAR(ten.low, 0.271958, 1e-5);
  EXPECT_NEAR(ten.high, 0.728042, 1e-5);
}

TEST(StopsStats, RateRatioIntervalIsTheConditionalBinomialOne) {
  // 20 stops of 5,000 people against 10 of 10,000: rate ratio (20/5000)/(10/10000) = 4. Given 30
  // stops, 20 ~ Binomial(30, p); Clopper-Pearson for 20/30 is (0.4718800, 0.8271258) (binomial
  // tail sums, examples/stops/check.py's method), so R = p/(1-p) * 10000/5000:
  // 0.4718800/0.5281200 * 2 = 1.787018 and 0.8271258/0.1728742 * 2 = 9.569105.
  const auto r = rate_ratio_interval(20, 5000, 10, 10000, 0.95);
  EXPECT_NEAR(r.low, 1.787018, 1e-5);
  EXPECT_NEAR(r.high, 9.569105, 1e-4);
  // Equal counts and exposures: ratio 1, interval symmetric on the log scale (10 of 20:
  // 0.2719578/0.7280422 = 0.3735468 and its inverse 2.6770404).
  const auto even = rate_ratio_interval(10, 1000, 10, 1000, 0.95);
  EXPECT_NEAR(even.low, 0.3735468, 1e-6);
  EXPECT_NEAR(even.high, 2.6770404, 1e-5);
  EXPECT_NEAR(even.low * even.high, 1, 1e-6);
}

TEST(StopsStats, PoissonIntervalMatchesGarwood) {
  // Garwood (1936): k = 0 gives (0, -ln 0.025) = (0, 3.688879); k = 10 gives (4.7954, 18.3904).
  const auto zero = poisson_interval(0, 0.95);
  EXPECT_EQ(zero.low, 0);
  EXPECT_NEAR(zero.high, 3.688879, 1e-5);
  const auto ten = poisson_interval(10, 0.95);
  EXPECT_NEAR(ten.low, 4.795389, 1e-4);
  EXPECT_NEAR(ten.high, 18.390356, 1e-4);
}

TEST(StopsStats, ChiSquaredOfATwoByTwoTable) {
  // 10 of 50 against 20 of 50: pooled share 0.3, expected 15 and 35 in each row;
  // X^2 = 2 (25/15) + 2 (25/35) = 3.333333 + 1.428571 = 4.761905 on 1 df, and for 1 df
  // P(X^2 > x) = erfc(sqrt(x / 2)) = erfc(1.5430335) = 0.0290963.
  const auto t = chi_squared_equal_proportions({10, 20}, {50, 50});
  EXPECT_NEAR(t.statistic, 4.761905, 1e-6);
  EXPECT_EQ(t.df, 1);
  EXPECT_NEAR(t.p_value, 0.0290963, 1e-6);
  // Equal proportions: X^2 = 0, p = 1.
  const auto same = chi_squared_equal_proportions({5, 10, 15}, {10, 20, 30});
  EXPECT_NEAR(same.statistic, 0, 1e-12);
  EXPECT_EQ(same.df, 2);
  EXPECT_NEAR(same.p_value, 1, 1e-12);
}

TEST(StopsStats, GammaAndChiSquaredTailsHaveClosedFormsAtSmallShapes) {
  // Q(1, x) = e^-x; the chi-squared tail with 2 df is e^(-x/2).
  EXPECT_NEAR(gamma_q(1, 2.5), std::exp(-2.5), 1e-12);
  EXPECT_NEAR(gamma_q(1, 0.3), std::exp(-0.3), 1e-12);
  EXPECT_NEAR(chi_squared_sf(7, 2), std::exp(-3.5), 1e-12);
  // Q(a, x) for integer a is a Poisson sum: Q(3, 2) = e^-2 (1 + 2 + 2) = 5 e^-2 = 0.6766764.
  EXPECT_NEAR(gamma_q(3, 2), 0.6766764, 1e-7);
}

TEST(StopsStats, WoolfOddsRatio) {
  // (20 x 20) / (10 x 10) = 4; se = sqrt(1/20 + 1/10 + 1/10 + 1/20) = sqrt(0.3) = 0.5477226;
  // 4 exp(-+1.959964 x 0.5477226) = 4 x 0.3418045 = 1.367218 and 4 x 2.925649 = 11.70260.
  const auto o = woolf_odds_ratio(20, 10, 10, 20, 0.95);
  EXPECT_DOUBLE_EQ(o.ratio, 4);
  EXPECT_NEAR(o.interval.low, 1.367218, 1e-5);
  EXPECT_NEAR(o.interval.high, 11.70260, 1e-4);
  EXPECT_TRUE(std::isnan(woolf_odds_ratio(0, 10, 10, 20, 0.95).interval.low));
}

TEST(StopsStats, NormalQuantile) {
  EXPECT_NEAR(normal_quantile(0.975), 1.959963985, 1e-9);
  EXPECT_NEAR(normal_quantile(0.5), 0, 1e-12);
}
