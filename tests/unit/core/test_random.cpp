// Seeded random numbers: determinism and the moments of each distribution.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "scrutineer/core/random.hpp"

namespace scrutineer {

namespace {
struct Moments {
  double mean = 0, var = 0;
};
template <typename Draw>
Moments moments(int n, Draw draw) {
  double s = 0, s2 = 0;
  for (int i = 0; i < n; ++i) {
    const double v = draw();
    s += v;
    s2 += v * v;
  }
  const double m = s / n;
  return {m, s2 / n - m * m};
}
}  // namespace

TEST(Random, SameSeedSameStreamDifferentStreamsDiffer) {
  Rng a(42), b(42), c(42, 1), d(43);
  for (int i = 0; i < 100; ++i) {
    const auto va = a.next();
    EXPECT_EQ(va, b.next());
    EXPECT_NE(va, c.next());
    EXPECT_NE(va, d.next());
  }
}

// Expected values are the distributions' own moments; tolerances are 5 standard errors of the
// sample mean (sd / sqrt(n)), so a correct generator fails with probability below 1e-6.
TEST(Random, UniformMoments) {
  Rng rng(1);
  const int n = 200000;
  const auto m = moments(n, [&] { return rng.uniform(); });
  EXPECT_NEAR(m.mean, 0.5, 5 * std::sqrt(1.0 / 12 / n));
  EXPECT_NEAR(m.var, 1.0 / 12, 0.002);
}

TEST(Random, BelowIsUnbiasedAcrossResidues) {
  Rng rng(2);
  std::vector<int> count(7, 0);
  const int n = 70000;
  for (int i = 0; i < n; ++i) ++count[rng.below(7)];
  // Each residue: Binomial(n, 1/7), sd = sqrt(n p q) = 92.6.
  for (int c : count) EXPECT_NEAR(c, n / 7.0, 5 * 92.6);
}

TEST(Random, NormalMoments) {
  Rng rng(3);
  const int n = 200000;
  const auto m = moments(n, [&] { return rng.normal(); });
  EXPECT_NEAR(m.mean, 0.0, 5 / std::sqrt(n));
  EXPECT_NEAR(m.var, 1.0, 0.02);
}

TEST(Random, ExponentialMean) {
  Rng rng(4);
  const int n = 200000;
  const auto m = moments(n, [&] { return rng.exponential(2.0); });
  EXPECT_NEAR(m.mean, 0.5, 5 * 0.5 / std::sqrt(n));
}

TEST(Random, PoissonSmallAndLargeMeans) {
  for (double lambda : {0.3, 4.0, 29.0, 31.0, 250.0}) {
    Rng rng(5, static_cast<std::uint64_t>(lambda * 10));
    const int n = 100000;
    const auto m = moments(n, [&] { return static_cast<double>(rng.poisson(lambda)); });
    EXPECT_NEAR(m.mean, lambda, 5 * std::sqrt(lambda / n)) << "mean " << lambda;
    EXPECT_NEAR(m.var / lambda, 1.0, 0.03) << "mean " << lambda;
  }
  Rng rng(6);
  EXPECT_EQ(rng.poisson(0.0), 0);
}

TEST(Random, BinomialMomentsAndEdges) {
  struct Case {
    std::int64_t n;
    double p;
  };
  for (auto [n, p] : {Case{1, 0.2}, Case{10, 0.2}, Case{50, 0.9}, Case{5000, 0.3}}) {
    Rng rng(7, static_cast<std::uint64_t>(n));
    const int draws = 50000;
    const auto m = moments(draws, [&] { return static_cast<double>(rng.binomial(n, p)); });
    const double mean = n * p, var = n * p * (1 - p);
    EXPECT_NEAR(m.mean, mean, 5 * std::sqrt(var / draws)) << n << " " << p;
    EXPECT_NEAR(m.var / var, 1.0, 0.05) << n << " " << p;
  }
  Rng rng(8);
  EXPECT_EQ(rng.binomial(0, 0.5), 0);
  EXPECT_EQ(rng.binomial(10, 0.0), 0);
  EXPECT_EQ(rng.binomial(10, 1.0), 10);
  // (1 - p)^n underflows here, which takes the halving path; the mean must still be n p.
  const std::int64_t big = 2000000;
  const auto m = moments(200, [&] { return static_cast<double>(rng.binomial(big, 0.5)); });
  EXPECT_NEAR(m.mean, big * 0.5, 5 * std::sqrt(big * 0.25 / 200));
}

}  // namespace scrutineer
