// The study region: the union of the polygons of any GDAL vector source, in a projected CRS, and
// which events fall outside it (GEOS).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "scrutineer/io/vector.hpp"

namespace scrutineer::geo {

struct Region {
  std::string source;         // the file it was read from
  std::string crs;            // the CRS of `polygons` ("EPSG:n" or WKT)
  io::MultiPolygon polygons;  // the union of every feature's polygons
  io::Bbox bbox;
  double area = 0;                     // in square CRS units
  std::vector<std::int64_t> repaired;  // features that MakeValid repaired (1-based)
};

// Reads every feature of `path` (first layer) and unions them. `target_crs`: any CRS that PROJ
// knows ("EPSG:2790"), "utm" for the WGS 84 / UTM zone of the region's centre, or "" to keep the
// source's CRS. Throws ConfigError when the result would be in a geographic (degree) CRS, and the
// errors of io::read_polygons.
Region read_region(const std::string& path, const std::string& target_crs);

// Builds a region from polygons already in memory (tests, the synthetic city).
Region make_region(const io::MultiPolygon& polygons, const std::string& crs);

// 1 when (x[i], y[i]) lies in the region or on its boundary (GEOS covers), else 0; NaN is outside.
// With enough points, those in cells of a grid that meet no boundary segment take the answer of
// their connected set of such cells; the others are tested one by one (docs/study.md, "The clip").
// The answer equals the per-point test's for every point, whatever the thread count.
std::vector<std::uint8_t> inside_region(const Region& region, const std::vector<double>& x,
                                        const std::vector<double>& y);

namespace detail {

// The grid of inside_region over the region's bounding box: cell (i, j) is the closed box
// [x_edge[i], x_edge[i + 1]] x [y_edge[j], y_edge[j + 1]]. Empty edges: no grid.
struct ClipGrid {
  std::vector<double> x_edge, y_edge;
  // nx / (xmax - xmin): a point's cell is floor((x - x_edge[0]) * x_scale), checked with the edges.
  double x_scale = 0, y_scale = 0;
  std::int64_t nx() const { return x_edge.empty() ? 0 : std::int64_t(x_edge.size()) - 1; }
  std::int64_t ny() const { return y_edge.empty() ? 0 : std::int64_t(y_edge.size()) - 1; }
};

// nx x ny cells of equal size over the region's bounding box (the last edges are the box's own);
// no grid when the box is empty, not finite, or would need over 2^24 cells.
ClipGrid clip_grid(const Region& region, std::int64_t nx, std::int64_t ny);
// The grid inside_region lays for `points` points inside the bounding box; none for few points.
ClipGrid choose_clip_grid(const Region& region, std::int64_t points);

// Each point by itself: GEOSPreparedCovers of a GEOS point (the answer inside_region keeps).
std::vector<std::uint8_t> inside_region_per_point(const Region& region,
                                                  const std::vector<double>& x,
                                                  const std::vector<double>& y);
// By the cells of `grid` (point by point without one).
std::vector<std::uint8_t> inside_region_by_cells(const Region& region, const ClipGrid& grid,
                                                 const std::vector<double>& x,
                                                 const std::vector<double>& y);

}  // namespace detail

struct OutsideReport {
  std::int64_t total = 0;
  std::int64_t outside = 0;                 // not in the region
  std::vector<std::int64_t> first_outside;  // indices of the first (up to 10) outside points
};
OutsideReport report_outside(const Region& region, const std::vector<double>& x,
                             const std::vector<double>& y);

}  // namespace scrutineer::geo
