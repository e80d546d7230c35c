// Event set writers: GeoPackage points through the GDAL support module, and CSV.
#include "scrutineer/io/event_writer.hpp"

#include <fmt/format.h>

#include <cmath>

#include "scrutineer/core/error.hpp"
#include "scrutineer/core/time.hpp"
#include "scrutineer/io/atomic_file.hpp"
#include "scrutineer/io/csv.hpp"
#include "scrutineer/io/gdal_module.hpp"

namespace scrutineer::io {

namespace {

void check_lengths(const EventSet& events, const EventColumns& columns) {
  if (columns.cell && columns.cell->size() != events.size())
    throw ConfigError(
        fmt::format("cell column: {} values for {} events", columns.cell->size(), events.size()));
  for (const auto& [name, values] : columns.text)
    if (values->size() != events.size())
      throw ConfigError(
          fmt::format("column '{}': {} values for {} events", name, values->size(), events.size()));
}

bool ends_with(const std::string& s, std::string_view suffix) {
  if (s.size() < suffix.size()) return false;
  for (std::size_t i = 0; i < suffix.size(); ++i)
    if ((s[s.size() - suffix.size() + i] | 0x20) != suffix[i]) return false;
  return true;
}

}  // namespace

void write_events_gpkg(const std::string& path, const EventSet& events,
                       const EventColumns& columns) {
  AtomicFile file(path);
  write_events_gpkg(file, events, columns);
  file.commit();
}

void write_events_gpkg(AtomicFile& file, const EventSet& events, const EventColumns& columns) {
  const std::string path = file.target().string();
  check_lengths(events, columns);
  const std::string description =
      fmt::format("scrutineer events; time resolution {}; source time zone {}",
                  to_string(events.resolution), events.time_zone);
  gdal::api().write_events_gpkg(file.temp_path().string(), path, events, columns, description,
                                &format_iso_utc);
}

void write_events_csv(const std::string& path, const EventSet& events,
                      const EventColumns& columns) {
  AtomicFile file(path);
  write_events_csv(file, events, columns);
  file.commit();
}

void write_events_csv(AtomicFile& file, const EventSet& events, const EventColumns& columns) {
  check_lengths(events, columns);
  auto& out = file.stream();
  std::string line = "time_utc,x,y,crs,resolution,time_zone,category,source_line";
  if (columns.cell) line += ",cell";
  for (const auto& [name, values] : columns.text) {
    line += ',';
    append_csv_field(line, name);
  }
  out << line << '\n';
  const std::string resolution(to_string(events.resolution));
  std::string crs;
  append_csv_field(crs, events.crs);
  std::string zone;
  append_csv_field(zone, events.time_zone);
  for (std::size_t i = 0; i < events.size(); ++i) {
    line.clear();
    line += format_iso_utc(events.t[i]);
    // 17 significant digits would round-trip exactly; millimetres are ample for crime locations.
    if (std::isfinite(events.x[i]))
      line += fmt::format(",{:.3f},{:.3f},", events.x[i], events.y[i]);
    else
      line += ",,,";
    line += crs;
    line += ',';
    line += resolution;
    line += ',';
    line += zone;
    line += ',';
    append_csv_field(line, events.categories[static_cast<std::size_t>(events.category[i])]);
    line += fmt::format(",{}", events.source_row[i]);
    if (columns.cell) line += fmt::format(",{}", (*columns.cell)[i]);
    for (const auto& [name, values] : columns.text) {
      line += ',';
      append_csv_field(line, (*values)[i]);
    }
    line += '\n';
    out << line;
  }
}

void write_events(const std::string& path, const EventSet& events, const EventColumns& columns) {
  AtomicFile file(path);
  write_events(file, events, columns);
  file.commit();
}

void write_events(AtomicFile& file, const EventSet& events, const EventColumns& columns) {
  const std::string path = file.target().string();
  if (ends_with(path, ".gpkg")) return write_events_gpkg(file, events, columns);
  if (ends_with(path, ".csv")) return write_events_csv(file, events, columns);
  throw ConfigError(
      fmt::format("cannot tell the output format of '{}': expected a .gpkg or .csv name", path));
}

}  // namespace scrutineer::io
