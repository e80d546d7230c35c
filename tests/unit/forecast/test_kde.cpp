// Tests of the kde model: Gaussian values at cell centres by hand, the three time kernels, Scott's
// rule on a symmetric sample, nearest-neighbour bandwidths.
#include <gtest/gtest.h>

#include <cmath>
#include <numbers>

#include "scrutineer/core/error.hpp"
#include "scrutineer/core/time.hpp"
#include "scrutineer/forecast/model.hpp"

namespace scrutineer::forecast {
namespace {

geo::Grid grid_of(int nx, int ny, double size, double x0 = 0, double y0 = 0) {
  geo::Grid g;
  g.nx = nx;
  g.ny = ny;
  g.size = size;
  g.x0 = x0;
  g.y0 = y0;
  g.valid.assign(static_cast<std::size_t>(nx * ny), 1);
  return g;
}

constexpr std::int64_t kAt = 1000 * kSecondsPerDay;
const double kTwoPi = 2 * std::numbers::pi;

TEST(Kde, FixedGaussianAndTimeKernelsByHand) {
  const auto grid = grid_of(3, 1, 100);
  EventSet e;
  e.push_back(kAt - 5 * kSecondsPerDay, 50, 50, "c", 1);  // centre of cell 0, aged 5 days
  // N(0, 50^2 I): at d = 0 1 / (2 pi 2500); at d = 100 e^(-100^2 / (2 * 2500)) = e^-2 times that.
  const double k0 = 1 / (kTwoPi * 2500), k1 = std::exp(-2.0) / (kTwoPi * 2500);
  const auto c = make_model("kde", "time_kernel=constant")->forecast(e, grid, kAt);
  EXPECT_NEAR(c.risk[0], k0, 1e-18);
  EXPECT_NEAR(c.risk[1], k1, 1e-18);
  // Exponential, scale 10 days: weight e^(-5/10) / 10.
  const auto x = make_model("kde")->forecast(e, grid, kAt);
  EXPECT_NEAR(x.risk[0], k0 * std::exp(-0.5) / 10, 1e-18);
  // Quadratic, scale 5 days: 1 / (1 + (5/5)^2) = 1/2.
  const auto q = make_model("kde", "time_kernel=quadratic,time_scale=5")->forecast(e, grid, kAt);
  EXPECT_NEAR(q.risk[1], k1 / 2, 1e-18);
  // Cut-off at 1 standard deviation: d = 100 > 50 is dropped.
  const auto cut = make_model("kde", "time_kernel=constant,cutoff=1")->forecast(e, grid, kAt);
  EXPECT_EQ(cut.risk[1], 0.0);
  EXPECT_EQ(make_model("kde")->forecast(EventSet{}, grid, kAt).risk, std::vector<double>(3, 0.0));
  EXPECT_THROW(make_model("kde", "bandwidth=0"), ConfigError);
}

TEST(Kde, ScottRuleOnASymmetricSample) {
  // Events (+-100, 0), (0, +-50), equal weights: mean 0, unbiased covariance diag(20000/3, 5000/3),
  // Scott factor^2 = n^(-2/6) = 4^(-1/3); H = diag(a, c) with a = 20000/3 * 4^(-1/3),
  // c = 5000/3 * 4^(-1/3). Risk at (0, 0) = sum_i exp(-(dx^2/a + dy^2/c)/2) / (2 pi sqrt(a c)).
  const auto grid = grid_of(1, 1, 100, -50, -50);
  EventSet e;
  for (auto [x, y] : {std::pair{-100.0, 0.0}, {100.0, 0.0}, {0.0, -50.0}, {0.0, 50.0}})
    e.push_back(kAt - kSecondsPerDay, x, y, "c", 1);
  const double f2 = std::pow(4.0, -1.0 / 3), a = 20000.0 / 3 * f2, c = 5000.0 / 3 * f2;
  const double expect = (2 * std::exp(-0.5 * 10000 / a) + 2 * std::exp(-0.5 * 2500 / c)) /
                        (kTwoPi * std::sqrt(a * c));
  const auto s = make_model("kde", "time_kernel=constant,space=scott")->forecast(e, grid, kAt);
  EXPECT_NEAR(s.risk[0], expect, 1e-12 * expect);
}

// (0, 0), (30, 0), (0, 40), just before kAt.
EventSet three_events() {
  EventSet e;
  e.push_back(kAt - 1, 0, 0, "c", 1);
  e.push_back(kAt - 1, 30, 0, "c", 2);
  e.push_back(kAt - 1, 0, 40, "c", 3);
  return e;
}

TEST(Kde, NearestNeighbourBandwidths) {
  // (0, 0), (30, 0), (0, 40) with k = 1: bandwidths 30, 30 and 40 ((0, 40) is 40 from (0, 0) and
  // 50 from (30, 0)). Risk at the centre (0, 0) of the one cell: 1 / (2 pi 900) + e^(-900 / 1800) /
  // (2 pi 900) + e^(-1600 / 3200) / (2 pi 1600).
  const auto grid = grid_of(1, 1, 10, -5, -5);
  const auto e = three_events();
  const double expect = (1 + std::exp(-0.5)) / (kTwoPi * 900) + std::exp(-0.5) / (kTwoPi * 1600);
  const auto s =
      make_model("kde", "time_kernel=constant,space=knn,k=1,cutoff=10")->forecast(e, grid, kAt);
  EXPECT_NEAR(s.risk[0], expect, 1e-15);
}

TEST(Kde, ScaledNearestNeighbourBandwidthsAsOpenCp) {
  // open_cp GaussianNearestNeighbour on (0, 0), (30, 0), (0, 40), k = 1: s_x = sqrt(600 / 2) =
  // 17.3205, s_y = sqrt(3200 / 6) = 23.0940; standardised the points are (0, 0), (1.7321, 0),
  // (0, 1.7321), so every D_i = sqrt(3) and every kernel has sds (sqrt(3) s_x, sqrt(3) s_y) =
  // (30, 40). Risk at (0, 0): (1 + e^(-900 / 1800) + e^(-1600 / 3200)) / (2 pi 30 40).
  const auto grid = grid_of(1, 1, 10, -5, -5);
  const auto e = three_events();
  const double expect = (1 + 2 * std::exp(-0.5)) / (kTwoPi * 1200);
  const auto s = make_model("kde", "time_kernel=constant,space=knn_scaled,k=1,cutoff=10")
                     ->forecast(e, grid, kAt);
  EXPECT_NEAR(s.risk[0], expect, 1e-15);
}

}  // namespace
}  // namespace scrutineer::forecast

namespace scrutineer::forecast {
namespace {

TEST(Kde, CellRiskCentreLatticeAndExactByHand) {
  // One event at (50, 50), the centre of cell 0 of a 3 x 1 grid of 100 m cells; N(0, 50^2 I),
  // constant time weight.
  const auto grid = grid_of(3, 1, 100);
  EventSet e;
  e.push_back(kAt - kSecondsPerDay, 50, 50, "c", 1);
  const double norm = 1 / (2 * std::numbers::pi * 2500);
  // Lattice 2 x 2: points at 25 and 75 in each axis. Cell 0: every point at (+-25, +-25), density
  // norm e^(-0.5 (625 + 625) / 2500) = norm e^-0.25. Cell 1: dx = 75 or 125, dy = +-25:
  // norm (e^(-0.5 (5625 + 625) / 2500) + e^(-0.5 (15625 + 625) / 2500)) / 2
  //   = norm (e^-1.25 + e^-3.25) / 2.
  const auto lat =
      make_model("kde", "time_kernel=constant,cell_risk=lattice,samples=2")->forecast(e, grid, kAt);
  EXPECT_NEAR(lat.risk[0], norm * std::exp(-0.25), 1e-18);
  EXPECT_NEAR(lat.risk[1], norm * (std::exp(-1.25) + std::exp(-3.25)) / 2, 1e-18);
  // Exact: mean density over the cell = (Phi(hi / 50) - Phi(lo / 50)) in x times the same in y,
  // over 100^2. Cell 0: x and y in [-50, 50]: (Phi(1) - Phi(-1))^2 / 10^4 = 0.6826895^2 / 10^4
  // = 4.660649e-5. Cell 1: x in [50, 150]: (Phi(3) - Phi(1)) (Phi(1) - Phi(-1)) / 10^4
  // = 0.1573054 x 0.6826895 / 10^4 = 1.0739071e-5.
  const auto ex = make_model("kde", "time_kernel=constant,cell_risk=exact")->forecast(e, grid, kAt);
  EXPECT_NEAR(ex.risk[0], 4.660649e-5, 1e-11);
  EXPECT_NEAR(ex.risk[1], 1.0739071e-5, 1e-12);
  // Centre stays the default; a fine lattice approaches the exact mean.
  const auto c = make_model("kde", "time_kernel=constant")->forecast(e, grid, kAt);
  EXPECT_NEAR(c.risk[0], norm, 1e-18);
  const auto fine = make_model("kde", "time_kernel=constant,cell_risk=lattice,samples=60")
                        ->forecast(e, grid, kAt);
  EXPECT_NEAR(fine.risk[0], ex.risk[0], 1e-3 * ex.risk[0]);
  EXPECT_THROW(make_model("kde", "space=scott,cell_risk=exact"), ConfigError);
  EXPECT_THROW(make_model("kde", "cell_risk=lattice,samples=0"), ConfigError);
}

}  // namespace
}  // namespace scrutineer::forecast
