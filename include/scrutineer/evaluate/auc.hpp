// Event-level scoring of a risk surface (Rotaru, Huang, Li, Evans & Chattopadhyay 2022, Nature
// Human Behaviour 6): ROC AUC against the cells with events, Mann-Whitney U with mid-ranks.
#pragma once

#include <cstdint>
#include <vector>

#include "scrutineer/geo/grid.hpp"

namespace scrutineer::evaluate {

// Over the valid cells: positives = cells with at least one event in the period, negatives = the
// others. U = R_+ - n_+ (n_+ + 1) / 2 with R_+ the sum of the positives' ranks by ascending risk,
// tied risks sharing their mean rank (Mann & Whitney 1947), so U counts the (positive, negative)
// pairs the risk orders correctly plus half the tied pairs; AUC = U / (n_+ n_-). Keeping U and the
// pair count lets periods be pooled (sum U / sum pairs: the share of same-period pairs ordered
// correctly) and bootstrapped as a pooled ratio.
struct AucCounts {
  double u = 0;
  double pairs = 0;    // n_+ n_-; 0 when a period has no positive or no negative cell
  double auc() const;  // u / pairs, NaN when pairs == 0
};

AucCounts mann_whitney_auc(const std::vector<double>& risk, const std::vector<std::int32_t>& counts,
                           const geo::Grid& grid);

}  // namespace scrutineer::evaluate
