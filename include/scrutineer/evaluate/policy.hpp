// Policies: which cells a hotspot tool flags from a risk surface (top cells by coverage, by count
// as PredPol's 20 boxes, or by area), with documented deterministic tie rules (Chainey et al.
// 2008).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "scrutineer/geo/grid.hpp"

namespace scrutineer::evaluate {

// How cells of equal risk are ordered. Every rule gives a total order of the valid cells, so the
// top n of one ranking is the selection for every n (a coverage curve needs one sort).
enum class TieRule {
  // open_cp's top_slice: among cells tied at the threshold, keep the LAST ones in row-major order
  // (y, then x). Cells of equal risk are ranked by decreasing cell index.
  kOpenCp,
  // Among tied cells keep the FIRST ones in row-major order (increasing cell index).
  kRowMajor,
  // Tied cells ordered by a seeded pseudo-random key per cell: deterministic for a seed, and free
  // of
  // the spatial bias of row-major rules (which always favour one edge of the map). The default.
  kRandom,
};
std::string_view to_string(TieRule rule);
// "open_cp" (or "opencp"), "row-major", "random"; ConfigError otherwise.
TieRule tie_rule_from_string(std::string_view name);

enum class PolicyMode {
  kCoverage,  // n = floor(valid cells x coverage)
  kCount,     // a fixed number of cells (PredPol flags 20 boxes per shift)
  kArea,      // top cells while their summed area stays within coverage x total area
};
std::string_view to_string(PolicyMode mode);

struct Policy {
  PolicyMode mode = PolicyMode::kCoverage;
  double coverage = 0.05;   // share of valid cells (kCoverage) or of area (kArea), in [0, 1]
  std::int64_t count = 20;  // kCount
  TieRule tie_rule = TieRule::kRandom;
  std::uint64_t seed = 0;  // kRandom: the key of cell c is a hash of (seed, c)
};

// An operating point as written on the command line and in recipes: "5%" or "0.05" (coverage),
// "count:20" (fixed cells) or "area:5%". ConfigError saying what was expected otherwise.
Policy parse_policy(std::string_view text);
// The operating point as parse_policy reads it: "5%", "count:20", "area:5%".
std::string policy_spec(const Policy& policy);

// The valid cells of `grid`, best first: risk decreasing, ties by `rule`. `risk` has grid.cells()
// entries; invalid cells are left out; NaN risk ranks below every number.
std::vector<std::int64_t> rank_cells(const std::vector<double>& risk, const geo::Grid& grid,
                                     TieRule rule, std::uint64_t seed = 0);

// n = floor(valid_cells x coverage), clamped to [0, valid_cells]. The product is taken in double
// precision exactly as open_cp does (int(floor(N * fraction))), so 7% of 100 cells is 7 cells.
std::int64_t cells_for_coverage(std::int64_t valid_cells, double coverage);

// How many of the ranked cells the policy flags. `cell_area` (grid.cells() entries, e.g. the area
// of each cell inside the region) is used only by kArea; empty means every cell has the same area.
// kArea takes cells in rank order while the running area is <= coverage x total valid area.
std::int64_t cells_for_policy(const std::vector<std::int64_t>& ranking, const Policy& policy,
                              const std::vector<double>& cell_area = {});

// The flagged cells, best first (rank_cells cut by cells_for_policy).
std::vector<std::int64_t> select_top(const std::vector<double>& risk, const geo::Grid& grid,
                                     const Policy& policy,
                                     const std::vector<double>& cell_area = {});

}  // namespace scrutineer::evaluate
