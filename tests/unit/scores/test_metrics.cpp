// Tests of the confusion-matrix rates and the tests behind disparities.
#include <gtest/gtest.h>

#include "scrutineer/scores/metrics.hpp"

namespace scrutineer::scores {
namespace {

TEST(ScoresMetrics, RatesOfAHandComputed2x2) {
  // TP 6, FP 4, TN 8, FN 2 (n = 20), 14 predicted positives over all groups:
  // tpr 6/8, tnr 8/12, fpr 4/12, fnr 2/8, precision 6/10, npv 8/10, fdr 4/10, for 2/10,
  // pprev 10/20, ppr 10/14, prev 8/20, accuracy 14/20.
  const Confusion c{6, 4, 8, 2};
  auto v = [&](Metric m) { return *metric_fraction(m, c, 14).value(); };
  EXPECT_DOUBLE_EQ(v(Metric::kTpr), 0.75);
  EXPECT_DOUBLE_EQ(v(Metric::kTnr), 8.0 / 12.0);
  EXPECT_DOUBLE_EQ(v(Metric::kFpr), 4.0 / 12.0);
  EXPECT_DOUBLE_EQ(v(Metric::kFnr), 0.25);
  EXPECT_DOUBLE_EQ(v(Metric::kPpv), 0.6);
  EXPECT_DOUBLE_EQ(v(Metric::kNpv), 0.8);
  EXPECT_DOUBLE_EQ(v(Metric::kFdr), 0.4);
  EXPECT_DOUBLE_EQ(v(Metric::kFor), 0.2);
  EXPECT_DOUBLE_EQ(v(Metric::kPprev), 0.5);
  EXPECT_DOUBLE_EQ(v(Metric::kPpr), 10.0 / 14.0);
  EXPECT_DOUBLE_EQ(v(Metric::kPrev), 0.4);
  EXPECT_DOUBLE_EQ(v(Metric::kAccuracy), 0.7);
  EXPECT_EQ(metric_name(Metric::kPprev), "pprev");
  EXPECT_EQ(metric_name(Metric::kPpv), "precision");
}

TEST(ScoresMetrics, EmptyDenominatorIsUndefined) {
  const Confusion none{0, 0, 5, 0};  // nobody positive, nobody flagged
  EXPECT_FALSE(metric_fraction(Metric::kTpr, none, 0).value().has_value());
  EXPECT_FALSE(metric_fraction(Metric::kPpv, none, 0).value().has_value());
  EXPECT_DOUBLE_EQ(*metric_fraction(Metric::kFpr, none, 0).value(), 0.0);
}

TEST(ScoresMetrics, FisherExactMatchesTheTeaTastingExample) {
  // Fisher's tea-tasting table [[3, 1], [1, 3]] (Agresti 2013, Table 3.9): with all margins 4 the
  // hypergeometric probabilities of 0..4 are 1, 16, 36, 16, 1 over 70; two-sided p = 34/70.
  EXPECT_NEAR(fisher_exact_p(3, 1, 1, 3), 34.0 / 70.0, 1e-12);
  // A table as extreme as possible: only itself and its mirror, 2/70.
  EXPECT_NEAR(fisher_exact_p(4, 0, 0, 4), 2.0 / 70.0, 1e-12);
  EXPECT_DOUBLE_EQ(fisher_exact_p(0, 0, 0, 0), 1.0);
}

TEST(ScoresMetrics, TwoProportionZ) {
  // 45/100 against 30/100: pooled 0.375, se = sqrt(0.375 · 0.625 · 0.02) = 0.0684653,
  // z = 2.19089, p = erfc(z/√2) = 0.028459 (python3 math.erfc, run once).
  EXPECT_NEAR(*two_proportion_z_p(45, 100, 30, 100), 0.0284597, 1e-6);
  EXPECT_FALSE(two_proportion_z_p(0, 10, 0, 10).has_value());  // no variance
  EXPECT_FALSE(two_proportion_z_p(1, 0, 1, 10).has_value());
}

TEST(ScoresMetrics, WilsonInterval) {
  // 5 of 10 at 95%: centre 0.5, half-width 1.96/13.8415 · sqrt(2.5 + 0.9604) = 0.26341.
  const Interval i = wilson_interval(5, 10);
  EXPECT_NEAR(i.lo, 0.23659, 1e-5);
  EXPECT_NEAR(i.hi, 0.76341, 1e-5);
  // 0 of 10: upper bound z²/(n + z²) = 3.8415/13.8415 = 0.27753.
  EXPECT_NEAR(wilson_interval(0, 10).hi, 0.27753, 1e-5);
  EXPECT_DOUBLE_EQ(wilson_interval(0, 10).lo, 0.0);
}

TEST(ScoresMetrics, NormalQuantileInvertsTheCdf) {
  EXPECT_NEAR(normal_quantile(0.975), 1.959963984540054, 1e-9);  // the familiar 1.96
  EXPECT_NEAR(normal_cdf(normal_quantile(0.1)), 0.1, 1e-12);
}

}  // namespace
}  // namespace scrutineer::scores
