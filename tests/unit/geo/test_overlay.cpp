// Areas and the cell x area overlay against hand-computed cases.
#include <gtest/gtest.h>

#include <cmath>
#include <numeric>

#include "scrutineer/core/error.hpp"
#include "scrutineer/core/parallel.hpp"
#include "scrutineer/geo/overlay.hpp"
#include "scrutineer/geo/region.hpp"

namespace scrutineer::geo {
namespace {

const std::string kData = SCRUTINEER_TEST_DATA "/geo/";

io::MultiPolygon square(double x0, double y0, double x1, double y1) {
  return {io::Polygon{{io::Ring{{x0, x1, x1, x0, x0}, {y0, y0, y1, y1, y0}}}}};
}

double sum(const std::vector<double>& v) { return std::accumulate(v.begin(), v.end(), 0.0); }

TEST(Areas, ReadIdsAndAttributes) {
  const Areas a = read_areas(kData + "two_areas.geojson", "code", "");
  EXPECT_EQ(a.ids, (std::vector<std::string>{"A", "B"}));
  EXPECT_EQ(a.column("pop"), (std::vector<double>{300, 600}));
  EXPECT_TRUE(a.has_column("pop"));
  EXPECT_EQ(a.text_names, (std::vector<std::string>{"code", "name"}));
  EXPECT_EQ(a.text[1], (std::vector<std::string>{"west", "east"}));
  EXPECT_NEAR(a.area[0], 15000, 1e-6);  // 150 x 100
  EXPECT_EQ(a.find("B"), std::optional<std::size_t>(1));
  EXPECT_FALSE(a.find("C"));
  EXPECT_THROW(a.column("name"), ConfigError);
}

TEST(Areas, NumericIdsAndErrors) {
  const Areas bow = read_areas(kData + "bowtie.geojson", "code", "");
  EXPECT_EQ(bow.ids, (std::vector<std::string>{"1"}));
  EXPECT_EQ(bow.repaired, (std::vector<std::int64_t>{1}));
  EXPECT_THROW(read_areas(kData + "two_areas.geojson", "geoid", ""), ConfigError);
  try {
    read_areas(kData + "duplicate_ids.geojson", "code", "");
    FAIL() << "expected InputError";
  } catch (const InputError& e) {
    EXPECT_EQ(e.line(), 2);
    EXPECT_NE(std::string(e.what()).find("repeats feature 1"), std::string::npos) << e.what();
  }
}

TEST(Areas, ShoelaceWithHole) {
  // 100 x 100 square with a 20 x 10 hole: 10,000 - 200 = 9,800 (hole ring clockwise or not).
  io::MultiPolygon p = square(0, 0, 100, 100);
  p[0].rings.push_back(io::Ring{{10, 10, 30, 30, 10}, {10, 20, 20, 10, 10}});
  EXPECT_DOUBLE_EQ(polygon_area(p), 9800);
  const Areas a = make_areas({p}, "");
  EXPECT_NEAR(a.area[0], 9800, 1e-9);  // GEOS agrees
}

TEST(Overlay, CellStraddlingTwoAreas) {
  // A = [0, 150] x [0, 100] (pop 300), B = [150, 300] x [0, 100] (pop 600), cells of 100 from
  // origin 0: cell 1 = [100, 200] holds 50 x 100 = 5,000 of each.
  const Areas areas =
      make_areas({square(0, 0, 150, 100), square(150, 0, 300, 100)}, "", {"A", "B"});
  // Region [0, 300) x [0, 100): its edges are off grid lines, so the grid is 3 x 1 (cells 0..2).
  const Grid grid = make_grid(make_region(square(0, 0, 299.5, 99.5), ""), 100);
  ASSERT_EQ(grid.nx, 3);
  ASSERT_EQ(grid.ny, 1);
  const Overlay o = make_overlay(grid, areas);
  EXPECT_EQ(o.start, (std::vector<std::int64_t>{0, 1, 3, 4}));
  EXPECT_EQ(o.area, (std::vector<std::int32_t>{0, 0, 1, 1}));
  const std::vector<double> expected{10000, 5000, 5000, 10000};
  for (std::size_t k = 0; k < expected.size(); ++k)
    EXPECT_NEAR(o.intersection[k], expected[k], 1e-9);
  EXPECT_NEAR(o.cell_share(1), 0.5, 1e-12);      // 5,000 / 10,000
  EXPECT_NEAR(o.area_share(1), 1.0 / 3, 1e-12);  // 5,000 / 15,000
  EXPECT_NEAR(o.area_share(0), 2.0 / 3, 1e-12);  // 10,000 / 15,000
  EXPECT_NEAR(o.area_outside_share(0), 0, 1e-12);
  // Spread: cell 0 = 300 x 2/3 = 200; cell 1 = 300/3 + 600/3 = 300; cell 2 = 600 x 2/3 = 400.
  const auto cells = o.spread_to_cells({300, 600});
  EXPECT_NEAR(cells[0], 200, 1e-9);
  EXPECT_NEAR(cells[1], 300, 1e-9);
  EXPECT_NEAR(cells[2], 400, 1e-9);
  // Back: A = 200 + 300/2 = 350, B = 300/2 + 400 = 550; the total 900 is conserved.
  const auto back = o.sum_to_areas(cells);
  EXPECT_NEAR(back[0], 350, 1e-9);
  EXPECT_NEAR(back[1], 550, 1e-9);
  EXPECT_NEAR(sum(back), 900, 1e-9);
}

TEST(Overlay, CellPartlyOutsideEveryArea) {
  // Only A = [0, 150] x [0, 100]; region [0, 200] x [0, 100]: cell 1 is half outside every area.
  const Areas areas = make_areas({square(0, 0, 150, 100)}, "");
  const Grid grid = make_grid(make_region(square(0, 0, 199, 99), ""), 100);
  ASSERT_EQ(grid.cells(), 2);
  const Overlay o = make_overlay(grid, areas);
  EXPECT_NEAR(o.cell_covered[1], 5000, 1e-9);
  // Cell values 10 and 20: covered split gives A all of them (30); cell split gives
  // 10 + 20 x 5,000/10,000 = 20.
  EXPECT_NEAR(o.sum_to_areas({10, 20})[0], 30, 1e-9);
  EXPECT_NEAR(o.sum_to_areas({10, 20}, CellSplit::kCell)[0], 20, 1e-9);
  EXPECT_THROW(o.sum_to_areas({1}), ConfigError);
  EXPECT_THROW(o.spread_to_cells({1, 2}), ConfigError);
}

TEST(Overlay, AreaMassOutsideValidCells) {
  // Region [0, 99]^2 gives one cell [0, 100]^2; A = [0, 150] x [0, 100] has 5,000 of 15,000
  // outside it.
  const Areas areas = make_areas({square(0, 0, 150, 100)}, "");
  const Grid grid = make_grid(make_region(square(0, 0, 99, 99), ""), 100);
  ASSERT_EQ(grid.cells(), 1);
  const Overlay o = make_overlay(grid, areas);
  EXPECT_NEAR(o.area_covered[0], 10000, 1e-9);
  EXPECT_NEAR(o.area_outside_share(0), 1.0 / 3, 1e-12);
  // Spread puts 2/3 of the 300 in the grid: 200.
  EXPECT_NEAR(o.spread_to_cells({300})[0], 200, 1e-9);
}

TEST(Overlay, InvalidCellsGetNothing) {
  // Triangle x + y <= 300, 100 m cells: a 4 x 4 grid with 10 valid cells (see test_grid.cpp).
  // The area [0, 300]^2 covers the 9 cells with ix, iy in 0..2; of those only (2, 2) is invalid
  // (2 + 2 > 3). Valid cells (3, 0) and (0, 3) share only an edge with it: no entry. So 8 entries
  // of 10,000 each, and 1/9 of the area lies outside the valid cells.
  const Region region = make_region({io::Polygon{{io::Ring{{0, 300, 0, 0}, {0, 0, 300, 0}}}}}, "");
  const Grid grid = make_grid(region, 100);
  ASSERT_EQ(grid.nx, 4);
  const Overlay o = make_overlay(grid, make_areas({square(0, 0, 300, 300)}, ""));
  EXPECT_EQ(o.entries(), 8u);
  const std::int64_t invalid = 2 * 4 + 2;  // (2, 2)
  EXPECT_EQ(o.start[invalid + 1] - o.start[invalid], 0);
  EXPECT_NEAR(o.area_covered[0], 80000, 1e-6);
  EXPECT_NEAR(o.area_outside_share(0), 1.0 / 9, 1e-12);
}

TEST(Overlay, RejectsDifferentCrs) {
  const Grid grid = make_grid(make_region(square(0, 0, 100, 100), "EPSG:32616"), 100);
  EXPECT_THROW(make_overlay(grid, make_areas({square(0, 0, 10, 10)}, "EPSG:2790")), ConfigError);
}

TEST(Overlay, SameResultWithOneAndTwoThreads) {
  // Irregular areas (a fan of triangles round a centre) over a fine grid, built with 1 and with
  // 2 threads: the CSR arrays must match bit for bit.
  std::vector<io::MultiPolygon> fan;
  const double cx = 503.7, cy = 497.1, pi = std::acos(-1.0);
  for (int k = 0; k < 40; ++k) {
    const double a0 = 2 * pi * k / 40, a1 = 2 * pi * (k + 1) / 40;
    fan.push_back(
        {io::Polygon{{io::Ring{{cx, cx + 480 * std::cos(a0), cx + 480 * std::cos(a1), cx},
                               {cy, cy + 480 * std::sin(a0), cy + 480 * std::sin(a1), cy}}}}});
  }
  const Areas areas = make_areas(fan, "");
  io::MultiPolygon all;
  for (const auto& f : fan) all.insert(all.end(), f.begin(), f.end());
  const Grid grid = make_grid(make_region(all, ""), 17);
  Overlay one, two;
  {
    ThreadLimit limit(1);
    one = make_overlay(grid, areas);
  }
  {
    ThreadLimit limit(2);
    two = make_overlay(grid, areas);
  }
  EXPECT_EQ(one.start, two.start);
  EXPECT_EQ(one.area, two.area);
  EXPECT_EQ(one.intersection, two.intersection);
  // Every area lies inside the valid cells, so its whole area is covered and a spread total
  // comes back: Σ area = the 40-gon's area, and 1,000 spread and summed back stays 1,000.
  for (std::size_t a = 0; a < areas.size(); ++a)
    EXPECT_NEAR(one.area_covered[a] / areas.area[a], 1, 1e-9) << a;
  std::vector<double> pop(areas.size(), 25.0);
  EXPECT_NEAR(sum(one.sum_to_areas(one.spread_to_cells(pop))), 1000, 1e-9);
}

}  // namespace
}  // namespace scrutineer::geo
