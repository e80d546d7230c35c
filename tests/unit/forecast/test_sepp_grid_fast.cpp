// Tests of sepp-grid's opt-in arithmetic=fast and accelerate=squarem (issue 16): one EM iteration
// by hand, the fast iteration within sepp_grid_fast_error of the exact one at real size, and
// SQUAREM (Varadhan & Roland 2008) against the plain EM's fits.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <iterator>
#include <string>

#include "scrutineer/core/error.hpp"
#include "scrutineer/core/parallel.hpp"
#include "scrutineer/core/random.hpp"
#include "scrutineer/forecast/model.hpp"
#include "scrutineer/forecast/sepp_grid.hpp"
#include "sepp_grid_checks.hpp"

namespace scrutineer::forecast {
namespace {

constexpr double u = 0x1p-53;

// |fast - exact| <= bound |exact|.
void expect_within(double fast, double exact, double bound, const std::string& what) {
  EXPECT_LE(std::abs(fast - exact), bound * std::abs(exact))
      << what << ": " << fast << " against " << exact << ", bound " << bound;
}

TEST(SeppGridFast, OneIterationByHand) {
  // Cell 0: times {0, 1, 1, 3} (the pair at 1 gets no weight), T = 4, theta = 0.5, omega = mu = 1.
  // At 0: lambda = 1, background 1. At 1 (two events): S = e^-1, lambda1 = 1 + 0.5 e^-1; each
  // adds 1 / lambda1 to the background and 0.5 e^-1 / lambda1 to sum p_ij and to sum p_ij dt
  // (dt = 1). At 3: S = 2 e^-2 + e^-3, B = 2 * 2 e^-2 + 3 e^-3, lambda3 = 1 + 0.5 S; background
  // 1 / lambda3, sum p_ij 0.5 S / lambda3, sum p_ij dt 0.5 B / lambda3.
  // Cell 1: one event at 2: background 1. Cell 2: no event.
  // M-step: mu_0 = (1 + 2 / lambda1 + 1 / lambda3) / 4, mu_1 = 1 / 4, theta = sum p_ij / 5,
  // omega = sum p_ij / sum p_ij dt.
  const double e1 = std::exp(-1.0), s3 = 2 * std::exp(-2.0) + std::exp(-3.0),
               b3 = 4 * std::exp(-2.0) + 3 * std::exp(-3.0);
  const double lambda1 = 1 + 0.5 * e1, lambda3 = 1 + 0.5 * s3;
  const double trig = 2 * 0.5 * e1 / lambda1 + 0.5 * s3 / lambda3;
  const double trig_dt = 2 * 0.5 * e1 / lambda1 + 0.5 * b3 / lambda3;
  const double mu0 = (1 + 2 / lambda1 + 1 / lambda3) / 4;
  const std::vector<std::vector<double>> cells = {{0, 1, 1, 3}, {2}, {}};
  // Two later groups, 5 events; the hand values carry a few roundings of their own.
  const double bound = sepp_grid_fast_error(2, 5) + 8 * u;
  EXPECT_LT(bound, 1e-12);
  for (const auto arithmetic : {SeppGridArithmetic::kExact, SeppGridArithmetic::kFast}) {
    SeppGridOptions o;
    o.theta0 = 0.5;
    o.max_iterations = 1;
    o.arithmetic = arithmetic;
    const auto fit = fit_sepp_grid(cells, 4, o);
    const std::string what = arithmetic == SeppGridArithmetic::kFast ? "fast" : "exact";
    expect_within(fit.mu[0], mu0, bound, what + " mu_0");
    EXPECT_EQ(fit.mu[1], 0.25) << what;  // a single event: 1 / T exactly
    EXPECT_EQ(fit.mu[2], 0.0) << what;
    expect_within(fit.theta, trig / 5, bound, what + " theta");
    expect_within(fit.omega, trig / trig_dt, bound, what + " omega");
  }
}

// A 60-day window of a grid like the feedback loop's: background Poisson(mu_n T) on [0, T), each
// event with Poisson(theta) children after Exp(omega) delays; even cells in whole days (ties).
std::vector<std::vector<double>> window_cells(std::size_t cells, std::uint64_t seed) {
  constexpr double T = 60, theta = 0.5, omega = 0.2;
  Rng rng(seed);
  std::vector<std::vector<double>> out(cells);
  for (std::size_t n = 0; n < cells; ++n) {
    std::vector<double> queue;
    const double mu = 0.001 + 0.04 * rng.uniform();
    for (std::int64_t i = rng.poisson(mu * T); i > 0; --i) queue.push_back(rng.uniform(0, T));
    while (!queue.empty()) {
      const double t = queue.back();
      queue.pop_back();
      out[n].push_back(n % 2 ? t : std::floor(t));
      for (std::int64_t i = rng.poisson(theta); i > 0; --i) {
        const double child = t + rng.exponential(omega);
        if (child < T) queue.push_back(child);
      }
    }
    std::sort(out[n].begin(), out[n].end());
  }
  return out;
}

// The largest number of distinct times after a cell's first, and the number of events.
std::pair<std::size_t, std::size_t> groups_and_events(const std::vector<std::vector<double>>& c) {
  std::size_t later = 0, events = 0;
  for (const auto& times : c) {
    events += times.size();
    if (times.empty()) continue;
    std::vector<double> distinct = times;
    const auto end = std::unique(distinct.begin(), distinct.end());
    later = std::max(later, static_cast<std::size_t>(end - distinct.begin() - 1));
  }
  return {later, events};
}

TEST(SeppGridFast, OneIterationWithinTheBoundOfTheExactOne) {
  // 2,500 cells (a serial E-step) and 7,000 cells (over 8,192 events: the parallel one), both
  // M-steps, from Lum & Isaac's start (theta = omega = mu = 1) and from the converged exact fit.
  for (const std::size_t cells : {std::size_t{2500}, std::size_t{7000}}) {
    const auto data = window_cells(cells, 16 + cells);
    const auto [later, events] = groups_and_events(data);
    const double bound = sepp_grid_fast_error(later, events);
    EXPECT_GT(later, 5u);
    EXPECT_LT(bound, 1e-10);
    for (const bool edge : {false, true}) {
      SeppGridOptions o;
      o.edge_corrected = edge;
      const auto converged = fit_sepp_grid(data, 60, o);
      ASSERT_TRUE(converged.converged);
      for (const bool warm : {false, true}) {
        o.max_iterations = 1;
        auto fast = o;
        fast.arithmetic = SeppGridArithmetic::kFast;
        const auto* start = warm ? &converged : nullptr;
        const auto a = fit_sepp_grid(data, 60, o, start);
        const auto b = fit_sepp_grid(data, 60, fast, start);
        const std::string what = fmt::format("{} cells, edge {}, warm {}", cells, edge, warm);
        expect_within(b.theta, a.theta, bound, what + " theta");
        expect_within(b.omega, a.omega, bound, what + " omega");
        for (std::size_t n = 0; n < cells; ++n)
          expect_within(b.mu[n], a.mu[n], bound, fmt::format("{} mu_{}", what, n));
        o.max_iterations = 1000;
      }
    }
  }
}

TEST(SeppGridFast, ConvergedFitsAgreeWithTheExactOnes) {
  // Observed, not derived: each iteration moves the fast EM within about 1e-12 of the exact
  // one's path, far below the tolerances (1e-5), so both stop at the same iteration here and the
  // fits agree to within 1e-9.
  const auto data = window_cells(2500, 7);
  for (const bool edge : {false, true}) {
    SeppGridOptions o;
    o.edge_corrected = edge;
    auto fast = o;
    fast.arithmetic = SeppGridArithmetic::kFast;
    const auto a = fit_sepp_grid(data, 60, o);
    const auto b = fit_sepp_grid(data, 60, fast);
    EXPECT_EQ(a.iterations, b.iterations) << edge;
    expect_within(b.theta, a.theta, 1e-9, "theta");
    expect_within(b.omega, a.omega, 1e-9, "omega");
    for (std::size_t n = 0; n < a.mu.size(); ++n) expect_within(b.mu[n], a.mu[n], 1e-9, "mu");
    EXPECT_NEAR(b.log_likelihood, a.log_likelihood, 1e-9 * std::abs(a.log_likelihood));
  }
}

TEST(SeppGridFast, IntensityWithinItsBound) {
  // Each cell's lambda at the window end and 10 days on (older terms, down to e^-(0.2 * 70)), and
  // with omega = 20 (terms below e^-708, an exact zero or subnormal, taken as 0), within
  // delta + (2 n + 6) u of the exact one, n its earlier events.
  const auto data = window_cells(2500, 31);
  auto fit = fit_sepp_grid(data, 60, SeppGridOptions{});
  for (const double omega : {fit.omega, 20.0}) {
    fit.omega = omega;
    for (const double t : {60.0, 70.0, 30.0}) {
      const auto exact = sepp_grid_intensity(fit, data, t);
      const auto fast = sepp_grid_intensity(fit, data, t, SeppGridArithmetic::kFast);
      for (std::size_t n = 0; n < data.size(); ++n) {
        const auto earlier = static_cast<std::size_t>(
            std::lower_bound(data[n].begin(), data[n].end(), t) - data[n].begin());
        expect_within(fast[n], exact[n], sepp_grid_fast_intensity_error(earlier),
                      fmt::format("omega {}, t {}, cell {}", omega, t, n));
      }
    }
  }
  // By hand: mu = 0.5, theta = 0.25, omega = 2, events at 0 and 1, t = 2 (and one at 2, not
  // earlier): lambda = 0.5 + 0.5 (e^-4 + e^-2).
  SeppGridFit hand;
  hand.mu = {0.5};
  hand.theta = 0.25;
  hand.omega = 2;
  const double lambda = 0.5 + 0.5 * (std::exp(-4.0) + std::exp(-2.0));
  expect_within(sepp_grid_intensity(hand, {{0, 1, 2}}, 2, SeppGridArithmetic::kFast)[0], lambda,
                sepp_grid_fast_intensity_error(2) + 4 * u, "by hand");
}

TEST(SeppGridFast, SameFitWithOneAndTwoThreads) {
  // 7,000 cells: over 8,192 events, so the E-step is split between threads; every cell's sums are
  // computed alike whatever the split, and reduced in cell order.
  const auto data = window_cells(7000, 23);
  for (const auto accelerate : {SeppGridAccelerate::kNone, SeppGridAccelerate::kSquarem}) {
    SeppGridOptions o;
    o.arithmetic = SeppGridArithmetic::kFast;
    o.accelerate = accelerate;
    SeppGridFit one, two;
    {
      ThreadLimit limit(1);
      one = fit_sepp_grid(data, 60, o);
    }
    {
      ThreadLimit limit(2);
      two = fit_sepp_grid(data, 60, o);
    }
    expect_same_fit(one, two, accelerate == SeppGridAccelerate::kSquarem ? "squarem" : "plain");
  }
}

TEST(SeppGridSquarem, StartsAsThePlainEm) {
  // The step bound starts at 1, so the first cycle's alpha is -1: x' = x2 and x'' = F(x2), the
  // plain EM's third iteration, bit for bit.
  const auto data = window_cells(2500, 11);
  for (const int iterations : {1, 2, 3}) {
    SeppGridOptions o;
    o.max_iterations = iterations;
    auto squarem = o;
    squarem.accelerate = SeppGridAccelerate::kSquarem;
    const auto a = fit_sepp_grid(data, 60, o);
    const auto b = fit_sepp_grid(data, 60, squarem);
    expect_same_fit(a, b, fmt::format("{} iterations", iterations));
    EXPECT_EQ(b.iterations, iterations);
  }
}

TEST(SeppGridSquarem, ReachesThePlainEmsFitInFewerIterations) {
  // Both stop at the first iteration whose changes are within the tolerances. With tight
  // tolerances (1e-11, 1e-11, 1e-10) both reach the likelihood's maximum: the fits agree to 1e-7
  // (observed 1.2e-11 on theta and omega, 7e-10 on sum |delta mu|; 163 and 41 iterations). With
  // the defaults (1e-5, 1e-5, 1e-4) the plain EM stops further from the maximum, and they agree to
  // a few tolerances: 5e-5 on theta and omega, 2e-3 on sum |delta mu| (observed 1.3e-5 and
  // 7.5e-4; 63 and 21 iterations).
  const auto data = window_cells(2500, 3);
  for (const bool tight : {true, false}) {
    for (const bool edge : {false, true}) {
      SeppGridOptions o;
      o.edge_corrected = edge;
      if (tight) {
        o.tol_theta = o.tol_omega = 1e-11;
        o.tol_mu = 1e-10;
      }
      auto squarem = o;
      squarem.accelerate = SeppGridAccelerate::kSquarem;
      const auto a = fit_sepp_grid(data, 60, o);
      const auto b = fit_sepp_grid(data, 60, squarem);
      const std::string what = fmt::format("tight {}, edge {}", tight, edge);
      ASSERT_TRUE(a.converged && b.converged) << what;
      EXPECT_LT(b.iterations, a.iterations) << what;
      const double close = tight ? 1e-7 : 5e-5;
      EXPECT_NEAR(b.theta, a.theta, close) << what;
      EXPECT_NEAR(b.omega, a.omega, close) << what;
      double dmu = 0;
      for (std::size_t n = 0; n < a.mu.size(); ++n) dmu += std::abs(b.mu[n] - a.mu[n]);
      EXPECT_LE(dmu, tight ? 1e-6 : 2e-3) << what;

      // The result is an EM iteration's: a valid point.
      EXPECT_TRUE(b.theta >= 0 && b.theta < 1 && b.omega > 0) << what;
      for (std::size_t n = 0; n < b.mu.size(); ++n)
        EXPECT_EQ(b.mu[n] > 0, !data[n].empty()) << what;
      EXPECT_GE(b.log_likelihood, a.log_likelihood - 1e-6 * std::abs(a.log_likelihood)) << what;
    }
  }
}

// The first k cells by risk, descending (ties by cell index).
std::vector<std::size_t> top(const std::vector<double>& risk, std::size_t k) {
  std::vector<std::size_t> order(risk.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::partial_sort(
      order.begin(), order.begin() + static_cast<std::ptrdiff_t>(k), order.end(),
      [&](std::size_t a, std::size_t b) { return risk[a] != risk[b] ? risk[a] > risk[b] : a < b; });
  order.resize(k);
  std::sort(order.begin(), order.end());
  return order;
}

TEST(SeppGridSquarem, DailyTopCellsOverlapThePlainEms) {
  // The feedback loop's refits: a 50 x 50 grid, 200 days of events (exact times), a 60-day window
  // refitted daily with a warm start, the top 25 cells (1 %) of each day's intensity, days 60 to
  // 199. Per day, the share of the plain EM's 25 cells that the other fit flags too. fast: the
  // same cells every day; squarem: the test asks at least 23 of 25 each day and 98 % on average
  // (observed here: the same 25 cells every day; in the loop a near tie flips now and then).
  geo::Grid grid;
  grid.nx = grid.ny = 50;
  grid.size = 100;
  grid.valid.assign(2500, 1);
  constexpr std::int64_t kDay = 86400;
  const auto cells = window_cells(2500, 5);  // 60 days; stretched to 200 below
  EventSet ev;
  ev.resolution = TimeResolution::kMinute;
  for (std::size_t n = 0; n < cells.size(); ++n)
    for (const double t : cells[n])
      for (int copy = 0; copy < 3; ++copy)  // three 60-day spans, shifted by 65 days each
        ev.push_back(static_cast<std::int64_t>((t + 65.0 * copy) * kDay), 100.0 * (n % 50) + 50,
                     100.0 * static_cast<double>(n / 50) + 50, "c",
                     static_cast<std::int64_t>(3 * n + copy));
  ev.sort_by_time();
  const std::string base = "window=60d,warm_start=true";
  auto plain = make_model("sepp-grid", base);
  auto fast = make_model("sepp-grid", base + ",arithmetic=fast");
  auto squarem = make_model("sepp-grid", base + ",accelerate=squarem");
  double sum = 0, worst = 1;
  int days = 0;
  for (std::int64_t d = 60; d < 200; ++d, ++days) {
    const auto training = ev.slice_time(0, d * kDay);
    const auto a = top(plain->forecast(training, grid, d * kDay).risk, 25);
    EXPECT_EQ(top(fast->forecast(training, grid, d * kDay).risk, 25), a) << d;
    const auto b = top(squarem->forecast(training, grid, d * kDay).risk, 25);
    std::vector<std::size_t> both;
    std::set_intersection(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(both));
    const double share = static_cast<double>(both.size()) / 25;
    sum += share;
    worst = std::min(worst, share);
  }
  EXPECT_GE(worst, 23.0 / 25);
  EXPECT_GE(sum / days, 0.98);
}

TEST(SeppGridModel, ArithmeticAndAccelerateParameters) {
  EXPECT_NO_THROW(make_model("sepp-grid", "arithmetic=fast,accelerate=squarem"));
  EXPECT_THROW(make_model("sepp-grid", "arithmetic=quick"), ConfigError);
  EXPECT_THROW(make_model("sepp-grid", "accelerate=anderson"), ConfigError);
  EXPECT_THROW(make_model("sepp-grid", "arithmetic=fast,e_step=as-coded"), ConfigError);
  SeppGridOptions o;
  o.arithmetic = SeppGridArithmetic::kFast;
  o.e_step = SeppGridEStep::kAsCoded;
  EXPECT_THROW(fit_sepp_grid({{0.0, 1.0}}, 2, o), ConfigError);
  EXPECT_EQ(parse_sepp_grid_arithmetic("fast", "x"), SeppGridArithmetic::kFast);
  EXPECT_EQ(parse_sepp_grid_accelerate("squarem", "x"), SeppGridAccelerate::kSquarem);
  EXPECT_THROW(parse_sepp_grid_accelerate("SQUAREM", "x"), ConfigError);
  // The bound by hand: 4 * 30 * (2e-14 + 10 u) + (4 * 1000 + 40) u.
  EXPECT_DOUBLE_EQ(sepp_grid_fast_error(30, 1000), 120 * (2e-14 + 10 * u) + 4040 * u);
}

}  // namespace
}  // namespace scrutineer::forecast
