// The stscan model (open_cp's STSTrainer / STSResult.grid_prediction; Kulldorff et al. 2005's
// statistic): clusters of a six-event set by hand, the grid risk by hand, and the model's options.
#include <gtest/gtest.h>

#include <cmath>

#include "scrutineer/core/error.hpp"
#include "scrutineer/forecast/model.hpp"
#include "scrutineer/forecast/stscan.hpp"

namespace scrutineer::forecast {
namespace {

constexpr std::int64_t kDay = 86400;

// A (0,0) 1 day old, B (10,0) 2 days, then C..F 1 km apart and 30..60 days old.
struct Six {
  std::vector<double> x{0, 10, 1000, 2000, 3000, 4000}, y{0, 0, 0, 0, 0, 0};
  std::vector<std::int64_t> age{1 * kDay, 2 * kDay, 30 * kDay, 40 * kDay, 50 * kDay, 60 * kDay};
};

TEST(StScanModel, SixEventsByHand) {
  // radius 100, window 21 days, N = 6. Windows: ages <= 1 day (1 event), <= 2 days (2 events).
  // Discs with more than one event: {A, B} centred on A (r = 10) and on B. Window 1: c = 1 (not
  // > 1). Window 2: c = 2, n_z = 2, n_d = 2, mu = 2 x 2 / 6 = 2/3,
  // LLR = 2 ln(2 / (2/3)) + 4 ln(4 / (6 - 2/3)) = 2 ln 3 + 4 ln(3/4) = 1.0464963.
  // A's disc comes first in scan order (equal statistic to B's) and B's disc meets it.
  // maximise_clusters: the nearest event outside A's disc is C, 1000 m away.
  Six s;
  StScanOptions o;
  o.radius = 100;
  o.window = 21 * kDay;
  const auto c = stscan_clusters(s.x, s.y, s.age, o);
  ASSERT_EQ(c.size(), 1u);
  EXPECT_EQ(c[0].x, 0);
  EXPECT_EQ(c[0].radius, 10);
  EXPECT_EQ(c[0].max_radius, 1000);
  EXPECT_EQ(c[0].age, 2 * kDay);
  EXPECT_EQ(c[0].observed, 2);
  EXPECT_EQ(c[0].space, 2);
  EXPECT_EQ(c[0].time, 2);
  EXPECT_NEAR(c[0].expected, 2.0 / 3.0, 1e-15);
  EXPECT_NEAR(c[0].statistic, 2 * std::log(3.0) + 4 * std::log(0.75), 1e-12);
  EXPECT_NEAR(c[0].statistic, 1.0464963, 1e-7);
}

TEST(StScanModel, LimitsDropDiscsAndWindows) {
  Six s;
  StScanOptions o;
  o.radius = 100;
  o.window = 1 * kDay;  // only the 1-day window: c = 1 everywhere, no cluster
  EXPECT_TRUE(stscan_clusters(s.x, s.y, s.age, o).empty());
  o.window = 21 * kDay;
  o.space_fraction = 0.3;  // a disc may hold 1.8 events: {A, B} is too large
  EXPECT_TRUE(stscan_clusters(s.x, s.y, s.age, o).empty());
  o.space_fraction = 0.5;
  o.time_fraction = 0.3;  // the 2-day window holds 2 > 1.8 events
  EXPECT_TRUE(stscan_clusters(s.x, s.y, s.age, o).empty());
}

TEST(StScanModel, TwoSeparateClustersRankedByStatistic) {
  // Pairs {A, B} (ages 1, 2 days) and {G, H} far away (ages 3, 4 days) among N = 10.
  // {A, B}: window <= 2 days: n_d = 2, mu = 2 x 2 / 10 = 0.4, LLR = 2 ln 5 + 8 ln(8 / 9.6).
  // {G, H}: window <= 4 days holds A, B, G, H: n_d = 4, mu = 0.8, LLR = 2 ln 2.5 + 8 ln(8 / 9.2).
  std::vector<double> x{0, 10, 5000, 5010, 1000, 2000, 3000, 4000, 6000, 7000};
  std::vector<double> y(10, 0.0);
  std::vector<std::int64_t> age{kDay,      2 * kDay,  3 * kDay,  4 * kDay,  30 * kDay,
                                40 * kDay, 50 * kDay, 60 * kDay, 70 * kDay, 80 * kDay};
  StScanOptions o;
  o.radius = 100;
  o.window = 21 * kDay;
  const auto c = stscan_clusters(x, y, age, o);
  ASSERT_EQ(c.size(), 2u);
  EXPECT_EQ(c[0].x, 0);
  EXPECT_NEAR(c[0].statistic, 2 * std::log(5.0) + 8 * std::log(8 / 9.6), 1e-12);
  EXPECT_EQ(c[1].x, 5000);
  EXPECT_NEAR(c[1].statistic, 2 * std::log(2.5) + 8 * std::log(8 / 9.2), 1e-12);
  EXPECT_EQ(c[1].max_radius, 1000);  // centre G (first in scan order): (4000, 0) and (6000, 0)
}

TEST(StScanModel, GridRiskByHand) {
  // 4 x 4 cells of 10 m at (0, 0). Cluster 1 (of K = 2), centre (20, 20), radius 10: the cells
  // with centres (15|25, 15|25) are sqrt(50) away, equal, so row-major: risks 1 + 1/4 .. 1 + 4/4
  // at cells 5, 6, 9, 10. Cluster 2, centre (5, 35), radius 5: cell 12 only (distance 0): 0 + 1.
  geo::Grid g;
  g.size = 10;
  g.nx = g.ny = 4;
  g.valid.assign(16, 1);
  g.valid[6] = 0;  // invalid cells hold 0
  std::vector<StScanCluster> c(2);
  c[0].x = c[0].y = 20;
  c[0].radius = 10;
  c[0].max_radius = 0.5;
  c[1].x = 5;
  c[1].y = 35;
  c[1].radius = 5;
  c[1].max_radius = 20;
  const auto r = stscan_grid_risk(c, g, false);
  std::vector<double> want(16, 0.0);
  want[5] = 1.25;
  want[9] = 1.75;
  want[10] = 2.0;
  want[12] = 1.0;
  EXPECT_EQ(r, want);
  // With the enlarged radii: cluster 1 (0.5 m) holds no cell centre; cluster 2 (20 m) holds the
  // centres within 20 of (5, 35): (5|15|25, 35), (5|15, 25), (5, 15) ... sorted farthest first.
  const auto m = stscan_grid_risk(c, g, true);
  EXPECT_EQ(m[12], 1.0);  // the centre cell is nearest: risk 0 + m/m
  EXPECT_EQ(m[5], 0.0);   // (15, 15) is sqrt(500) > 20 away
}

TEST(StScanModel, RegisteredWithOptions) {
  const auto& info = find_model("stscan");
  EXPECT_EQ(info.params.size(), 8u);
  EXPECT_THROW(make_model("stscan", "radius=-1"), ConfigError);
  EXPECT_THROW(make_model("stscan", "space_fraction=2"), ConfigError);
  EXPECT_THROW(make_model("stscan", "max_rule=paper"), ConfigError);
  EXPECT_THROW(make_model("stscan", "bogus=1"), ConfigError);
  // The model on the six events at t = 100 days: cluster A (r = 10; enlarged 1000 m).
  EventSet ev;
  Six s;
  const std::int64_t at = 100 * kDay;
  for (std::size_t i = 6; i-- > 0;) ev.push_back(at - s.age[i], s.x[i], s.y[i], "", 0);
  geo::Grid g;
  g.size = 100;
  g.x0 = g.y0 = -50;
  g.nx = 3;
  g.ny = 1;
  g.valid.assign(3, 1);
  // max=false: the event radius (10 m) holds the cell centred on (0, 0) only.
  auto own = make_model("stscan", "radius=100,window=21d")->forecast(ev, g, at);
  EXPECT_EQ(own.risk, (std::vector<double>{1, 0, 0}));
  // max_rule=as-coded with max=false uses the enlarged radius (1000 m): all three cells, the
  // farthest (200 m) first: 1/3, 2/3, 1 -> cells 2, 1, 0.
  auto coded = make_model("stscan", "radius=100,window=21d,max_rule=as-coded")->forecast(ev, g, at);
  EXPECT_EQ(coded.risk, (std::vector<double>{1.0, 2.0 / 3.0, 1.0 / 3.0}));
  auto max = make_model("stscan", "radius=100,window=21d,max=true")->forecast(ev, g, at);
  EXPECT_EQ(max.risk, coded.risk);
}

TEST(StScanModel, NumpyArgsortOrderOfTies) {
  // numpy 1.24.2: np.argsort(np.array(v, dtype=float)) (default kind, quicksort) printed
  // [17, 3, 26, 25, 7, 21, 11, 12, 33, 32, 29, 27, 23, 20, 18, 34, 6, 14, 1, 10, 4, 15, 31, 30, 2,
  //  28, 16, 24, 8, 22, 9, 19, 13, 5, 0]: its order among equal values, not a stable one.
  const std::vector<double> v{2, 1, 2, 0, 1, 2, 1, 0, 2, 2, 1, 0, 0, 2, 1, 1, 2, 0,
                              1, 2, 1, 0, 2, 1, 2, 0, 0, 1, 2, 1, 2, 2, 1, 0, 1};
  const std::vector<std::size_t> numpy{17, 3,  26, 25, 7, 21, 11, 12, 33, 32, 29, 27,
                                       23, 20, 18, 34, 6, 14, 1,  10, 4,  15, 31, 30,
                                       2,  28, 16, 24, 8, 22, 9,  19, 13, 5,  0};
  EXPECT_EQ(numpy_argsort(v), numpy);
  EXPECT_EQ(numpy_argsort({}), std::vector<std::size_t>{});
  EXPECT_EQ(numpy_argsort({3, 1, 2}), (std::vector<std::size_t>{1, 2, 0}));
}

TEST(StScanModel, NumpyTiesChooseAmongEqualClusters) {
  // The six events: A's and B's discs tie; either way one cluster of 2 events, LLR 1.0464963.
  Six s;
  StScanOptions o;
  o.radius = 100;
  o.window = 21 * kDay;
  o.numpy_ties = true;
  const auto c = stscan_clusters(s.x, s.y, s.age, o);
  ASSERT_EQ(c.size(), 1u);
  EXPECT_NEAR(c[0].statistic, 1.0464963, 1e-7);
  EXPECT_EQ(c[0].radius, 10);
}

}  // namespace
}  // namespace scrutineer::forecast
