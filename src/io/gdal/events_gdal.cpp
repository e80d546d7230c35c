// Events as a GeoPackage points layer (part of the GDAL support module, io/gdal_module.hpp).
#include <cpl_error.h>
#include <fmt/format.h>
#include <gdal_priv.h>
#include <ogrsf_frmts.h>

#include <cmath>
#include <memory>

#include "gdal_common.hpp"
#include "scrutineer/core/error.hpp"

namespace scrutineer::io::gdal {

void write_events_gpkg_gdal(const std::string& temp, const std::string& path,
                            const EventSet& events, const EventColumns& columns,
                            const std::string& description,
                            std::string (*format_time)(std::int64_t)) {
  register_gdal();
  std::unique_ptr<OGRSpatialReference> srs;
  if (!events.crs.empty()) {
    srs = std::make_unique<OGRSpatialReference>();
    if (srs->SetFromUserInput(events.crs.c_str()) != OGRERR_NONE)
      throw ConfigError(fmt::format("unknown CRS '{}' for {}", events.crs, path));
    srs->SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
  }
  QuietGdal quiet;  // the driver warns about the temporary's extension
  GDALDriver* driver = GetGDALDriverManager()->GetDriverByName("GPKG");
  if (!driver) throw IoError("GDAL has no GPKG driver");
  GDALDatasetUniquePtr ds(driver->Create(temp.c_str(), 0, 0, 0, GDT_Unknown, nullptr));
  if (!ds) throw IoError(fmt::format("cannot create {}: {}", path, last_gdal_error()));
  const char* options[] = {"DESCRIPTION", nullptr, nullptr};
  std::string desc_option = "DESCRIPTION=" + description;
  options[0] = desc_option.c_str();
  OGRLayer* layer =
      ds->CreateLayer("events", srs.get(), srs ? wkbPoint : wkbNone, const_cast<char**>(options));
  if (!layer)
    throw IoError(fmt::format("cannot create a layer in {}: {}", path, last_gdal_error()));
  auto add_field = [&](const std::string& name, OGRFieldType type) {
    OGRFieldDefn field(name.c_str(), type);
    if (layer->CreateField(&field) != OGRERR_NONE)
      throw IoError(fmt::format("cannot create field {} in {}: {}", name, path, last_gdal_error()));
  };
  add_field("time_utc", OFTString);
  add_field("category", OFTString);
  add_field("source_line", OFTInteger64);
  if (columns.cell) add_field("cell", OFTInteger64);
  for (const auto& [name, values] : columns.text) add_field(name, OFTString);
  if (layer->StartTransaction() != OGRERR_NONE)
    throw IoError(fmt::format("cannot write {}: {}", path, last_gdal_error()));
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
    feature.SetField(0, format_time(events.t[i]).c_str());
    feature.SetField(1, events.categories[static_cast<std::size_t>(events.category[i])].c_str());
    feature.SetField(2, static_cast<GIntBig>(events.source_row[i]));
    int f = 3;
    if (columns.cell) feature.SetField(f++, static_cast<GIntBig>((*columns.cell)[i]));
    for (const auto& [name, values] : columns.text) feature.SetField(f++, (*values)[i].c_str());
    if (layer->CreateFeature(&feature) != OGRERR_NONE)
      throw IoError(fmt::format("cannot write event {} to {}: {}", i + 1, path, last_gdal_error()));
  }
  if (layer->CommitTransaction() != OGRERR_NONE)
    throw IoError(fmt::format("cannot write {}: {}", path, last_gdal_error()));
  CPLErrorReset();
  ds.reset();
  if (CPLGetLastErrorType() == CE_Failure)
    throw IoError(fmt::format("cannot write {}: {}", path, last_gdal_error()));
}

}  // namespace scrutineer::io::gdal
