// One line describing a vector layer that scrutineer writes, for GIS tools: a GeoPackage's
// gpkg_contents.description (GDAL's DESCRIPTION layer option and metadata item), a GeoJSON's
// "description" member. It says what the layer is, the units of its fields and its CRS (issue 17).
#pragma once

#include <string>
#include <string_view>

namespace scrutineer::io {

// "<what>. Fields: <units>. CRS: <crs>." (the CRS as given, e.g. "EPSG:32630"; "none" when empty).
inline std::string layer_description(std::string_view what, std::string_view units,
                                     std::string_view crs) {
  std::string out(what);
  out += ". Fields: ";
  out += units;
  out += ". CRS: ";
  out += crs.empty() ? std::string_view("none") : crs;
  out += ".";
  return out;
}

}  // namespace scrutineer::io
