// Tests of the top-cell policies and tie rules (open_cp's top_slice rule, row-major, seeded
// random).
#include <gtest/gtest.h>

#include <algorithm>

#include "scrutineer/core/error.hpp"
#include "scrutineer/evaluate/policy.hpp"

namespace scrutineer::evaluate {
namespace {

geo::Grid line_grid(int nx, int ny = 1) {
  geo::Grid g;
  g.size = 1;
  g.nx = nx;
  g.ny = ny;
  g.valid.assign(static_cast<std::size_t>(nx) * ny, 1);
  return g;
}

std::vector<std::int64_t> sorted(std::vector<std::int64_t> v) {
  std::sort(v.begin(), v.end());
  return v;
}

// The case: risk [2, 3, 4, 1, 1, 1] at 70%: n = floor(6 x 0.7) = floor(4.2) = 4. The three
// cells above the threshold (4, 3, 2 at cells 2, 1, 0) plus, of the three 1s (cells 3, 4, 5), the
// last in row-major order: cell 5.
TEST(Policy, OpenCpTieRuleKeepsLastTiedCell) {
  const auto grid = line_grid(6);
  Policy p;
  p.coverage = 0.7;
  p.tie_rule = TieRule::kOpenCp;
  const auto flagged = select_top({2, 3, 4, 1, 1, 1}, grid, p);
  EXPECT_EQ(flagged, (std::vector<std::int64_t>{2, 1, 0, 5}));
}

// Row-major keeps the first of the tied 1s instead: cell 3.
TEST(Policy, RowMajorTieRuleKeepsFirstTiedCell) {
  const auto grid = line_grid(6);
  Policy p;
  p.coverage = 0.7;
  p.tie_rule = TieRule::kRowMajor;
  EXPECT_EQ(select_top({2, 3, 4, 1, 1, 1}, grid, p), (std::vector<std::int64_t>{2, 1, 0, 3}));
}

// open_cp's row-major order is y then x: on a 3 x 2 grid with all-equal risk, the last cells are
// (x=2, y=1) = 5 and (x=1, y=1) = 4; floor(6 x 0.34) = floor(2.04) = 2 cells.
TEST(Policy, OpenCpOrderIsRowMajorYThenX) {
  const auto grid = line_grid(3, 2);
  Policy p;
  p.coverage = 0.34;
  p.tie_rule = TieRule::kOpenCp;
  EXPECT_EQ(select_top(std::vector<double>(6, 1.0), grid, p), (std::vector<std::int64_t>{5, 4}));
}

TEST(Policy, InvalidCellsAreNeverFlaggedAndDoNotCount) {
  auto grid = line_grid(4);
  grid.valid = {1, 0, 1, 1};
  Policy p;
  p.coverage = 1.0;
  p.tie_rule = TieRule::kRowMajor;
  // Cell 1 has the highest risk but is invalid: 3 valid cells, all flagged, best first.
  EXPECT_EQ(select_top({1, 9, 3, 2}, grid, p), (std::vector<std::int64_t>{2, 3, 0}));
}

// Coverage rounding: floor of N x c in double precision, as open_cp's int(np.floor(N * fraction)).
// Hand values: 100 x 0.07 = 7.000000000000001 -> 7; 6 x 0.7 = 4.199999999999999 -> 4;
// 10 x 0.29 = 2.9 -> 2; 3 x 0.01 = 0.03 -> 0; 4527 x 0.2 = 905.4 -> 905.
TEST(Policy, CellsForCoverageFloors) {
  EXPECT_EQ(cells_for_coverage(100, 0.07), 7);
  EXPECT_EQ(cells_for_coverage(6, 0.7), 4);
  EXPECT_EQ(cells_for_coverage(10, 0.29), 2);
  EXPECT_EQ(cells_for_coverage(3, 0.01), 0);
  EXPECT_EQ(cells_for_coverage(4527, 0.2), 905);
  EXPECT_EQ(cells_for_coverage(4527, 1.0), 4527);
  EXPECT_THROW(cells_for_coverage(10, 1.5), ConfigError);
  EXPECT_THROW(cells_for_coverage(10, -0.1), ConfigError);
}

TEST(Policy, FixedCountIsCappedByValidCells) {
  const auto grid = line_grid(5);
  Policy p;
  p.mode = PolicyMode::kCount;
  p.count = 2;
  p.tie_rule = TieRule::kRowMajor;
  EXPECT_EQ(select_top({0, 5, 1, 5, 2}, grid, p), (std::vector<std::int64_t>{1, 3}));
  p.count = 20;  // PredPol's 20 boxes on a 5-cell map: all 5
  EXPECT_EQ(select_top({0, 5, 1, 5, 2}, grid, p).size(), 5u);
  p.count = -1;
  EXPECT_THROW(select_top({0, 5, 1, 5, 2}, grid, p), ConfigError);
}

// Area policy: areas 1, 4, 1, 2 (total 8), 50% -> budget 4. Ranked by risk: cell 0 (area 1, used
// 1), cell 1 (area 4: 5 > 4, stop). One cell.
TEST(Policy, AreaPolicyStopsAtBudget) {
  const auto grid = line_grid(4);
  Policy p;
  p.mode = PolicyMode::kArea;
  p.coverage = 0.5;
  p.tie_rule = TieRule::kRowMajor;
  EXPECT_EQ(select_top({4, 3, 2, 1}, grid, p, {1, 4, 1, 2}), (std::vector<std::int64_t>{0}));
}

TEST(Policy, RandomTieRuleIsSeededAndOnlyBreaksTies) {
  const auto grid = line_grid(200);
  std::vector<double> risk(200, 1.0);
  risk[17] = 5.0;
  Policy p;
  p.coverage = 0.1;
  p.seed = 42;
  const auto a = select_top(risk, grid, p);
  const auto b = select_top(risk, grid, p);
  EXPECT_EQ(a, b);
  ASSERT_EQ(a.size(), 20u);
  EXPECT_EQ(a.front(), 17);
  p.seed = 43;
  const auto c = select_top(risk, grid, p);
  EXPECT_EQ(c.front(), 17);
  EXPECT_NE(sorted(a), sorted(c));  // 19 of 199 tied cells: two seeds agreeing is ~1e-25
  // Not the first or the last cells in row-major order.
  EXPECT_NE(sorted(a),
            select_top(risk, grid, Policy{PolicyMode::kCoverage, 0.1, 0, TieRule::kRowMajor, 0}));
}

TEST(Policy, NanRanksLast) {
  const auto grid = line_grid(3);
  const auto r = rank_cells({std::nan(""), 1.0, 0.0}, grid, TieRule::kRowMajor);
  EXPECT_EQ(r, (std::vector<std::int64_t>{1, 2, 0}));
}

TEST(Policy, TieRuleNames) {
  EXPECT_EQ(tie_rule_from_string("open_cp"), TieRule::kOpenCp);
  EXPECT_EQ(tie_rule_from_string("row-major"), TieRule::kRowMajor);
  EXPECT_EQ(tie_rule_from_string("random"), TieRule::kRandom);
  EXPECT_THROW(tie_rule_from_string("first"), ConfigError);
}

}  // namespace
}  // namespace scrutineer::evaluate
