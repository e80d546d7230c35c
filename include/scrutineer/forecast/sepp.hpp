// Continuous self-exciting point process fitted by stochastic declustering with variable-bandwidth
// kernel density estimates: Mohler, Short, Brantingham, Schoenberg & Tita (2011), JASA 106(493).
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace scrutineer::forecast {

// How the kernel density sums are taken: exactly (the default; the same bits whatever the thread
// count), or fast: e^x by a table and a polynomial and the terms summed in another order, every
// kernel value within a stated relative error of the exact one (docs/forecast.md).
enum class KernelSums { kExact, kFast };

struct SeppOptions {
  int iterations = 40;           // declustering iterations (open_cp SEPPTrainer.train: 40)
  int k_time = 100;              // k-th neighbour for the background's time kernel nu(t)
  int k_space = 15;              // k-th neighbour for the background's space kernel mu(x, y)
  int k_trigger = 15;            // k-th neighbour for the triggering kernel g(dt, dx, dy)
  double time_cutoff = 120;      // days: a pair triggers only when 0 < dt < this
  double space_cutoff = 500;     // metres: ... and distance < this
  double init_time_scale = 0.1;  // days: initial p uses e^(-dt / scale) (Rosser & Cheng)
  double init_space_sd = 50;     // metres: ... times e^(-d^2 / (2 sd^2))
  double kernel_sds = 5;         // each Gaussian is truncated at this Mahalanobis radius
  KernelSums kernel_sums = KernelSums::kExact;
  std::uint64_t seed = 1;
  // open_cp's conventions, each switchable (docs/forecast.md says which is right and why):
  // cutoffs=open_cp: a pair exists in the fit when dt <= time_cutoff and distance <= space_cutoff
  // (open_cp's p_matrix_fast) instead of both strict (the forecast is strict either way, as
  // open_cp's make_space_kernel).
  bool inclusive_cutoffs = false;
  // same_instant=open_cp: an earlier event (in the input order) at the same instant may be a
  // parent, with delay 0 (open_cp's p_matrix takes every earlier row).
  bool same_instant_triggers = false;
  // background_time=as-coded: the forecast's background uses nu at the forecast time (what
  // open_cp's SEPPPredictor.predict passes) instead of nu's average over the middle half of the
  // training span (what its docstring and AverageTimeAdjustedKernel say).
  bool nu_at_forecast_time = false;
};

// Events in model units: t in days (sorted ascending), x and y in metres.
struct SeppPoints {
  std::vector<double> t, x, y;
  std::size_t size() const { return t.size(); }
};

// A sum of axis-aligned Gaussians, each truncated at `reach` standard deviations, looked up
// through a bucket grid so that an evaluation visits only the components that reach the point.
// value(q) = scale / M * sum_m prod_d N(q_d; centre_md, sd_md^2) over the M components.
class KernelSum {
 public:
  KernelSum() = default;
  // `centres` and `sds` hold M points of `dims` coordinates each, point-major.
  // `fast` takes the sums as kernel_sums=fast (evaluate_fast).
  KernelSum(int dims, std::vector<double> centres, std::vector<double> sds, double scale,
            double reach, bool fast = false);
  double operator()(const double* q) const;
  std::size_t components() const { return count_; }
  double scale() const { return scale_; }

 private:
  template <std::size_t D>
  double evaluate(const double* q) const;
  template <std::size_t D>
  double evaluate_fast(const double* q) const;
  template <std::size_t D>
  double term(const double* q, std::size_t m, double r2) const;
  template <std::size_t D>
  double z2(const double* q, std::size_t m) const;  // component m's z^2 at q
  template <std::size_t D>
  std::int64_t bucket_of(const double* q) const;      // q's bucket, -1 when outside every reach
  void size_buckets(const std::vector<double>& sds);  // lo_, side_, n_
  void fill_buckets(const std::vector<double>& sds);  // start_, index_, wide_
  void group_wide();                                  // wide_distinct_, wide_slot_

  int dims_ = 0;
  bool fast_ = false;
  std::size_t count_ = 0;
  double scale_ = 0, reach_ = 0;
  std::vector<double> centre_, inv_sd_, norm_;
  std::vector<double> lo_, side_;
  std::vector<std::int64_t> n_;
  std::vector<std::size_t> start_;  // bucket b's components: index_[start_[b] .. start_[b + 1])
  std::vector<std::uint32_t> index_;
  std::vector<std::uint32_t> wide_;           // components too wide to list per bucket
  std::vector<std::uint32_t> wide_distinct_;  // one wide component per distinct centre and sds
  std::vector<std::uint32_t> wide_slot_;      // wide_[w] is like wide_distinct_[wide_slot_[w]]
  std::vector<double> wide_count_;            // how many wide components are like each distinct one
  // kernel_sums=fast in 1-D: centre, inverse sd and norm of index_[k] at k (bucket order).
  std::vector<double> listed_centre_, listed_inv_sd_, listed_norm_;
};

// e^x for -708 < x <= 0 within a relative error of kApproximateExpError (below -708, e^-708 =
// 3.3e-308), without a call into the C library: range reduction by ln 2 (Cody & Waite 1980) and a
// Taylor polynomial of degree 11 (docs/forecast.md derives the bound). kernel_sums=fast's sums use
// a cheaper table-driven variant within 4u (exp_table_quad, src/forecast/approximate_exp.hpp),
// inside this bound.
double approximate_exp(double x);
inline constexpr double kApproximateExpError = 2e-14;

// kernel_sums=fast: a KernelSum of `terms` components is within this relative error of the exact
// one: each term within kApproximateExpError plus two roundings, and the rounding of two
// summation orders of positive terms and of the scaling (docs/forecast.md derives it).
constexpr double fast_kernel_error(std::size_t terms) {
  return kApproximateExpError + (2 * static_cast<double>(terms) + 6) * 0x1p-53;
}

// Variable bandwidths as in Mohler et al. (2011), appendix, and open_cp's
// kth_nearest_neighbour_gaussian_kde: each coordinate is divided by its sample standard deviation
// s_d (n - 1 denominator), D_i = distance from point i to its k-th nearest other point in those
// units (k = min(k, n - 1); D_i = 0 becomes 1), and point i's Gaussian has sd D_i s_d in
// coordinate d. A coordinate whose s_d is undefined (n < 2) or below 1e-8 uses `fallback_sd[d]`.
// Returns the sds, point-major.
std::vector<double> knn_bandwidths(int dims, const std::vector<double>& points, int k,
                                   const std::vector<double>& fallback_sd);

// Candidate (parent i, child j) pairs within the cut-offs, grouped by child: the parents of j are
// parent[start[j] .. start[j + 1]), ascending. Found through a spatial bucket grid of side
// space_cutoff and a time-sorted scan: memory is proportional to the number of pairs. Strict
// (0 < dt < time_cutoff, distance < space_cutoff) by default; `inclusive` keeps dt <= time_cutoff
// (within 1e-9 of the unit, so that rounding of the times cannot decide) and distance <=
// space_cutoff; `same_instant` also pairs j with every earlier index i at the same time (dt = 0).
struct SeppPairs {
  std::vector<std::size_t> start;
  std::vector<std::uint32_t> parent;
};
SeppPairs sepp_pairs(const SeppPoints& points, double time_cutoff, double space_cutoff,
                     bool inclusive = false, bool same_instant = false);

struct SeppFit {
  SeppPairs pairs;
  std::vector<double> p_background;  // p_jj of the last E-step
  std::vector<double> p_pair;        // p_ij, aligned with pairs.parent
  KernelSum nu;                      // background time kernel, scale = number of background
  KernelSum mu;                      // background space kernel, scale 1 (a density)
  KernelSum g;                       // triggering kernel, scale = triggered / N
  double nu_average = 0;             // mean of nu over the middle half of [0, t_last]
  std::size_t sampled_background = 0, sampled_triggered = 0;  // the last iteration's sample
  // Summaries of the last E-step: sum p_ij / N, and the p-weighted mean delay (days) and spatial
  // sd sqrt(sum p_ij (dx^2 + dy^2) / (2 sum p_ij)) (metres) over the pairs.
  double triggered_share = 0, mean_delay = 0, spatial_sd = 0;
};

// Fits the model. `points.t` must be sorted (ConfigError otherwise). iterations = 0 returns the
// initial probabilities (and no kernels). Results do not depend on the thread count.
SeppFit fit_sepp(const SeppPoints& points, const SeppOptions& options);

// lambda(t, x, y) = nu_average mu(x, y) + sum_{0 < t - t_i < time cutoff, |x - x_i| < space
// cutoff} g(t - t_i, x - x_i, y - y_i) at each query point (qx[q], qy[q]), events per day per
// square metre; the background's time factor is replaced by its average (open_cp's
// AverageTimeAdjustedKernel) because a KDE in time cannot extrapolate past the last event; with
// options.nu_at_forecast_time, nu(t) itself (open_cp's SEPPPredictor.predict as coded).
std::vector<double> sepp_intensity(const SeppFit& fit, const SeppPoints& points,
                                   const SeppOptions& options, double t,
                                   const std::vector<double>& qx, const std::vector<double>& qy);

}  // namespace scrutineer::forecast
