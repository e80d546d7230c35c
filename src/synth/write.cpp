// Writes the synthetic city: recorded and true events (CSV), neighbourhoods and outline (GeoJSON in
// the city CRS with a "crs" member, so squares stay exact), and the truth (JSON).
#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "scrutineer/core/error.hpp"
#include "scrutineer/core/time.hpp"
#include "scrutineer/geo/crs.hpp"
#include "scrutineer/io/atomic_file.hpp"
#include "scrutineer/synth/city.hpp"
#include "synth_internal.hpp"

namespace scrutineer::synth {

namespace {

using Json = nlohmann::ordered_json;

std::string local_minute(const TimeZone& zone, std::int64_t utc) {
  const auto c = civil_from_seconds(zone.to_local(utc));
  return fmt::format("{:04}-{:02}-{:02} {:02}:{:02}", c.year, c.month, c.day, c.hour, c.minute);
}

struct Counts {
  std::vector<std::int64_t> true_crimes, recorded;
};

Counts neighbourhood_counts(const City& city) {
  Counts counts{std::vector<std::int64_t>(city.neighbourhoods.size(), 0),
                std::vector<std::int64_t>(city.neighbourhoods.size(), 0)};
  for (std::size_t i = 0; i < city.truth.size(); ++i) {
    const auto n = static_cast<std::size_t>(city.truth.neighbourhood[i]);
    ++counts.true_crimes[n];
    counts.recorded[n] += city.truth.recorded[i];
  }
  return counts;
}

// One CSV for both files: events.csv has the recorded crimes; true_events.csv every true crime with
// its id, cell, parent (id of the triggering event; 0 = background; -1 = triggered by an event
// before the window) and whether it was recorded.
void write_events(const City& city, const std::filesystem::path& path, bool all) {
  const auto& truth = city.truth;
  std::vector<double> lon(truth.x), lat(truth.y);
  geo::Transformer(city.options.crs, "EPSG:4326").transform(lon, lat);
  const TimeZone zone(city.options.time_zone);
  io::AtomicFile file(path);
  auto& out = file.stream();
  if (all) out << "id,";
  out << "time,time_utc,x,y,lon,lat,category,neighbourhood";
  if (all) out << ",cell,parent,recorded";
  out << '\n';
  std::string line;
  for (std::size_t i = 0; i < truth.size(); ++i) {
    if (!all && !truth.recorded[i]) continue;
    line.clear();
    if (all) fmt::format_to(std::back_inserter(line), "{},", i + 1);
    fmt::format_to(std::back_inserter(line), "{},{},{:.2f},{:.2f},{:.7f},{:.7f},{},{}",
                   local_minute(zone, truth.t[i]), format_iso_utc(truth.t[i]), truth.x[i],
                   truth.y[i], lon[i], lat[i],
                   city.categories[static_cast<std::size_t>(truth.category[i])],
                   city.neighbourhoods[static_cast<std::size_t>(truth.neighbourhood[i])].id);
    if (all) {
      const auto p = truth.parent[i];
      // Ids are 1-based, so index + 1 maps background (-1) to 0 and burn-in parents (-2) to -1.
      fmt::format_to(std::back_inserter(line), ",{},{},{}", truth.cell[i], p + 1,
                     truth.recorded[i]);
    }
    line += '\n';
    out << line;
  }
  file.commit();
}

Json crs_member(const std::string& crs) {
  // "EPSG:32630" -> the OGC URN that GeoJSON 2008 readers (GDAL, QGIS) understand.
  return Json{{"type", "name"},
              {"properties", {{"name", "urn:ogc:def:crs:EPSG::" + crs.substr(crs.find(':') + 1)}}}};
}

// Counter-clockwise exterior ring (RFC 7946 section 3.1.6).
Json square(double x0, double y0, double x1, double y1) {
  return Json{
      {"type", "Polygon"},
      {"coordinates", Json::array({Json::array({Json::array({x0, y0}), Json::array({x1, y0}),
                                                Json::array({x1, y1}), Json::array({x0, y1}),
                                                Json::array({x0, y0})})})}};
}

Json feature_collection(const std::string& name, const std::string& crs, Json features) {
  return Json{{"type", "FeatureCollection"},
              {"name", name},
              {"crs", crs_member(crs)},
              {"features", std::move(features)}};
}

void write_areas(const City& city, const Counts& counts, const std::filesystem::path& path) {
  Json features = Json::array();
  for (std::size_t k = 0; k < city.neighbourhoods.size(); ++k) {
    const auto& n = city.neighbourhoods[k];
    Json properties{{"id", n.id}, {"name", n.name}};
    for (std::size_t g = 0; g < city.groups.size(); ++g)
      properties[city.groups[g]] = static_cast<std::int64_t>(n.population[g]);
    properties["population"] = static_cast<std::int64_t>(n.total_population);
    properties["reporting_rate"] = n.reporting_rate;
    properties["true_crimes"] = counts.true_crimes[k];
    properties["recorded_crimes"] = counts.recorded[k];
    features.push_back(Json{{"type", "Feature"},
                            {"properties", std::move(properties)},
                            {"geometry", square(n.x0, n.y0, n.x1, n.y1)}});
  }
  io::write_text_file(
      path, feature_collection("areas", city.options.crs, std::move(features)).dump(1) + "\n");
}

void write_region(const City& city, const std::filesystem::path& path) {
  const auto& g = city.grid;
  Json feature{{"type", "Feature"},
               {"properties", {{"name", "synthetic city"}}},
               {"geometry", square(g.x0, g.y0, g.x0 + g.nx * g.size, g.y0 + g.ny * g.size)}};
  io::write_text_file(
      path, feature_collection("region", city.options.crs, Json::array({feature})).dump(1) + "\n");
}

void write_truth(const City& city, const Counts& counts, const std::filesystem::path& path) {
  const auto& o = city.options;
  Json truth;
  truth["generator"] = "scrutineer synth";
  truth["options"] = city_params(o).values();
  truth["seed"] = o.seed;
  truth["crs"] = o.crs;
  truth["time_zone"] = o.time_zone;
  truth["start"] = format_iso_utc(city.start);
  truth["end"] = format_iso_utc(city.end);
  truth["days"] = o.days;
  truth["grid"] = {{"x0", city.grid.x0},
                   {"y0", city.grid.y0},
                   {"cell_size", city.grid.size},
                   {"nx", city.grid.nx},
                   {"ny", city.grid.ny},
                   {"order",
                    "row-major from the "
                    "south-west, iy * nx + ix"}};
  Json categories;
  for (std::size_t c = 0; c < city.categories.size(); ++c)
    categories[city.categories[c]] = city.category_shares[c];
  std::int64_t background = 0, before_window = 0, recorded = 0;
  for (std::size_t i = 0; i < city.truth.size(); ++i) {
    background += city.truth.parent[i] == -1;
    before_window += city.truth.parent[i] == -2;
    recorded += city.truth.recorded[i];
  }
  double expected = 0;
  std::vector<double> expected_by_area(city.neighbourhoods.size(), 0.0);
  for (std::size_t c = 0; c < city.mu.size(); ++c) {
    const double e = expected_count(city.mu[c], o.theta, o.omega, o.days, o.burn_in_days);
    expected += e;
    expected_by_area[static_cast<std::size_t>(city.cell_neighbourhood[c])] += e;
  }
  truth["process"] = {
      {"model",
       "per cell n: lambda_n(t) = mu_n + sum_{t_i < t} theta omega exp(-omega (t - t_i)) "
       "(Mohler et al. 2015), simulated by the branching construction"},
      {"time_unit", "day"},
      {"theta", o.theta},
      {"omega", o.omega},
      {"burn_in_days", o.burn_in_days},
      {"categories", categories},
      {"mu_unit", "events per cell per day"},
      {"mu", city.mu}};
  Json groups = Json::array();
  for (std::size_t g = 0; g < city.groups.size(); ++g)
    groups.push_back({{"name", city.groups[g]}, {"reporting_rate", city.group_reporting[g]}});
  truth["groups"] = groups;
  Json areas = Json::array();
  for (std::size_t k = 0; k < city.neighbourhoods.size(); ++k) {
    const auto& n = city.neighbourhoods[k];
    Json population;
    for (std::size_t g = 0; g < city.groups.size(); ++g)
      population[city.groups[g]] = static_cast<std::int64_t>(n.population[g]);
    areas.push_back({{"id", n.id},
                     {"name", n.name},
                     {"bounds", {n.x0, n.y0, n.x1, n.y1}},
                     {"population", population},
                     {"reporting_rate", n.reporting_rate},
                     {"expected_true_crimes", expected_by_area[k]},
                     {"true_crimes", counts.true_crimes[k]},
                     {"recorded_crimes", counts.recorded[k]}});
  }
  truth["neighbourhoods"] = areas;
  truth["counts"] = {{"true", city.truth.size()},
                     {"expected_true", expected},
                     {"background", background},
                     {"triggered", static_cast<std::int64_t>(city.truth.size()) - background},
                     {"triggered_by_burn_in", before_window},
                     {"recorded", recorded}};
  io::write_text_file(path, truth.dump(1) + "\n");
}

}  // namespace

std::vector<std::filesystem::path> write_city(const City& city,
                                              const std::filesystem::path& folder) {
  std::error_code error;
  std::filesystem::create_directories(folder, error);
  if (error)
    throw IoError(fmt::format("cannot create folder '{}': {}", folder.string(), error.message()));
  const auto counts = neighbourhood_counts(city);
  const std::vector<std::filesystem::path> paths = {
      folder / "events.csv", folder / "true_events.csv", folder / "areas.geojson",
      folder / "region.geojson", folder / "truth.json"};
  write_events(city, paths[0], false);
  write_events(city, paths[1], true);
  write_areas(city, counts, paths[2]);
  write_region(city, paths[3]);
  write_truth(city, counts, paths[4]);
  return paths;
}

}  // namespace scrutineer::synth
