// Grid self-exciting point process on per-cell event times, fitted by EM: Mohler et al. (2015),
// JASA 110(512) (the model behind PredPol), with Lum & Isaac's (2016) replication settings.
#pragma once

#include <cstddef>
#include <string_view>
#include <vector>

namespace scrutineer::forecast {

// When the EM stops: Lum & Isaac's loop stops as soon as ANY one of the three changes is below its
// tolerance; the usual rule waits for ALL of them.
enum class SeppGridStop { kAll, kAny };

// How the E-step normalises the triggering weights (docs/methods.md, "Lum & Isaac as coded").
// kExact: Mohler et al. (2015) eq. 4, p_ij = theta omega e^(-omega (t_j - t_i)) / lambda(t_j), each
// child's weights divided by the child's own intensity. kAsCoded: Lum & Isaac's predpol.py, where
// `pij[n] / denom` broadcasts the vector of children's intensities along the parents' axis, so
// p_ij is divided by lambda(t_{i+1}), the intensity at the event that follows the parent i in the
// cell (background weights p_jj are as in kExact).
enum class SeppGridEStep { kExact, kAsCoded };

// "exact" or "as-coded" (the names of the sepp-grid parameter e_step and the --e-step flags);
// ConfigError naming `what` otherwise.
SeppGridEStep parse_sepp_grid_e_step(std::string_view name, std::string_view what);

// The E-step's arithmetic. kExact: glibc's exp and three divisions per time group, the same bits
// whatever the thread count or processor (the default). kFast (opt-in): e^(-omega D) by
// exp_taylor (a polynomial, four at a time), one reciprocal of lambda multiplied in, and a group's
// events multiplied instead of added one by one; every E-step sum and M-step estimate of one
// iteration within sepp_grid_fast_error of the exact one (docs/forecast.md, sepp-grid); the
// intensity's terms by exp_taylor too. Only the exact E-step (e_step = exact) has a fast form.
enum class SeppGridArithmetic { kExact, kFast };

// "exact" or "fast" (the sepp-grid parameter arithmetic); ConfigError naming `what` otherwise.
SeppGridArithmetic parse_sepp_grid_arithmetic(std::string_view name, std::string_view what);

// arithmetic=fast: one E+M iteration from the same theta, omega and mu gives each mu_n, theta and
// omega within this relative error of the exact iteration's, for a fit whose cells have at most
// `later_groups` distinct event times after their first and `events` events in all:
// 4 L (delta + 10 u) + (4 N + 40) u, delta = kApproximateExpError, u = 2^-53 (docs/forecast.md
// derives it).
double sepp_grid_fast_error(std::size_t later_groups, std::size_t events);

// How the EM moves between iterations. kNone: x = F(x), the plain EM (the default). kSquarem
// (opt-in): SQUAREM's SqS3 extrapolation (Varadhan & Roland 2008, Scand. J. Statist. 35(2),
// 335-353) with a residual safeguard, stopping at the first iteration whose changes are within the
// same tolerances; its fits differ from the plain EM's by about the tolerances (docs/forecast.md).
enum class SeppGridAccelerate { kNone, kSquarem };

// "none" or "squarem" (the sepp-grid parameter accelerate); ConfigError naming `what` otherwise.
SeppGridAccelerate parse_sepp_grid_accelerate(std::string_view name, std::string_view what);

struct SeppGridOptions {
  // Starting values (Lum & Isaac: theta = omega = mu_n = 1).
  double theta0 = 1.0;
  double omega0 = 1.0;
  double mu0 = 1.0;
  // Tolerances on |delta theta|, |delta omega| and sum_n |delta mu_n| between two iterations.
  double tol_theta = 1e-5;
  double tol_omega = 1e-5;
  double tol_mu = 1e-4;
  SeppGridStop stop = SeppGridStop::kAll;
  SeppGridEStep e_step = SeppGridEStep::kExact;
  SeppGridArithmetic arithmetic = SeppGridArithmetic::kExact;
  SeppGridAccelerate accelerate = SeppGridAccelerate::kNone;
  int max_iterations = 1000;
  // Pairs of events of one cell at exactly equal times always get zero triggering weight (with
  // times in whole days this is Lum & Isaac's same-day rule); otherwise ties make the likelihood
  // unbounded. false: the paper's M-step (theta = sum p_ij / N, omega = sum p_ij / sum p_ij (t_j -
  // t_i)), as in Lum & Isaac's code. true: Daws's edge-corrected M-step, which accounts for
  // offspring that would fall after the window end T (theta divides by sum_i (1 - e^(-omega (T -
  // t_i)))).
  bool edge_corrected = false;
  // Whether fit_sepp_grid computes SeppGridFit::log_likelihood (one more E-step with a log and an
  // exp per event); the sepp-grid model's forecast, which reads theta, omega and mu only, does not.
  bool log_likelihood = true;
  // Threads come from the caller's ThreadLimit; results do not depend on it.
};

struct SeppGridFit {
  double theta = 0.0;
  double omega = 0.0;
  std::vector<double> mu;  // per cell, events per time unit
  int iterations = 0;
  bool converged = false;
  double log_likelihood = 0.0;  // at the returned parameters (NaN when not asked for)
};

// Throws ConfigError when the options cannot go together: arithmetic=fast needs e_step=exact
// (checked by fit_sepp_grid, and by the model's parameters before any data is read).
void check_sepp_grid_options(const SeppGridOptions& options);

// Fits the model on `cell_times[n]` = the event times of cell n (model time units measured from the
// window start, sorted ascending, each in [0, window_length)). `warm_start` (same number of cells)
// replaces the starting values, e.g. for daily refits. Cells with no events get mu = 0.
// Throws ConfigError on unsorted times, window_length <= 0, a warm start of the wrong size or
// options that cannot go together (check_sepp_grid_options).
SeppGridFit fit_sepp_grid(const std::vector<std::vector<double>>& cell_times, double window_length,
                          const SeppGridOptions& options, const SeppGridFit* warm_start = nullptr);

// lambda_n(t) = mu_n + theta omega sum_{t_i < t} e^(-omega (t - t_i)) per cell (Mohler et al. 2015,
// eq. 1), over the events of cell_times[n] strictly before t. kFast: the terms by exp_taylor, each
// cell's lambda within sepp_grid_fast_intensity_error(its events) of the exact one.
std::vector<double> sepp_grid_intensity(const SeppGridFit& fit,
                                        const std::vector<std::vector<double>>& cell_times,
                                        double t,
                                        SeppGridArithmetic arithmetic = SeppGridArithmetic::kExact);

// arithmetic=fast: the relative error of a cell's intensity over n earlier events,
// delta + (2 n + 6) u (docs/forecast.md), besides terms whose exact value is below 3.3e-308.
double sepp_grid_fast_intensity_error(std::size_t n);

// The O(N) running sums of one cell (DESIGN.md) over the events strictly earlier than each event:
// s[j] = sum_{t_i < t_j} e^(-omega (t_j - t_i)), b[j] = sum_{t_i < t_j} (t_j - t_i) e^(-omega (t_j
// - t_i)). Exposed so tests can check them against the direct O(N^2) sums.
void sepp_grid_running_sums(const std::vector<double>& times, double omega, std::vector<double>& s,
                            std::vector<double>& b);

// The forward sums over the events strictly LATER than each event (the as-coded E-step's column
// sums): f[i] = sum_{t_j > t_i} e^(-omega (t_j - t_i)), g[i] = sum_{t_j > t_i} (t_j - t_i)
// e^(-omega (t_j - t_i)); O(N), the running sums of the reversed, negated times.
void sepp_grid_forward_sums(const std::vector<double>& times, double omega, std::vector<double>& f,
                            std::vector<double>& g);

}  // namespace scrutineer::forecast
