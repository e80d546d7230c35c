// Measures of a feedback loop: total variation distance, Gini coefficient, quantiles.
#include "scrutineer/feedback/measures.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "scrutineer/core/error.hpp"

namespace scrutineer::feedback {

double total_variation(const std::vector<double>& p, const std::vector<double>& q) {
  if (p.size() != q.size() || p.empty())
    throw InternalError("total_variation: distributions of different or zero size");
  const double sp = std::accumulate(p.begin(), p.end(), 0.0);
  const double sq = std::accumulate(q.begin(), q.end(), 0.0);
  const double n = static_cast<double>(p.size());
  double sum = 0;
  for (std::size_t i = 0; i < p.size(); ++i) {
    const double a = sp > 0 ? p[i] / sp : 1 / n, b = sq > 0 ? q[i] / sq : 1 / n;
    sum += std::fabs(a - b);
  }
  return 0.5 * sum;
}

double gini(std::vector<double> values) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  const double n = static_cast<double>(values.size());
  double total = 0, ranked = 0;
  for (std::size_t i = 0; i < values.size(); ++i) {
    total += values[i];
    ranked += static_cast<double>(i + 1) * values[i];
  }
  if (total <= 0) return 0;
  return 2 * ranked / (n * total) - (n + 1) / n;
}

double gini_of_counts(const std::vector<std::int64_t>& count_of, std::int64_t items) {
  if (items <= 0) return 0;
  // Items holding value v occupy ranks first..first+m−1; their rank sum is m·first + m(m−1)/2.
  double total = 0, ranked = 0, first = 1;
  for (std::size_t v = 0; v < count_of.size(); ++v) {
    const auto m = static_cast<double>(count_of[v]);
    if (m == 0) continue;
    total += m * static_cast<double>(v);
    ranked += static_cast<double>(v) * (m * first + m * (m - 1) / 2);
    first += m;
  }
  if (total <= 0) return 0;
  const double n = static_cast<double>(items);
  return 2 * ranked / (n * total) - (n + 1) / n;
}

double quantile(std::vector<double> values, double q) {
  if (values.empty()) return std::nan("");
  std::sort(values.begin(), values.end());
  const double h = q * static_cast<double>(values.size() - 1);
  const auto lo = static_cast<std::size_t>(std::floor(h));
  const std::size_t hi = std::min(lo + 1, values.size() - 1);
  return values[lo] + (h - static_cast<double>(lo)) * (values[hi] - values[lo]);
}

}  // namespace scrutineer::feedback
