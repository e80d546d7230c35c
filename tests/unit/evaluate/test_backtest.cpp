// Rolling-origin backtest: hand-computed two-day case, sliding windows, local-time periods, month
// data refused, baselines present, and identical results with 1 and 2 threads.
#include <gtest/gtest.h>

#include <cmath>

#include "scrutineer/core/error.hpp"
#include "scrutineer/core/parallel.hpp"
#include "scrutineer/core/random.hpp"
#include "scrutineer/core/time.hpp"
#include "scrutineer/evaluate/backtest.hpp"

namespace scrutineer::evaluate {
namespace {

constexpr std::int64_t kDay = kSecondsPerDay;

geo::Grid two_cells() {
  geo::Grid g;
  g.size = 1;
  g.nx = 2;
  g.ny = 1;
  g.valid = {1, 1};
  return g;
}

// Day 0: 3 events in cell 0, 1 in cell 1. Day 1: 1 in cell 1. Day 2: 1 in cell 0, 2 in cell 1.
EventSet two_cell_events() {
  EventSet e;
  e.time_zone = "UTC";
  auto add = [&](std::int64_t day, double x, int n) {
    for (int i = 0; i < n; ++i) e.push_back(day * kDay + 3600 * (i + 1), x, 0.5, "all", 0);
  };
  add(0, 0.5, 3);
  add(0, 1.5, 1);
  add(1, 1.5, 1);
  add(2, 0.5, 1);
  add(2, 1.5, 2);
  e.sort_by_time();
  return e;
}

BacktestOptions two_day_options() {
  BacktestOptions o;
  o.models = {{"naive", "", "", false}};
  o.first = 1 * kDay;
  o.stop = 3 * kDay;
  o.train_start = 0;
  o.coverages = {0.5};
  o.operating_point.mode = PolicyMode::kCount;
  o.operating_point.count = 1;
  o.operating_point.tie_rule = TieRule::kRowMajor;
  o.tie_rule = TieRule::kRowMajor;
  o.bootstrap.replicates = 200;
  o.progress = false;
  return o;
}

// Naive, growing window from day 0, one cell flagged.
// Day 1: training counts [3, 1] -> flag cell 0; day 1's only event is in cell 1: caught 0 of 1,
//   PEI 0/1 = 0, PEI* 0 (a* = 0 cells for 0 events), wrong share 1.
// Day 2: training [3, 2] -> cell 0; events 1 in cell 0, 2 in cell 1: caught 1 of 3, hit 1/3,
//   best single cell holds 2 -> PEI 1/2; one cell holds >= 1 -> a* = 1, PEI* 1; wrong share 0.
// Pooled: hit (0 + 1) / (1 + 3) = 0.25; PAI = 1 / (1 x 1/2 + 3 x 1/2) = 0.5;
// mean PEI (0 + 1/2) / 2 = 0.25; mean PEI* (0 + 1) / 2 = 0.5; wrong (1 + 0) / 2 = 0.5.
TEST(Backtest, HandComputedTwoDays) {
  const auto r = run_backtest(two_cell_events(), two_cells(), two_day_options());
  ASSERT_EQ(r.periods.size(), 2u);
  EXPECT_EQ(r.periods[0].start, kDay);
  EXPECT_EQ(r.periods[1].end, 3 * kDay);
  ASSERT_EQ(r.models.size(), 2u);  // naive + the random baseline added
  const auto& naive = r.models[0];
  EXPECT_EQ(naive.spec.label, "naive");
  EXPECT_TRUE(naive.spec.baseline);
  EXPECT_EQ(r.models[1].spec.name, "random");
  const auto& d1 = naive.periods[0].operating;
  EXPECT_EQ(naive.periods[0].flagged, (std::vector<std::int64_t>{0}));
  EXPECT_EQ(d1.captured, 0);
  EXPECT_EQ(d1.events, 1);
  EXPECT_DOUBLE_EQ(d1.pei, 0.0);
  EXPECT_DOUBLE_EQ(d1.pei_star, 0.0);
  EXPECT_DOUBLE_EQ(d1.wrong_share, 1.0);
  const auto& d2 = naive.periods[1].operating;
  EXPECT_EQ(d2.captured, 1);
  EXPECT_DOUBLE_EQ(d2.hit_rate, 1.0 / 3.0);
  EXPECT_DOUBLE_EQ(d2.pei, 0.5);
  EXPECT_DOUBLE_EQ(d2.pei_star, 1.0);
  EXPECT_DOUBLE_EQ(d2.wrong_share, 0.0);
  EXPECT_DOUBLE_EQ(naive.operating.hit_rate.estimate, 0.25);
  EXPECT_DOUBLE_EQ(naive.operating.pai.estimate, 0.5);
  EXPECT_DOUBLE_EQ(naive.operating.pei.estimate, 0.25);
  EXPECT_DOUBLE_EQ(naive.operating.pei_star.estimate, 0.5);
  EXPECT_DOUBLE_EQ(naive.operating.wrong_share.estimate, 0.5);
  // 50% of 2 cells = 1 cell, the same flag as the operating point.
  EXPECT_EQ(naive.periods[1].at_coverage[0].captured, 1);
  // Curve: 0% -> 0 cells; 100% -> both cells catch all 4 events.
  EXPECT_EQ(naive.periods[1].curve_captured[0], 0);
  EXPECT_EQ(naive.periods[1].curve_captured[100], 3);
  EXPECT_DOUBLE_EQ(naive.curve[100], 1.0);
  EXPECT_DOUBLE_EQ(naive.curve[50], 0.25);
  // Naive is a model; compared with the best baseline (itself or random) the difference is <= 0.
  EXPECT_FALSE(r.best_baseline.empty());
  EXPECT_LE(naive.vs_best_baseline.estimate, 0.0);
  // The counting model gives no rates: no likelihood.
  EXPECT_TRUE(std::isnan(naive.mean_log_likelihood));
}

// Sliding window of one day: day 2 trains on day 1 alone ([0, 1]) and flags cell 1: 2 of 3 caught.
TEST(Backtest, SlidingWindow) {
  auto o = two_day_options();
  o.window_periods = 1;
  const auto r = run_backtest(two_cell_events(), two_cells(), o);
  EXPECT_EQ(r.models[0].periods[1].flagged, (std::vector<std::int64_t>{1}));
  EXPECT_EQ(r.models[0].periods[1].operating.captured, 2);
  // Day 1 trains on day 0 alone: [3, 1] -> cell 0 as before.
  EXPECT_EQ(r.models[0].periods[0].flagged, (std::vector<std::int64_t>{0}));
}

// Area policy with cell areas 3 and 1 (total 4), 50% -> budget 2: naive ranks cell 0 first on both
// days, and its area 3 already exceeds the budget, so nothing is flagged. With areas 1 and 3 cell 0
// fits (1 <= 2) and cell 1 does not (4 > 2): one cell.
TEST(Backtest, AreaPolicyUsesCellAreas) {
  auto o = two_day_options();
  o.operating_point.mode = PolicyMode::kArea;
  o.operating_point.coverage = 0.5;
  o.cell_area = {3, 1};
  auto r = run_backtest(two_cell_events(), two_cells(), o);
  EXPECT_TRUE(r.models[0].periods[1].flagged.empty());
  o.cell_area = {1, 3};
  r = run_backtest(two_cell_events(), two_cells(), o);
  EXPECT_EQ(r.models[0].periods[1].flagged, (std::vector<std::int64_t>{0}));
  o.cell_area = {1};
  EXPECT_THROW(run_backtest(two_cell_events(), two_cells(), o), InternalError);
}

TEST(Backtest, MonthDataNeedMonthlyPeriods) {
  auto e = two_cell_events();
  e.resolution = TimeResolution::kMonth;
  EXPECT_THROW(run_backtest(e, two_cells(), two_day_options()), ConfigError);
}

TEST(Backtest, UnknownModelAndNoPeriods) {
  auto o = two_day_options();
  o.models = {{"crystal-ball", "", "", false}};
  EXPECT_THROW(run_backtest(two_cell_events(), two_cells(), o), ConfigError);
  o = two_day_options();
  o.stop = o.first + 3600;
  EXPECT_THROW(run_backtest(two_cell_events(), two_cells(), o), ConfigError);
}

// Chicago local days: 2016-11-06 (the autumn change) lasts 25 hours. Local midnights in UTC:
// 2016-11-05 00:00 CDT = 05:00Z, 2016-11-06 00:00 CDT = 05:00Z, 2016-11-07 00:00 CST = 06:00Z.
TEST(Backtest, PeriodsFollowLocalDays) {
  const auto start = *parse_iso_datetime("2016-11-05T05:00:00");
  const auto stop = *parse_iso_datetime("2016-11-07T06:00:00");
  const auto days = make_periods(start, stop, PeriodUnit::kDay, "America/Chicago");
  ASSERT_EQ(days.size(), 2u);
  EXPECT_EQ(format_iso_utc(days[1].start), "2016-11-06T05:00:00Z");
  EXPECT_EQ(days[1].end - days[1].start, 25 * 3600);
  // Months run from the first of the month holding `first`: 2016-01-01 00:00 CST = 06:00Z;
  // February 2016 has 29 days.
  const auto months = make_periods(*parse_iso_datetime("2016-01-15T12:00:00"),
                                   *parse_iso_datetime("2016-03-01T06:00:00"), PeriodUnit::kMonth,
                                   "America/Chicago");
  ASSERT_EQ(months.size(), 2u);
  EXPECT_EQ(format_iso_utc(months[0].start), "2016-01-01T06:00:00Z");
  EXPECT_EQ(months[1].end - months[1].start, 29 * kDay);
  const auto weeks = make_periods(0, 15 * kDay, PeriodUnit::kWeek, "UTC");
  EXPECT_EQ(weeks.size(), 2u);
}

// A 20 x 20 grid with two hot cells and 60 days of seeded events; every model and every score must
// be the same with 1 and 2 threads.
TEST(Backtest, SameWithOneAndTwoThreads) {
  geo::Grid g;
  g.size = 100;
  g.nx = g.ny = 20;
  g.valid.assign(400, 1);
  g.valid[0] = 0;
  EventSet e;
  e.time_zone = "UTC";
  Rng rng(5);
  for (int i = 0; i < 3000; ++i) {
    const std::int64_t t = static_cast<std::int64_t>(rng.below(60 * kDay));
    const bool hot = rng.bernoulli(0.3);
    const double x = hot ? 550 + rng.uniform(0, 40) : rng.uniform(0, 2000);
    const double y = hot ? 1250 + rng.uniform(0, 40) : rng.uniform(0, 2000);
    e.push_back(t, x, y, "all", i + 2);
  }
  e.sort_by_time();
  BacktestOptions o;
  o.models = {{"retro", "", "", false}, {"prohotspot", "", "", false}};
  o.first = 30 * kDay;
  o.stop = 60 * kDay;
  o.train_start = 0;
  o.chunk = 1;
  o.bootstrap.replicates = 300;
  o.progress = false;
  BacktestResult one, two;
  {
    ThreadLimit limit(1);
    one = run_backtest(e, g, o);
  }
  {
    ThreadLimit limit(2);
    two = run_backtest(e, g, o);
  }
  ASSERT_EQ(one.models.size(), 4u);
  for (std::size_t m = 0; m < one.models.size(); ++m) {
    for (std::size_t p = 0; p < one.periods.size(); ++p) {
      EXPECT_EQ(one.models[m].periods[p].flagged, two.models[m].periods[p].flagged);
      EXPECT_EQ(one.models[m].periods[p].curve_captured, two.models[m].periods[p].curve_captured);
    }
    EXPECT_EQ(one.models[m].operating.hit_rate.lo, two.models[m].operating.hit_rate.lo);
    EXPECT_EQ(one.models[m].vs_best_baseline.hi, two.models[m].vs_best_baseline.hi);
  }
  // The hot spot is the 30% of events in one 100 m cell: the counting baseline flags it at 5% and
  // so beats random by far (random catches about 5% of events).
  const auto& naive = one.models[2];
  const auto& random = one.models[3];
  EXPECT_EQ(naive.spec.name, "naive");
  EXPECT_GT(naive.operating.hit_rate.estimate, 0.3);
  EXPECT_LT(random.operating.hit_rate.estimate, 0.15);
  EXPECT_EQ(one.best_baseline, "naive");
  EXPECT_DOUBLE_EQ(naive.vs_best_baseline.estimate, 0.0);
}

}  // namespace
}  // namespace scrutineer::evaluate
