// Measures of a feedback loop: how far patrols drift from where crime truly happens and how
// concentrated they become (issue 6; Ensign et al. 2018, Lum & Isaac 2016).
#pragma once

#include <cstdint>
#include <vector>

namespace scrutineer::feedback {

// Total variation distance ½ Σ_i |p_i − q_i| between two distributions given as non-negative
// weights; each is normalised to sum 1 first (a vector of zeros counts as uniform).
double total_variation(const std::vector<double>& p, const std::vector<double>& q);

// Gini coefficient of non-negative values (0 = equal, (n − 1)/n = all in one), with the
// rank formula G = 2 Σ_i i x_(i) / (n Σ x) − (n + 1)/n over the values sorted ascending,
// i = 1..n. 0 when the sum is 0.
double gini(std::vector<double> values);

// The same for integer counts through a histogram of the counts (count_of[v] = how many items
// hold v), O(max count): used every simulated day on thousands of cells.
double gini_of_counts(const std::vector<std::int64_t>& count_of, std::int64_t items);

// Linear-interpolation quantile (Hyndman & Fan 1996, type 7); sorts `values`.
double quantile(std::vector<double> values, double q);

}  // namespace scrutineer::feedback
