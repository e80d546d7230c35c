// Accuracy of flagged cells: hit rate, PAI (Chainey, Tompson & Uhlig 2008), PEI and PEI* (Hunt
// 2016; White, Hunt & Green 2023), wrong share, coverage curve, Poisson log-likelihood and Brier
// score.
#pragma once

#include <cstdint>
#include <vector>

#include "scrutineer/geo/grid.hpp"

namespace scrutineer::evaluate {

// Events of one period per grid cell. Events outside the grid or in invalid cells are counted in
// `outside` and in `total` (they happened but no flag could catch them).
struct PeriodCounts {
  std::vector<std::int32_t> per_cell;  // grid.cells() entries
  std::int64_t total = 0;
  std::int64_t outside = 0;
};
PeriodCounts count_events(const std::vector<double>& x, const std::vector<double>& y,
                          std::size_t begin, std::size_t end, const geo::Grid& grid);

// Cumulative results along a ranking: captured[k] = events in the top k ranked cells and
// nonempty[k] = how many of them hold at least one event (k = 0 .. ranking.size()).
struct CaptureCurve {
  std::vector<std::int64_t> captured;
  std::vector<std::int64_t> nonempty;
};
CaptureCurve capture_curve(const std::vector<std::int64_t>& ranking,
                           const std::vector<std::int32_t>& counts);

// The oracle (the period's own events): best[k] = most events any k valid cells hold (the k
// largest counts summed), k = 0 .. valid cells.
std::vector<std::int64_t> oracle_curve(const std::vector<std::int32_t>& counts,
                                       const geo::Grid& grid);

// Fewest cells the oracle needs to hold at least `events` events (0 for 0 events); -1 if even every
// valid cell holds fewer.
std::int64_t oracle_cells_needed(const std::vector<std::int64_t>& oracle, std::int64_t events);

// Accuracy of one flag set of `flagged` cells out of `valid_cells` in one period. NaN where a ratio
// has a zero denominator (hit rate of a period with no events, PAI of an empty flag set).
struct Accuracy {
  std::int64_t flagged = 0;
  std::int64_t valid_cells = 0;
  std::int64_t events = 0;         // N: all events of the period
  std::int64_t captured = 0;       // n: events in flagged cells
  std::int64_t best_captured = 0;  // n*: most events any `flagged` cells hold
  std::int64_t oracle_cells = 0;   // a*: fewest cells that hold `captured` events
  std::int64_t wrong_cells = 0;    // flagged cells where nothing happened
  double hit_rate = 0;             // n / N
  double pai = 0;                  // (n / N) / (a / A)
  double pei = 0;                  // n / n*
  double pei_star = 0;             // a* / a
  double wrong_share = 0;          // wrong_cells / flagged
};
Accuracy accuracy_at(std::int64_t flagged, const CaptureCurve& curve,
                     const std::vector<std::int64_t>& oracle, std::int64_t events);

// Mean Poisson log-likelihood per valid cell of the counts under a rate surface
// (log p(y | lambda) = y log lambda - lambda - log y!); rates below `floor` are raised to it, as
// open_cp's likelihood does with its minimum of 1e-9.
double poisson_log_likelihood(const std::vector<double>& rate,
                              const std::vector<std::int32_t>& counts, const geo::Grid& grid,
                              double floor = 1e-9);

// Brier (1950) score of the forecast that a cell sees at least one event, p = 1 - e^(-lambda),
// against the outcome (count > 0), averaged over valid cells.
double brier_score(const std::vector<double>& rate, const std::vector<std::int32_t>& counts,
                   const geo::Grid& grid);

}  // namespace scrutineer::evaluate
