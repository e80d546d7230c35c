// Areas with ids and attributes from a GDAL vector source.
#include "scrutineer/geo/areas.hpp"

#include <fmt/format.h>

#include <cmath>
#include <unordered_map>

#include "crs_resolve.hpp"
#include "geos.hpp"
#include "scrutineer/core/error.hpp"

namespace scrutineer::geo {

namespace {

// Shoelace formula: twice the signed area of a closed ring.
double ring_area2(const io::Ring& r) {
  double sum = 0;
  for (std::size_t i = 0; i + 1 < r.x.size(); ++i) sum += r.x[i] * r.y[i + 1] - r.x[i + 1] * r.y[i];
  return sum;
}

std::string field_names(const io::PolygonLayer& layer) {
  std::string out;
  for (const auto& f : layer.fields) out += fmt::format("{}'{}'", out.empty() ? "" : ", ", f.name);
  return out.empty() ? "none" : out;
}

void check_ids(const Areas& areas, const std::string& path) {
  std::unordered_map<std::string, std::size_t> seen;
  for (std::size_t i = 0; i < areas.ids.size(); ++i) {
    const auto number = static_cast<std::int64_t>(i + 1);
    if (areas.ids[i].empty())
      throw InputError(
          path, number, 0,
          fmt::format("feature {}: expected an id in '{}', found none", number, areas.id_column));
    const auto [it, fresh] = seen.emplace(areas.ids[i], i);
    if (!fresh)
      throw InputError(path, number, 0,
                       fmt::format("feature {}: id '{}' in '{}' repeats feature {}; ids must be "
                                   "unique",
                                   number, areas.ids[i], areas.id_column, it->second + 1));
  }
}

std::vector<double> geos_areas(const std::vector<io::MultiPolygon>& polygons) {
  detail::GeosContext ctx;
  std::vector<double> out;
  out.reserve(polygons.size());
  for (const auto& p : polygons) {
    auto g = detail::to_geos(ctx, p);
    double a = 0;
    if (GEOSArea_r(ctx.get(), g.get(), &a) != 1)
      throw InternalError(fmt::format("GEOS area failed: {}", ctx.last_error()));
    out.push_back(a);
  }
  return out;
}

}  // namespace

double polygon_area(const io::MultiPolygon& geometry) {
  double total = 0;
  for (const auto& polygon : geometry)
    for (std::size_t r = 0; r < polygon.rings.size(); ++r) {
      const double a = std::abs(ring_area2(polygon.rings[r])) / 2;
      total += r == 0 ? a : -a;
    }
  return total;
}

const std::vector<double>& Areas::column(std::string_view name) const {
  for (std::size_t k = 0; k < numeric_names.size(); ++k)
    if (numeric_names[k] == name) return numeric[k];
  std::string names;
  for (const auto& n : numeric_names) names += fmt::format("{}'{}'", names.empty() ? "" : ", ", n);
  throw ConfigError(fmt::format("the areas of {} have no numeric column '{}' (numeric columns: {})",
                                source.empty() ? "memory" : source, name,
                                names.empty() ? "none" : names));
}

bool Areas::has_column(std::string_view name) const {
  for (const auto& n : numeric_names)
    if (n == name) return true;
  return false;
}

std::optional<std::size_t> Areas::find(std::string_view id) const {
  for (std::size_t i = 0; i < ids.size(); ++i)
    if (ids[i] == id) return i;
  return std::nullopt;
}

Areas read_areas(const std::string& path, const std::string& id_column,
                 const std::string& target_crs) {
  auto layer = detail::read_projected(path, target_crs, "areas");
  const auto id_field = layer.find_field(id_column);
  if (!id_field)
    throw ConfigError(fmt::format("{} has no field '{}' to use as the area id (fields: {})", path,
                                  id_column, field_names(layer)));
  Areas areas;
  areas.source = path;
  areas.crs = layer.crs;
  areas.id_column = id_column;
  areas.ids = layer.texts[*id_field];
  areas.repaired = layer.repaired;
  check_ids(areas, path);
  for (std::size_t f = 0; f < layer.fields.size(); ++f) {
    if (layer.fields[f].type == io::FieldType::kNumber) {
      areas.numeric_names.push_back(layer.fields[f].name);
      areas.numeric.push_back(std::move(layer.numbers[f]));
    } else {
      areas.text_names.push_back(layer.fields[f].name);
      areas.text.push_back(std::move(layer.texts[f]));
    }
  }
  areas.polygons = std::move(layer.geometries);
  areas.area = geos_areas(areas.polygons);
  return areas;
}

Areas make_areas(std::vector<io::MultiPolygon> polygons, const std::string& crs,
                 std::vector<std::string> ids) {
  Areas areas;
  areas.crs = crs;
  areas.id_column = "id";
  if (ids.empty())
    for (std::size_t i = 0; i < polygons.size(); ++i) ids.push_back(std::to_string(i));
  if (ids.size() != polygons.size())
    throw ConfigError(fmt::format("{} ids for {} areas", ids.size(), polygons.size()));
  areas.ids = std::move(ids);
  check_ids(areas, "memory");
  areas.polygons = std::move(polygons);
  areas.area = geos_areas(areas.polygons);
  return areas;
}

}  // namespace scrutineer::geo
