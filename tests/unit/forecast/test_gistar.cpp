// Getis-Ord Gi* (Ord & Getis 1995) on grid counts: a 1 x 5 row by hand, Benjamini-Hochberg by hand,
// the summed-area neighbourhood sums against direct sums with invalid cells, and the model.
#include <gtest/gtest.h>

#include <cmath>

#include "scrutineer/core/error.hpp"
#include "scrutineer/core/random.hpp"
#include "scrutineer/forecast/gistar.hpp"
#include "scrutineer/forecast/model.hpp"

namespace scrutineer::forecast {
namespace {

geo::Grid grid_of(std::int32_t nx, std::int32_t ny) {
  geo::Grid g;
  g.size = 1;
  g.nx = nx;
  g.ny = ny;
  g.valid.assign(static_cast<std::size_t>(nx) * ny, 1);
  return g;
}

TEST(GiStar, RowOfFiveByHand) {
  // x = (4, 0, 0, 0, 0), d = 1, n = 5: X-bar = 0.8, S = sqrt(16/5 - 0.64) = 1.6.
  // Cell 0: neighbours {0, 1}, W = 2, sum = 4: z = (4 - 1.6) / (1.6 sqrt((10 - 4) / 4))
  //   = 2.4 / (1.6 sqrt(1.5)) = sqrt(1.5) = 1.2247449.
  // Cell 1: {0, 1, 2}, W = 3, sum = 4: z = (4 - 2.4) / (1.6 sqrt((15 - 9) / 4)) = 1 / sqrt(1.5)
  //   = 0.8164966. Cells 2, 3: sum 0, W = 3: z = -2.4 / (1.6 sqrt(1.5)) = -1.2247449.
  // Cell 4: {3, 4}, W = 2: z = -1.6 / (1.6 sqrt(1.5)) = -0.8164966.
  // p = erfc(|z| / sqrt 2): 0.2206714 for |z| = 1.2247, 0.4142162 for 0.8165.
  // BH (n = 5): ranks 1-3 p = 0.2206714 -> q = 0.2206714 x 5 / 3 = 0.3677856; ranks 4-5 ->
  // 0.4142162.
  const auto g = grid_of(5, 1);
  GiStarOptions o;
  const auto r = getis_ord_gistar({4, 0, 0, 0, 0}, g, o);
  const double a = std::sqrt(1.5), b = 1 / std::sqrt(1.5);
  const std::vector<double> z = {a, b, -a, -a, -b};
  EXPECT_NEAR(r.mean, 0.8, 1e-15);
  EXPECT_NEAR(r.sd, 1.6, 1e-15);
  for (std::size_t c = 0; c < 5; ++c) EXPECT_NEAR(r.z[c], z[c], 1e-14) << c;
  EXPECT_NEAR(r.p[0], 0.2206714, 1e-7);
  EXPECT_NEAR(r.p[1], 0.4142162, 1e-7);
  EXPECT_NEAR(r.q[0], 0.3677856, 1e-7);
  EXPECT_NEAR(r.q[2], 0.3677856, 1e-7);
  EXPECT_NEAR(r.q[4], 0.4142162, 1e-7);
  for (const auto h : r.hot) EXPECT_EQ(h, HotSpot::kNone);  // nothing at 5% after FDR
  // Without FDR at alpha = 0.25: cell 0 hot, cells 2 and 3 cold (p = 0.22), the rest not.
  o.fdr = false;
  o.alpha = 0.25;
  const auto raw = getis_ord_gistar({4, 0, 0, 0, 0}, g, o);
  EXPECT_EQ(raw.hot, (std::vector<HotSpot>{HotSpot::kHot, HotSpot::kNone, HotSpot::kCold,
                                           HotSpot::kCold, HotSpot::kNone}));
  EXPECT_EQ(raw.q, raw.p);
}

TEST(GiStar, BenjaminiHochbergByHand) {
  // p = (0.01, 0.04, 0.03, 0.005), n = 4, sorted 0.005, 0.01, 0.03, 0.04:
  // q(4) = 0.04; q(3) = min(0.04, 0.03 x 4/3 = 0.04) = 0.04; q(2) = min(0.04, 0.01 x 2) = 0.02;
  // q(1) = min(0.02, 0.005 x 4) = 0.02. In input order: (0.02, 0.04, 0.04, 0.02).
  const auto q = benjamini_hochberg({0.01, 0.04, 0.03, 0.005});
  const std::vector<double> want = {0.02, 0.04, 0.04, 0.02};
  for (std::size_t i = 0; i < 4; ++i) EXPECT_NEAR(q[i], want[i], 1e-15) << i;
  EXPECT_EQ(benjamini_hochberg({0.9, 0.8}), (std::vector<double>{0.9, 0.9}));
}

TEST(GiStar, MatchesDirectSumsWithInvalidCells) {
  auto g = grid_of(9, 7);
  Rng rng(5);
  std::vector<double> x(static_cast<std::size_t>(g.cells()));
  for (std::size_t c = 0; c < x.size(); ++c) {
    x[c] = std::floor(rng.uniform(0, 6));
    if (rng.uniform() < 0.2) g.valid[c] = 0;
  }
  GiStarOptions o;
  o.distance = 2;
  const auto r = getis_ord_gistar(x, g, o);
  double n = 0, sum = 0, sum2 = 0;
  for (std::size_t c = 0; c < x.size(); ++c)
    if (g.valid[c]) {
      n += 1;
      sum += x[c];
      sum2 += x[c] * x[c];
    }
  const double mean = sum / n, sd = std::sqrt(sum2 / n - mean * mean);
  for (std::int64_t i = 0; i < g.cells(); ++i) {
    if (!g.valid[static_cast<std::size_t>(i)]) {
      EXPECT_EQ(r.z[static_cast<std::size_t>(i)], 0.0);
      continue;
    }
    double w = 0, local = 0;
    for (std::int64_t j = 0; j < g.cells(); ++j) {
      const auto dx = std::abs(i % g.nx - j % g.nx), dy = std::abs(i / g.nx - j / g.nx);
      if (!g.valid[static_cast<std::size_t>(j)] || std::max(dx, dy) > 2) continue;
      w += 1;
      local += x[static_cast<std::size_t>(j)];
    }
    const double z = (local - mean * w) / (sd * std::sqrt((n * w - w * w) / (n - 1)));
    EXPECT_NEAR(r.z[static_cast<std::size_t>(i)], z, 1e-12) << i;
  }
}

TEST(GiStar, ModelRiskAndParameters) {
  geo::Grid g = grid_of(5, 1);
  EventSet ev;
  for (int k = 0; k < 4; ++k) ev.push_back(k, 0.5, 0.5, "c", k);  // 4 events in cell 0
  ev.sort_by_time();
  const auto s = make_model("gistar")->forecast(ev, g, 100);
  EXPECT_NEAR(s.risk[0], std::sqrt(1.5), 1e-14);
  EXPECT_NEAR(s.risk[4], -1 / std::sqrt(1.5), 1e-14);
  const auto hot =
      make_model("gistar", "risk=hot,correction=none,alpha=0.25")->forecast(ev, g, 100);
  EXPECT_EQ(hot.risk, (std::vector<double>{1, 0, 0, 0, 0}));
  EXPECT_THROW(make_model("gistar", "distance=-1"), ConfigError);
  EXPECT_THROW(make_model("gistar", "alpha=1"), ConfigError);
  EXPECT_THROW(make_model("gistar", "correction=bonferroni"), ConfigError);
  EXPECT_THROW(getis_ord_gistar({1, 2}, g, GiStarOptions{}), ConfigError);
  // Equal counts everywhere: S = 0, every z = 0, p = 1.
  const auto flat = getis_ord_gistar({2, 2, 2, 2, 2}, g, GiStarOptions{});
  for (std::size_t c = 0; c < 5; ++c) EXPECT_EQ(flat.z[c], 0.0);
  EXPECT_EQ(flat.p[0], 1.0);
}

}  // namespace
}  // namespace scrutineer::forecast

namespace scrutineer::forecast {
namespace {

TEST(MannKendall, ByHand) {
  // 1, 2, 3, 4: S = 6 (every pair rises), Var S = 4 x 3 x 13 / 18 = 8.6666667,
  // Z = (6 - 1) / sqrt(8.6666667) = 1.6984156, p = erfc(Z / sqrt 2) = 0.0894294.
  const auto a = mann_kendall({1, 2, 3, 4});
  EXPECT_EQ(a.s, 6);
  EXPECT_NEAR(a.var, 8.6666667, 1e-7);
  EXPECT_NEAR(a.z, 1.6984156, 1e-7);
  EXPECT_NEAR(a.p, 0.0894294, 1e-7);
  // 1, 1, 2 (one tie of 2): S = 0 + 1 + 1 = 2, Var S = (3 x 2 x 11 - 2 x 1 x 9) / 18 = 2.6666667,
  // Z = 1 / sqrt(2.6666667) = 0.6123724.
  const auto b = mann_kendall({1, 1, 2});
  EXPECT_EQ(b.s, 2);
  EXPECT_NEAR(b.var, 2.6666667, 1e-7);
  EXPECT_NEAR(b.z, 0.6123724, 1e-7);
  const auto flat = mann_kendall({3, 3, 3});
  EXPECT_EQ(flat.z, 0.0);
  EXPECT_EQ(flat.p, 1.0);
}

TEST(EmergingHotSpots, EveryClassFromHandMadeSlices) {
  // Ten slices; per cell the slices where it is a significant hot (H) or cold (C) spot, z = +-3
  // there and 0 elsewhere unless a trend is given.
  constexpr int kSlices = 10, kCells = 11;
  std::vector<GiStarResult> slices(kSlices);
  for (auto& s : slices) {
    s.hot.assign(kCells, HotSpot::kNone);
    s.z.assign(kCells, 0.0);
  }
  const auto mark = [&](int cell, std::vector<int> when, HotSpot h) {
    for (const int t : when) {
      slices[static_cast<std::size_t>(t)].hot[cell] = h;
      slices[static_cast<std::size_t>(t)].z[cell] = h == HotSpot::kHot ? 3 : -3;
    }
  };
  const std::vector<int> all = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9};
  mark(0, {9}, HotSpot::kHot);        // new hot
  mark(1, {7, 8, 9}, HotSpot::kHot);  // consecutive hot (3 of 10 < 90%)
  mark(2, all, HotSpot::kHot);        // intensifying hot: z = 1..10, MK Z = 44 / sqrt(125) = 3.94
  mark(3, all, HotSpot::kHot);        // persistent hot: z constant, no trend
  mark(4, all, HotSpot::kHot);        // diminishing hot: z = 10..1
  mark(5, {2, 5, 9}, HotSpot::kHot);  // sporadic hot
  mark(6, {4, 9}, HotSpot::kHot);     // oscillating hot: cold in slice 1
  mark(6, {1}, HotSpot::kCold);
  mark(7, {0, 1, 2, 3, 4, 5, 6, 7, 8}, HotSpot::kHot);  // historical hot: 9 of 10, not the last
  mark(8, {9}, HotSpot::kCold);                         // new cold
  mark(9, all, HotSpot::kCold);  // intensifying cold: z = -1..-10 (more and more cold)
  for (int t = 0; t < kSlices; ++t) {
    slices[static_cast<std::size_t>(t)].z[2] = t + 1;
    slices[static_cast<std::size_t>(t)].z[4] = kSlices - t;
    slices[static_cast<std::size_t>(t)].z[9] = -(t + 1);
  }
  const auto c = classify_emerging(slices);
  const std::vector<EmergingClass> want = {EmergingClass::kNewHot,
                                           EmergingClass::kConsecutiveHot,
                                           EmergingClass::kIntensifyingHot,
                                           EmergingClass::kPersistentHot,
                                           EmergingClass::kDiminishingHot,
                                           EmergingClass::kSporadicHot,
                                           EmergingClass::kOscillatingHot,
                                           EmergingClass::kHistoricalHot,
                                           EmergingClass::kNewCold,
                                           EmergingClass::kIntensifyingCold,
                                           EmergingClass::kNone};
  ASSERT_EQ(c.size(), want.size());
  for (std::size_t i = 0; i < want.size(); ++i) EXPECT_EQ(to_string(c[i]), to_string(want[i])) << i;
  slices[3].hot.pop_back();
  EXPECT_THROW(classify_emerging(slices), ConfigError);
}

}  // namespace
}  // namespace scrutineer::forecast
