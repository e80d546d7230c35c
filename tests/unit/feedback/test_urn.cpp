// Tests of the Pólya-urn models of Ensign et al. (2018), FAT*, PMLR 81:160-171.
#include <gtest/gtest.h>

#include <cmath>

#include "scrutineer/core/error.hpp"
#include "scrutineer/core/parallel.hpp"
#include "scrutineer/feedback/urn.hpp"

namespace scrutineer::feedback {
namespace {

UrnOptions two_regions(double lambda_a, double lambda_b) {
  UrnOptions o;
  o.prior = {1, 1};
  o.discovery_rate = {lambda_a, lambda_b};
  o.progress = false;
  return o;
}

TEST(UrnLimit, QuadraticRootByHand) {
  // [[3, 1], [1, 2]]: f(x) = (1 + 2 − 3 − 1) x² + (3 − 2 − 2) x + 1 = −x² − x + 1, zero in [0, 1]
  // at x = (√5 − 1) / 2 = 0.6180339887; f'(x) = −2x − 1 < 0 there, so it attracts.
  const UrnLimit limit = quadratic_limit({3, 1, 1, 2});
  ASSERT_EQ(limit.zeros.size(), 1u);
  ASSERT_TRUE(limit.stable.has_value());
  EXPECT_NEAR(*limit.stable, (std::sqrt(5.0) - 1) / 2, 1e-12);
}

TEST(UrnLimit, DiscoveredOnlyRunsAwayToTheHigherRate) {
  // b = c = 0: f(x) = (a − d) x (1 − x), zeros 0 and 1; f'(1) = d − a < 0 when a > d.
  const UrnLimit up = quadratic_limit({0.6, 0, 0, 0.3});
  ASSERT_EQ(up.zeros.size(), 2u);
  EXPECT_EQ(up.zeros[0], 0.0);
  EXPECT_EQ(up.zeros[1], 1.0);
  ASSERT_TRUE(up.stable.has_value());
  EXPECT_EQ(*up.stable, 1.0);
  const UrnLimit down = quadratic_limit({0.3, 0, 0, 0.6});
  ASSERT_TRUE(down.stable.has_value());
  EXPECT_EQ(*down.stable, 0.0);
  // a = d, b = c = 0 is the classical Pólya urn: f ≡ 0, no deterministic limit.
  EXPECT_FALSE(quadratic_limit({1, 0, 0, 1}).stable.has_value());
}

TEST(UrnLimit, MixedMatrixFollowsEnsignsDefinition) {
  // Ensign et al.'s mixed urn: [[d_A + r_A, r_B], [r_A, d_B + r_B]] with w_d = 2, w_r = 0.5.
  UrnOptions o = two_regions(0.6, 0.3);
  o.report_rate = {0.4, 0.2};
  o.discovered_weight = 2;
  o.reported_weight = 0.5;
  const ReplacementMatrix m = expected_replacement(o);
  EXPECT_DOUBLE_EQ(m.a, 2 * 0.6 + 0.5 * 0.4);
  EXPECT_DOUBLE_EQ(m.b, 0.5 * 0.2);
  EXPECT_DOUBLE_EQ(m.c, 0.5 * 0.4);
  EXPECT_DOUBLE_EQ(m.d, 2 * 0.3 + 0.5 * 0.2);
}

TEST(UrnLimit, DriftBisectionAgreesWithTheQuadratic) {
  // Two independent routes to the same zero: the closed-form root and bisection on the drift.
  for (const auto& rates : std::vector<std::array<double, 4>>{
           {0.6, 0.3, 0.3, 0.15}, {0.2, 0.9, 0.5, 0.1}, {0.5, 0.5, 0.05, 0.3}}) {
    UrnOptions o = two_regions(rates[0], rates[1]);
    o.report_rate = {rates[2], rates[3]};
    const UrnLimit limit = quadratic_limit(expected_replacement(o));
    const auto bisected = drift_limit(o);
    ASSERT_TRUE(limit.stable.has_value());
    ASSERT_TRUE(bisected.has_value());
    EXPECT_NEAR(*bisected, *limit.stable, 1e-9);
  }
}

TEST(UrnLimit, RejectionDriftHasTheTrueRatioAsItsZero) {
  // With the fix, E[ΔA] = min(x, 1 − x) λ_A and E[ΔB] = min(x, 1 − x) λ_B, so the drift
  // min(x, 1 − x)(λ_A − x(λ_A + λ_B)) vanishes at x = λ_A / (λ_A + λ_B) = 0.6 / 0.9 = 2/3.
  UrnOptions o = two_regions(0.6, 0.3);
  o.rejection = true;
  const auto limit = drift_limit(o);
  ASSERT_TRUE(limit.has_value());
  EXPECT_NEAR(*limit, 2.0 / 3.0, 1e-9);
}

TEST(UrnSimulation, ReportedPlusDiscoveredConvergesToTheQuadraticRoot) {
  // λ = (0.6, 0.3), r = (0.3, 0.15), weights 1: a = 0.9, b = 0.15, c = 0.3, d = 0.45, so
  // −0.3 x² − 0.15 x + 0.3 = 0, x* = (−0.5 + √4.25) / 2 = 0.780776 (above the true 2/3).
  UrnOptions o = two_regions(0.6, 0.3);
  o.report_rate = {0.3, 0.15};
  o.days = 20000;
  o.replicates = 400;
  o.record_every = 1000;
  const UrnResult r = run_urn(o);
  const double root = (-0.5 + std::sqrt(4.25)) / 2;
  ASSERT_NEAR(*quadratic_limit(expected_replacement(o)).stable, root, 1e-12);
  // Monte-Carlo error: 4 standard errors of the mean over replicates, plus the O(1/days)
  // transient left by the prior (2 balls against about 20000 × 1.05 added).
  EXPECT_NEAR(r.final_mean[0], root, 4 * r.final_se[0] + 2e-3);
  EXPECT_EQ(r.runaway_replicates, 0);
}

TEST(UrnSimulation, DiscoveredOnlyEndsNearZeroOrOne) {
  // Discovered-only with λ_A > λ_B: the urn concentrates on A whatever the ratio (Ensign et al.
  // Theorem). 1 − x shrinks like days^−(1 − λ_B/λ_A) = days^−0.75: about 3e-4 after 50000 days.
  UrnOptions o = two_regions(0.8, 0.2);
  o.days = 50000;
  o.replicates = 200;
  o.record_every = 5000;
  const UrnResult r = run_urn(o);
  EXPECT_GT(r.final_mean[0], 0.99);
  EXPECT_EQ(r.runaway_replicates, o.replicates);
  // Patrols follow the balls: nearly every day is spent in A although A has 80% of the crime.
  double visits_a = 0;
  for (std::int64_t rep = 0; rep < r.replicates; ++rep) visits_a += r.visit_share[rep * 2];
  EXPECT_GT(visits_a / static_cast<double>(r.replicates), 0.95);
}

TEST(UrnSimulation, EqualRatesGiveThePolyaBetaLimit) {
  // λ_A = λ_B: a (slowed) Pólya urn with one ball per addition, whose share tends to
  // Beta(n_A, n_B) = Beta(2, 3): mean 2/5 = 0.4, sd √(2·3 / (5² · 6)) = 0.2. The limit is random:
  // runaway to one side in some replicates and not in others, whatever the equal true rates.
  UrnOptions o = two_regions(0.5, 0.5);
  o.prior = {2, 3};
  o.days = 20000;
  o.replicates = 2000;
  o.record_every = 20000;
  const UrnResult r = run_urn(o);
  EXPECT_NEAR(r.final_mean[0], 0.4, 4 * r.final_se[0]);
  const double sd = r.final_se[0] * std::sqrt(static_cast<double>(r.replicates));
  // The sd's own sampling error is about 0.2 / √(2 · 2000) = 0.003.
  EXPECT_NEAR(sd, 0.2, 0.015);
}

TEST(UrnSimulation, RejectionLearnsTheTrueRatio) {
  // Ensign et al.'s fix on discovered-only data: the share approaches λ_A / (λ_A + λ_B) = 2/3.
  UrnOptions o = two_regions(0.6, 0.3);
  o.rejection = true;
  o.days = 50000;
  o.replicates = 400;
  o.record_every = 5000;
  const UrnResult r = run_urn(o);
  EXPECT_NEAR(r.final_mean[0], 2.0 / 3.0, 4 * r.final_se[0] + 2e-3);
  EXPECT_NEAR(r.true_share[0], 2.0 / 3.0, 1e-12);
  EXPECT_EQ(r.runaway_replicates, 0);
}

TEST(UrnSimulation, ManyRegionsWithRejectionLearnTheRates) {
  // Three regions with the fix (keep with p_min / p_i): each region's expected gain is
  // p_min λ_i, so the shares approach λ / Σλ = (0.5, 0.3, 0.2).
  UrnOptions o;
  o.prior = {10, 1, 1};
  o.discovery_rate = {0.5, 0.3, 0.2};
  o.rejection = true;
  o.replacement = Replacement::kPoisson;
  o.days = 60000;
  o.replicates = 200;
  o.record_every = 6000;
  o.progress = false;
  const UrnResult r = run_urn(o);
  for (int i = 0; i < 3; ++i)
    EXPECT_NEAR(r.final_mean[i], o.discovery_rate[i], 4 * r.final_se[i] + 5e-3) << "region " << i;
}

TEST(UrnSimulation, FixedDecayFollowsItsRecurrence) {
  // kFixed, λ = (1, 1): exactly one ball a day wherever the patrol goes, then every count is
  // multiplied by 1 − δ, so the total obeys T' = (T + 1)(1 − δ): T_n = T* + (T_0 − T*)(1 − δ)^n
  // with T* = (1 − δ)/δ = 99 for δ = 0.01 (while no region sits at the floor).
  UrnOptions o = two_regions(1, 1);
  o.prior = {30, 20};
  o.replacement = Replacement::kFixed;
  o.decay = 0.01;
  o.floor = 1e-9;
  o.days = 300;
  const auto rows = urn_trajectory(o, 0);
  ASSERT_EQ(rows.size(), 301u);
  for (std::size_t day : {1u, 10u, 300u}) {
    const double expected = 99 + (50 - 99) * std::pow(0.99, static_cast<double>(day));
    EXPECT_NEAR(rows[day][0] + rows[day][1], expected, 1e-9) << "day " << day;
  }
}

TEST(UrnSimulation, DecayNeverGoesBelowTheFloor) {
  UrnOptions o = two_regions(0.9, 0.05);
  o.prior = {609, 379};  // Oakland bins 66 and 79 (Ensign et al. §7; PROVENANCE.md)
  o.decay = 0.05;
  o.floor = 3;
  o.days = 2000;
  for (const auto& row : urn_trajectory(o, 7))
    for (double n : row) EXPECT_GE(n, 3.0);
}

TEST(UrnSimulation, SameSeedSameResultWhateverTheThreads) {
  UrnOptions o = two_regions(0.6, 0.4);
  o.report_rate = {0.1, 0.2};
  o.replacement = Replacement::kPoisson;
  o.decay = 0.001;
  o.days = 2000;
  o.replicates = 64;
  o.record_every = 100;
  UrnResult one, two;
  {
    ThreadLimit limit(1);
    one = run_urn(o);
  }
  {
    ThreadLimit limit(2);
    two = run_urn(o);
  }
  EXPECT_EQ(one.final_share, two.final_share);
  EXPECT_EQ(one.mean_share, two.mean_share);
  EXPECT_EQ(one.q95_share, two.q95_share);
  o.seed = 2;
  EXPECT_NE(run_urn(o).final_share, one.final_share);
}

TEST(UrnOptions, BadOptionsAreRejected) {
  UrnOptions o = two_regions(0.5, 0.5);
  o.prior = {1};
  o.discovery_rate = {0.5};
  EXPECT_THROW(validate(o), ConfigError);
  o = two_regions(1.5, 0.5);  // a Bernoulli rate must be a probability
  EXPECT_THROW(validate(o), ConfigError);
  o.replacement = Replacement::kPoisson;
  EXPECT_NO_THROW(validate(o));
  o.report_rate = {0.1};
  EXPECT_THROW(validate(o), ConfigError);
  o = two_regions(0.5, 0.5);
  o.prior = {0, 1};
  EXPECT_THROW(validate(o), ConfigError);
  o = two_regions(0.5, 0.5);
  o.decay = 1;
  EXPECT_THROW(validate(o), ConfigError);
  EXPECT_THROW(replacement_from_string("urn"), ConfigError);
  EXPECT_EQ(replacement_from_string("poisson"), Replacement::kPoisson);
}

}  // namespace
}  // namespace scrutineer::feedback
