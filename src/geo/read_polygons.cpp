// io::read_polygons (io/vector.hpp): through the GDAL support module (io/gdal_module.hpp).
#include "scrutineer/io/gdal_module.hpp"
#include "scrutineer/io/vector.hpp"

namespace scrutineer::io {

PolygonLayer read_polygons(const std::string& path, const ReadPolygonsOptions& options) {
  return gdal::api().read_polygons(path, options);
}

}  // namespace scrutineer::io
