// Writers for event sets: a GeoPackage points layer (through GDAL, opened by QGIS) and a CSV that
// every command reads back (ingest format "events"). Both record the CRS.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "scrutineer/core/events.hpp"
#include "scrutineer/io/atomic_file.hpp"

namespace scrutineer::io {

// Optional per-event columns written after the standard ones.
struct EventColumns {
  const std::vector<std::int64_t>* cell = nullptr;  // integer cell/bin id, one per event
  std::vector<std::pair<std::string, const std::vector<std::string>*>> text;  // name, values
};

// GeoPackage layer "events": point geometry in events.crs (no geometry when the events have no
// CRS, e.g. Oakland bins) with fields time_utc (ISO 8601 text), category, source_line, [cell,]
// then the text columns. The layer description records the time resolution and zone.
// Written atomically. Throws IoError, or ConfigError when a column's length differs.
void write_events_gpkg(const std::string& path, const EventSet& events,
                       const EventColumns& columns = {});

// CSV with header time_utc,x,y,crs,resolution,time_zone,category,
// source_line[,cell][,text columns...];
// fields are quoted per RFC 4180 when needed. Written atomically.
void write_events_csv(const std::string& path, const EventSet& events,
                      const EventColumns& columns = {});

// By extension: .gpkg or .csv; ConfigError otherwise.
void write_events(const std::string& path, const EventSet& events,
                  const EventColumns& columns = {});

// The same into a staged file that the caller commits (alone, or with others in a FileGroup).
void write_events_gpkg(AtomicFile& file, const EventSet& events, const EventColumns& columns = {});
void write_events_csv(AtomicFile& file, const EventSet& events, const EventColumns& columns = {});
void write_events(AtomicFile& file, const EventSet& events, const EventColumns& columns = {});

}  // namespace scrutineer::io
