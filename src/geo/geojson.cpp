// Native GeoJSON (RFC 7946) polygon reading (io/geojson.hpp): nlohmann-json for the parse, the
// process's PROJ operation cache (geo/crs.hpp) for the projection, GEOS for validity. Each rule
// below mirrors what GDAL 3.6's GeoJSON driver and the GDAL path of read_polygons do; anything
// not mirrored throws Decline, and the file is read through GDAL instead.
#include "scrutineer/io/geojson.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <climits>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <limits>
#include <nlohmann/json.hpp>
#include <sstream>

#include "geos.hpp"
#include "scrutineer/core/error.hpp"
#include "scrutineer/geo/crs.hpp"

namespace scrutineer::io {

namespace {

using Json = nlohmann::ordered_json;  // keeps the properties' order, which is the fields' order
namespace fs = std::filesystem;

struct Decline {
  std::string why;
};

[[noreturn]] void decline(std::string why) { throw Decline{std::move(why)}; }

// The member `key` of an object when it is a string, else "" (Json::value throws for another type).
std::string text_member(const Json& object, const char* key) {
  if (!object.is_object()) return "";
  auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : "";
}

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// A key repeated in one object: nlohmann keeps one of the values and json-c (GDAL) may keep
// another, so such a file is GDAL's. The parse reports each key to this, which keeps the hashes of
// the keys of the objects open so far (a collision only sends the file to GDAL).
class RepeatedKeys {
 public:
  std::string found;
  bool operator()(Json::parse_event_t event, const Json& parsed) {
    using Event = Json::parse_event_t;
    if (event == Event::object_start) {
      open_.push_back(hashes_.size());
    } else if (event == Event::object_end) {
      hashes_.resize(open_.back());
      open_.pop_back();
    } else if (event == Event::key) {
      const auto& name = parsed.get_ref<const std::string&>();
      const std::size_t h = std::hash<std::string>{}(name);
      if (std::find(hashes_.begin() + static_cast<std::ptrdiff_t>(open_.back()), hashes_.end(),
                    h) != hashes_.end() &&
          found.empty())
        found = fmt::format("the key \"{}\" twice in one object", name);
      hashes_.push_back(h);
    }
    return true;
  }

 private:
  std::vector<std::size_t> hashes_, open_;
};

Json parse(const std::string& path) {
  const auto ext = lower(fs::path(path).extension().string());
  if (ext != ".geojson" && ext != ".json") decline("not a .geojson or .json file name");
  std::error_code ec;
  if (!fs::is_regular_file(path, ec)) decline("not a regular file");
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  if (!in) decline("cannot be read");
  RepeatedKeys repeated;
  Json doc = Json::parse(
      text.str(),
      [&](int, Json::parse_event_t event, Json& parsed) { return repeated(event, parsed); }, false);
  if (doc.is_discarded()) decline("not valid JSON");
  if (!repeated.found.empty()) decline(repeated.found);
  return doc;
}

// ---- properties: GDAL's field types (OFTInteger < OFTInteger64 < OFTReal, or OFTString) ----

enum class Kind { kInt, kInt64, kReal, kText };

struct FieldSpec {
  std::string name;
  Kind kind;
};

// GDAL types a text that OGRParseDate accepts as a date, time or date-time field, and then
// formats it its own way: decline any text with a digit next to '-', '/' or ':'.
bool may_be_date(const std::string& s) {
  for (std::size_t i = 0; i + 1 < s.size(); ++i) {
    const bool sep_a = s[i] == '-' || s[i] == '/' || s[i] == ':';
    const bool sep_b = s[i + 1] == '-' || s[i + 1] == '/' || s[i + 1] == ':';
    const bool digit_a = std::isdigit(static_cast<unsigned char>(s[i])) != 0;
    const bool digit_b = std::isdigit(static_cast<unsigned char>(s[i + 1])) != 0;
    if ((digit_a && sep_b) || (sep_a && digit_b)) return true;
  }
  return false;
}

Kind kind_of(const Json& v) {
  if (v.is_number_unsigned() && v.get<std::uint64_t>() > std::uint64_t(INT64_MAX))
    decline("an integer property beyond 64 bits");
  if (v.is_number_integer()) {
    const auto n = v.get<std::int64_t>();
    return n >= INT_MIN && n <= INT_MAX ? Kind::kInt : Kind::kInt64;
  }
  // nlohmann reads an integer written beyond 64 bits as a double, where json-c may not.
  if (v.is_number_float() && std::abs(v.get<double>()) >= 0x1p63)
    decline("a number beyond 64-bit integers");
  if (v.is_number_float()) return Kind::kReal;
  if (v.is_string()) {
    const auto& s = v.get_ref<const std::string&>();
    if (may_be_date(s)) decline("a text property GDAL may read as a date");
    if (s.find('\0') != std::string::npos) decline("a text property holding NUL");
    return Kind::kText;
  }
  decline("a property that is null, boolean, an object or an array");
}

void add_field(std::vector<FieldSpec>& fields, const std::string& name, Kind kind) {
  if (name.empty()) decline("a property with an empty name");
  for (auto& f : fields) {
    if (lower(f.name) != lower(name)) continue;
    if (f.name != name) decline("property names that differ only in case");
    if ((f.kind == Kind::kText) != (kind == Kind::kText))
      decline("a property holding both text and numbers");
    f.kind = std::max(f.kind, kind);
    return;
  }
  fields.push_back({name, kind});
}

const Json* properties_of(const Json& feature) {
  auto it = feature.find("properties");
  if (it == feature.end() || it->is_null()) return nullptr;
  if (!it->is_object()) decline("properties that are not an object");
  return &*it;
}

std::vector<FieldSpec> scan_fields(const Json& features) {
  std::vector<FieldSpec> fields;
  for (const auto& feature : features)
    if (const Json* props = properties_of(feature))
      for (const auto& [name, value] : props->items()) add_field(fields, name, kind_of(value));
  return fields;
}

// GDAL's OGRFeature::GetFieldAsString: "%d"/"%lld" for integers, "%.15g" for reals.
std::string real_text(double v) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.15g", v);
  return buffer;
}

void add_values(const Json* props, const std::vector<FieldSpec>& fields, PolygonLayer& out) {
  for (std::size_t i = 0; i < fields.size(); ++i) {
    const Json* v = nullptr;
    if (props)
      if (auto it = props->find(fields[i].name); it != props->end()) v = &*it;
    const Kind kind = fields[i].kind;
    if (kind == Kind::kText) {
      out.texts[i].push_back(v ? v->get<std::string>() : "");
      continue;
    }
    const double number = v ? v->get<double>() : std::numeric_limits<double>::quiet_NaN();
    out.numbers[i].push_back(number);
    if (!v)
      out.texts[i].emplace_back();
    else if (kind == Kind::kReal)
      out.texts[i].push_back(real_text(number));
    else
      out.texts[i].push_back(std::to_string(v->get<std::int64_t>()));
  }
}

// ---- geometry ----

void read_position(const Json& p, Ring& ring) {
  if (!p.is_array() || p.size() != 2 || !p[0].is_number() || !p[1].is_number())
    decline("a position that is not two numbers");
  ring.x.push_back(p[0].get<double>());
  ring.y.push_back(p[1].get<double>());
  if (!std::isfinite(ring.x.back()) || !std::isfinite(ring.y.back()))
    decline("a position that is not finite");
}

Ring read_positions(const Json& list) {
  if (!list.is_array() || list.empty()) decline("empty or missing coordinates");
  Ring ring;
  for (const auto& p : list) read_position(p, ring);
  return ring;
}

Polygon read_polygon(const Json& rings) {
  if (!rings.is_array() || rings.empty()) decline("an empty polygon");
  Polygon polygon;
  for (const auto& r : rings) {
    Ring ring = read_positions(r);
    const std::size_t n = ring.x.size();
    if (n < 4 || ring.x[0] != ring.x[n - 1] || ring.y[0] != ring.y[n - 1])
      decline("a ring of under four positions or not closed");
    polygon.rings.push_back(std::move(ring));
  }
  return polygon;
}

// A feature's geometry: polygons, or the OGR name of a point/line type the GDAL path rejects.
struct Shape {
  MultiPolygon polygons;
  Ring points;           // the coordinates of a rejected point or line geometry
  std::string rejected;  // "Point", "Multi Point" or "Line String"; "" for polygons
  bool missing = false;  // "geometry": null
  bool single = false;   // a Polygon (not a MultiPolygon)
};

Shape read_other(const std::string& type, const Json& coords) {
  Shape shape;
  if (type == "Point") {
    read_position(coords, shape.points);
    shape.rejected = "Point";
  } else if (type == "MultiPoint") {
    shape.points = read_positions(coords);
    shape.rejected = "Multi Point";
  } else if (type == "LineString") {
    shape.points = read_positions(coords);
    const auto& r = shape.points;
    bool distinct = false;
    for (std::size_t i = 1; i < r.x.size(); ++i) distinct |= r.x[i] != r.x[0] || r.y[i] != r.y[0];
    if (!distinct) decline("a line of one distinct position");
    shape.rejected = "Line String";
  } else {
    decline(fmt::format("a geometry of type '{}'", type));
  }
  return shape;
}

Shape read_shape(const Json& feature) {
  if (!feature.is_object() || text_member(feature, "type") != "Feature")
    decline("a member of features that is not a Feature");
  if (feature.contains("id")) decline("a feature id");
  auto g = feature.find("geometry");
  if (g == feature.end()) decline("a feature without a geometry member");
  if (g->is_null()) return Shape{{}, {}, "", true, false};
  if (!g->is_object() || !g->contains("type") || !(*g)["type"].is_string())
    decline("a geometry without a type");
  const auto type = (*g)["type"].get<std::string>();
  const bool known = type == "Polygon" || type == "MultiPolygon" || type == "Point" ||
                     type == "MultiPoint" || type == "LineString";
  if (!known) decline(fmt::format("a geometry of type '{}'", type));
  if (!g->contains("coordinates")) decline("a geometry without coordinates");
  const Json& coords = (*g)["coordinates"];
  Shape shape;
  if (type == "Polygon") {
    shape.polygons.push_back(read_polygon(coords));
    shape.single = true;
  } else if (type == "MultiPolygon") {
    if (!coords.is_array() || coords.empty()) decline("an empty multipolygon");
    for (const auto& p : coords) shape.polygons.push_back(read_polygon(p));
  } else {
    shape = read_other(type, coords);
  }
  return shape;
}

// ---- CRS ----

struct Target {
  std::string crs = "EPSG:4326";  // GDAL's CRS of a GeoJSON without "crs" member
  bool geographic = true;
  std::optional<geo::Transformer> transformer;
};

bool plain_epsg(const std::string& crs) {
  if (crs.size() < 6 || crs.compare(0, 5, "EPSG:") != 0 || crs[5] == '0') return false;
  return std::all_of(crs.begin() + 5, crs.end(),
                     [](char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; });
}

Target target_of(const ReadPolygonsOptions& options) {
  Target t;
  if (options.target_crs.empty() || options.target_crs == "EPSG:4326") return t;
  if (!plain_epsg(options.target_crs) || !geo::is_known_crs(options.target_crs))
    decline("a target CRS other than a known EPSG:<code>");
  const auto info = geo::crs_info(options.target_crs);
  if (!info.geographic && !info.projected) decline("a target CRS neither geographic nor projected");
  t.crs = options.target_crs;
  t.geographic = info.geographic;
  t.transformer.emplace("EPSG:4326", options.target_crs);
  return t;
}

void project(Target& target, Ring& ring) {
  if (!target.transformer) return;
  if (target.transformer->transform(ring.x, ring.y) != 0) decline("a point PROJ cannot project");
  for (std::size_t i = 0; i < ring.x.size(); ++i)
    if (!std::isfinite(ring.x[i]) || !std::isfinite(ring.y[i]))
      decline("a point PROJ cannot project");
}

// ---- the layer ----

void read_header(const Json& doc, const std::string& path, const ReadPolygonsOptions& options,
                 PolygonLayer& out) {
  if (!doc.is_object() || text_member(doc, "type") != "FeatureCollection" ||
      !doc.contains("features") || !doc["features"].is_array())
    decline("not a FeatureCollection");
  if (doc.contains("crs")) decline("a \"crs\" member");
  out.path = path;
  out.layer = fs::path(path).stem().string();
  if (auto it = doc.find("name"); it != doc.end()) {
    if (!it->is_string()) decline("a name member that is not text");
    out.layer = it->get<std::string>();
  }
  if (auto it = doc.find("description"); it != doc.end()) {
    if (!it->is_string()) decline("a description member that is not text");
    out.description = it->get<std::string>();
  }
  if (!options.layer.empty() && options.layer != out.layer) decline("another layer name");
}

// The GDAL path's IsValid, then MakeValid (GEOSMakeValid_r, GDAL's default LINEWORK method) on
// a GEOS geometry of the GeoJSON's own type, so that GEOS sees what OGR hands it. Returns false
// when the feature was valid; declines a repair the GDAL path would refuse.
bool make_valid(MultiPolygon& polygons, bool single, bool repair) {
  geo::detail::GeosContext ctx;
  const GEOSContextHandle_t h = ctx.get();
  auto g = geo::detail::to_geos(ctx, polygons);
  if (single)
    g = geo::detail::own(ctx, GEOSGeom_clone_r(h, GEOSGetGeometryN_r(h, g.get(), 0)), "clone");
  if (GEOSisValid_r(h, g.get()) == 1) return false;
  if (!repair) decline("an invalid polygon and repair off");
  GEOSGeometry* raw = GEOSMakeValid_r(h, g.get());
  if (!raw) decline("an invalid polygon that MakeValid cannot repair");
  auto fixed = geo::detail::own(ctx, raw, "MakeValid");
  if (GEOSisEmpty_r(h, fixed.get()) == 1 || GEOSisValid_r(h, fixed.get()) != 1)
    decline("an invalid polygon that MakeValid cannot repair");
  polygons = geo::detail::from_geos(ctx, fixed.get());
  if (polygons.empty()) decline("a polygon that MakeValid turns into lines or points");
  return true;
}

PolygonLayer read_layer(const std::string& path, const ReadPolygonsOptions& options) {
  const Json doc = parse(path);
  PolygonLayer out;
  read_header(doc, path, options, out);
  const Json& features = doc["features"];
  const auto specs = scan_fields(features);
  std::vector<Shape> shapes;
  shapes.reserve(features.size());
  for (const auto& f : features) shapes.push_back(read_shape(f));  // every feature, before errors
  Target target = target_of(options);
  out.crs = target.crs;
  out.geographic = target.geographic;
  for (const auto& s : specs)
    out.fields.push_back({s.name, s.kind == Kind::kText ? FieldType::kText : FieldType::kNumber});
  out.numbers.resize(specs.size());
  out.texts.resize(specs.size());
  for (std::size_t i = 0; i < shapes.size(); ++i) {
    const auto number = static_cast<std::int64_t>(i + 1);
    Shape& shape = shapes[i];
    if (shape.missing)
      throw InputError(path, number, 0,
                       fmt::format("feature {}: expected a polygon, found no geometry", number));
    if (!shape.rejected.empty()) {
      project(target, shape.points);
      throw InputError(
          path, number, 0,
          fmt::format("feature {}: expected a polygon, found a {}", number, shape.rejected));
    }
    for (auto& p : shape.polygons)
      for (auto& r : p.rings) project(target, r);
    if (make_valid(shape.polygons, shape.single, options.repair)) out.repaired.push_back(number);
    out.geometries.push_back(std::move(shape.polygons));
    add_values(properties_of(features[i]), specs, out);
  }
  return out;
}

}  // namespace

NativeRead read_geojson_native(const std::string& path, const ReadPolygonsOptions& options) {
  NativeRead result;
  try {
    result.layer = read_layer(path, options);
  } catch (const Decline& d) {
    result.fallback = d.why;
  }
  return result;
}

}  // namespace scrutineer::io
