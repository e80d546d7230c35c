// Polygon layers: bounding boxes, and atomic writing through the GDAL support module
// (io/gdal_module.hpp); read_polygons is in the geo library (geo/read_polygons.cpp).
#include "scrutineer/io/vector.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <limits>

#include "scrutineer/core/error.hpp"
#include "scrutineer/io/atomic_file.hpp"
#include "scrutineer/io/gdal_module.hpp"

namespace scrutineer::io {

Bbox bbox_of(const MultiPolygon& geometry) {
  Bbox b{std::numeric_limits<double>::infinity(), std::numeric_limits<double>::infinity(),
         -std::numeric_limits<double>::infinity(), -std::numeric_limits<double>::infinity()};
  for (const auto& polygon : geometry)
    for (const auto& ring : polygon.rings)
      for (std::size_t i = 0; i < ring.x.size(); ++i) {
        b.xmin = std::min(b.xmin, ring.x[i]);
        b.xmax = std::max(b.xmax, ring.x[i]);
        b.ymin = std::min(b.ymin, ring.y[i]);
        b.ymax = std::max(b.ymax, ring.y[i]);
      }
  return b;
}

std::optional<std::size_t> PolygonLayer::find_field(std::string_view name) const {
  for (std::size_t i = 0; i < fields.size(); ++i)
    if (fields[i].name == name) return i;
  return std::nullopt;
}

std::string vector_driver_for(const std::string& path) {
  auto ext = std::filesystem::path(path).extension().string();
  for (auto& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (ext == ".gpkg") return "GPKG";
  if (ext == ".geojson" || ext == ".json") return "GeoJSON";
  throw ConfigError(fmt::format("cannot write {}: expected a .gpkg or .geojson file name", path));
}

void write_polygons(const std::string& path, const std::string& layer_name, const std::string& crs,
                    const std::vector<MultiPolygon>& geometries, const std::vector<Column>& numbers,
                    const std::vector<TextColumn>& texts, const std::string& description) {
  const std::string driver_name = vector_driver_for(path);
  for (const auto& c : numbers)
    if (c.values.size() != geometries.size())
      throw ConfigError(fmt::format("column '{}' has {} values for {} features", c.name,
                                    c.values.size(), geometries.size()));
  for (const auto& c : texts)
    if (c.values.size() != geometries.size())
      throw ConfigError(fmt::format("column '{}' has {} values for {} features", c.name,
                                    c.values.size(), geometries.size()));
  AtomicFile file(path);
  gdal::api().write_polygons(file.temp_path().string(), path, driver_name, layer_name, crs,
                             geometries, numbers, texts, description);
  file.commit();
}

}  // namespace scrutineer::io
