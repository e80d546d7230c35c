// EM fit of the grid self-exciting point process: Mohler et al. (2015), JASA 110(512), eq. (1)-(6),
// in O(N) per cell through the exponential kernel's running sums (DESIGN.md), and Lum & Isaac's
// (2016) replication settings (stop rule, starting values, same-day pairs).
#include <fmt/format.h>
#include <tbb/parallel_for.h>

#include <algorithm>
#include <cmath>

#include "scrutineer/core/error.hpp"
#include "scrutineer/forecast/sepp_grid.hpp"

namespace scrutineer::forecast {

void sepp_grid_running_sums(const std::vector<double>& times, double omega, std::vector<double>& s,
                            std::vector<double>& b) {
  const auto n = times.size();
  s.assign(n, 0.0);
  b.assign(n, 0.0);
  // S and B hold the sums for the current group of equal times over strictly earlier events; moving
  // from group time t' (m' events) to t, with D = t - t': S = e^(-wD)(S' + m'),
  // B = e^(-wD)(B' + D (S' + m')). With m' = 1 these are DESIGN.md's A_j and B_j; grouping ties
  // gives same-time pairs zero weight.
  double big_s = 0, big_b = 0, prev_t = 0, prev_m = 0;
  std::size_t j = 0;
  while (j < n) {
    std::size_t k = j;
    while (k < n && times[k] == times[j]) ++k;
    if (j > 0) {
      const double delta = times[j] - prev_t;
      const double decay = std::exp(-omega * delta);
      big_b = decay * (big_b + delta * (big_s + prev_m));
      big_s = decay * (big_s + prev_m);
    }
    for (auto i = j; i < k; ++i) {
      s[i] = big_s;
      b[i] = big_b;
    }
    prev_t = times[j];
    prev_m = static_cast<double>(k - j);
    j = k;
  }
}

void sepp_grid_forward_sums(const std::vector<double>& times, double omega, std::vector<double>& f,
                            std::vector<double>& g) {
  // Later events of t_i are the earlier events of -t_i on the reversed axis; negation and
  // reversal are exact, so f and g are the running sums' own numbers.
  thread_local std::vector<double> reversed;
  reversed.assign(times.rbegin(), times.rend());
  for (auto& t : reversed) t = -t;
  sepp_grid_running_sums(reversed, omega, f, g);
  std::reverse(f.begin(), f.end());
  std::reverse(g.begin(), g.end());
}

SeppGridEStep parse_sepp_grid_e_step(std::string_view name, std::string_view what) {
  if (name == "exact") return SeppGridEStep::kExact;
  if (name == "as-coded") return SeppGridEStep::kAsCoded;
  throw ConfigError(fmt::format("{} must be exact or as-coded; got '{}'", what, name));
}

namespace {

// One cell's E-step sums (Mohler et al. 2015, eq. 4-5) at the current parameters.
struct CellSums {
  double background = 0;    // sum_j p_jj
  double triggered = 0;     // sum_j sum_i p_ij
  double triggered_dt = 0;  // sum_j sum_i p_ij (t_j - t_i)
  double edge_mass = 0;     // sum_i (1 - e^(-w (T - t_i)))
  double edge_dt = 0;       // sum_i (T - t_i) e^(-w (T - t_i))
  double log_lambda = 0;    // sum_j log lambda(t_j)
};

// predpol.py's triggering sums: its (N-1) x (N-1) matrix has children t_1..t_{N-1} as rows and
// parents t_0..t_{N-2} as columns, and `pij / denom` divides column i by denom[i] =
// lambda(t_{i+1}). Summing each column first, parent i contributes theta omega f[i] /
// lambda(t_{i+1}) to sum p_ij and theta omega g[i] / lambda(t_{i+1}) to sum p_ij (t_j - t_i), with
// f, g the forward sums: O(N) instead of the matrix's O(N^2).
void as_coded_triggering(const std::vector<double>& times, const std::vector<double>& s, double mu,
                         double tw, double omega, CellSums& out) {
  thread_local std::vector<double> f, g;
  sepp_grid_forward_sums(times, omega, f, g);
  for (std::size_t i = 0; i + 1 < times.size(); ++i) {
    const double lambda_next = mu + tw * s[i + 1];
    out.triggered += tw * f[i] / lambda_next;
    out.triggered_dt += tw * g[i] / lambda_next;
  }
}

CellSums e_step(const std::vector<double>& times, double mu, double theta, double omega, double T,
                SeppGridEStep kind) {
  CellSums out;
  if (times.empty()) return out;
  thread_local std::vector<double> s, b;
  sepp_grid_running_sums(times, omega, s, b);
  const double tw = theta * omega;
  const bool exact = kind == SeppGridEStep::kExact;
  if (!exact) as_coded_triggering(times, s, mu, tw, omega, out);
  for (std::size_t j = 0; j < times.size(); ++j) {
    const double lambda = mu + tw * s[j];
    if (lambda > 0) {
      out.background += mu / lambda;
      if (exact) {
        out.triggered += tw * s[j] / lambda;
        out.triggered_dt += tw * b[j] / lambda;
      }
      out.log_lambda += std::log(lambda);
    } else {
      out.background += 1;  // mu = 0 and no earlier event: only the background can explain it
      out.log_lambda = -INFINITY;
    }
    const double rest = T - times[j];
    const double decay = std::exp(-omega * rest);
    out.edge_mass += 1 - decay;
    out.edge_dt += rest * decay;
  }
  return out;
}

void check_input(const std::vector<std::vector<double>>& cell_times, double window_length,
                 const SeppGridFit* warm_start) {
  if (!(window_length > 0))
    throw ConfigError(fmt::format("sepp-grid: window length must be > 0; got {}", window_length));
  if (warm_start != nullptr && warm_start->mu.size() != cell_times.size())
    throw ConfigError(fmt::format("sepp-grid: warm start has {} cells, the data {}",
                                  warm_start->mu.size(), cell_times.size()));
  for (std::size_t n = 0; n < cell_times.size(); ++n)
    for (std::size_t j = 1; j < cell_times[n].size(); ++j)
      if (cell_times[n][j] < cell_times[n][j - 1])
        throw ConfigError(fmt::format("sepp-grid: the times of cell {} are not sorted", n));
}

std::vector<CellSums> e_step_all(const std::vector<std::vector<double>>& cell_times,
                                 const std::vector<double>& mu, double theta, double omega,
                                 double T, SeppGridEStep kind) {
  std::vector<CellSums> sums(cell_times.size());
  tbb::parallel_for(std::size_t{0}, cell_times.size(), [&](std::size_t n) {
    sums[n] = e_step(cell_times[n], mu[n], theta, omega, T, kind);
  });
  return sums;
}

double log_likelihood(const std::vector<CellSums>& sums, const std::vector<double>& mu,
                      double theta, double T) {
  // log L = sum_j log lambda(t_j) - sum_n mu_n T - theta sum_i (1 - e^(-w (T - t_i)))
  double ll = 0;
  for (std::size_t n = 0; n < sums.size(); ++n)
    ll += sums[n].log_lambda - mu[n] * T - theta * sums[n].edge_mass;
  return ll;
}

}  // namespace

SeppGridFit fit_sepp_grid(const std::vector<std::vector<double>>& cell_times, double window_length,
                          const SeppGridOptions& options, const SeppGridFit* warm_start) {
  check_input(cell_times, window_length, warm_start);
  const double T = window_length;
  const auto cells = cell_times.size();
  SeppGridFit fit;
  fit.theta = warm_start ? warm_start->theta : options.theta0;
  fit.omega = warm_start ? warm_start->omega : options.omega0;
  fit.mu.assign(cells, 0.0);
  double total = 0;
  for (std::size_t n = 0; n < cells; ++n) {
    if (cell_times[n].empty()) continue;  // no events: mu = 0, outside the sums (Lum & Isaac)
    total += static_cast<double>(cell_times[n].size());
    const double warm = warm_start ? warm_start->mu[n] : 0.0;
    fit.mu[n] = warm > 0 ? warm : options.mu0;
  }
  if (total == 0) {
    fit.converged = true;
    return fit;
  }
  for (fit.iterations = 0; fit.iterations < options.max_iterations;) {
    const auto sums = e_step_all(cell_times, fit.mu, fit.theta, fit.omega, T, options.e_step);
    ++fit.iterations;
    // Reduced in cell order, so the result does not depend on the thread count.
    double trig = 0, trig_dt = 0, edge_mass = 0, edge_dt = 0, dmu = 0;
    std::vector<double> mu(cells, 0.0);
    for (std::size_t n = 0; n < cells; ++n) {
      trig += sums[n].triggered;
      trig_dt += sums[n].triggered_dt;
      edge_mass += sums[n].edge_mass;
      edge_dt += sums[n].edge_dt;
      mu[n] = sums[n].background / T;  // mu_n = sum_j p_jj / T
      dmu += std::abs(mu[n] - fit.mu[n]);
    }
    double theta = 0, omega = fit.omega;
    if (trig > 0) {
      if (options.edge_corrected) {
        // Maximising the expected complete log-likelihood with the compensator
        // theta sum_i (1 - e^(-w (T - t_i))) (Daws's correction of the paper's eq. 6).
        theta = trig / edge_mass;
        omega = trig / (trig_dt + theta * edge_dt);
      } else {
        theta = trig / total;    // theta = sum p_ij / N
        omega = trig / trig_dt;  // omega = sum p_ij / sum p_ij (t_j - t_i)
      }
    }
    const bool small_theta = std::abs(theta - fit.theta) <= options.tol_theta;
    const bool small_omega = std::abs(omega - fit.omega) <= options.tol_omega;
    const bool small_mu = dmu <= options.tol_mu;
    fit.theta = theta;
    fit.omega = omega;
    fit.mu = std::move(mu);
    if (!std::isfinite(omega) || omega <= 0)
      throw InternalError(fmt::format("sepp-grid: the EM diverged (omega = {})", omega));
    const bool stop = options.stop == SeppGridStop::kAny ? (small_theta || small_omega || small_mu)
                                                         : (small_theta && small_omega && small_mu);
    if (stop) {
      fit.converged = true;
      break;
    }
  }
  fit.log_likelihood =
      log_likelihood(e_step_all(cell_times, fit.mu, fit.theta, fit.omega, T, options.e_step),
                     fit.mu, fit.theta, T);
  return fit;
}

std::vector<double> sepp_grid_intensity(const SeppGridFit& fit,
                                        const std::vector<std::vector<double>>& cell_times,
                                        double t) {
  if (fit.mu.size() != cell_times.size())
    throw ConfigError(fmt::format("sepp-grid: the fit has {} cells, the data {}", fit.mu.size(),
                                  cell_times.size()));
  std::vector<double> out(cell_times.size());
  const double tw = fit.theta * fit.omega;
  tbb::parallel_for(std::size_t{0}, cell_times.size(), [&](std::size_t n) {
    double sum = 0;  // lambda_n(t) = mu_n + theta w sum_{t_i < t} e^(-w (t - t_i))
    for (const double ti : cell_times[n])
      if (ti < t) sum += std::exp(-fit.omega * (t - ti));
    out[n] = fit.mu[n] + tw * sum;
  });
  return out;
}

}  // namespace scrutineer::forecast
