// Accuracy metrics: hit rate, PAI (Chainey, Tompson & Uhlig 2008), PEI, PEI* (Hunt 2016), wrong
// share, Poisson log-likelihood and Brier (1950) score, on per-cell counts and rankings.
#include "scrutineer/evaluate/metrics.hpp"

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>

namespace scrutineer::evaluate {

namespace {
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
double ratio(double a, double b) { return b == 0 ? kNaN : a / b; }
}  // namespace

PeriodCounts count_events(const std::vector<double>& x, const std::vector<double>& y,
                          std::size_t begin, std::size_t end, const geo::Grid& grid) {
  PeriodCounts out;
  out.per_cell.assign(static_cast<std::size_t>(grid.cells()), 0);
  for (std::size_t i = begin; i < end; ++i) {
    const std::int64_t c = grid.cell_of(x[i], y[i]);
    ++out.total;
    if (grid.is_valid(c))
      ++out.per_cell[static_cast<std::size_t>(c)];
    else
      ++out.outside;
  }
  return out;
}

CaptureCurve capture_curve(const std::vector<std::int64_t>& ranking,
                           const std::vector<std::int32_t>& counts) {
  CaptureCurve curve;
  curve.captured.resize(ranking.size() + 1);
  curve.nonempty.resize(ranking.size() + 1);
  curve.captured[0] = curve.nonempty[0] = 0;
  for (std::size_t k = 0; k < ranking.size(); ++k) {
    const auto n = counts[static_cast<std::size_t>(ranking[k])];
    curve.captured[k + 1] = curve.captured[k] + n;
    curve.nonempty[k + 1] = curve.nonempty[k] + (n > 0 ? 1 : 0);
  }
  return curve;
}

std::vector<std::int64_t> oracle_curve(const std::vector<std::int32_t>& counts,
                                       const geo::Grid& grid) {
  std::vector<std::int32_t> nonzero;
  std::int64_t valid = 0;
  for (std::int64_t c = 0; c < grid.cells(); ++c) {
    if (!grid.valid[static_cast<std::size_t>(c)]) continue;
    ++valid;
    if (counts[static_cast<std::size_t>(c)] > 0)
      nonzero.push_back(counts[static_cast<std::size_t>(c)]);
  }
  std::sort(nonzero.begin(), nonzero.end(), std::greater<>());
  std::vector<std::int64_t> best(static_cast<std::size_t>(valid) + 1, 0);
  std::int64_t sum = 0;
  for (std::size_t k = 0; k < best.size() - 1; ++k) {
    if (k < nonzero.size()) sum += nonzero[k];
    best[k + 1] = sum;
  }
  return best;
}

std::int64_t oracle_cells_needed(const std::vector<std::int64_t>& oracle, std::int64_t events) {
  // `oracle` is non-decreasing: the first k with best[k] >= events.
  const auto it = std::lower_bound(oracle.begin(), oracle.end(), events);
  if (it == oracle.end()) return -1;
  return static_cast<std::int64_t>(it - oracle.begin());
}

Accuracy accuracy_at(std::int64_t flagged, const CaptureCurve& curve,
                     const std::vector<std::int64_t>& oracle, std::int64_t events) {
  Accuracy a;
  a.flagged = flagged;
  a.valid_cells = static_cast<std::int64_t>(curve.captured.size()) - 1;
  a.events = events;
  const auto k = static_cast<std::size_t>(flagged);
  a.captured = curve.captured[k];
  a.best_captured = oracle[k];
  a.oracle_cells = oracle_cells_needed(oracle, a.captured);
  a.wrong_cells = flagged - curve.nonempty[k];
  a.hit_rate = ratio(static_cast<double>(a.captured), static_cast<double>(events));
  // PAI = (n/N) / (a/A) (Chainey et al. 2008, eq. 1), with area counted in equal cells.
  a.pai =
      ratio(a.hit_rate, ratio(static_cast<double>(flagged), static_cast<double>(a.valid_cells)));
  // PEI = n / n*: the share of the best possible catch with the same number of cells (Hunt 2016).
  a.pei = ratio(static_cast<double>(a.captured), static_cast<double>(a.best_captured));
  // PEI* = a* / a: the share of the flagged area an oracle would have needed to catch as many
  // events (White, Hunt & Green 2023; DESIGN.md). 1 = no wasted cells; 0 when nothing was caught.
  a.pei_star = ratio(static_cast<double>(a.oracle_cells), static_cast<double>(flagged));
  a.wrong_share = ratio(static_cast<double>(a.wrong_cells), static_cast<double>(flagged));
  return a;
}

double poisson_log_likelihood(const std::vector<double>& rate,
                              const std::vector<std::int32_t>& counts, const geo::Grid& grid,
                              double floor) {
  double sum = 0;
  std::int64_t cells = 0;
  for (std::int64_t c = 0; c < grid.cells(); ++c) {
    if (!grid.valid[static_cast<std::size_t>(c)]) continue;
    const double lambda = std::max(rate[static_cast<std::size_t>(c)], floor);
    const double y = counts[static_cast<std::size_t>(c)];
    // y = 0 (most cells): 0 log lambda - lambda - log 0! is exactly -lambda for a finite positive
    // lambda, without the log and lgamma calls.
    const bool plain = y == 0 && lambda > 0 && std::isfinite(lambda);
    sum += plain ? -lambda : y * std::log(lambda) - lambda - std::lgamma(y + 1.0);
    ++cells;
  }
  return ratio(sum, static_cast<double>(cells));
}

double brier_score(const std::vector<double>& rate, const std::vector<std::int32_t>& counts,
                   const geo::Grid& grid) {
  double sum = 0;
  std::int64_t cells = 0;
  for (std::int64_t c = 0; c < grid.cells(); ++c) {
    if (!grid.valid[static_cast<std::size_t>(c)]) continue;
    const double p = 1.0 - std::exp(-std::max(rate[static_cast<std::size_t>(c)], 0.0));
    const double o = counts[static_cast<std::size_t>(c)] > 0 ? 1.0 : 0.0;
    sum += (p - o) * (p - o);
    ++cells;
  }
  return ratio(sum, static_cast<double>(cells));
}

}  // namespace scrutineer::evaluate
