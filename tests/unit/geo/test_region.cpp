// Regions: union of polygons, points inside/outside (GEOS covers), reading from GeoJSON.
#include <gtest/gtest.h>

#include <cmath>

#include "scrutineer/core/error.hpp"
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
