// Confusion-matrix rates (Aequitas names) and the tests behind disparities: two-proportion z,
// Fisher's exact (Agresti 2013, Categorical Data Analysis, §3.1 and §3.5) and Wilson's interval.
#include "scrutineer/scores/metrics.hpp"

#include <algorithm>
#include <cmath>

#include "scrutineer/core/error.hpp"

namespace scrutineer::scores {

std::string_view metric_name(Metric metric) {
  switch (metric) {
    case Metric::kTpr:
      return "tpr";
    case Metric::kTnr:
      return "tnr";
    case Metric::kFpr:
      return "fpr";
    case Metric::kFnr:
      return "fnr";
    case Metric::kPpv:
      return "precision";
    case Metric::kNpv:
      return "npv";
    case Metric::kFdr:
      return "fdr";
    case Metric::kFor:
      return "for";
    case Metric::kPprev:
      return "pprev";
    case Metric::kPpr:
      return "ppr";
    case Metric::kPrev:
      return "prev";
    case Metric::kAccuracy:
      return "accuracy";
  }
  throw InternalError("unknown metric");
}

bool metric_needs_outcome(Metric metric) {
  return metric != Metric::kPprev && metric != Metric::kPpr;
}

Fraction metric_fraction(Metric metric, const Confusion& c, std::int64_t all_predicted_positive) {
  switch (metric) {
    case Metric::kTpr:
      return {c.tp, c.tp + c.fn};
    case Metric::kTnr:
      return {c.tn, c.tn + c.fp};
    case Metric::kFpr:
      return {c.fp, c.fp + c.tn};
    case Metric::kFnr:
      return {c.fn, c.fn + c.tp};
    case Metric::kPpv:
      return {c.tp, c.tp + c.fp};
    case Metric::kNpv:
      return {c.tn, c.tn + c.fn};
    case Metric::kFdr:
      return {c.fp, c.fp + c.tp};
    case Metric::kFor:
      return {c.fn, c.fn + c.tn};
    case Metric::kPprev:
      return {c.tp + c.fp, c.n()};
    case Metric::kPpr:
      return {c.tp + c.fp, all_predicted_positive};
    case Metric::kPrev:
      return {c.tp + c.fn, c.n()};
    case Metric::kAccuracy:
      return {c.tp + c.tn, c.n()};
  }
  throw InternalError("unknown metric");
}

double normal_cdf(double x) { return 0.5 * std::erfc(-x / std::sqrt(2.0)); }

double normal_quantile(double q) {
  if (!(q > 0.0 && q < 1.0)) throw InternalError("normal_quantile needs 0 < q < 1");
  double lo = -40.0, hi = 40.0;
  for (int i = 0; i < 200 && hi - lo > 1e-15; ++i) {
    const double mid = 0.5 * (lo + hi);
    (normal_cdf(mid) < q ? lo : hi) = mid;
  }
  return 0.5 * (lo + hi);
}

std::optional<double> two_proportion_z_p(std::int64_t x1, std::int64_t n1, std::int64_t x2,
                                         std::int64_t n2) {
  if (n1 <= 0 || n2 <= 0) return std::nullopt;
  const double p1 = static_cast<double>(x1) / static_cast<double>(n1);
  const double p2 = static_cast<double>(x2) / static_cast<double>(n2);
  const double pooled = static_cast<double>(x1 + x2) / static_cast<double>(n1 + n2);
  const double se = std::sqrt(pooled * (1.0 - pooled) *
                              (1.0 / static_cast<double>(n1) + 1.0 / static_cast<double>(n2)));
  if (!(se > 0.0)) return std::nullopt;
  const double z = (p1 - p2) / se;
  return std::erfc(std::fabs(z) / std::sqrt(2.0));  // 2 (1 − Φ(|z|))
}

namespace {
double log_choose(std::int64_t n, std::int64_t k) {
  return std::lgamma(static_cast<double>(n) + 1.0) - std::lgamma(static_cast<double>(k) + 1.0) -
         std::lgamma(static_cast<double>(n - k) + 1.0);
}
}  // namespace

double fisher_exact_p(std::int64_t a, std::int64_t b, std::int64_t c, std::int64_t d) {
  if (a < 0 || b < 0 || c < 0 || d < 0) throw InternalError("negative count in a 2x2 table");
  const std::int64_t row1 = a + b, row2 = c + d, col1 = a + c, n = a + b + c + d;
  if (n == 0) return 1.0;
  // Hypergeometric log-probability of x in the top-left cell with the margins fixed.
  auto log_p = [&](std::int64_t x) {
    return log_choose(row1, x) + log_choose(row2, col1 - x) - log_choose(n, col1);
  };
  const double observed = log_p(a);
  const std::int64_t lo = std::max<std::int64_t>(0, col1 - row2);
  const std::int64_t hi = std::min(row1, col1);
  double total = 0.0;
  for (std::int64_t x = lo; x <= hi; ++x) {
    const double lp = log_p(x);
    if (lp <= observed + std::log1p(1e-7)) total += std::exp(lp);
  }
  return std::min(1.0, total);
}

Interval wilson_interval(std::int64_t x, std::int64_t n, double z) {
  if (n <= 0) return {0.0, 1.0};
  const double nn = static_cast<double>(n), xx = static_cast<double>(x), z2 = z * z;
  const double centre = (xx + z2 / 2.0) / (nn + z2);
  const double half = z / (nn + z2) * std::sqrt(xx * (nn - xx) / nn + z2 / 4.0);
  return {std::max(0.0, centre - half), std::min(1.0, centre + half)};
}

}  // namespace scrutineer::scores
