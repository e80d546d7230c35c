// A backtest split into parts (BacktestOptions::part, parts: `scrutineer sweep`'s [split],
// docs/sweep.md): each part scores only its block of whole chunks, leaves the other periods empty,
// and the parts' periods put into the frame (part == parts) and summarised by summarise_backtest
// give the one-process run exactly.
#include <gtest/gtest.h>

#include "scrutineer/core/error.hpp"
#include "scrutineer/core/random.hpp"
#include "scrutineer/core/time.hpp"
#include "scrutineer/evaluate/backtest.hpp"

namespace scrutineer::evaluate {
namespace {

constexpr std::int64_t kDay = kSecondsPerDay;

TEST(BacktestParts, PartsThenSummaryGiveTheWholeRun) {
  geo::Grid g;
  g.size = 100;
  g.nx = g.ny = 20;
  g.valid.assign(400, 1);
  EventSet e;
  e.time_zone = "UTC";
  Rng rng(7);
  for (int i = 0; i < 2000; ++i) {
    const std::int64_t t = static_cast<std::int64_t>(rng.below(40 * kDay));
    const bool hot = rng.bernoulli(0.3);
    const double x = hot ? 550 + rng.uniform(0, 40) : rng.uniform(0, 2000);
    const double y = hot ? 1250 + rng.uniform(0, 40) : rng.uniform(0, 2000);
    e.push_back(t, x, y, "all", i + 2);
  }
  e.sort_by_time();
  BacktestOptions o;
  o.models = {{"prohotspot", "", "", false}};
  o.first = 20 * kDay;
  o.stop = 40 * kDay;  // 20 daily periods
  o.train_start = 0;
  o.chunk = 3;  // 7 chunks: parts of 2, 2 and 3 chunks
  o.bootstrap.replicates = 200;
  o.progress = false;
  const auto whole = run_backtest(e, g, o);
  o.parts = 3;
  o.part = 3;  // the frame: no period run
  auto merged = run_backtest(e, g, o);
  ASSERT_EQ(merged.periods.size(), 20u);
  for (const auto& m : merged.models)
    for (const auto& p : m.periods) EXPECT_TRUE(p.curve_captured.empty());
  const std::vector<std::size_t> first = {0, 6, 12, 20};  // 3 periods a chunk: chunks 0-1, 2-3, 4-6
  for (int part = 0; part < 3; ++part) {
    o.part = part;
    const auto r = run_backtest(e, g, o);
    for (std::size_t m = 0; m < r.models.size(); ++m)
      for (std::size_t i = 0; i < r.periods.size(); ++i) {
        const bool mine = i >= first[part] && i < first[part + 1];
        EXPECT_EQ(!r.models[m].periods[i].curve_captured.empty(), mine) << part << " " << i;
        if (mine) merged.models[m].periods[i] = r.models[m].periods[i];
      }
    EXPECT_TRUE(r.models[0].at_coverage.empty());  // a part is not summarised
  }
  summarise_backtest(merged, e, g, o.bootstrap);
  ASSERT_EQ(merged.models.size(), whole.models.size());
  EXPECT_EQ(merged.best_baseline, whole.best_baseline);
  for (std::size_t m = 0; m < whole.models.size(); ++m) {
    const auto& a = whole.models[m];
    const auto& b = merged.models[m];
    for (std::size_t i = 0; i < a.periods.size(); ++i) {
      EXPECT_EQ(a.periods[i].flagged, b.periods[i].flagged);
      EXPECT_EQ(a.periods[i].curve_captured, b.periods[i].curve_captured);
    }
    // Bit for bit, bootstrap intervals included.
    EXPECT_EQ(a.operating.hit_rate.estimate, b.operating.hit_rate.estimate);
    EXPECT_EQ(a.operating.hit_rate.lo, b.operating.hit_rate.lo);
    EXPECT_EQ(a.operating.wrong_share.hi, b.operating.wrong_share.hi);
    EXPECT_EQ(a.vs_best_baseline.lo, b.vs_best_baseline.lo);
    EXPECT_EQ(a.curve, b.curve);
    EXPECT_EQ(a.cell_periods_flagged, b.cell_periods_flagged);
    EXPECT_EQ(a.cell_hits, b.cell_hits);
  }
  o.part = 4;
  EXPECT_THROW(run_backtest(e, g, o), InternalError);
}

}  // namespace
}  // namespace scrutineer::evaluate
