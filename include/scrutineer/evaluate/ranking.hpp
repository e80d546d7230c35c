// One ranking of the valid cells per forecast surface, shared by every metric of a period: the
// coverage curve, the operating point's flags and the ROC AUC (Rotaru et al. 2022) all read the
// same order instead of sorting the cells again each.
#pragma once

#include <cstdint>
#include <vector>

#include "scrutineer/evaluate/auc.hpp"
#include "scrutineer/evaluate/policy.hpp"
#include "scrutineer/geo/grid.hpp"

namespace scrutineer::evaluate {

// The valid cells in the order a tie rule gives cells of equal risk: increasing cell index
// (row-major), decreasing (open_cp) or by the seeded key mix(mix(seed) ^ cell), then by cell
// (random). It depends on the grid, the rule and the seed only, not on any risk, so one tie order
// serves every model of a period.
std::vector<std::int64_t> tie_order(const geo::Grid& grid, TieRule rule, std::uint64_t seed = 0);

// The cells of `tie_ordered` sorted by risk, highest first, equal risks kept in their tie order (a
// stable LSD radix sort on the risk's bits, O(cells)); NaN ranks below every number, as -inf does,
// and -0 ties with +0. rank_by_risk(risk, tie_order(grid, rule, seed)) equals
// rank_cells(risk, grid, rule, seed).
std::vector<std::int64_t> rank_by_risk(const std::vector<double>& risk,
                                       const std::vector<std::int64_t>& tie_ordered);

// The Mann-Whitney U of mann_whitney_auc (evaluate/auc.hpp) from a ranking of the valid cells by
// decreasing risk: tied risks are contiguous in any such ranking whatever the tie rule, and their
// mid-ranks are half-integers whose sums are exact in double precision, so the result equals
// mann_whitney_auc's bit for bit (for risks without NaN, whose order mann_whitney_auc leaves
// undefined; here NaN ties with -inf).
AucCounts auc_from_ranking(const std::vector<std::int64_t>& ranking,
                           const std::vector<double>& risk,
                           const std::vector<std::int32_t>& counts);

// The cells a policy flags on one surface: the first cells of rank_by_risk(risk,
// tie_ordered), as many as cells_for_policy gives. For a count or a coverage they are
// selected (risk descending, then tie position) without ranking every cell; the same cells in the
// same order.
std::vector<std::int64_t> top_cells(const std::vector<double>& risk,
                                    const std::vector<std::int64_t>& tie_ordered,
                                    const Policy& policy);

}  // namespace scrutineer::evaluate
