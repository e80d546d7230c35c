// Seeded percentile bootstrap over periods (Efron & Tibshirani 1993, ch. 13): periods are resampled
// with replacement, pooled ratios recomputed; paired resampling for differences between models.
#pragma once

#include <cstdint>
#include <vector>

namespace scrutineer::evaluate {

struct BootstrapOptions {
  int replicates = 1000;  // as disparity's and scores' (one default through every front end)
  double level = 0.95;    // two-sided interval
  std::uint64_t seed = 1;
};

struct Interval {
  double estimate = 0;  // the statistic on the data as observed
  double lo = 0, hi = 0;
};

// Pooled ratio sum(num) / sum(den) over periods (e.g. captured / events: the pooled hit rate).
// Replicate r draws its periods from Rng(seed, r), so results do not depend on thread count.
Interval bootstrap_pooled_ratio(const std::vector<double>& num, const std::vector<double>& den,
                                const BootstrapOptions& options);

// Difference of two pooled ratios on the same periods (a minus b), with the periods resampled
// jointly (paired), as a model and a baseline are scored on the same days.
Interval bootstrap_pooled_ratio_difference(const std::vector<double>& num_a,
                                           const std::vector<double>& den_a,
                                           const std::vector<double>& num_b,
                                           const std::vector<double>& den_b,
                                           const BootstrapOptions& options);

// Mean of per-period values, ignoring NaN (e.g. PEI of periods with events).
Interval bootstrap_mean(const std::vector<double>& values, const BootstrapOptions& options);

}  // namespace scrutineer::evaluate
