// libFuzzer target for the native GeoJSON reader (io::read_geojson_native, nlohmann-json, PROJ,
// GEOS): any bytes must give a layer, a fallback to GDAL or a documented error
// (scrutineer::Error), never a crash, a hang or undefined behaviour.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <fstream>
#include <string>

#include "scrutineer/core/error.hpp"
#include "scrutineer/io/geojson.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const std::string path = "/tmp/fuzz_geojson_" + std::to_string(getpid()) + ".geojson";
  std::ofstream(path, std::ios::binary)
      .write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  for (const char* target : {"", "EPSG:2790"}) {
    scrutineer::io::ReadPolygonsOptions options;
    options.target_crs = target;
    try {
      (void)scrutineer::io::read_geojson_native(path, options);
    } catch (const scrutineer::Error&) {
    }
  }
  return 0;
}
