// Confusion-matrix rates with the names Aequitas (Saleiro et al. 2018, arXiv:1811.05577) and
// Fairlearn use, and the tests behind the disparities (two-proportion z, Fisher's exact, Wilson).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

namespace scrutineer::scores {

struct Confusion {
  std::int64_t tp = 0, fp = 0, tn = 0, fn = 0;
  std::int64_t n() const { return tp + fp + tn + fn; }
  std::int64_t predicted_positive() const { return tp + fp; }
  std::int64_t predicted_negative() const { return tn + fn; }
  std::int64_t positive() const { return tp + fn; }
  std::int64_t negative() const { return tn + fp; }
};

// Every rate is numerator / denominator of people; `ppr` needs the total of predicted positives.
enum class Metric {
  kTpr,       // tp / (tp + fn): recall, sensitivity; Fairlearn true_positive_rate
  kTnr,       // tn / (tn + fp): specificity
  kFpr,       // fp / (fp + tn); Fairlearn false_positive_rate
  kFnr,       // fn / (fn + tp)
  kPpv,       // tp / (tp + fp): precision
  kNpv,       // tn / (tn + fn)
  kFdr,       // fp / (tp + fp)
  kFor,       // fn / (tn + fn)
  kPprev,     // (tp + fp) / n: predicted prevalence; Fairlearn selection_rate
  kPpr,       // (tp + fp) / all predicted positives: share of all positives
  kPrev,      // (tp + fn) / n: prevalence (base rate)
  kAccuracy,  // (tp + tn) / n
};
inline constexpr std::array<Metric, 12> kAllMetrics = {
    Metric::kTpr, Metric::kTnr, Metric::kFpr,   Metric::kFnr, Metric::kPpv,  Metric::kNpv,
    Metric::kFdr, Metric::kFor, Metric::kPprev, Metric::kPpr, Metric::kPrev, Metric::kAccuracy};
// Metrics that need no outcome (a list or unlabelled scores).
inline constexpr std::array<Metric, 2> kSelectionMetrics = {Metric::kPprev, Metric::kPpr};

std::string_view metric_name(Metric metric);  // Aequitas column name: "tpr", "pprev", ...
bool metric_needs_outcome(Metric metric);

struct Fraction {
  std::int64_t numerator = 0;
  std::int64_t denominator = 0;
  // nullopt when the denominator is 0.
  std::optional<double> value() const {
    if (denominator == 0) return std::nullopt;
    return static_cast<double>(numerator) / static_cast<double>(denominator);
  }
};

// `all_predicted_positive` is the total over every group of the attribute (for ppr).
Fraction metric_fraction(Metric metric, const Confusion& c, std::int64_t all_predicted_positive);

// Standard normal distribution function, Φ(x) = erfc(−x/√2)/2.
double normal_cdf(double x);
// Its inverse for q in (0, 1), by bisection to machine precision.
double normal_quantile(double q);

// Two-sided p-value of the pooled two-proportion z-test of x1/n1 = x2/n2 (Agresti 2013,
// Categorical Data Analysis, 3rd ed., §3.1). nullopt when undefined (a zero total or no variance).
std::optional<double> two_proportion_z_p(std::int64_t x1, std::int64_t n1, std::int64_t x2,
                                         std::int64_t n2);

// Two-sided p-value of Fisher's exact test on the 2×2 table [[a, b], [c, d]] (Agresti 2013,
// §3.5.1): the sum of hypergeometric probabilities no larger than the observed one (relative
// tolerance 1e-7, as R's fisher.test).
double fisher_exact_p(std::int64_t a, std::int64_t b, std::int64_t c, std::int64_t d);

struct Interval {
  double lo = 0.0, hi = 0.0;
};
// Wilson score interval for x successes of n (Wilson 1927, JASA 22(158)); z = 1.959964 for 95%.
Interval wilson_interval(std::int64_t x, std::int64_t n, double z = 1.959963984540054);

}  // namespace scrutineer::scores
