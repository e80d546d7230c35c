// Private: target CRS resolution shared by read_region and read_areas.
#include "crs_resolve.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

#include "scrutineer/core/error.hpp"
#include "scrutineer/geo/crs.hpp"

namespace scrutineer::geo::detail {

std::string resolve_target_crs(const std::string& path, const std::string& target) {
  std::string lower = target;
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (lower != "utm") return target;
  io::ReadPolygonsOptions options;
  options.target_crs = "EPSG:4326";
  const auto layer = io::read_polygons(path, options);
  io::Bbox box{1e300, 1e300, -1e300, -1e300};
  for (const auto& g : layer.geometries) {
    const auto b = io::bbox_of(g);
    box = {std::min(box.xmin, b.xmin), std::min(box.ymin, b.ymin), std::max(box.xmax, b.xmax),
           std::max(box.ymax, b.ymax)};
  }
  if (layer.geometries.empty()) throw InputError(path, 0, 0, "expected polygons, found none");
  return utm_crs_for((box.xmin + box.xmax) / 2, (box.ymin + box.ymax) / 2);
}

io::PolygonLayer read_projected(const std::string& path, const std::string& target,
                                const char* what) {
  io::ReadPolygonsOptions options;
  options.target_crs = resolve_target_crs(path, target);
  auto layer = io::read_polygons(path, options);
  if (layer.geographic)
    throw ConfigError(
        fmt::format("the {} {} would be in a geographic CRS ({}, degrees): give a "
                    "projected CRS in metres, e.g. 'utm' or an EPSG code",
                    what, path, layer.crs));
  if (layer.geometries.empty())
    throw InputError(path, 0, 0, fmt::format("expected {} polygons, found none", what));
  return layer;
}

}  // namespace scrutineer::geo::detail
