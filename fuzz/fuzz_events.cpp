// libFuzzer target for the events CSV that `scrutineer ingest` writes and every command reads back
// (ingest format "events"), and for a generic export with lon/lat: any bytes must give events or a
// documented error (scrutineer::Error), never a crash, a hang or undefined behaviour. The first
// byte picks the header; the rest is the data rows.
#include <cstddef>
#include <cstdint>
#include <string>

#include "scrutineer/core/error.hpp"
#include "scrutineer/ingest/ingest.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::string rows(reinterpret_cast<const char*>(data + 1), size - 1);
  scrutineer::ingest::ReadOptions options;
  options.max_field_bytes = 256;
  options.drop_duplicates = data[0] & 1;
  std::string header;
  if (data[0] & 2) {
    // The writer's own format: times in UTC, x/y in the row's CRS.
    options.format = "events";
    header = "time_utc,x,y,crs,resolution,time_zone,category,source_line\n";
  } else {
    options.format = "generic";
    options.columns.time = "t";
    options.columns.lon = "lon";
    options.columns.lat = "lat";
    options.columns.category = "c";
    options.time_zone = data[0] & 4 ? "America/Chicago" : "UTC";
    header = "t,lon,lat,c\n";
  }
  try {
    (void)scrutineer::ingest::read_events_from_string("fuzz.csv", header + rows, options);
  } catch (const scrutineer::Error&) {
  }
  return 0;
}
