// Seeded percentile bootstrap over periods (Efron & Tibshirani 1993, "An Introduction to the
// Bootstrap", ch. 13). Each replicate has its own Rng stream; replicates run in parallel with TBB.
#include "scrutineer/evaluate/bootstrap.hpp"

#include <fmt/format.h>
#include <tbb/parallel_for.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>

#include "scrutineer/core/error.hpp"
#include "scrutineer/core/random.hpp"

namespace scrutineer::evaluate {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// Statistic of a resample given by the period indices drawn.
using Statistic = std::function<double(const std::vector<std::size_t>&)>;

// Percentile of sorted finite values with linear interpolation between order statistics (type 7).
double percentile(const std::vector<double>& sorted, double q) {
  if (sorted.empty()) return kNaN;
  const double pos = q * static_cast<double>(sorted.size() - 1);
  const auto i = static_cast<std::size_t>(std::floor(pos));
  const double frac = pos - static_cast<double>(i);
  if (i + 1 >= sorted.size()) return sorted.back();
  return sorted[i] + frac * (sorted[i + 1] - sorted[i]);
}

Interval run(std::size_t periods, const Statistic& statistic, const BootstrapOptions& options) {
  if (options.replicates < 1)
    throw ConfigError(
        fmt::format("bootstrap replicates must be >= 1, found {}", options.replicates));
  if (!(options.level > 0 && options.level < 1))
    throw ConfigError(fmt::format("interval level must lie in (0, 1), found {}", options.level));
  Interval out;
  std::vector<std::size_t> all(periods);
  for (std::size_t i = 0; i < periods; ++i) all[i] = i;
  out.estimate = statistic(all);
  if (periods == 0) {
    out.lo = out.hi = kNaN;
    return out;
  }
  std::vector<double> values(static_cast<std::size_t>(options.replicates));
  tbb::parallel_for(0, options.replicates, [&](int r) {
    Rng rng(options.seed, static_cast<std::uint64_t>(r));
    std::vector<std::size_t> draw(periods);
    for (auto& d : draw) d = static_cast<std::size_t>(rng.below(periods));
    values[static_cast<std::size_t>(r)] = statistic(draw);
  });
  std::vector<double> finite;
  finite.reserve(values.size());
  for (const double v : values)
    if (std::isfinite(v)) finite.push_back(v);
  std::sort(finite.begin(), finite.end());
  const double tail = (1.0 - options.level) / 2.0;
  out.lo = percentile(finite, tail);
  out.hi = percentile(finite, 1.0 - tail);
  return out;
}

double pooled(const std::vector<double>& num, const std::vector<double>& den,
              const std::vector<std::size_t>& draw) {
  double n = 0, d = 0;
  for (const auto i : draw) {
    n += num[i];
    d += den[i];
  }
  return d == 0 ? kNaN : n / d;
}

void check_sizes(std::size_t a, std::size_t b) {
  if (a != b)
    throw InternalError(fmt::format("bootstrap inputs differ in length ({} and {})", a, b));
}

}  // namespace

Interval bootstrap_pooled_ratio(const std::vector<double>& num, const std::vector<double>& den,
                                const BootstrapOptions& options) {
  check_sizes(num.size(), den.size());
  return run(
      num.size(), [&](const std::vector<std::size_t>& draw) { return pooled(num, den, draw); },
      options);
}

Interval bootstrap_pooled_ratio_difference(const std::vector<double>& num_a,
                                           const std::vector<double>& den_a,
                                           const std::vector<double>& num_b,
                                           const std::vector<double>& den_b,
                                           const BootstrapOptions& options) {
  check_sizes(num_a.size(), den_a.size());
  check_sizes(num_a.size(), num_b.size());
  check_sizes(num_a.size(), den_b.size());
  return run(
      num_a.size(),
      [&](const std::vector<std::size_t>& draw) {
        return pooled(num_a, den_a, draw) - pooled(num_b, den_b, draw);
      },
      options);
}

Interval bootstrap_mean(const std::vector<double>& values, const BootstrapOptions& options) {
  return run(
      values.size(),
      [&](const std::vector<std::size_t>& draw) {
        double sum = 0;
        std::int64_t n = 0;
        for (const auto i : draw)
          if (!std::isnan(values[i])) {
            sum += values[i];
            ++n;
          }
        return n == 0 ? kNaN : sum / static_cast<double>(n);
      },
      options);
}

}  // namespace scrutineer::evaluate
