// The native GeoJSON reader (io/geojson.hpp) against the GDAL path, on every GeoJSON polygon file
// in ../shared/data, tests/data and examples: every PolygonLayer member equal and every coordinate
// bit-identical, and the Region built from each equal too (issue 16).
#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "scrutineer/core/error.hpp"
#include "scrutineer/geo/crs.hpp"
#include "scrutineer/geo/region.hpp"
#include "scrutineer/io/geojson.hpp"

namespace scrutineer::io {
namespace {

namespace fs = std::filesystem;

std::vector<std::string> geojson_files() {
  std::vector<std::string> out;
  const std::string roots[] = {SCRUTINEER_SHARED_DATA, SCRUTINEER_TEST_DATA,
                               std::string(SCRUTINEER_TEST_DATA) + "/../../examples"};
  for (const auto& root : roots) {
    std::error_code ec;
    if (!fs::is_directory(root, ec)) continue;
    for (const auto& e : fs::recursive_directory_iterator(root))
      if (e.is_regular_file() && e.path().extension() == ".geojson") out.push_back(e.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

void expect_same_coordinates(const std::vector<double>& a, const std::vector<double>& b,
                             const std::string& where) {
  ASSERT_EQ(a.size(), b.size()) << where;
  for (std::size_t i = 0; i < a.size(); ++i)
    ASSERT_EQ(std::bit_cast<std::uint64_t>(a[i]), std::bit_cast<std::uint64_t>(b[i]))
        << where << " point " << i << ": " << a[i] << " vs " << b[i];
}

void expect_same_polygons(const MultiPolygon& a, const MultiPolygon& b, const std::string& where) {
  ASSERT_EQ(a.size(), b.size()) << where;
  for (std::size_t p = 0; p < a.size(); ++p) {
    ASSERT_EQ(a[p].rings.size(), b[p].rings.size()) << where;
    for (std::size_t r = 0; r < a[p].rings.size(); ++r) {
      const auto at = where + " polygon " + std::to_string(p) + " ring " + std::to_string(r);
      expect_same_coordinates(a[p].rings[r].x, b[p].rings[r].x, at + " x");
      expect_same_coordinates(a[p].rings[r].y, b[p].rings[r].y, at + " y");
    }
  }
}

void expect_same_numbers(const std::vector<double>& a, const std::vector<double>& b,
                         const std::string& where) {
  expect_same_coordinates(a, b, where);  // NaN for null, compared bit by bit too
}

void expect_same_layer(const PolygonLayer& a, const PolygonLayer& b, const std::string& where) {
  EXPECT_EQ(a.path, b.path) << where;
  EXPECT_EQ(a.layer, b.layer) << where;
  EXPECT_EQ(a.crs, b.crs) << where;
  EXPECT_EQ(a.geographic, b.geographic) << where;
  EXPECT_EQ(a.description, b.description) << where;
  EXPECT_EQ(a.repaired, b.repaired) << where;
  ASSERT_EQ(a.fields.size(), b.fields.size()) << where;
  for (std::size_t f = 0; f < a.fields.size(); ++f) {
    EXPECT_EQ(a.fields[f].name, b.fields[f].name) << where;
    EXPECT_EQ(a.fields[f].type, b.fields[f].type) << where << " " << a.fields[f].name;
    EXPECT_EQ(a.texts[f], b.texts[f]) << where << " " << a.fields[f].name;
    expect_same_numbers(a.numbers[f], b.numbers[f], where + " " + a.fields[f].name);
  }
  ASSERT_EQ(a.size(), b.size()) << where;
  for (std::size_t i = 0; i < a.size(); ++i)
    expect_same_polygons(a.geometries[i], b.geometries[i],
                         where + " feature " + std::to_string(i + 1));
}

void expect_same_region(const PolygonLayer& a, const PolygonLayer& b, const std::string& where) {
  MultiPolygon all_a, all_b;
  for (const auto& g : a.geometries) all_a.insert(all_a.end(), g.begin(), g.end());
  for (const auto& g : b.geometries) all_b.insert(all_b.end(), g.begin(), g.end());
  const auto ra = geo::make_region(all_a, a.crs);
  const auto rb = geo::make_region(all_b, b.crs);
  EXPECT_EQ(ra.crs, rb.crs) << where;
  EXPECT_EQ(std::bit_cast<std::uint64_t>(ra.area), std::bit_cast<std::uint64_t>(rb.area)) << where;
  expect_same_polygons(ra.polygons, rb.polygons, where + " region");
}

// The targets a run asks for: none, EPSG:4326, the UTM zone of the data, and Illinois East.
std::vector<std::string> targets_for(const PolygonLayer& lonlat) {
  std::vector<std::string> out = {"", "EPSG:4326"};
  if (!lonlat.geographic || lonlat.geometries.empty()) return out;
  const auto b = bbox_of(lonlat.geometries.front());
  out.push_back(geo::utm_crs_for((b.xmin + b.xmax) / 2, (b.ymin + b.ymax) / 2));
  out.push_back("EPSG:2790");
  return out;
}

TEST(GeojsonNativeData, EveryFileReadsAsGdalReadsIt) {
  const auto files = geojson_files();
  if (files.empty()) GTEST_SKIP() << "no GeoJSON files found";
  int native = 0;
  for (const auto& path : files) {
    std::vector<std::string> targets = {""};
    try {
      if (const auto first = read_geojson_native(path); first.layer)
        targets = targets_for(*first.layer);
    } catch (const Error&) {  // a bad feature: compared below, with no target
    }
    for (const auto& target : targets) {
      ReadPolygonsOptions options;
      options.target_crs = target;
      const auto where = path + " -> '" + target + "'";
      std::string mine_error, gdal_error;
      NativeRead mine;
      PolygonLayer gdal;
      try {
        mine = read_geojson_native(path, options);
      } catch (const Error& e) {
        mine_error = e.what();
      }
      try {
        gdal = read_polygons_gdal(path, options);
      } catch (const Error& e) {
        gdal_error = e.what();
      }
      if (!mine_error.empty()) {  // a bad file the native reader accepts fails the same way
        EXPECT_EQ(mine_error, gdal_error) << where;
        continue;
      }
      if (!mine.layer) {
        EXPECT_FALSE(mine.fallback.empty()) << where;
        continue;
      }
      ASSERT_EQ(gdal_error, "") << where;
      ++native;
      expect_same_layer(*mine.layer, gdal, where);
      if (!target.empty() && !gdal.geographic) expect_same_region(*mine.layer, gdal, where);
    }
  }
  // The seven shared data sets (Chicago, NYC, Manchester, Lambeth) read natively with each target.
  if (fs::is_directory(SCRUTINEER_SHARED_DATA)) {
    EXPECT_GE(native, 7 * 4);
  }
}

TEST(GeojsonNativeData, SouthSideRegionReadsWithoutGdal) {
  const auto path = std::string(SCRUTINEER_SHARED_DATA) + "/chicago/southside_region.geojson";
  if (!fs::exists(path)) GTEST_SKIP() << path << " absent";
  ReadPolygonsOptions options;
  options.target_crs = "EPSG:2790";
  const auto mine = read_geojson_native(path, options);
  ASSERT_TRUE(mine.layer) << mine.fallback;
  const auto region = geo::read_region(path, "EPSG:2790");  // through read_polygons: native
  const auto gdal = read_polygons_gdal(path, options);
  MultiPolygon all;
  for (const auto& g : gdal.geometries) all.insert(all.end(), g.begin(), g.end());
  const auto expected = geo::make_region(all, gdal.crs);
  EXPECT_EQ(region.crs, "EPSG:2790");
  EXPECT_EQ(std::bit_cast<std::uint64_t>(region.area), std::bit_cast<std::uint64_t>(expected.area));
  expect_same_polygons(region.polygons, expected.polygons, "southside region");
}

}  // namespace
}  // namespace scrutineer::io
