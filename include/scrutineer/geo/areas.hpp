// Areas (census tracts, LSOAs, community areas): polygons with an id and attributes from a GDAL
// vector source, reprojected to the study CRS.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "scrutineer/io/vector.hpp"

namespace scrutineer::geo {

struct Areas {
  std::string source;
  std::string crs;
  std::string id_column;
  std::vector<std::string> ids;                // per area; numeric ids as written ("17031", "1")
  std::vector<io::MultiPolygon> polygons;      // per area
  std::vector<double> area;                    // per area, square CRS units (GEOS)
  std::vector<std::string> numeric_names;      // numeric attribute columns
  std::vector<std::vector<double>> numeric;    // numeric[k][a]; NaN when null
  std::vector<std::string> text_names;         // text attribute columns
  std::vector<std::vector<std::string>> text;  // text[k][a]
  std::vector<std::int64_t> repaired;          // features that MakeValid repaired (1-based)

  std::size_t size() const { return ids.size(); }
  // A numeric column by name; throws ConfigError naming the numeric columns there are.
  const std::vector<double>& column(std::string_view name) const;
  bool has_column(std::string_view name) const;
  // Index of the area with this id.
  std::optional<std::size_t> find(std::string_view id) const;
};

// Reads areas from `path` (first layer). `id_column` names the id field (numeric or text); ids must
// be unique and non-empty (InputError naming the feature otherwise). `target_crs` as in
// read_region ("EPSG:n", "utm", or "" to keep the source's). Throws ConfigError when `id_column`
// is missing (the message lists the fields) or the CRS is geographic.
Areas read_areas(const std::string& path, const std::string& id_column,
                 const std::string& target_crs);

// Areas from polygons in memory (tests, the synthetic city); ids "0", "1", ... when `ids` is empty.
Areas make_areas(std::vector<io::MultiPolygon> polygons, const std::string& crs,
                 std::vector<std::string> ids = {});

// Area of a polygon set (exterior minus holes), by the shoelace formula; square CRS units.
double polygon_area(const io::MultiPolygon& geometry);

}  // namespace scrutineer::geo
