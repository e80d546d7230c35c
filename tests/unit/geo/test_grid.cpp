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
  // ix: floor((10 - 0) / 100) = 0 .. ceil((290 - 0) / 100) = 3 -> nx = 3, x0 = 0.
  // iy: floor(5 / 100) = 0 .. ceil(95 / 100) = 1 -> ny = 1, y0 = 0.
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
  // Origin (50, 50): ix floor(-0.4) = -1 .. ceil(2.4) = 3 -> nx = 4, x0 = 50 - 100 = -50;
  // iy floor(-0.45) = -1 .. ceil(0.45) = 1 -> ny = 2, y0 = -50. Every cell overlaps the box.
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
  // Triangle x + y <= 300. The closed cell (ix, iy) of side 100 meets it iff its lower-left
  // corner does: 100 ix + 100 iy <= 300. Cell (2, 2) misses (400 > 300); cells (1, 2) and (2, 1)
  // touch it at one corner only (sum 300) and count as valid, as with open_cp's intersects.
  const Region region = make_region({io::Polygon{{ring({0, 300, 0, 0}, {0, 0, 300, 0})}}}, "");
  const Grid g = make_grid(region, 100);
  ASSERT_EQ(g.nx, 3);
  ASSERT_EQ(g.ny, 3);
  for (int iy = 0; iy < 3; ++iy)
    for (int ix = 0; ix < 3; ++ix)
      EXPECT_EQ(g.valid[iy * 3 + ix], ix + iy <= 3 ? 1 : 0) << ix << "," << iy;
  EXPECT_EQ(g.valid_count(), 8);
  EXPECT_EQ(g.valid_cells().back(), 7);  // row-major: cell (1, 2) = 2 * 3 + 1
}

TEST(Grid, EdgeOnGridLineAddsNoCell) {
  // xmax = 200 on a grid line: ceil(200 / 100) = 2, so nx = 2, not 3.
  const Grid g = make_grid(make_region(square(0, 0, 200, 100), ""), 100);
  EXPECT_EQ(g.nx, 2);
  EXPECT_EQ(g.ny, 1);
}

TEST(Grid, RejectsBadCellSize) {
  const Region region = make_region(square(0, 0, 100, 100), "");
  EXPECT_THROW(make_grid(region, 0), ConfigError);
  EXPECT_THROW(make_grid(region, -5), ConfigError);
  EXPECT_THROW(make_grid(region, std::nan("")), ConfigError);
  EXPECT_THROW(make_grid(region, 1e-6), ConfigError);  // 1e16 cells
}

}  // namespace
}  // namespace scrutineer::geo
