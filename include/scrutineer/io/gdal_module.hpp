// The GDAL support module (scrutineer_gdal.so): the only code that calls GDAL, loaded with dlopen
// the first time a vector file needs it, so that a process that reads no such file (the CLI's
// --version, a backtest on a GeoJSON region) never maps libgdal and its ~114 libraries (issue 16).
// Private to io and geo: callers use io/vector.hpp and io/event_writer.hpp.
//
// The module holds no scrutineer state of its own: it is built from its own sources and
// src/core/error.cpp only (no static copy of the core or io libraries), gets what it needs from
// the caller as plain values (temporary paths, the time formatter), and throws the caller's
// exception types (IoError, ConfigError, InputError), which cross dlopen boundaries unchanged.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "scrutineer/core/events.hpp"
#include "scrutineer/io/event_writer.hpp"
#include "scrutineer/io/vector.hpp"

namespace scrutineer::io::gdal {

// Bumped whenever a signature below or a structure they pass changes.
inline constexpr int kAbi = 1;

struct Api {
  int abi = kAbi;
  // read_polygons through OGR (io/vector.hpp).
  PolygonLayer (*read_polygons)(const std::string& path, const ReadPolygonsOptions& options);
  // write_polygons into `temp` (the caller's AtomicFile stages and commits it); `path` names the
  // target in messages; `driver` is vector_driver_for(path). Lengths are checked by the caller.
  void (*write_polygons)(const std::string& temp, const std::string& path,
                         const std::string& driver, const std::string& layer_name,
                         const std::string& crs, const std::vector<MultiPolygon>& geometries,
                         const std::vector<Column>& numbers, const std::vector<TextColumn>& texts,
                         const std::string& description);
  // write_events_gpkg into `temp`; `description` is the layer's; `format_time` gives time_utc.
  void (*write_events_gpkg)(const std::string& temp, const std::string& path,
                            const EventSet& events, const EventColumns& columns,
                            const std::string& description,
                            std::string (*format_time)(std::int64_t));
};

// The module's table, loaded on first use (thread-safe). Where it looks, in order: the file
// named by $SCRUTINEER_GDAL_MODULE (then nowhere else); beside the executable or shared object
// that holds this code (the installed Python package); <that folder>/../lib/scrutineer; the
// install prefix's lib/scrutineer; the build tree. Throws IoError naming every path tried and
// dlerror() when none loads.
const Api& api();

// The module's name and the environment variable that overrides where it is.
inline constexpr const char* kModuleFile = "scrutineer_gdal.so";
inline constexpr const char* kModuleEnv = "SCRUTINEER_GDAL_MODULE";
inline constexpr const char* kEntryPoint = "scrutineer_gdal_api";

}  // namespace scrutineer::io::gdal
