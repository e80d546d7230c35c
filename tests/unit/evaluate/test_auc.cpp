// ROC AUC by Mann-Whitney U with mid-ranks (Rotaru et al. 2022's event-level score): hand-computed
// values with ties and invalid cells, and the backtest's per-period and pooled AUC.
#include <gtest/gtest.h>

#include <cmath>

#include "scrutineer/core/time.hpp"
#include "scrutineer/evaluate/auc.hpp"
#include "scrutineer/evaluate/backtest.hpp"

namespace scrutineer::evaluate {
namespace {

geo::Grid row(std::int32_t nx, std::vector<std::uint8_t> valid) {
  geo::Grid g;
  g.size = 1;
  g.nx = nx;
  g.ny = 1;
  g.valid = std::move(valid);
  return g;
}

TEST(Auc, MidRanksByHand) {
  // Valid cells 0..4 with risks 0.9, 0.5, 0.5, 0.1, 0.5; cell 5 is invalid (its event and risk
  // are ignored). Events in cells 0 and 2 (and 5).
  // Ascending ranks: 0.1 -> 1; the three 0.5s share ranks 2, 3, 4 -> 3; 0.9 -> 5.
  // R+ = 5 (cell 0) + 3 (cell 2) = 8; U = 8 - 2 x 3 / 2 = 5; pairs = 2 x 3 = 6; AUC = 5/6.
  // By pairs: cell 0 beats all three negatives (3); cell 2 ties cells 1 and 4 (0.5 + 0.5) and
  // beats cell 3 (1): 2. U = 5.
  const auto g = row(6, {1, 1, 1, 1, 1, 0});
  const auto a = mann_whitney_auc({0.9, 0.5, 0.5, 0.1, 0.5, 99.0}, {1, 0, 3, 0, 0, 7}, g);
  EXPECT_DOUBLE_EQ(a.u, 5.0);
  EXPECT_DOUBLE_EQ(a.pairs, 6.0);
  EXPECT_DOUBLE_EQ(a.auc(), 5.0 / 6.0);
  // All risks equal: every pair tied, AUC 1/2. No negative cell: undefined.
  EXPECT_DOUBLE_EQ(mann_whitney_auc({1, 1, 1, 1, 1, 1}, {1, 0, 0, 2, 0, 0}, g).auc(), 0.5);
  const auto none = mann_whitney_auc({1, 2, 3, 4, 5, 6}, {1, 1, 1, 1, 1, 0}, g);
  EXPECT_EQ(none.pairs, 0.0);
  EXPECT_TRUE(std::isnan(none.auc()));
  // A perfect ranking: 1; the reverse: 0.
  EXPECT_DOUBLE_EQ(mann_whitney_auc({5, 4, 3, 2, 1, 0}, {1, 1, 0, 0, 0, 0}, g).auc(), 1.0);
  EXPECT_DOUBLE_EQ(mann_whitney_auc({0, 1, 2, 3, 4, 0}, {1, 1, 0, 0, 0, 0}, g).auc(), 0.0);
}

TEST(Auc, BacktestPerPeriodAndPooled) {
  // 4 cells in a row. Training (day 0): cell 0 twice, cells 1 and 2 once. Day 1 (scored): cells 1
  // and 3. Day 2 (scored): cell 0.
  // Day 1, naive risks [2, 1, 1, 0]: ascending ranks cell 3 -> 1, cells 1 and 2 -> 2.5, cell 0
  //   -> 4; positives cells 1 and 3: R+ = 3.5, U = 3.5 - 3 = 0.5, pairs 2 x 2 = 4, AUC 0.125.
  // Day 2, risks [2, 2, 1, 1] (day 1 added): ranks cells 2, 3 -> 1.5, cells 0, 1 -> 3.5;
  //   positive cell 0: R+ = 3.5, U = 3.5 - 1 = 2.5, pairs 1 x 3 = 3, AUC 2.5 / 3 = 0.8333.
  // Pooled: (0.5 + 2.5) / (4 + 3) = 3/7; mean over periods (0.125 + 0.8333) / 2 = 0.47917.
  const std::int64_t day = kSecondsPerDay;
  EventSet e;
  e.time_zone = "UTC";
  for (const auto& [d, x] : std::vector<std::pair<int, double>>{
           {0, 0.5}, {0, 0.5}, {0, 1.5}, {0, 2.5}, {1, 1.5}, {1, 3.5}, {2, 0.5}})
    e.push_back(d * day + 3600, x, 0.5, "all", 0);
  e.sort_by_time();
  BacktestOptions o;
  o.models = {{"naive", "", "", false}};
  o.first = day;
  o.stop = 3 * day;
  o.train_start = 0;
  o.coverages = {0.5};
  o.add_baselines = false;
  o.bootstrap.replicates = 200;
  o.progress = false;
  const auto r = run_backtest(e, row(4, {1, 1, 1, 1}), o);
  ASSERT_EQ(r.models.size(), 1u);
  const auto& m = r.models[0];
  ASSERT_EQ(m.periods.size(), 2u);
  EXPECT_DOUBLE_EQ(m.periods[0].auc_u, 0.5);
  EXPECT_DOUBLE_EQ(m.periods[0].auc_pairs, 4.0);
  EXPECT_DOUBLE_EQ(m.periods[0].auc, 0.125);
  EXPECT_DOUBLE_EQ(m.periods[1].auc, 2.5 / 3);
  EXPECT_DOUBLE_EQ(m.auc_pooled.estimate, 3.0 / 7);
  EXPECT_DOUBLE_EQ(m.auc_mean.estimate, (0.125 + 2.5 / 3) / 2);
  // Bootstrap over the two periods: the pooled ratio lies between the two periods' AUCs.
  EXPECT_GE(m.auc_pooled.lo, 0.125 - 1e-12);
  EXPECT_LE(m.auc_pooled.hi, 2.5 / 3 + 1e-12);
  EXPECT_LT(m.auc_pooled.lo, m.auc_pooled.hi);
}

}  // namespace
}  // namespace scrutineer::evaluate
