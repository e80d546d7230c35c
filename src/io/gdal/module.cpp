// The GDAL support module's one exported symbol: its table of entries (io/gdal_module.hpp).
#include "gdal_common.hpp"
#include "scrutineer/io/gdal_module.hpp"

extern "C" __attribute__((visibility("default"))) const scrutineer::io::gdal::Api*
scrutineer_gdal_api() {
  using namespace scrutineer::io::gdal;
  static const Api table{kAbi, &read_polygons_gdal, &write_polygons_gdal, &write_events_gpkg_gdal};
  return &table;
}
