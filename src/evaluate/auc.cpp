// ROC AUC of a risk surface by the Mann-Whitney U statistic with mid-ranks (Rotaru et al. 2022's
// event-level score; Mann & Whitney 1947; Hanley & McNeil 1982, Radiology 143).
#include "scrutineer/evaluate/auc.hpp"

#include <algorithm>
#include <limits>
#include <numeric>

namespace scrutineer::evaluate {

double AucCounts::auc() const {
  return pairs > 0 ? u / pairs : std::numeric_limits<double>::quiet_NaN();
}

AucCounts mann_whitney_auc(const std::vector<double>& risk, const std::vector<std::int32_t>& counts,
                           const geo::Grid& grid) {
  std::vector<std::int64_t> cells;
  for (std::int64_t c = 0; c < grid.cells(); ++c)
    if (grid.is_valid(c)) cells.push_back(c);
  std::sort(cells.begin(), cells.end(), [&](std::int64_t a, std::int64_t b) {
    return risk[static_cast<std::size_t>(a)] < risk[static_cast<std::size_t>(b)];
  });
  double rank_sum = 0, positives = 0;
  std::size_t i = 0;
  while (i < cells.size()) {
    std::size_t j = i;
    const double r = risk[static_cast<std::size_t>(cells[i])];
    while (j < cells.size() && risk[static_cast<std::size_t>(cells[j])] == r) ++j;
    const double mid = (static_cast<double>(i + 1) + static_cast<double>(j)) / 2;  // ranks i+1..j
    for (auto k = i; k < j; ++k)
      if (counts[static_cast<std::size_t>(cells[k])] > 0) {
        rank_sum += mid;
        positives += 1;
      }
    i = j;
  }
  const double negatives = static_cast<double>(cells.size()) - positives;
  AucCounts out;
  out.pairs = positives * negatives;
  out.u = out.pairs > 0 ? rank_sum - positives * (positives + 1) / 2 : 0.0;
  return out;
}

}  // namespace scrutineer::evaluate
