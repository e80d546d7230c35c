// Tests of the naive, random, retro and prohotspot models against hand-computed values on tiny
// grids.
#include <gtest/gtest.h>

#include <cmath>

#include "scrutineer/core/error.hpp"
#include "scrutineer/core/time.hpp"
#include "scrutineer/forecast/model.hpp"

namespace scrutineer::forecast {
namespace {

geo::Grid make_test_grid(int nx, int ny, double size) {
  geo::Grid g;
  g.nx = nx;
  g.ny = ny;
  g.size = size;
  g.valid.assign(static_cast<std::size_t>(nx * ny), 1);
  return g;
}

EventSet events_at(const std::vector<std::tuple<std::int64_t, double, double>>& list) {
  EventSet e;
  for (const auto& [t, x, y] : list) e.push_back(t, x, y, "c", 0);
  e.sort_by_time();
  return e;
}

TEST(Naive, CountsEventsPerValidCellAndDropsOutside) {
  auto grid = make_test_grid(3, 2, 10);
  grid.valid[2] = 0;  // cell (2, 0)
  const auto ev = events_at({{0, 5, 5},
                             {1, 5, 5},
                             {2, 15, 5},
                             {3, 29.999, 15},  // cell (2, 1) = 5
                             {4, 25, 5},       // invalid cell: not counted
                             {5, 30, 5},       // x = x0 + nx * size: outside (half-open cells)
                             {6, -1, 5}});
  const auto s = make_model("naive")->forecast(ev, grid, 100);
  EXPECT_EQ(s.risk, (std::vector<double>{2, 1, 0, 0, 0, 1}));
}

TEST(Naive, EmptyTrainingGivesZeros) {
  const auto grid = make_test_grid(2, 2, 10);
  EXPECT_EQ(make_model("naive")->forecast(EventSet{}, grid, 0).risk, std::vector<double>(4, 0.0));
}

TEST(Random, SeededRepeatableAndZeroOnInvalidCells) {
  auto grid = make_test_grid(4, 4, 10);
  grid.valid[5] = 0;
  const auto a = make_model("random", "seed=7")->forecast(EventSet{}, grid, 1000);
  const auto b = make_model("random", "seed=7")->forecast(EventSet{}, grid, 1000);
  const auto c = make_model("random", "seed=7")->forecast(EventSet{}, grid, 2000);
  EXPECT_EQ(a.risk, b.risk);
  EXPECT_NE(a.risk, c.risk);
  EXPECT_EQ(a.risk[5], 0.0);
  for (std::size_t i = 0; i < a.risk.size(); ++i)
    if (i != 5) {
      EXPECT_TRUE(a.risk[i] > 0.0 && a.risk[i] < 1.0) << i;
    }
}

TEST(Retro, QuarticMatchesHandComputation) {
  // Centres (50, 50), (150, 50), (250, 50); h = 200 so W(d) = (1 - d^2 / 40000)^2.
  const auto grid = make_test_grid(3, 1, 100);
  const auto ev = events_at({{0, 50, 50}, {1, 120, 50}});
  const auto s = make_model("retro")->forecast(ev, grid, 10);
  // Event (50, 50): d = 0, 100, 200 -> 1, 0.75^2 = 0.5625, 0.
  // Event (120, 50): d = 70, 30, 130 -> 0.8775^2 = 0.77000625, 0.9775^2 = 0.95550625,
  // 0.5775^2 = 0.33350625.
  EXPECT_NEAR(s.risk[0], 1 + 0.77000625, 1e-12);
  EXPECT_NEAR(s.risk[1], 0.5625 + 0.95550625, 1e-12);
  EXPECT_NEAR(s.risk[2], 0.33350625, 1e-12);
}

TEST(Retro, TruncatedGaussianIncludesDistanceExactlyH) {
  const auto grid = make_test_grid(4, 1, 100);
  // Centres 50, 150, 250, 350; event at 50. d = 200 = h is inside (open_cp: d^2 <= h^2) with
  // weight exp(-(1 * 3^2) / 2) = exp(-4.5); d = 300 > h is 0. d = 100: exp(-(0.25 * 9) / 2).
  const auto s =
      make_model("retro", "kernel=gaussian")->forecast(events_at({{0, 50, 50}}), grid, 10);
  EXPECT_NEAR(s.risk[0], 1.0, 1e-15);
  EXPECT_NEAR(s.risk[1], std::exp(-1.125), 1e-15);
  EXPECT_NEAR(s.risk[2], std::exp(-4.5), 1e-15);
  EXPECT_EQ(s.risk[3], 0.0);
}

TEST(Retro, LatticeCellRiskByHand) {
  // h = 200, event at (50, 50), 2 x 2 lattice (points at 25 and 75 of each 100 m side).
  // Cell 0: every point at (+-25, +-25), d^2 = 1250: (1 - 1250/40000)^2 = 0.96875^2 = 0.9384765625.
  // Cell 1: dx = 75 or 125, dy = +-25: d^2 = 6250 -> 0.84375^2 = 0.7119140625; d^2 = 16250 ->
  // 0.59375^2 = 0.3525390625; mean (0.7119140625 + 0.3525390625) / 2 = 0.5322265625 (centre:
  // 0.5625). Cell 2: dx = 175 or 225, dy = +-25: d^2 = 31250 -> 0.21875^2 = 0.0478515625; 51250
  // > h^2 -> 0; mean 0.02392578125 (centre, d = 200 = h: 0).
  const auto grid = make_test_grid(3, 1, 100);
  const auto s = make_model("retro", "cell_risk=lattice,samples=2")
                     ->forecast(events_at({{0, 50, 50}}), grid, 10);
  EXPECT_NEAR(s.risk[0], 0.9384765625, 1e-15);
  EXPECT_NEAR(s.risk[1], 0.5322265625, 1e-15);
  EXPECT_NEAR(s.risk[2], 0.02392578125, 1e-15);
  // No closed form for the truncated kernels: exact is not offered; samples must be 1..100.
  EXPECT_THROW(make_model("retro", "cell_risk=exact"), ConfigError);
  EXPECT_THROW(make_model("retro", "cell_risk=lattice,samples=101"), ConfigError);
}

TEST(Retro, InvalidCellsStayZeroAndBadBandwidthRejected) {
  auto grid = make_test_grid(2, 1, 100);
  grid.valid[1] = 0;
  const auto s = make_model("retro")->forecast(events_at({{0, 100, 50}}), grid, 10);
  EXPECT_NEAR(s.risk[0], std::pow(1 - 2500.0 / 40000, 2), 1e-15);  // d = 50
  EXPECT_EQ(s.risk[1], 0.0);
  EXPECT_THROW(make_model("retro", "bandwidth=0"), ConfigError);
  EXPECT_THROW(make_model("retro", "kernel=epanechnikov"), ConfigError);
}

class ProHotspotTest : public ::testing::Test {
 protected:
  static constexpr std::int64_t kAt = 100 * kSecondsPerDay;
  // Events in cell (2, 2) of a 12 x 12 grid of 50 m cells, aged 6 days (week 0), exactly 7 days
  // (week 1), 55.9 days (week 7, the last inside the bandwidth 8) and exactly 56 days (week 8:
  // out).
  EventSet events() const {
    return events_at({{kAt - 6 * kSecondsPerDay, 125, 125},
                      {kAt - 7 * kSecondsPerDay, 110, 140},
                      {kAt - 55 * kSecondsPerDay - 77760, 149.9, 100},
                      {kAt - 56 * kSecondsPerDay, 125, 125}});
  }
  geo::Grid grid_ = make_test_grid(12, 12, 50);
  double at(const Surface& s, int ix, int iy) const { return s.risk[iy * 12 + ix]; }
  double at_cell(const Surface& s) const { return at(s, 2, 2); }
};

TEST_F(ProHotspotTest, ClassicWeightsChebyshev) {
  const auto s = make_model("prohotspot")->forecast(events(), grid_, kAt);
  // Time factors 1/(1+dt): 1, 1/2, 1/8, and 0 for week 8; their sum 1.625.
  EXPECT_NEAR(at(s, 2, 2), 1.625, 1e-15);      // dd = 0
  EXPECT_NEAR(at(s, 3, 3), 1.625 / 2, 1e-15);  // diagonal: dd = 1
  EXPECT_NEAR(at(s, 9, 2), 1.625 / 8, 1e-15);  // dd = 7 < 8
  EXPECT_EQ(at(s, 10, 2), 0.0);                // dd = 8: outside (dd < 8 only)
  EXPECT_NEAR(at(s, 0, 0), 1.625 / 3, 1e-15);  // dd = 2
}

TEST_F(ProHotspotTest, ManhattanAndEuclideanDistances) {
  const auto m = make_model("prohotspot", "distance=manhattan")->forecast(events(), grid_, kAt);
  EXPECT_NEAR(at(m, 3, 3), 1.625 / 3, 1e-15);  // dd = 1 + 1
  EXPECT_EQ(at(m, 7, 5), 0.0);                 // dd = 5 + 3 = 8
  EXPECT_NEAR(at(m, 7, 4), 1.625 / 8, 1e-15);  // dd = 5 + 2 = 7
  const auto e = make_model("prohotspot", "distance=euclidean")->forecast(events(), grid_, kAt);
  EXPECT_NEAR(at(e, 3, 3), 1.625 / (1 + std::sqrt(2.0)), 1e-15);
  EXPECT_NEAR(at(e, 8, 7), 1.625 / (1 + std::sqrt(61.0)), 1e-15);  // sqrt(36 + 25) = 7.81 < 8
  EXPECT_EQ(at(e, 8, 8), 0.0);                                     // sqrt(72) = 8.49
  EXPECT_NEAR(at(e, 7, 7), 1.625 / (1 + std::sqrt(50.0)), 1e-15);  // sqrt(25 + 25) = 7.07
}

TEST_F(ProHotspotTest, DailyUnitAndEventsOutsideTheGrid) {
  // time_unit=1d: ages 6, 7, 55.9, 56 days -> dt 6, 7, 55, 56; only the first two are < 8.
  const auto d = make_model("prohotspot", "time_unit=1d")->forecast(events(), grid_, kAt);
  EXPECT_NEAR(at(d, 2, 2), 1.0 / 7 + 1.0 / 8, 1e-15);
  // An event 10 m left of the grid lies in cell (-1, 0) and still weighs on cell (0, 0) at dd 1.
  const auto o = make_model("prohotspot")->forecast(events_at({{kAt - 1, -10, 10}}), grid_, kAt);
  EXPECT_NEAR(at(o, 0, 0), 0.5, 1e-15);
  EXPECT_NEAR(at(o, 6, 6), 1.0 / 8, 1e-15);  // dd = 7
  EXPECT_THROW(make_model("prohotspot", "time_unit=week"), ConfigError);
  EXPECT_THROW(make_model("prohotspot", "space_bandwidth=-1"), ConfigError);
}

TEST_F(ProHotspotTest, WallClockAgesAcrossTheAutumnClockChange) {
  // open_cp subtracts naive local times. Chicago left daylight time on 2016-11-06 (02:00 CDT ->
  // 01:00 CST). Forecast at 2016-11-07 00:00 CST = 06:00 UTC; event 2016-10-17 00:12 CDT =
  // 05:12 UTC. Elapsed: 21 d 0 h 48 min -> week 3, weight 1/((1+0)(1+3)) = 1/4. Wall clock:
  // 20 d 23 h 48 min = 30228 min; floor(30228 / 10080) = 2 -> weight 1/3.
  const TimeZone chicago("America/Chicago");
  const std::int64_t at = chicago.to_utc(*parse_iso_datetime("2016-11-07 00:00"));
  const std::int64_t t = chicago.to_utc(*parse_iso_datetime("2016-10-17 00:12"));
  ASSERT_EQ(at - t, (21 * 24 * 60 + 48) * 60);
  EventSet ev = events_at({{t, 125, 125}});
  ev.time_zone = "America/Chicago";
  EXPECT_NEAR(at_cell(make_model("prohotspot")->forecast(ev, grid_, at)), 1.0 / 4, 1e-15);
  EXPECT_NEAR(at_cell(make_model("prohotspot", "clock=wall")->forecast(ev, grid_, at)), 1.0 / 3,
              1e-15);
  // Without a zone, the wall clock is UTC's and both agree.
  ev.time_zone.clear();
  EXPECT_NEAR(at_cell(make_model("prohotspot", "clock=wall")->forecast(ev, grid_, at)), 1.0 / 4,
              1e-15);
  EXPECT_THROW(make_model("prohotspot", "clock=local"), ConfigError);
}

TEST(Registry, UnknownModelNamesTheKnownOnes) {
  try {
    make_model("predpol");
    FAIL();
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("prohotspot"), std::string::npos);
  }
  EXPECT_THROW(make_model("naive", "bandwidth=3"), ConfigError);
}

}  // namespace
}  // namespace scrutineer::forecast
