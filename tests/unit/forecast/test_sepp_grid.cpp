// Tests of the grid SEPP EM (Mohler et al. 2015): running sums against direct sums, one EM step by
// hand, stop rules, ties, recovery of simulated parameters, thread independence.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <string>

#include "scrutineer/core/error.hpp"
#include "scrutineer/core/parallel.hpp"
#include "scrutineer/core/random.hpp"
#include "scrutineer/forecast/lum_isaac.hpp"
#include "scrutineer/forecast/model.hpp"
#include "scrutineer/forecast/sepp_grid.hpp"
#include "sepp_grid_checks.hpp"

namespace scrutineer::forecast {
namespace {

TEST(SeppGridSums, MatchDirectQuadraticSumsWithTies) {
  Rng rng(11);
  for (int trial = 0; trial < 20; ++trial) {
    std::vector<double> t(200);
    // Whole numbers between 0 and 300, so many ties, plus continuous times in odd trials.
    for (auto& v : t) v = trial % 2 ? rng.uniform(0, 300) : std::floor(rng.uniform(0, 300));
    std::sort(t.begin(), t.end());
    const double omega = 0.01 + rng.uniform(0, 0.5);
    std::vector<double> s, b;
    sepp_grid_running_sums(t, omega, s, b);
    for (std::size_t j = 0; j < t.size(); ++j) {
      double ds = 0, db = 0;
      for (std::size_t i = 0; i < t.size(); ++i) {
        if (!(t[i] < t[j])) continue;
        ds += std::exp(-omega * (t[j] - t[i]));
        db += (t[j] - t[i]) * std::exp(-omega * (t[j] - t[i]));
      }
      EXPECT_NEAR(s[j], ds, 1e-12 * std::max(1.0, ds)) << trial << " " << j;
      EXPECT_NEAR(b[j], db, 1e-12 * std::max(1.0, db)) << trial << " " << j;
    }
  }
}

TEST(SeppGridFit, OneEmStepByHand) {
  // Cell times {0, 1}, T = 2, theta = omega = mu = 1.
  // Event 0: lambda = 1, p_00 = 1. Event 1: lambda = 1 + e^-1, p_11 = 1 / (1 + e^-1) = 0.7310586,
  // sum_i p_i1 = e^-1 / (1 + e^-1) = 0.2689414, with t_1 - t_0 = 1.
  // M-step: mu = (1 + 0.7310586) / 2, theta = 0.2689414 / 2 (N = 2), omega = 0.2689414 / 0.2689414.
  SeppGridOptions o;
  o.max_iterations = 1;
  const auto fit = fit_sepp_grid({{0.0, 1.0}, {}}, 2.0, o);
  const double e = std::exp(-1.0);
  EXPECT_NEAR(fit.mu[0], (1 + 1 / (1 + e)) / 2, 1e-15);
  EXPECT_EQ(fit.mu[1], 0.0);
  EXPECT_NEAR(fit.theta, e / (1 + e) / 2, 1e-15);
  EXPECT_NEAR(fit.omega, 1.0, 1e-15);
  EXPECT_EQ(fit.iterations, 1);
  EXPECT_FALSE(fit.converged);
}

TEST(SeppGridFit, SameTimePairsGetNoWeight) {
  // Times {0, 0, 1}, T = 2: both events at 0 are background (p = 1 each, the tie counts nothing);
  // the event at 1 has lambda = 1 + 2 e^-1, p_22 = 1 / (1 + 2e^-1), triggered 2e^-1 / (1 + 2e^-1).
  SeppGridOptions o;
  o.max_iterations = 1;
  const auto fit = fit_sepp_grid({{0.0, 0.0, 1.0}}, 2.0, o);
  const double e2 = 2 * std::exp(-1.0);
  EXPECT_NEAR(fit.mu[0], (2 + 1 / (1 + e2)) / 2, 1e-15);
  EXPECT_NEAR(fit.theta, e2 / (1 + e2) / 3, 1e-15);
  EXPECT_NEAR(fit.omega, 1.0, 1e-15);
  // All events at one instant: no pair has any weight, theta goes to 0 and the EM stops.
  const auto tied = fit_sepp_grid({{5.0, 5.0, 5.0}}, 10.0, SeppGridOptions{});
  EXPECT_TRUE(tied.converged);
  EXPECT_EQ(tied.theta, 0.0);
  EXPECT_NEAR(tied.mu[0], 0.3, 1e-15);  // 3 events / T = 10
}

TEST(SeppGridFit, AnyStopRuleStopsNoLaterThanAll) {
  const std::vector<std::vector<double>> data = {{0, 3, 4, 10, 11, 12, 30}, {2, 9, 9.5, 40}, {}};
  SeppGridOptions any;
  any.stop = SeppGridStop::kAny;
  any.tol_mu = 1e9;  // the mu test passes at once: "any" stops after one pass
  const auto a = fit_sepp_grid(data, 50, any);
  EXPECT_EQ(a.iterations, 1);
  EXPECT_TRUE(a.converged);
  SeppGridOptions all = any;
  all.stop = SeppGridStop::kAll;
  const auto b = fit_sepp_grid(data, 50, all);
  EXPECT_GT(b.iterations, 1);
  EXPECT_TRUE(b.converged);
}

// Branching construction: background Poisson(mu_n T) uniform on [0, T); each event has
// Poisson(theta) children after Exp(omega) delays; children after T are dropped.
std::vector<std::vector<double>> simulate(const std::vector<double>& mu, double theta, double omega,
                                          double T, std::uint64_t seed) {
  Rng rng(seed);
  std::vector<std::vector<double>> out(mu.size());
  for (std::size_t n = 0; n < mu.size(); ++n) {
    std::vector<double> queue;
    const auto k = rng.poisson(mu[n] * T);
    for (std::int64_t i = 0; i < k; ++i) queue.push_back(rng.uniform(0, T));
    while (!queue.empty()) {
      const double t = queue.back();
      queue.pop_back();
      out[n].push_back(t);
      const auto c = rng.poisson(theta);
      for (std::int64_t i = 0; i < c; ++i) {
        const double child = t + rng.exponential(omega);
        if (child < T) queue.push_back(child);
      }
    }
    std::sort(out[n].begin(), out[n].end());
  }
  return out;
}

TEST(SeppGridFit, RecoversSimulatedParameters) {
  // 200 cells with mu from 0.005 to 0.05 per day, theta 0.5, omega 0.2 per day, T = 3000 days:
  // about 0.0275 * 3000 / 0.5 * 200 = 33,000 events. Stated tolerances: theta within 0.03,
  // omega within 10 %, the total background rate within 5 %.
  std::vector<double> mu(200);
  for (std::size_t n = 0; n < mu.size(); ++n) mu[n] = 0.005 + 0.045 * static_cast<double>(n) / 199;
  const auto data = simulate(mu, 0.5, 0.2, 3000, 2024);
  SeppGridOptions o;
  o.tol_theta = o.tol_omega = 1e-7;
  o.tol_mu = 1e-6;
  for (const bool edge : {false, true}) {
    o.edge_corrected = edge;
    const auto fit = fit_sepp_grid(data, 3000, o);
    EXPECT_TRUE(fit.converged);
    EXPECT_NEAR(fit.theta, 0.5, 0.03) << edge;
    EXPECT_NEAR(fit.omega, 0.2, 0.02) << edge;
    double sum_fit = 0, sum_true = 0;
    for (std::size_t n = 0; n < mu.size(); ++n) sum_fit += fit.mu[n], sum_true += mu[n];
    EXPECT_NEAR(sum_fit / sum_true, 1.0, 0.05) << edge;
  }
}

// Issue 16: the EM's E-step runs on a plan of each cell's time groups, in flat passes, and leaves
// out the cells whose events share one time after the first iteration. The reference below is the
// per-event EM as written before (Mohler et al. 2015, eq. 4-6, with the running sums of DESIGN.md
// and Daws's edge-corrected M-step), operation for operation; the fit must equal it bit for bit.
struct ReferenceSums {
  double background = 0, triggered = 0, triggered_dt = 0, edge_mass = 0, edge_dt = 0, log = 0;
};

ReferenceSums reference_e_step(const std::vector<double>& t, double mu, double theta, double omega,
                               double T) {
  ReferenceSums out;
  const double tw = theta * omega;
  const auto decay_of = [](double x) { return x < -746.0 ? 0.0 : std::exp(x); };
  double big_s = 0, big_b = 0, prev_t = 0, prev_m = 0;
  for (std::size_t j = 0, k = 0; j < t.size(); j = k) {
    while (k < t.size() && t[k] == t[j]) ++k;
    if (j > 0) {
      const double delta = t[j] - prev_t, decay = decay_of(-omega * delta);
      big_b = decay * (big_b + delta * (big_s + prev_m));
      big_s = decay * (big_s + prev_m);
    }
    for (auto i = j; i < k; ++i) {
      const double lambda = mu + tw * big_s;
      if (lambda > 0) {
        out.background += mu / lambda;
        out.triggered += tw * big_s / lambda;
        out.triggered_dt += tw * big_b / lambda;
        out.log += std::log(lambda);
      } else {
        out.background += 1;
        out.log = -INFINITY;
      }
    }
    prev_t = t[j];
    prev_m = static_cast<double>(k - j);
  }
  for (const double ti : t) {
    const double decay = decay_of(-omega * (T - ti));
    out.edge_mass += 1 - decay;
    out.edge_dt += (T - ti) * decay;
  }
  return out;
}

SeppGridFit reference_fit(const std::vector<std::vector<double>>& cells, double T,
                          const SeppGridOptions& o, const SeppGridFit* warm) {
  SeppGridFit fit;
  fit.theta = warm ? warm->theta : o.theta0;
  fit.omega = warm ? warm->omega : o.omega0;
  fit.mu.assign(cells.size(), 0.0);
  double total = 0;
  for (std::size_t n = 0; n < cells.size(); ++n) {
    if (cells[n].empty()) continue;
    total += static_cast<double>(cells[n].size());
    fit.mu[n] = warm && warm->mu[n] > 0 ? warm->mu[n] : o.mu0;
  }
  std::vector<ReferenceSums> sums(cells.size());
  while (fit.iterations < o.max_iterations) {
    for (std::size_t n = 0; n < cells.size(); ++n)
      sums[n] = reference_e_step(cells[n], fit.mu[n], fit.theta, fit.omega, T);
    ++fit.iterations;
    double trig = 0, trig_dt = 0, edge_mass = 0, edge_dt = 0, dmu = 0;
    std::vector<double> next = fit.mu;
    for (std::size_t n = 0; n < cells.size(); ++n) {
      if (cells[n].empty()) continue;
      trig += sums[n].triggered;
      trig_dt += sums[n].triggered_dt;
      edge_mass += sums[n].edge_mass;
      edge_dt += sums[n].edge_dt;
      next[n] = sums[n].background / T;
      dmu += std::abs(next[n] - fit.mu[n]);
    }
    double theta = 0, omega = fit.omega;
    if (trig > 0) {
      theta = o.edge_corrected ? trig / edge_mass : trig / total;
      omega = o.edge_corrected ? trig / (trig_dt + theta * edge_dt) : trig / trig_dt;
    }
    const bool a = std::abs(theta - fit.theta) <= o.tol_theta,
               b = std::abs(omega - fit.omega) <= o.tol_omega, c = dmu <= o.tol_mu;
    fit.theta = theta;
    fit.omega = omega;
    fit.mu = next;
    if (o.stop == SeppGridStop::kAny ? (a || b || c) : (a && b && c)) {
      fit.converged = true;
      break;
    }
  }
  fit.log_likelihood = 0;
  for (std::size_t n = 0; n < cells.size(); ++n) {
    if (cells[n].empty()) continue;
    const auto e = reference_e_step(cells[n], fit.mu[n], fit.theta, fit.omega, T);
    fit.log_likelihood += e.log - fit.mu[n] * T - fit.theta * e.edge_mass;
  }
  return fit;
}

// Cells as a short window holds them: many empty, many with one event, some with several, ties
// (whole days in even cells), one cell with all its events at one time.
std::vector<std::vector<double>> short_window_cells(std::size_t cells, double T,
                                                    std::uint64_t seed) {
  Rng rng(seed);
  std::vector<std::vector<double>> out(cells);
  for (std::size_t n = 0; n < cells; ++n) {
    const auto kind = rng.below(10);
    if (kind < 4) continue;
    const std::size_t events = kind < 7 ? 1 : 2 + rng.below(9);
    for (std::size_t i = 0; i < events; ++i) {
      const double t = rng.uniform(0, T);
      out[n].push_back(n % 2 ? t : std::floor(t));
    }
    std::sort(out[n].begin(), out[n].end());
  }
  out[3] = {7.0, 7.0, 7.0};
  return out;
}

TEST(SeppGridFit, PlannedEStepEqualsThePerEventEmBitForBit) {
  // 400 cells (serial E-step) and 4,000 cells (over 8,192 events: the parallel E-step).
  for (const std::size_t cells : {std::size_t{400}, std::size_t{6000}}) {
    const double T = 60;
    const auto data = short_window_cells(cells, T, 16 + cells);
    for (const bool edge : {false, true})
      for (const auto stop : {SeppGridStop::kAll, SeppGridStop::kAny}) {
        SeppGridOptions o;
        o.edge_corrected = edge;
        o.stop = stop;
        o.theta0 = 0.4;
        o.omega0 = 0.3;
        o.mu0 = 0.05;
        const std::string what = fmt::format("{} cells, edge {}, stop {}", cells, edge,
                                             stop == SeppGridStop::kAll ? "all" : "any");
        const auto cold = fit_sepp_grid(data, T, o);
        EXPECT_GT(cold.iterations, 2) << what;
        expect_same_fit(cold, reference_fit(data, T, o, nullptr), what);
        // A warm start from other data, as a daily refit has.
        const auto other = fit_sepp_grid(short_window_cells(cells, T, 99), T, o);
        expect_same_fit(fit_sepp_grid(data, T, o, &other), reference_fit(data, T, o, &other),
                        what + ", warm");
      }
    // theta omega S overflows at the start (lambda = inf, NaN triggering weights): the same
    // numbers still, NaN sums of one cell not leaking into the next.
    SeppGridOptions huge;
    huge.theta0 = 1e308;
    huge.omega0 = 1;
    huge.max_iterations = 5;
    expect_same_fit(fit_sepp_grid(data, T, huge), reference_fit(data, T, huge, nullptr),
                    fmt::format("{} cells, overflowing start", cells));
  }
}

TEST(SeppGridFit, SameResultWithOneAndTwoThreads) {
  std::vector<double> mu(300, 0.02);
  const auto data = simulate(mu, 0.4, 0.5, 500, 7);
  SeppGridFit one, two;
  {
    ThreadLimit limit(1);
    one = fit_sepp_grid(data, 500, SeppGridOptions{});
  }
  {
    ThreadLimit limit(2);
    two = fit_sepp_grid(data, 500, SeppGridOptions{});
  }
  expect_same_fit(one, two, "1 and 2 threads");
}

TEST(SeppGridFit, WarmStartConvergesToTheSameFit) {
  std::vector<double> mu(50, 0.05);
  const auto data = simulate(mu, 0.3, 0.3, 1000, 3);
  SeppGridOptions o;
  o.tol_theta = o.tol_omega = 1e-9;
  o.tol_mu = 1e-8;
  const auto cold = fit_sepp_grid(data, 1000, o);
  const auto warm = fit_sepp_grid(data, 1000, o, &cold);
  EXPECT_LT(warm.iterations, 5);
  EXPECT_NEAR(warm.theta, cold.theta, 1e-7);
  EXPECT_NEAR(warm.omega, cold.omega, 1e-7);
  EXPECT_GE(warm.log_likelihood, cold.log_likelihood - 1e-6);
}

// Issue 16: the EM visits the cells with events only, and skips kernel terms whose exponential is
// an exact zero. Neither may change a bit of the fit: cells without events interleaved anywhere
// give the very same numbers as the cells with events alone, and the intensity with terms far
// below the underflow threshold equals the plain sum over every earlier event.
TEST(SeppGridFit, EmptyCellsChangeNoBit) {
  std::vector<double> mu(40, 0.03);
  const auto dense = simulate(mu, 0.4, 0.5, 400, 9);
  std::vector<std::vector<double>> sparse;
  std::vector<std::size_t> where;
  for (const auto& times : dense) {
    for (int k = 0; k < 3; ++k) sparse.emplace_back();  // empty cells between
    where.push_back(sparse.size());
    sparse.push_back(times);
  }
  sparse.emplace_back();
  for (const auto e_step : {SeppGridEStep::kExact, SeppGridEStep::kAsCoded}) {
    SeppGridOptions o;
    o.e_step = e_step;
    const auto a = fit_sepp_grid(dense, 400, o);
    const auto b = fit_sepp_grid(sparse, 400, o);
    EXPECT_EQ(a.theta, b.theta);
    EXPECT_EQ(a.omega, b.omega);
    EXPECT_EQ(a.iterations, b.iterations);
    EXPECT_EQ(a.log_likelihood, b.log_likelihood);
    ASSERT_EQ(b.mu.size(), sparse.size());
    for (std::size_t n = 0; n < dense.size(); ++n) EXPECT_EQ(a.mu[n], b.mu[where[n]]);
    for (std::size_t n = 0; n < sparse.size(); ++n)
      if (sparse[n].empty()) {
        EXPECT_EQ(b.mu[n], 0.0);
      }
  }
}

TEST(SeppGridIntensity, UnderflowingTermsSkippedExactly) {
  SeppGridFit fit;
  fit.theta = 0.5;
  fit.omega = 30;  // e^(-30 * 25) = e^-750 is an exact zero in double precision
  fit.mu = {0.1};
  const std::vector<double> times{0, 1, 2, 3, 70, 70.5, 99.9, 99.99};
  const double t = 100;
  double sum = 0;
  for (const double ti : times) sum += std::exp(-fit.omega * (t - ti));
  EXPECT_EQ(std::exp(-fit.omega * (t - 70.5)), 0.0);
  const auto l = sepp_grid_intensity(fit, {times}, t);
  EXPECT_EQ(l[0], fit.mu[0] + fit.theta * fit.omega * sum);
}

TEST(SeppGridIntensity, HandValueAndStrictlyEarlierEvents) {
  SeppGridFit fit;
  fit.theta = 0.5;
  fit.omega = 2;
  fit.mu = {0.1, 0.0};
  // lambda_0(3) = 0.1 + 0.5 * 2 * (e^-4 + e^-2); the event at 3 itself is not before t = 3.
  const auto l = sepp_grid_intensity(fit, {{1, 2, 3}, {}}, 3.0);
  EXPECT_NEAR(l[0], 0.1 + std::exp(-4.0) + std::exp(-2.0), 1e-15);
  EXPECT_EQ(l[1], 0.0);
}

TEST(SeppGridFit, EmptyWindowAndBadInput) {
  const auto empty = fit_sepp_grid({{}, {}}, 10, SeppGridOptions{});
  EXPECT_TRUE(empty.converged);
  EXPECT_EQ(empty.mu, (std::vector<double>{0, 0}));
  // A single event: background only (mu = 1 / T), theta = 0.
  const auto one = fit_sepp_grid({{4.0}}, 10, SeppGridOptions{});
  EXPECT_NEAR(one.mu[0], 0.1, 1e-15);
  EXPECT_EQ(one.theta, 0.0);
  EXPECT_THROW(fit_sepp_grid({{2.0, 1.0}}, 10, SeppGridOptions{}), ConfigError);
  EXPECT_THROW(fit_sepp_grid({{1.0}}, 0, SeppGridOptions{}), ConfigError);
  SeppGridFit wrong;
  wrong.mu = {1, 1, 1};
  EXPECT_THROW(fit_sepp_grid({{1.0}}, 10, SeppGridOptions{}, &wrong), ConfigError);
}

}  // namespace
}  // namespace scrutineer::forecast

namespace scrutineer::forecast {
namespace {

TEST(SeppGridModel, WindowEdgesAndWholeDaysMatchTheDirectFit) {
  geo::Grid grid;
  grid.nx = 2;
  grid.ny = 1;
  grid.size = 100;
  grid.valid = {1, 1};
  const std::int64_t day = 86400, at = 1000 * day;
  EventSet ev;
  ev.resolution = TimeResolution::kMinute;
  // Window 10 days: [at - 10 d, at). Cell 0: exactly at the window start (t = 0, kept), 3.5 days
  // later (whole days: 3), one before the window (dropped). Cell 1: one event 8.75 days in (8).
  ev.push_back(at - 11 * day, 50, 50, "c", 1);
  ev.push_back(at - 10 * day, 50, 50, "c", 2);
  ev.push_back(at - 10 * day + 3 * day + day / 2, 60, 50, "c", 3);
  ev.push_back(at - day + day / 4 - day / 2, 150, 50, "c", 4);
  ev.sort_by_time();
  const auto s = make_model("sepp-grid", "compat=lum-isaac,window=10d")->forecast(ev, grid, at);
  const std::vector<std::vector<double>> cells = {{0, 3}, {8}};
  const auto fit = fit_sepp_grid(cells, 10, lum_isaac_em_options());
  const auto lambda = sepp_grid_intensity(fit, cells, 10);
  EXPECT_EQ(s.risk, lambda);
  EXPECT_TRUE(s.is_rate);
  EXPECT_EQ(s.rate_period_seconds, day);
  // Exact times (no compat): cell 0 at 0 and 3.5 days.
  const auto exact = make_model("sepp-grid", "window=10d")->forecast(ev, grid, at);
  const std::vector<std::vector<double>> cells2 = {{0, 3.5}, {8.75}};
  EXPECT_EQ(exact.risk,
            sepp_grid_intensity(fit_sepp_grid(cells2, 10, SeppGridOptions{}), cells2, 10));
  ev.resolution = TimeResolution::kMonth;
  EXPECT_THROW(make_model("sepp-grid")->forecast(ev, grid, at), ConfigError);
  EXPECT_THROW(make_model("sepp-grid", "stop=sometimes"), ConfigError);
}

}  // namespace
}  // namespace scrutineer::forecast

namespace scrutineer::forecast {
namespace {

TEST(SeppGridSums, ForwardSumsMatchDirectSumsOverLaterEvents) {
  Rng rng(23);
  for (int trial = 0; trial < 10; ++trial) {
    std::vector<double> t(150);
    for (auto& v : t) v = trial % 2 ? rng.uniform(0, 200) : std::floor(rng.uniform(0, 200));
    std::sort(t.begin(), t.end());
    const double omega = 0.02 + rng.uniform(0, 0.4);
    std::vector<double> f, g;
    sepp_grid_forward_sums(t, omega, f, g);
    ASSERT_EQ(f.size(), t.size());
    for (std::size_t i = 0; i < t.size(); ++i) {
      double df = 0, dg = 0;
      for (std::size_t j = 0; j < t.size(); ++j) {
        if (!(t[j] > t[i])) continue;  // strictly later: same-time pairs never trigger
        df += std::exp(-omega * (t[j] - t[i]));
        dg += (t[j] - t[i]) * std::exp(-omega * (t[j] - t[i]));
      }
      EXPECT_NEAR(f[i], df, 1e-12 * std::max(1.0, df)) << trial << " " << i;
      EXPECT_NEAR(g[i], dg, 1e-12 * std::max(1.0, dg)) << trial << " " << i;
    }
  }
}

TEST(SeppGridFit, AsCodedEStepByHand) {
  // Cell times {0, 1, 3}, T = 4, theta = omega = mu = 1. Intensities: lambda_0 = 1,
  // lambda_1 = 1 + e^-1 = 1.3678794, lambda_2 = 1 + e^-2 + e^-3 = 1.1851224.
  // predpol.py's matrix: rows children 1, 2; columns parents 0, 1; denom = (lambda_1, lambda_2).
  // Broadcasting divides column 0 (parent 0: e^-1 for child 1, e^-3 for child 2) by lambda_1 and
  // column 1 (parent 1: e^-2 for child 2) by lambda_2:
  //   sum p = (e^-1 + e^-3) / lambda_1 + e^-2 / lambda_2 = 0.3053387 + 0.1141952 = 0.4195339
  //   sum p dt = (e^-1 + 3 e^-3) / lambda_1 + 2 e^-2 / lambda_2 = 0.3781332 + 0.2283904 = 0.6065236
  // (exact: sum p = e^-1 / lambda_1 + (e^-2 + e^-3) / lambda_2 = 0.2689414 + 0.1562053 =
  // 0.4251467). Background as in exact: 1 + 1 / lambda_1 + 1 / lambda_2 = 2.5748533. M-step: mu
  // = 2.5748533 / 4, theta = 0.4195339 / 3, omega = 0.4195339 / 0.6065236 = 0.6917025.
  const double e1 = std::exp(-1.0), e2 = std::exp(-2.0), e3 = std::exp(-3.0);
  const double l1 = 1 + e1, l2 = 1 + e2 + e3;
  const double trig = (e1 + e3) / l1 + e2 / l2, trig_dt = (e1 + 3 * e3) / l1 + 2 * e2 / l2;
  EXPECT_NEAR(trig, 0.4195339, 1e-7);
  EXPECT_NEAR(trig / trig_dt, 0.6917025, 1e-7);
  SeppGridOptions o;
  o.max_iterations = 1;
  o.e_step = SeppGridEStep::kAsCoded;
  const auto fit = fit_sepp_grid({{0.0, 1.0, 3.0}, {}}, 4.0, o);
  EXPECT_NEAR(fit.mu[0], (1 + 1 / l1 + 1 / l2) / 4, 1e-15);
  EXPECT_NEAR(fit.theta, trig / 3, 1e-15);
  EXPECT_NEAR(fit.omega, trig / trig_dt, 1e-14);
  o.e_step = SeppGridEStep::kExact;
  const auto exact = fit_sepp_grid({{0.0, 1.0, 3.0}, {}}, 4.0, o);
  EXPECT_NEAR(exact.theta, (e1 / l1 + (e2 + e3) / l2) / 3, 1e-15);
  EXPECT_GT(std::abs(exact.theta - fit.theta), 1e-3);
}

TEST(SeppGridFit, AsCodedEqualsExactWithAtMostTwoEventsPerCell) {
  // With two events the only column is parent 0, divided by lambda_1, its only child's intensity:
  // the broadcasting error needs a parent with two children to show. Ties: {4, 4} never trigger.
  const std::vector<std::vector<double>> data = {{0, 2}, {5}, {}, {1, 7.5}, {4, 4}};
  SeppGridOptions o;
  const auto exact = fit_sepp_grid(data, 10, o);
  o.e_step = SeppGridEStep::kAsCoded;
  const auto coded = fit_sepp_grid(data, 10, o);
  EXPECT_EQ(exact.iterations, coded.iterations);
  EXPECT_NEAR(exact.theta, coded.theta, 1e-14);
  EXPECT_NEAR(exact.omega, coded.omega, 1e-12);
  for (std::size_t n = 0; n < data.size(); ++n) EXPECT_NEAR(exact.mu[n], coded.mu[n], 1e-14);
}

TEST(SeppGridModel, EStepParameter) {
  geo::Grid grid;
  grid.nx = 1;
  grid.ny = 1;
  grid.size = 100;
  grid.valid = {1};
  const std::int64_t day = 86400, at = 1000 * day;
  EventSet ev;
  ev.resolution = TimeResolution::kDay;
  for (const int d : {20, 19, 17, 12, 11}) ev.push_back(at - d * day, 50, 50, "c", d);
  ev.sort_by_time();
  // Days from the window start (at - 30 d): 10, 11, 13, 18, 19.
  const std::vector<std::vector<double>> cells = {{10, 11, 13, 18, 19}};
  auto o = lum_isaac_em_options();
  o.e_step = SeppGridEStep::kAsCoded;
  const auto s = make_model("sepp-grid", "compat=lum-isaac,window=30d,e_step=as-coded")
                     ->forecast(ev, grid, at);
  EXPECT_EQ(s.risk, sepp_grid_intensity(fit_sepp_grid(cells, 30, o), cells, 30));
  const auto exact = make_model("sepp-grid", "compat=lum-isaac,window=30d")->forecast(ev, grid, at);
  EXPECT_NE(exact.risk, s.risk);
  EXPECT_THROW(make_model("sepp-grid", "e_step=broadcast"), ConfigError);
  EXPECT_THROW(parse_sepp_grid_e_step("Exact", "--e-step"), ConfigError);
  EXPECT_EQ(parse_sepp_grid_e_step("as-coded", "--e-step"), SeppGridEStep::kAsCoded);
}

}  // namespace
}  // namespace scrutineer::forecast
