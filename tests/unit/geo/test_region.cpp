// Regions: union of polygons, points inside/outside (GEOS covers), reading from GeoJSON.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "scrutineer/core/error.hpp"
#include "scrutineer/core/parallel.hpp"
#include "scrutineer/core/random.hpp"
#include "scrutineer/geo/region.hpp"

namespace scrutineer::geo {
namespace {

const std::string kData = SCRUTINEER_TEST_DATA "/geo/";

io::MultiPolygon square(double x0, double y0, double x1, double y1) {
  return {io::Polygon{{io::Ring{{x0, x1, x1, x0, x0}, {y0, y0, y1, y1, y0}}}}};
}

TEST(Region, UnionOfOverlappingSquares) {
  auto polygons = square(0, 0, 100, 100);
  const auto second = square(50, 0, 150, 100);
  polygons.insert(polygons.end(), second.begin(), second.end());
  const Region r = make_region(polygons, "EPSG:32616");
  // Union = [0, 150] x [0, 100]: 15,000, not 2 x 10,000.
  EXPECT_NEAR(r.area, 15000, 1e-9);
  EXPECT_EQ(r.polygons.size(), 1u);
  EXPECT_DOUBLE_EQ(r.bbox.xmax, 150);
}

TEST(Region, InsideOutsideAndBoundary) {
  const Region r = make_region(square(0, 0, 100, 100), "");
  const std::vector<double> x{10, 100, 150, std::nan(""), -0.001};
  const std::vector<double> y{10, 50, 50, 10, 50};
  const auto inside = inside_region(r, x, y);
  // (100, 50) lies on the boundary: covered, so inside.
  EXPECT_EQ(inside, (std::vector<std::uint8_t>{1, 1, 0, 0, 0}));
  const auto report = report_outside(r, x, y);
  EXPECT_EQ(report.total, 5);
  EXPECT_EQ(report.outside, 3);
  EXPECT_EQ(report.first_outside, (std::vector<std::int64_t>{2, 3, 4}));
}

TEST(Region, SameAnswerWithManyPointsInParallel) {
  // 100,000 points on a lattice over [-50, 150]^2: inside the square [0, 100]^2 exactly when
  // both coordinates are in [0, 100]. Checks the threaded path against the plain rule.
  const Region r = make_region(square(0, 0, 100, 100), "");
  std::vector<double> x, y;
  for (int i = 0; i < 100000; ++i) {
    x.push_back(-50 + (i % 400) * 0.5 + 0.25);
    y.push_back(-50 + (i / 400) * 0.8 + 0.1);
  }
  const auto inside = inside_region(r, x, y);
  for (std::size_t i = 0; i < x.size(); ++i)
    ASSERT_EQ(inside[i], x[i] >= 0 && x[i] <= 100 && y[i] >= 0 && y[i] <= 100) << i;
}

// A concave polygon with a hole, slanted edges and coordinates that are not round; a triangle
// and an axis-aligned rectangle apart from it: a region of three polygons.
Region concave_with_hole_and_others() {
  const io::Ring shell{{1000.5, 1400.75, 1380.2, 1200.0, 1020.3, 1000.5},
                       {2000.25, 2030.1, 2400.9, 2250.0, 2420.6, 2000.25}};
  const io::Ring hole{{1100.1, 1120.9, 1260.3, 1250.7, 1100.1},
                      {2100.2, 2170.5, 2180.8, 2090.4, 2100.2}};
  const io::Ring triangle{{1500.0, 1700.5, 1550.25, 1500.0}, {2100.0, 2150.5, 2390.75, 2100.0}};
  io::MultiPolygon polygons{io::Polygon{{shell, hole}}, io::Polygon{{triangle}}};
  const auto rectangle = square(1500, 2000, 1700, 2060);
  polygons.insert(polygons.end(), rectangle.begin(), rectangle.end());
  return make_region(polygons, "");
}

struct Points {
  std::vector<double> x, y;
  void add(double a, double b) {
    x.push_back(a);
    y.push_back(b);
  }
  // (a, b) and its eight neighbours one unit in the last place away.
  void add_with_neighbours(double a, double b) {
    const double inf = std::numeric_limits<double>::infinity();
    for (const double u : {std::nextafter(a, -inf), a, std::nextafter(a, inf)})
      for (const double v : {std::nextafter(b, -inf), b, std::nextafter(b, inf)}) add(u, v);
  }
};

// Points that a cell rule could get wrong: the region's vertices, points on and beside its
// edges, in its hole, on the edges and corners of the cells of `grids`, NaN and infinite
// coordinates, far outside; and random points over the bounding box and around it.
Points hard_points(const Region& r, const std::vector<detail::ClipGrid>& grids) {
  Points p;
  Rng rng(16);
  const auto& b = r.bbox;
  const double w = b.xmax - b.xmin, h = b.ymax - b.ymin;
  for (int i = 0; i < 20000; ++i)
    p.add(rng.uniform(b.xmin - 0.05 * w, b.xmax + 0.05 * w),
          rng.uniform(b.ymin - 0.05 * h, b.ymax + 0.05 * h));
  for (const auto& polygon : r.polygons)
    for (const auto& ring : polygon.rings)
      for (std::size_t k = 1; k < ring.x.size(); ++k) {
        p.add_with_neighbours(ring.x[k], ring.y[k]);
        for (int t = 1; t < 8; ++t) {  // on the edge, or within rounding of it
          const double f = t / 8.0;
          p.add_with_neighbours(ring.x[k - 1] + f * (ring.x[k] - ring.x[k - 1]),
                                ring.y[k - 1] + f * (ring.y[k] - ring.y[k - 1]));
        }
      }
  for (int i = 0; i < 500; ++i) p.add(rng.uniform(1100, 1261), rng.uniform(2090, 2181));
  for (const auto& g : grids) {
    for (const double gx : g.x_edge)
      for (const double gy : g.y_edge) p.add_with_neighbours(gx, gy);
    for (const double gx : g.x_edge) p.add(gx, rng.uniform(b.ymin, b.ymax));
    for (const double gy : g.y_edge) p.add(rng.uniform(b.xmin, b.xmax), gy);
  }
  const double nan = std::nan(""), inf = std::numeric_limits<double>::infinity();
  for (const auto& [a, c] : std::vector<std::pair<double, double>>{
           {nan, 2100}, {1200, nan}, {nan, nan}, {inf, 2100}, {1200, -inf}, {-1e300, 1e300}})
    p.add(a, c);
  return p;
}

TEST(Region, CellsAnswerAsEachPointForConcaveHoleAndMultipolygon) {
  const Region r = concave_with_hole_and_others();
  ASSERT_EQ(r.polygons.size(), 3u);
  std::vector<detail::ClipGrid> grids;
  for (const auto& [nx, ny] :
       std::vector<std::pair<int, int>>{{1, 1}, {2, 3}, {7, 5}, {64, 48}, {300, 250}, {1000, 3}})
    grids.push_back(detail::clip_grid(r, nx, ny));
  grids.push_back(detail::choose_clip_grid(r, 40000));
  ASSERT_GT(grids.back().nx(), 100);
  const Points p = hard_points(r, grids);
  const auto expected = detail::inside_region_per_point(r, p.x, p.y);
  for (const auto& g : grids) {
    const auto got = detail::inside_region_by_cells(r, g, p.x, p.y);
    for (std::size_t i = 0; i < p.x.size(); ++i)
      ASSERT_EQ(got[i], expected[i]) << "grid " << g.nx() << " x " << g.ny() << ", point " << i
                                     << " (" << p.x[i] << ", " << p.y[i] << ")";
  }
  EXPECT_EQ(inside_region(r, p.x, p.y), expected);
  // A few answers by hand: a vertex and a point on a horizontal edge are covered; the hole, the
  // notch above the concave vertex (1200, 2250) and NaN are not.
  const std::vector<double> x{1000.5, 1600, 1180, 1200, 1200, std::nan("")};
  const std::vector<double> y{2000.25, 2060, 2140, 2300, 2240, 2100};
  EXPECT_EQ(inside_region(r, x, y), (std::vector<std::uint8_t>{1, 1, 0, 0, 1, 0}));
}

// The floor that finds a point's cell can round across an edge: v just above edge k gives cell
// k - 1, whose closed box ends below v. A region whose boundary passes through such a v, with the
// cell k - 1 clear of it (outside), checks that the point is tested, not given that cell's answer.
TEST(Region, PointThatFloorPutsInTheWrongCellIsTested) {
  const io::MultiPolygon corner = square(0.1, 0.1, 0.15, 0.15);  // fixes xmin = ymin = 0.1
  Region box = make_region(square(0.1, 0.1, 1.1, 1.1), "");
  double v = 0;
  std::int64_t n = 0;
  for (std::int64_t cells = 2; cells < 60 && v == 0; ++cells) {
    const auto g = detail::clip_grid(box, cells, cells);
    for (std::size_t k = 2; k + 1 < g.x_edge.size() && v == 0; ++k) {
      const double above = std::nextafter(g.x_edge[k], 2.0);
      if (std::floor((above - g.x_edge[0]) * g.x_scale) < static_cast<double>(k))
        v = above, n = cells;
    }
  }
  ASSERT_GT(v, 0.3) << "no edge where floor rounds down";
  io::MultiPolygon polygons = corner;
  const auto right = square(v, 0.5, 1.1, 1.1);
  polygons.insert(polygons.end(), right.begin(), right.end());
  const Region r = make_region(polygons, "");
  const auto grid = detail::clip_grid(r, n, n);
  ASSERT_EQ(grid.x_edge, detail::clip_grid(box, n, n).x_edge);
  const std::vector<double> x{v, v, std::nextafter(v, 0.0)}, y{0.8, 0.5, 0.8};
  // On the rectangle's left edge (covered), and just left of it (not).
  EXPECT_EQ(detail::inside_region_by_cells(r, grid, x, y), (std::vector<std::uint8_t>{1, 1, 0}));
}

TEST(Region, SameAnswerWithOneOrTwoThreads) {
  const Region r = concave_with_hole_and_others();
  const Points p = hard_points(r, {detail::choose_clip_grid(r, 40000)});
  std::vector<std::uint8_t> one, two;
  {
    ThreadLimit limit(1);
    one = inside_region(r, p.x, p.y);
  }
  {
    ThreadLimit limit(2);
    two = inside_region(r, p.x, p.y);
  }
  EXPECT_EQ(one, two);
  EXPECT_EQ(one, detail::inside_region_per_point(r, p.x, p.y));
}

TEST(Region, ClipGridEdgesAndRefusals) {
  const Region r = make_region(square(10, 20, 40, 80), "");
  const auto g = detail::clip_grid(r, 3, 4);
  // Equal cells over the bounding box: (40 - 10) / 3 = 10 and (80 - 20) / 4 = 15.
  EXPECT_EQ(g.x_edge, (std::vector<double>{10, 20, 30, 40}));
  EXPECT_EQ(g.y_edge, (std::vector<double>{20, 35, 50, 65, 80}));
  EXPECT_EQ(detail::clip_grid(r, 0, 4).nx(), 0);
  EXPECT_EQ(detail::clip_grid(r, 1 << 13, 1 << 12).nx(), 0);  // 2^25 cells
  EXPECT_EQ(detail::clip_grid(Region{}, 3, 4).nx(), 0);       // no bounding box
  EXPECT_EQ(detail::choose_clip_grid(r, 10).nx(), 0);         // too few points
}

TEST(Region, EmptyRegionAndMismatchedLengths) {
  const Region empty;
  const std::vector<double> x(3000, 1.0), y(3000, 1.0);
  EXPECT_EQ(inside_region(empty, x, y), std::vector<std::uint8_t>(3000, 0));
  EXPECT_EQ(detail::inside_region_by_cells(empty, {}, x, y), std::vector<std::uint8_t>(3000, 0));
  const Region r = make_region(square(0, 0, 100, 100), "");
  EXPECT_THROW(inside_region(r, x, std::vector<double>(2)), InternalError);
}

TEST(Region, ReadsAndUnionsGeoJson) {
  const Region r = read_region(kData + "two_areas.geojson", "");
  EXPECT_EQ(r.crs, "EPSG:32616");
  // Two 150 x 100 rectangles sharing an edge: one 300 x 100 rectangle.
  EXPECT_NEAR(r.area, 30000, 1e-6);
  EXPECT_EQ(r.polygons.size(), 1u);
  EXPECT_DOUBLE_EQ(r.bbox.xmin, 500000);
  EXPECT_DOUBLE_EQ(r.bbox.ymax, 4600100);
}

TEST(Region, RefusesDegrees) {
  EXPECT_THROW(read_region(kData + "two_areas.geojson", "EPSG:4326"), ConfigError);
}

TEST(Region, UtmPicksTheZoneOfTheCentre) {
  // The centre is at longitude -86.998 (cs2cs), in zone 16 (-90 to -84): EPSG:32616.
  const Region r = read_region(kData + "two_areas.geojson", "utm");
  EXPECT_EQ(r.crs, "EPSG:32616");
  EXPECT_NEAR(r.area, 30000, 1e-3);  // through lon/lat and back
}

TEST(Region, MissingFileIsIoError) {
  EXPECT_THROW(read_region(kData + "no_such_file.geojson", ""), IoError);
}

}  // namespace
}  // namespace scrutineer::geo
