// Grid extent (open_cp's rule) and validity mask (GEOS intersects, touching counts).
#include <gtest/gtest.h>

#include "scrutineer/core/error.hpp"
#include "scrutineer/geo/grid.hpp"
#include "scrutineer/geo/region.hpp"

namespace scrutineer::geo {
namespace {

io::Ring ring(std::vector<double> x, std::vector<double> y) {
  return io::Ring{std::move(x), std::move(y)};
}

io::MultiPolygon square(double x0, double y0, double x1, double y1) {
  return {io::Polygon{{ring({x0, x1, x1, x0, x0}, {y0, y0, y1, y1, y0})}}};
}

TEST(Grid, ExtentCoversBoundingBoxWithWholeCells) {
  const Region region = make_region(square(10, 5, 290, 95), "EPSG:32616");
  // ix: floor((10 - 0) / 100) = 0 .. floor((290 - 0) / 100) = 2 -> nx = 3, x0 = 0.
  // iy: floor(5 / 100) = 0 .. floor(95 / 100) = 0 -> ny = 1, y0 = 0.
  const Grid g = make_grid(region, 100);
  EXPECT_EQ(g.nx, 3);
  EXPECT_EQ(g.ny, 1);
  EXPECT_DOUBLE_EQ(g.x0, 0);
  EXPECT_DOUBLE_EQ(g.y0, 0);
  EXPECT_EQ(g.crs, "EPSG:32616");
  EXPECT_EQ(g.valid_count(), 3);
}

TEST(Grid, OriginShiftsTheCells) {
  const Region region = make_region(square(10, 5, 290, 95), "EPSG:32616");
  // Origin (50, 50): ix floor(-0.4) = -1 .. floor(2.4) = 2 -> nx = 4, x0 = 50 - 100 = -50;
  // iy floor(-0.45) = -1 .. floor(0.45) = 0 -> ny = 2, y0 = -50. Every cell overlaps the box.
  const Grid g = make_grid(region, 100, 50, 50);
  EXPECT_EQ(g.nx, 4);
  EXPECT_EQ(g.ny, 2);
  EXPECT_DOUBLE_EQ(g.x0, -50);
  EXPECT_DOUBLE_EQ(g.y0, -50);
  EXPECT_EQ(g.valid_count(), 8);
  EXPECT_EQ(g.cell_of(0, 0), 0);    // (0 + 50) / 100 -> ix 0, iy 0
  EXPECT_EQ(g.cell_of(60, 60), 5);  // ix 1, iy 1 -> 1 * 4 + 1
}

TEST(Grid, MaskOfTriangleCountsTouchingCells) {
  // Triangle x + y <= 300, 100 m cells. xmax = ymax = 300 lie on grid lines, so (open_cp's rule)
  // ix and iy run 0 .. floor(300 / 100) = 3: a 4 x 4 grid. The closed cell (ix, iy) meets the
  // triangle iff its lower-left corner does: 100 ix + 100 iy <= 300. Cells with ix + iy = 3
  // (e.g. (1, 2), (3, 0)) touch it only at a corner and count as valid, as with open_cp's
  // intersects: 1 + 2 + 3 + 4 = 10 valid cells.
  const Region region = make_region({io::Polygon{{ring({0, 300, 0, 0}, {0, 0, 300, 0})}}}, "");
  const Grid g = make_grid(region, 100);
  ASSERT_EQ(g.nx, 4);
  ASSERT_EQ(g.ny, 4);
  for (int iy = 0; iy < 4; ++iy)
    for (int ix = 0; ix < 4; ++ix)
      EXPECT_EQ(g.valid[iy * 4 + ix], ix + iy <= 3 ? 1 : 0) << ix << "," << iy;
  EXPECT_EQ(g.valid_count(), 10);
  EXPECT_EQ(g.valid_cells().back(), 12);  // row-major: cell (0, 3) = 3 * 4 + 0
}

TEST(Grid, EdgeOnGridLineKeepsTheCellBeyond) {
  // Square [0, 200] x [0, 100]: ix 0 .. floor(200 / 100) = 2 -> nx = 3; iy 0 .. 1 -> ny = 2. The
  // extra column and row touch the square's edges (valid), and a point on the edge x = 200 falls
  // in the grid (ix = 2) instead of outside it.
  const Grid g = make_grid(make_region(square(0, 0, 200, 100), ""), 100);
  EXPECT_EQ(g.nx, 3);
  EXPECT_EQ(g.ny, 2);
  EXPECT_EQ(g.valid_count(), 6);
  EXPECT_EQ(g.cell_of(200, 50), 2);
  EXPECT_EQ(g.cell_of(199.9, 99.9), 1);
}

TEST(Grid, RejectsBadCellSize) {
  const Region region = make_region(square(0, 0, 100, 100), "");
  EXPECT_THROW(make_grid(region, 0), ConfigError);
  EXPECT_THROW(make_grid(region, -5), ConfigError);
  EXPECT_THROW(make_grid(region, std::nan("")), ConfigError);
  EXPECT_THROW(make_grid(region, 1e-6), ConfigError);  // 1e16 cells
}

TEST(Grid, OverPointsCoversTheirBoundingBoxEveryCellValid) {
  // x in [10, 340], y in [5, 95], 100 m cells from the origin (0, 0): ix from floor(0.1) = 0 to
  // floor(3.4) = 3, so 4 columns; iy from 0 to floor(0.95) = 0, one row.
  const auto grid = grid_over_points({10, 340, 200}, {5, 95, 50}, "EPSG:2790", 100);
  EXPECT_EQ(grid.x0, 0);
  EXPECT_EQ(grid.y0, 0);
  EXPECT_EQ(grid.nx, 4);
  EXPECT_EQ(grid.ny, 1);
  EXPECT_EQ(grid.valid_count(), 4);
  EXPECT_EQ(grid.crs, "EPSG:2790");
  // Origin 50: ix from floor(-0.4) = -1 to floor(2.9) = 2, x0 = 50 - 100 = -50.
  const auto shifted = grid_over_points({10, 340}, {5, 95}, "", 100, 50, 0);
  EXPECT_EQ(shifted.x0, -50);
  EXPECT_EQ(shifted.nx, 4);
  EXPECT_THROW(grid_over_points({}, {}, "", 100), InputError);
  EXPECT_THROW(grid_over_points({1}, {1}, "", 0), ConfigError);
}

}  // namespace
}  // namespace scrutineer::geo
