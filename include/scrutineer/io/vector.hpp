// Vector reading and writing of polygon layers (GeoJSON, Shapefile, GeoPackage or any OGR source,
// through GDAL, loaded on first use): reprojection, MakeValid repair, and grid cells written as
// polygons with value columns.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace scrutineer::geo {
struct Grid;
}

namespace scrutineer::io {

// Plain coordinates, so that readers of a layer need neither GDAL nor GEOS.
struct Ring {
  std::vector<double> x, y;  // closed: the first point is repeated last
};
struct Polygon {
  std::vector<Ring> rings;  // rings[0] is the exterior, the rest are holes
};
using MultiPolygon = std::vector<Polygon>;

struct Bbox {
  double xmin = 0, ymin = 0, xmax = 0, ymax = 0;
};
// Bounding box of a set of polygons (xmin > xmax when there is no point).
Bbox bbox_of(const MultiPolygon& geometry);

enum class FieldType { kNumber, kText };

struct Field {
  std::string name;
  FieldType type = FieldType::kText;
};

// One polygon layer read into memory; feature i is geometries[i] with field values numbers[f][i]
// (numeric fields; NaN when null) and texts[f][i] (every field in text form; "" when null).
struct PolygonLayer {
  std::string path;
  std::string layer;        // layer name in the source
  std::string crs;          // "EPSG:n" when the CRS has an EPSG code, else WKT2; "" when none
  bool geographic = false;  // `crs` is in degrees (longitude, latitude)
  std::vector<Field> fields;
  std::vector<MultiPolygon> geometries;
  std::vector<std::vector<double>> numbers;     // per field; empty for text fields
  std::vector<std::vector<std::string>> texts;  // per field
  std::vector<std::int64_t> repaired;           // 1-based feature numbers that MakeValid repaired
  std::string description;  // the layer's DESCRIPTION (gpkg_contents.description); "" when none

  std::size_t size() const { return geometries.size(); }
  std::optional<std::size_t> find_field(std::string_view name) const;
};

struct ReadPolygonsOptions {
  std::string layer;       // empty = the first layer
  std::string target_crs;  // empty = keep the source's CRS; else anything OGR/PROJ accepts
  std::string assume_crs;  // the source's CRS when the file records none (shapefile without .prj)
  bool repair = true;      // invalid geometry: try MakeValid and record the feature in `repaired`
};

// Reads every feature of a polygon layer. Throws IoError when the file cannot be opened, and
// InputError(path, feature number, 0, ...) for a feature whose geometry is missing, empty, not
// polygonal, or invalid and not repairable; ConfigError when a CRS is unknown or the source has no
// CRS and none is assumed while a target CRS is asked for. GeoJSON is read without GDAL when the
// result is the same to the last bit (io/geojson.hpp), anything else through the GDAL support
// module (io/gdal_module.hpp). Defined in the geo library (link scrutineer_geo to use it).
PolygonLayer read_polygons(const std::string& path, const ReadPolygonsOptions& options = {});

// A numeric output column, one value per feature (or per cell, see write_grid_cells).
struct Column {
  std::string name;
  std::vector<double> values;  // NaN is written as null
  bool integer = false;        // write as a 64-bit integer field
};
struct TextColumn {
  std::string name;
  std::vector<std::string> values;
};

// Output format from the extension: .gpkg (GeoPackage) or .geojson/.json (GeoJSON; kept in `crs`,
// which GDAL records in a "crs" member as GeoJSON 2008 did, so cells stay exact squares). Throws
// ConfigError for another extension (a shapefile is several files and cannot be written
// atomically).
std::string vector_driver_for(const std::string& path);

// Writes polygons with attribute columns atomically (temporary file + rename). `description`
// (io/layer_description.hpp) becomes the layer's description: gpkg_contents.description in a
// GeoPackage, the "description" member of a GeoJSON. Throws IoError.
void write_polygons(const std::string& path, const std::string& layer_name, const std::string& crs,
                    const std::vector<MultiPolygon>& geometries, const std::vector<Column>& numbers,
                    const std::vector<TextColumn>& texts = {}, const std::string& description = "");

struct CellWriteOptions {
  bool all_cells = false;       // false: valid cells only; true: every cell with a `valid` field
  std::string layer = "cells";  // layer name (GeoPackage)
};

// The layer's description (io/layer_description.hpp): what the cells are and their value columns'
// meaning and units; the cell, ix, iy and valid fields, the cell size and the CRS are added.
struct CellDescription {
  std::string what = "Grid cells";
  std::string units;
};

// Writes grid cells as square polygons in grid.crs with fields cell (row-major index), ix, iy,
// [valid,] then one field per column. A column holds either grid.cells() values (indexed by cell)
// or one value per valid cell in row-major order (as grid.valid_cells()). Throws ConfigError for a
// column of another length. Defined in the geo library (link scrutineer_geo to use it).
void write_grid_cells(const std::string& path, const geo::Grid& grid,
                      const std::vector<Column>& columns = {}, const CellWriteOptions& options = {},
                      const CellDescription& description = {});

}  // namespace scrutineer::io
