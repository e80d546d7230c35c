// The sparse cell x area overlay: I(c, a) = area(cell c ∩ area a) for every valid cell and area
// (GEOS), to spread area counts to cells and sum cell values to areas.
#pragma once

#include <cstdint>
#include <vector>

#include "scrutineer/geo/areas.hpp"
#include "scrutineer/geo/grid.hpp"

namespace scrutineer::geo {

// How sum_to_areas splits a cell's value between the areas it overlaps.
enum class CellSplit {
  // By I(c,a) / Σ_a' I(c,a'): the part of a cell outside every area (water, beyond the city)
  // holds nothing, so a cell's whole value goes to the areas it touches. Conserves Σ over cells
  // that touch at least one area. The default.
  kCovered,
  // By cell_share(c,a) = I(c,a) / area(cell): the part outside every area is lost.
  kCell,
};

// CSR by cell: the entries of grid cell c are k in [start[c], start[c + 1]), with area index
// area[k] and intersection area intersection[k] (square CRS units), areas in increasing order.
// Invalid cells have no entries.
struct Overlay {
  std::int64_t cells = 0;           // grid.cells()
  std::size_t areas = 0;            // areas.size()
  double cell_area = 0;             // size², square CRS units
  std::vector<std::int64_t> start;  // cells + 1
  std::vector<std::int32_t> area;
  std::vector<double> intersection;
  std::vector<double> area_total;    // area(a)
  std::vector<double> area_covered;  // Σ_c I(c, a) over valid cells
  std::vector<double> cell_covered;  // Σ_a I(c, a), per grid cell

  std::size_t entries() const { return area.size(); }
  // I(c,a) / area(cell) and I(c,a) / area(a) of entry k of cell c.
  double cell_share(std::size_t k) const { return intersection[k] / cell_area; }
  double area_share(std::size_t k) const { return intersection[k] / area_total[area[k]]; }
  // Share of area a lying outside the valid cells: 1 - area_covered[a] / area_total[a].
  double area_outside_share(std::size_t a) const;

  // spread_to_cells(v)[c] = Σ_a v_a · I(c,a) / area(a) (size cells; 0 in invalid cells). Conserves
  // Σ_a v_a over the areas lying wholly inside valid cells.
  std::vector<double> spread_to_cells(const std::vector<double>& area_values) const;
  // sum_to_areas(w)[a] = Σ_c w_c · share(c,a), share chosen by `split` (size areas). `cell_values`
  // holds grid.cells() values; invalid cells are ignored.
  std::vector<double> sum_to_areas(const std::vector<double>& cell_values,
                                   CellSplit split = CellSplit::kCovered) const;
};

// Builds the overlay of the valid cells of `grid` with `areas` (both in the same CRS; ConfigError
// otherwise). Parallel over areas (TBB); the result does not depend on the thread count.
Overlay make_overlay(const Grid& grid, const Areas& areas);

}  // namespace scrutineer::geo
