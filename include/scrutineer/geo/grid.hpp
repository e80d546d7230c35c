// A regular grid over the study area with a validity mask (DESIGN.md "Data model").
// Cell index = iy * nx + ix, ix = floor((x - x0) / size), iy = floor((y - y0) / size).
#pragma once

#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

namespace scrutineer::geo {

struct Region;

struct Grid {
  double x0 = 0, y0 = 0;  // lower-left corner of cell (0, 0), metres
  double size = 0;        // cell side, metres
  std::int32_t nx = 0, ny = 0;
  std::vector<std::uint8_t> valid;  // nx * ny; 1 = the cell intersects the region
  std::string crs;                  // e.g. "EPSG:2790"

  std::int64_t cells() const { return static_cast<std::int64_t>(nx) * ny; }
  // Cell holding (x, y), or -1 outside the grid's extent. Cells are half-open [x0, x0 + size).
  std::int64_t cell_of(double x, double y) const {
    const double fx = std::floor((x - x0) / size), fy = std::floor((y - y0) / size);
    if (!(fx >= 0 && fy >= 0 && fx < nx && fy < ny)) return -1;
    return static_cast<std::int64_t>(fy) * nx + static_cast<std::int64_t>(fx);
  }
  double centre_x(std::int64_t cell) const {
    return x0 + (static_cast<double>(cell % nx) + 0.5) * size;
  }
  double centre_y(std::int64_t cell) const {
    return y0 + (static_cast<double>(cell / nx) + 0.5) * size;
  }
  bool is_valid(std::int64_t cell) const { return cell >= 0 && cell < cells() && valid[cell] != 0; }
  // Indices of the valid cells in row-major order.
  std::vector<std::int64_t> valid_cells() const;
  std::int64_t valid_count() const;
};

// The grid of square cells of side `cell_size` aligned on (origin_x, origin_y) over the region's
// bounding box, by open_cp's rule (mask_grid_by_intersection): ix runs from
// floor((xmin - origin_x) / size) to floor((xmax - origin_x) / size) inclusive, so
// nx = floor((xmax - ox) / size) - floor((xmin - ox) / size) + 1 and x0 = origin_x +
// floor((xmin - ox) / size) * size; likewise for y. (This equals the ceil of the high offset unless
// xmax lies on a grid line, where the extra cell holds the points on that edge.) A cell is valid
// when its closed square intersects the region (GEOS intersects, as open_cp: touching counts).
// Throws ConfigError for a cell size that is not positive and finite or a grid over 2^31 cells.
Grid make_grid(const Region& region, double cell_size, double origin_x = 0, double origin_y = 0);

// Without a region: the grid over the points' bounding box by the same rule, every cell valid.
// Throws InputError when there is no point.
Grid grid_over_points(const std::vector<double>& x, const std::vector<double>& y,
                      const std::string& crs, double cell_size, double origin_x = 0,
                      double origin_y = 0);

}  // namespace scrutineer::geo
