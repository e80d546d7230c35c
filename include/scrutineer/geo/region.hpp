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
std::vector<std::uint8_t> inside_region(const Region& region, const std::vector<double>& x,
                                        const std::vector<double>& y);

struct OutsideReport {
  std::int64_t total = 0;
  std::int64_t outside = 0;                 // not in the region
  std::vector<std::int64_t> first_outside;  // indices of the first (up to 10) outside points
};
OutsideReport report_outside(const Region& region, const std::vector<double>& x,
                             const std::vector<double>& y);

}  // namespace scrutineer::geo
