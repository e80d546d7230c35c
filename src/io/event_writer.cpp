// Event set writers: GeoPackage points through GDAL, and CSV.
#include "scrutineer/io/event_writer.hpp"

#include <cpl_error.h>
#include <fmt/format.h>
#include <gdal_priv.h>
#include <ogrsf_frmts.h>

#include <cmath>
#include <memory>
#include <mutex>

#include "scrutineer/core/error.hpp"
#include "scrutineer/core/time.hpp"
#include "scrutineer/io/atomic_file.hpp"
#include "scrutineer/io/csv.hpp"

namespace scrutineer::io {

namespace {

std::string gdal_error() {
  const char* msg = CPLGetLastErrorMsg();
  return msg && *msg ? msg : "no reason given";
}

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
  static std::once_flag once;
  std::call_once(once, [] { GDALAllRegister(); });
  std::unique_ptr<OGRSpatialReference> srs;
  if (!events.crs.empty()) {
    srs = std::make_unique<OGRSpatialReference>();
    if (srs->SetFromUserInput(events.crs.c_str()) != OGRERR_NONE)
      throw ConfigError(fmt::format("unknown CRS '{}' for {}", events.crs, path));
    srs->SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
  }
  {
    CPLPushErrorHandler(CPLQuietErrorHandler);  // the driver warns about the temporary's extension
    struct Pop {
      ~Pop() { CPLPopErrorHandler(); }
    } pop;
    CPLErrorReset();
    GDALDriver* driver = GetGDALDriverManager()->GetDriverByName("GPKG");
    if (!driver) throw IoError("GDAL has no GPKG driver");
    const std::string temp = file.temp_path().string();
    GDALDatasetUniquePtr ds(driver->Create(temp.c_str(), 0, 0, 0, GDT_Unknown, nullptr));
    if (!ds) throw IoError(fmt::format("cannot create {}: {}", path, gdal_error()));
    const std::string description =
        fmt::format("scrutineer events; time resolution {}; source time zone {}",
                    to_string(events.resolution), events.time_zone);
    const char* options[] = {"DESCRIPTION", nullptr, nullptr};
    std::string desc_option = "DESCRIPTION=" + description;
    options[0] = desc_option.c_str();
    OGRLayer* layer =
        ds->CreateLayer("events", srs.get(), srs ? wkbPoint : wkbNone, const_cast<char**>(options));
    if (!layer) throw IoError(fmt::format("cannot create a layer in {}: {}", path, gdal_error()));
    auto add_field = [&](const std::string& name, OGRFieldType type) {
      OGRFieldDefn field(name.c_str(), type);
      if (layer->CreateField(&field) != OGRERR_NONE)
        throw IoError(fmt::format("cannot create field {} in {}: {}", name, path, gdal_error()));
    };
    add_field("time_utc", OFTString);
    add_field("category", OFTString);
    add_field("source_line", OFTInteger64);
    if (columns.cell) add_field("cell", OFTInteger64);
    for (const auto& [name, values] : columns.text) add_field(name, OFTString);
    if (layer->StartTransaction() != OGRERR_NONE)
      throw IoError(fmt::format("cannot write {}: {}", path, gdal_error()));
    OGRFeature feature(layer->GetLayerDefn());
    for (std::size_t i = 0; i < events.size(); ++i) {
      if (srs) {
        if (std::isfinite(events.x[i]) && std::isfinite(events.y[i])) {
          OGRPoint point(events.x[i], events.y[i]);
          feature.SetGeometry(&point);
        } else {
          feature.SetGeometryDirectly(nullptr);
        }
      }
      feature.SetFID(OGRNullFID);
      feature.SetField(0, format_iso_utc(events.t[i]).c_str());
      feature.SetField(1, events.categories[static_cast<std::size_t>(events.category[i])].c_str());
      feature.SetField(2, static_cast<GIntBig>(events.source_row[i]));
      int f = 3;
      if (columns.cell) feature.SetField(f++, static_cast<GIntBig>((*columns.cell)[i]));
      for (const auto& [name, values] : columns.text) feature.SetField(f++, (*values)[i].c_str());
      if (layer->CreateFeature(&feature) != OGRERR_NONE)
        throw IoError(fmt::format("cannot write event {} to {}: {}", i + 1, path, gdal_error()));
    }
    if (layer->CommitTransaction() != OGRERR_NONE)
      throw IoError(fmt::format("cannot write {}: {}", path, gdal_error()));
    CPLErrorReset();
    ds.reset();
    if (CPLGetLastErrorType() == CE_Failure)
      throw IoError(fmt::format("cannot write {}: {}", path, gdal_error()));
  }
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
