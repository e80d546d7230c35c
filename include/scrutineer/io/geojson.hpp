// Native reading of GeoJSON (RFC 7946) polygon layers, without GDAL, for the common case: a
// FeatureCollection in longitude/latitude (no "crs" member) of valid Polygon/MultiPolygon features
// with plain number and text properties. It gives what the GDAL path gives to the last bit (same
// coordinates, ring and feature order, CRS string, field types and texts, errors), and declines
// (falls back to GDAL) for anything outside that proven subset. Defined in the geo library.
#pragma once

#include <optional>
#include <string>

#include "scrutineer/io/vector.hpp"

namespace scrutineer::io {

struct NativeRead {
  std::optional<PolygonLayer> layer;  // empty when the file is outside the native subset
  std::string fallback;               // why it is outside ("" when read)
};

// Reads `path` natively when it is in the subset; else returns the reason, and read_polygons
// reads it through GDAL. What falls back: a name not ending .geojson/.json, a file that cannot be
// read or is not JSON, anything but a FeatureCollection, a "crs" member, a feature "id", a
// property that is null, boolean, an object or an array, or a text GDAL may take for a date, or
// mixes text and numbers, or a number of magnitude 2^63 or more; a key repeated in one object; a
// geometry other than Polygon/MultiPolygon (or a Point, MultiPoint or LineString, which is the GDAL
// path's error), a position without exactly two numbers, an unclosed ring or one of under four
// positions, an invalid polygon when repair is off or MakeValid (which repairs the others, as the
// GDAL path does) cannot make polygons of it, a target CRS other than
// "EPSG:<code>" of a geographic or projected CRS, a point that cannot be projected, a layer name
// that is not the file's. Throws InputError for a feature without geometry or with a point or line
// geometry, as the GDAL path does.
NativeRead read_geojson_native(const std::string& path, const ReadPolygonsOptions& options = {});

// read_polygons through the GDAL support module only (the exact reference for the native reader).
PolygonLayer read_polygons_gdal(const std::string& path, const ReadPolygonsOptions& options = {});

// The environment variable that, set to "gdal", makes read_polygons read every file through GDAL.
inline constexpr const char* kVectorReaderEnv = "SCRUTINEER_VECTOR_READER";

}  // namespace scrutineer::io
