// io::read_polygons (io/vector.hpp): GeoJSON in the native subset without GDAL (io/geojson.hpp),
// everything else through the GDAL support module (io/gdal_module.hpp).
#include <cstdlib>
#include <string_view>

#include "scrutineer/io/gdal_module.hpp"
#include "scrutineer/io/geojson.hpp"
#include "scrutineer/io/vector.hpp"

namespace scrutineer::io {

namespace {

bool gdal_forced() {
  static const bool forced = [] {
    const char* value = std::getenv(kVectorReaderEnv);
    return value && std::string_view(value) == "gdal";
  }();
  return forced;
}

}  // namespace

PolygonLayer read_polygons_gdal(const std::string& path, const ReadPolygonsOptions& options) {
  return gdal::api().read_polygons(path, options);
}

PolygonLayer read_polygons(const std::string& path, const ReadPolygonsOptions& options) {
  if (!gdal_forced()) {
    auto native = read_geojson_native(path, options);
    if (native.layer) return std::move(*native.layer);
  }
  return read_polygons_gdal(path, options);
}

}  // namespace scrutineer::io
