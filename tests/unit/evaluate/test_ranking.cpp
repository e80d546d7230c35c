// One ranking per surface (evaluate/ranking.hpp): the radix-sorted ranking equals the comparison
// sort of every tie rule, and the AUC read off it equals mann_whitney_auc bit for bit.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "scrutineer/core/random.hpp"
#include "scrutineer/evaluate/ranking.hpp"

namespace scrutineer::evaluate {
namespace {

geo::Grid grid_of(std::int64_t nx, std::int64_t ny) {
  geo::Grid g;
  g.size = 10;
  g.nx = nx;
  g.ny = ny;
  g.valid.assign(static_cast<std::size_t>(nx * ny), 1);
  for (std::size_t c = 0; c < g.valid.size(); c += 7) g.valid[c] = 0;  // some invalid cells
  return g;
}

// The definition: risk decreasing (NaN lowest, -0 = +0), then the rule's tie key.
std::vector<std::int64_t> by_definition(const std::vector<double>& risk, const geo::Grid& g,
                                        TieRule rule, std::uint64_t seed) {
  const auto ties = tie_order(g, rule, seed);
  std::vector<std::size_t> position(risk.size());
  for (std::size_t i = 0; i < ties.size(); ++i) position[static_cast<std::size_t>(ties[i])] = i;
  auto key = [&](std::int64_t c) {
    const double r = risk[static_cast<std::size_t>(c)];
    return std::isnan(r) ? -HUGE_VAL : r;
  };
  std::vector<std::int64_t> cells = g.valid_cells();
  std::sort(cells.begin(), cells.end(), [&](std::int64_t a, std::int64_t b) {
    if (key(a) != key(b)) return key(a) > key(b);
    return position[static_cast<std::size_t>(a)] < position[static_cast<std::size_t>(b)];
  });
  return cells;
}

TEST(Ranking, TieOrderOfEachRule) {
  const auto g = grid_of(3, 1);  // cell 0 invalid
  EXPECT_EQ(tie_order(g, TieRule::kRowMajor), (std::vector<std::int64_t>{1, 2}));
  EXPECT_EQ(tie_order(g, TieRule::kOpenCp), (std::vector<std::int64_t>{2, 1}));
  auto random = tie_order(g, TieRule::kRandom, 5);
  std::sort(random.begin(), random.end());
  EXPECT_EQ(random, (std::vector<std::int64_t>{1, 2}));
}

TEST(Ranking, OpenCpHandExample) {
  // docs/backtest.md: risks [2, 3, 4, 1, 1, 1]; the open_cp rule ranks the tied 1s last cell first.
  geo::Grid g = grid_of(6, 1);
  g.valid.assign(6, 1);
  const std::vector<double> risk{2, 3, 4, 1, 1, 1};
  EXPECT_EQ(rank_by_risk(risk, tie_order(g, TieRule::kOpenCp)),
            (std::vector<std::int64_t>{2, 1, 0, 5, 4, 3}));
  EXPECT_EQ(rank_by_risk(risk, tie_order(g, TieRule::kRowMajor)),
            (std::vector<std::int64_t>{2, 1, 0, 3, 4, 5}));
}

TEST(Ranking, RadixRankingEqualsTheComparisonSortAndAucIsExact) {
  const auto g = grid_of(40, 30);
  Rng rng(7, 0);
  for (int trial = 0; trial < 20; ++trial) {
    std::vector<double> risk(static_cast<std::size_t>(g.cells()));
    std::vector<std::int32_t> counts(risk.size(), 0);
    for (std::size_t c = 0; c < risk.size(); ++c) {
      const double u = rng.uniform();
      // Many ties (0, a few levels), negatives, -0, infinities, NaN in some trials.
      risk[c] = u < 0.5   ? 0.0
                : u < 0.6 ? -0.0
                : u < 0.8 ? std::floor(rng.uniform() * 4)
                : u < 0.9 ? (rng.uniform() - 0.5) * 1e6
                          : rng.uniform() * 1e-300;
      if (trial % 3 == 0 && u > 0.995) risk[c] = std::numeric_limits<double>::quiet_NaN();
      if (trial % 4 == 0 && u < 0.002) risk[c] = -HUGE_VAL;
      if (trial % 5 == 0 && u < 0.004 && u >= 0.002) risk[c] = HUGE_VAL;
      counts[c] = rng.uniform() < 0.1 ? static_cast<std::int32_t>(1 + rng.uniform() * 3) : 0;
    }
    for (const auto rule : {TieRule::kRandom, TieRule::kRowMajor, TieRule::kOpenCp}) {
      const auto seed = static_cast<std::uint64_t>(trial);
      const auto ranking = rank_by_risk(risk, tie_order(g, rule, seed));
      EXPECT_EQ(ranking, by_definition(risk, g, rule, seed)) << trial;
      EXPECT_EQ(ranking, rank_cells(risk, g, rule, seed)) << trial;
      if (trial % 3 != 0) {  // mann_whitney_auc's order is undefined with NaN risks
        const auto a = auc_from_ranking(ranking, risk, counts);
        const auto b = mann_whitney_auc(risk, counts, g);
        EXPECT_EQ(a.u, b.u) << trial;
        EXPECT_EQ(a.pairs, b.pairs) << trial;
      }
    }
  }
}

TEST(Ranking, AucByHand) {
  // docs/backtest.md's worked example: risks 0.9, 0.5, 0.5, 0.1, 0.5, events in cells 0 and 2:
  // U = 5 of 6 pairs.
  geo::Grid g = grid_of(5, 1);
  g.valid.assign(5, 1);
  const std::vector<double> risk{0.9, 0.5, 0.5, 0.1, 0.5};
  const std::vector<std::int32_t> counts{1, 0, 2, 0, 0};
  const auto a =
      auc_from_ranking(rank_by_risk(risk, tie_order(g, TieRule::kRandom, 3)), risk, counts);
  EXPECT_EQ(a.u, 5.0);
  EXPECT_EQ(a.pairs, 6.0);
}

}  // namespace
}  // namespace scrutineer::evaluate
