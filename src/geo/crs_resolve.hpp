// Private: resolves the target CRS a user asked for ("utm" = the UTM zone of the data's centre).
#pragma once

#include <string>

#include "scrutineer/io/vector.hpp"

namespace scrutineer::geo::detail {

// The CRS to project `path` to: `target` itself, or for "utm" (any case) the WGS 84 / UTM zone of
// the centre of the layer's bounding box in longitude/latitude.
std::string resolve_target_crs(const std::string& path, const std::string& target);

// read_polygons to a resolved target; ConfigError when the result is in degrees.
io::PolygonLayer read_projected(const std::string& path, const std::string& target,
                                const char* what);

}  // namespace scrutineer::geo::detail
