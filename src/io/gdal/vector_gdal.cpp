// GDAL/OGR polygon layers (part of the GDAL support module, io/gdal_module.hpp): reading with
// reprojection and MakeValid repair, and writing into a staged file.
#include <cpl_error.h>
#include <cpl_string.h>
#include <fmt/format.h>
#include <gdal_priv.h>
#include <ogr_geometry.h>
#include <ogr_spatialref.h>
#include <ogrsf_frmts.h>

#include <cmath>
#include <filesystem>
#include <limits>
#include <memory>
#include <mutex>

#include "gdal_common.hpp"
#include "scrutineer/core/error.hpp"
#include "scrutineer/io/vector.hpp"

namespace scrutineer::io::gdal {

namespace {

// Axis order x = easting/longitude, y = northing/latitude at both ends of every transform.
std::unique_ptr<OGRSpatialReference> srs_from(const std::string& text) {
  auto srs = std::make_unique<OGRSpatialReference>();
  if (srs->SetFromUserInput(text.c_str()) != OGRERR_NONE)
    throw ConfigError(
        fmt::format("unknown CRS '{}': expected an EPSG code (EPSG:2790), WKT or a "
                    "PROJ string",
                    text));
  srs->SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
  return srs;
}

std::string crs_name(const OGRSpatialReference& srs) {
  const char* auth = srs.GetAuthorityName(nullptr);
  const char* code = srs.GetAuthorityCode(nullptr);
  if (auth && code) return fmt::format("{}:{}", auth, code);
  OGRSpatialReference copy(srs);
  if (copy.AutoIdentifyEPSG() == OGRERR_NONE) {
    auth = copy.GetAuthorityName(nullptr);
    code = copy.GetAuthorityCode(nullptr);
    if (auth && code) return fmt::format("{}:{}", auth, code);
  }
  char* wkt = nullptr;
  const char* const wkt_options[] = {"FORMAT=WKT2_2019", nullptr};
  copy.exportToWkt(&wkt, wkt_options);
  std::string out = wkt ? wkt : "";
  CPLFree(wkt);
  return out;
}

Ring ring_from(const OGRLinearRing& ring) {
  Ring out;
  const int n = ring.getNumPoints();
  out.x.resize(n);
  out.y.resize(n);
  for (int i = 0; i < n; ++i) {
    out.x[i] = ring.getX(i);
    out.y[i] = ring.getY(i);
  }
  if (n > 0 && (out.x.front() != out.x.back() || out.y.front() != out.y.back())) {
    out.x.push_back(out.x.front());
    out.y.push_back(out.y.front());
  }
  return out;
}

void add_polygon(const OGRPolygon& polygon, MultiPolygon& out) {
  if (polygon.IsEmpty()) return;
  Polygon p;
  p.rings.push_back(ring_from(*polygon.getExteriorRing()));
  for (int i = 0; i < polygon.getNumInteriorRings(); ++i)
    p.rings.push_back(ring_from(*polygon.getInteriorRing(i)));
  out.push_back(std::move(p));
}

// Polygons of a geometry; lines and points (from MakeValid of a sliver) are dropped. Returns false
// when the geometry holds no polygonal part at all.
bool collect_polygons(const OGRGeometry& geometry, MultiPolygon& out) {
  switch (wkbFlatten(geometry.getGeometryType())) {
    case wkbPolygon:
      add_polygon(*geometry.toPolygon(), out);
      return true;
    case wkbCurvePolygon:
    case wkbMultiSurface: {
      std::unique_ptr<OGRGeometry> linear(geometry.getLinearGeometry());
      return linear && collect_polygons(*linear, out);
    }
    case wkbMultiPolygon:
    case wkbGeometryCollection: {
      bool any = false;
      for (const auto* part : *geometry.toGeometryCollection()) any |= collect_polygons(*part, out);
      return any;
    }
    default:
      return false;
  }
}

}  // namespace

PolygonLayer read_polygons_gdal(const std::string& path, const ReadPolygonsOptions& options) {
  register_gdal();
  QuietGdal quiet;
  GDALDatasetUniquePtr ds(GDALDataset::Open(path.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY,
                                            nullptr, nullptr, nullptr));
  if (!ds) {
    // GDAL gives no reason for a plain missing file; a data source name (PG:...) is not a file.
    std::error_code ec;
    const bool missing = path.find(':') == std::string::npos && !std::filesystem::exists(path, ec);
    throw IoError(fmt::format("cannot open {} as a vector source: {}", path,
                              missing ? "no such file" : last_gdal_error()));
  }
  OGRLayer* layer =
      options.layer.empty() ? ds->GetLayer(0) : ds->GetLayerByName(options.layer.c_str());
  if (!layer) {
    std::string names;
    for (auto* l : ds->GetLayers())
      names += fmt::format("{}'{}'", names.empty() ? "" : ", ", l->GetName());
    throw ConfigError(fmt::format("{}: no layer '{}' (layers: {})", path, options.layer,
                                  names.empty() ? "none" : names));
  }
  PolygonLayer out;
  out.path = path;
  out.layer = layer->GetName();

  std::unique_ptr<OGRSpatialReference> source;
  if (const auto* srs = layer->GetSpatialRef()) {
    source = std::make_unique<OGRSpatialReference>(*srs);
    source->SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
  } else if (!options.assume_crs.empty()) {
    source = srs_from(options.assume_crs);
  }
  std::unique_ptr<OGRCoordinateTransformation> transform;
  const OGRSpatialReference* result_srs = source.get();
  std::unique_ptr<OGRSpatialReference> target;
  if (!options.target_crs.empty()) {
    target = srs_from(options.target_crs);
    if (!source)
      throw ConfigError(
          fmt::format("{} records no CRS: say which it is (assume_crs) so that it can "
                      "be projected to {}",
                      path, options.target_crs));
    if (!source->IsSame(target.get())) {
      transform.reset(OGRCreateCoordinateTransformation(source.get(), target.get()));
      if (!transform)
        throw ConfigError(fmt::format("no transformation from {} to {}: {}", crs_name(*source),
                                      options.target_crs, last_gdal_error()));
    }
    result_srs = target.get();
  }
  if (result_srs) {
    out.crs = crs_name(*result_srs);
    out.geographic = result_srs->IsGeographic();
  }

  if (const char* description = layer->GetMetadataItem("DESCRIPTION"))
    out.description = description;
  OGRFeatureDefn* defn = layer->GetLayerDefn();
  const int nfields = defn->GetFieldCount();
  for (int i = 0; i < nfields; ++i) {
    const auto type = defn->GetFieldDefn(i)->GetType();
    const bool number = type == OFTInteger || type == OFTInteger64 || type == OFTReal;
    out.fields.push_back(
        {defn->GetFieldDefn(i)->GetNameRef(), number ? FieldType::kNumber : FieldType::kText});
  }
  out.numbers.resize(nfields);
  out.texts.resize(nfields);

  std::int64_t number = 0;
  layer->ResetReading();
  for (auto& feature : *layer) {
    ++number;
    const OGRGeometry* raw = feature->GetGeometryRef();
    if (!raw || raw->IsEmpty())
      throw InputError(path, number, 0,
                       fmt::format("feature {}: expected a polygon, found {}", number,
                                   raw ? "an empty geometry" : "no geometry"));
    std::unique_ptr<OGRGeometry> geometry(raw->clone());
    if (transform && geometry->transform(transform.get()) != OGRERR_NONE)
      throw InputError(
          path, number, 0,
          fmt::format("feature {}: cannot project it to {}", number, options.target_crs));
    if (!geometry->IsValid()) {
      std::unique_ptr<OGRGeometry> fixed(options.repair ? geometry->MakeValid() : nullptr);
      if (!fixed || fixed->IsEmpty() || !fixed->IsValid())
        throw InputError(
            path, number, 0,
            fmt::format("feature {}: invalid polygon that MakeValid cannot repair ({})", number,
                        last_gdal_error()));
      geometry = std::move(fixed);
      out.repaired.push_back(number);
    }
    MultiPolygon polygons;
    if (!collect_polygons(*geometry, polygons) || polygons.empty())
      throw InputError(path, number, 0,
                       fmt::format("feature {}: expected a polygon, found a {}", number,
                                   OGRGeometryTypeToName(raw->getGeometryType())));
    out.geometries.push_back(std::move(polygons));
    for (int i = 0; i < nfields; ++i) {
      const bool set = feature->IsFieldSetAndNotNull(i);
      out.texts[i].push_back(set ? feature->GetFieldAsString(i) : "");
      if (out.fields[i].type == FieldType::kNumber)
        out.numbers[i].push_back(set ? feature->GetFieldAsDouble(i)
                                     : std::numeric_limits<double>::quiet_NaN());
    }
  }
  return out;
}

void write_polygons_gdal(const std::string& temp, const std::string& path,
                         const std::string& driver_name, const std::string& layer_name,
                         const std::string& crs, const std::vector<MultiPolygon>& geometries,
                         const std::vector<Column>& numbers, const std::vector<TextColumn>& texts,
                         const std::string& description) {
  register_gdal();
  std::unique_ptr<OGRSpatialReference> srs;
  if (!crs.empty()) srs = srs_from(crs);
  {
    QuietGdal quiet;  // the GeoPackage driver warns about the temporary's extension
    GDALDriver* driver = GetGDALDriverManager()->GetDriverByName(driver_name.c_str());
    if (!driver) throw IoError(fmt::format("GDAL has no {} driver", driver_name));
    GDALDatasetUniquePtr ds(driver->Create(temp.c_str(), 0, 0, 0, GDT_Unknown, nullptr));
    if (!ds) throw IoError(fmt::format("cannot create {}: {}", path, last_gdal_error()));
    // GeoPackage: gpkg_contents.description; GeoJSON: the collection's "description" member.
    char** layer_options = nullptr;
    if (!description.empty())
      layer_options = CSLSetNameValue(layer_options, "DESCRIPTION", description.c_str());
    OGRLayer* layer =
        ds->CreateLayer(layer_name.c_str(), srs.get(), wkbMultiPolygon, layer_options);
    CSLDestroy(layer_options);
    if (!layer)
      throw IoError(fmt::format("cannot create layer in {}: {}", path, last_gdal_error()));
    for (const auto& c : numbers) {
      OGRFieldDefn field(c.name.c_str(), c.integer ? OFTInteger64 : OFTReal);
      if (layer->CreateField(&field) != OGRERR_NONE)
        throw IoError(
            fmt::format("cannot create field {} in {}: {}", c.name, path, last_gdal_error()));
    }
    for (const auto& c : texts) {
      OGRFieldDefn field(c.name.c_str(), OFTString);
      if (layer->CreateField(&field) != OGRERR_NONE)
        throw IoError(
            fmt::format("cannot create field {} in {}: {}", c.name, path, last_gdal_error()));
    }
    if (layer->StartTransaction() != OGRERR_NONE)
      throw IoError(fmt::format("cannot write {}: {}", path, last_gdal_error()));
    for (std::size_t i = 0; i < geometries.size(); ++i) {
      OGRFeature feature(layer->GetLayerDefn());
      OGRMultiPolygon multi;
      for (const auto& p : geometries[i]) {
        OGRPolygon polygon;
        for (const auto& r : p.rings) {
          OGRLinearRing ring;
          ring.setPoints(static_cast<int>(r.x.size()), r.x.data(), r.y.data());
          polygon.addRing(&ring);
        }
        multi.addGeometry(&polygon);
      }
      feature.SetGeometry(&multi);
      int f = 0;
      for (const auto& c : numbers) {
        const double v = c.values[i];
        if (std::isnan(v))
          feature.SetFieldNull(f);
        else if (c.integer)
          feature.SetField(f, static_cast<GIntBig>(std::llround(v)));
        else
          feature.SetField(f, v);
        ++f;
      }
      for (const auto& c : texts) feature.SetField(f++, c.values[i].c_str());
      if (layer->CreateFeature(&feature) != OGRERR_NONE)
        throw IoError(
            fmt::format("cannot write feature {} to {}: {}", i + 1, path, last_gdal_error()));
    }
    if (layer->CommitTransaction() != OGRERR_NONE)
      throw IoError(fmt::format("cannot write {}: {}", path, last_gdal_error()));
    CPLErrorReset();
    ds.reset();  // flushes and closes
    if (CPLGetLastErrorType() == CE_Failure)
      throw IoError(fmt::format("cannot write {}: {}", path, last_gdal_error()));
  }
}

}  // namespace scrutineer::io::gdal
