// Private to the GDAL support module: registration, error text and a quiet error handler.
#pragma once

#include <cpl_error.h>
#include <gdal_priv.h>

#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

#include "scrutineer/io/event_writer.hpp"
#include "scrutineer/io/vector.hpp"

namespace scrutineer::io::gdal {

inline void register_gdal() {
  static std::once_flag once;
  std::call_once(once, [] { GDALAllRegister(); });
}

inline std::string last_gdal_error() {
  const char* msg = CPLGetLastErrorMsg();
  return msg && *msg ? msg : "no reason given";
}

// Collects GDAL messages instead of printing them; restores the handler on exit.
class QuietGdal {
 public:
  QuietGdal() {
    CPLPushErrorHandler(CPLQuietErrorHandler);
    CPLErrorReset();
  }
  ~QuietGdal() { CPLPopErrorHandler(); }
  QuietGdal(const QuietGdal&) = delete;
  QuietGdal& operator=(const QuietGdal&) = delete;
};

// The module's entries (their contracts are those of io::gdal::Api, io/gdal_module.hpp).
PolygonLayer read_polygons_gdal(const std::string& path, const ReadPolygonsOptions& options);
void write_polygons_gdal(const std::string& temp, const std::string& path,
                         const std::string& driver_name, const std::string& layer_name,
                         const std::string& crs, const std::vector<MultiPolygon>& geometries,
                         const std::vector<Column>& numbers, const std::vector<TextColumn>& texts,
                         const std::string& description);
void write_events_gpkg_gdal(const std::string& temp, const std::string& path,
                            const EventSet& events, const EventColumns& columns,
                            const std::string& description,
                            std::string (*format_time)(std::int64_t));

}  // namespace scrutineer::io::gdal
