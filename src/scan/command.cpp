// `scrutineer stscan` (scrutineer/scan/command.hpp).
#include "scrutineer/scan/command.hpp"

#include <fmt/format.h>

#include <cmath>
#include <cstdlib>
#include <memory>
#include <numeric>

#include "scrutineer/core/error.hpp"
#include "scrutineer/core/time.hpp"
#include "scrutineer/geo/areas.hpp"
#include "scrutineer/geo/overlay.hpp"
#include "scrutineer/io/atomic_file.hpp"
#include "scrutineer/io/output_folder.hpp"
#include "scrutineer/io/vector.hpp"

namespace scrutineer::scan {
namespace {

std::string date_of(std::int64_t day) {
  const auto c = civil_from_seconds(day * kSecondsPerDay);
  return fmt::format("{:04}-{:02}-{:02}", c.year, c.month, c.day);
}

// Shortest text that reads back to the same double.
std::string num(double v) {
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  return fmt::format("{}", v);
}

// Feature f's count in the population field: a number >= 0 (a text field must hold numbers).
double population_count(const io::PolygonLayer& layer, std::size_t field, std::size_t f) {
  const auto& name = layer.fields[field].name;
  const auto feature = static_cast<std::int64_t>(f + 1);
  double v = std::nan("");
  if (layer.fields[field].type == io::FieldType::kNumber) {
    v = layer.numbers[field][f];
  } else if (const auto& text = layer.texts[field][f]; !text.empty()) {
    char* end = nullptr;
    v = std::strtod(text.c_str(), &end);
    if (*end != '\0') v = std::nan("");
  }
  if (!std::isfinite(v))
    throw InputError(
        layer.path, feature, 0,
        fmt::format("feature {}: expected a population count in '{}', found {}", feature, name,
                    layer.texts[field][f].empty() ? std::string("none")
                                                  : "'" + layer.texts[field][f] + "'"));
  if (v < 0)
    throw InputError(
        layer.path, feature, 0,
        fmt::format("feature {}: the population count in '{}' is negative ({})", feature, name, v));
  return v;
}

void check_population_options(const StScanCommandOptions& o) {
  if (o.population.empty() && o.population_field.empty()) return;
  if (o.scan.model != ScanModel::kPoisson)
    throw ConfigError(
        "stscan: population and population_field are for the Poisson model (the permutation "
        "model needs no population)");
  if (o.population.empty() || o.population_field.empty())
    throw ConfigError(
        "stscan: population (a polygon file) and population_field (its count "
        "column) go together");
}

// Each valid cell's population (in valid_cells order): the areas' counts spread by area share,
// pop(c) = sum_a pop_a area(c ∩ a) / area(a), the overlay the disparity stage uses for area
// exposure (geo/overlay.hpp). SaTScan's population file with one census time: constant in time.
std::vector<double> cell_populations(const StScanCommandOptions& o, const geo::Grid& grid) {
  io::ReadPolygonsOptions read;
  read.target_crs = grid.crs;
  auto layer = io::read_polygons(o.population, read);
  const auto field = layer.find_field(o.population_field);
  if (!field) {
    std::string names;
    for (const auto& f : layer.fields) names += (names.empty() ? "'" : ", '") + f.name + "'";
    throw ConfigError(fmt::format("stscan: {} has no field '{}' (fields: {})", o.population,
                                  o.population_field, names.empty() ? "none" : names));
  }
  std::vector<double> counts(layer.size());
  for (std::size_t f = 0; f < layer.size(); ++f) counts[f] = population_count(layer, *field, f);
  const auto overlay =
      geo::make_overlay(grid, geo::make_areas(std::move(layer.geometries), grid.crs));
  const auto spread = overlay.spread_to_cells(counts);
  std::vector<double> out;
  for (const auto cell : grid.valid_cells()) out.push_back(spread[static_cast<std::size_t>(cell)]);
  return out;
}

}  // namespace

std::string clusters_csv(const std::vector<ScanCluster>& clusters) {
  std::string out = "rank,x,y,radius,locations,start,end,observed,expected,relative_risk,llr,p\n";
  for (std::size_t i = 0; i < clusters.size(); ++i) {
    const auto& c = clusters[i];
    out += fmt::format("{},{},{},{},{},{},{},{},{},{},{},{}\n", i + 1, num(c.x), num(c.y),
                       num(c.radius), c.locations, date_of(c.start), date_of(c.end), c.observed,
                       num(c.expected), num(c.relative_risk), num(c.llr), num(c.p));
  }
  return out;
}

std::string clusters_geojson(const std::vector<ScanCluster>& clusters, const std::string& crs) {
  constexpr int kSides = 64;
  constexpr double kPi = 3.14159265358979323846;
  std::string out = "{\"type\":\"FeatureCollection\"";
  if (!crs.empty())
    out += fmt::format(",\"crs\":{{\"type\":\"name\",\"properties\":{{\"name\":\"{}\"}}}}", crs);
  out += ",\"features\":[";
  for (std::size_t i = 0; i < clusters.size(); ++i) {
    const auto& c = clusters[i];
    // A zero radius (cases at one location) still shows: a disc of 1 m.
    const double r = c.radius > 0 ? c.radius : 1.0;
    std::string ring;
    for (int k = 0; k <= kSides; ++k) {
      const double a = 2 * kPi * (k % kSides) / kSides;
      ring += fmt::format("{}[{},{}]", k ? "," : "", num(c.x + r * std::cos(a)),
                          num(c.y + r * std::sin(a)));
    }
    out += fmt::format(
        "{}{{\"type\":\"Feature\",\"properties\":{{\"rank\":{},\"x\":{},\"y\":{},\"radius\":{},"
        "\"locations\":{},\"start\":\"{}\",\"end\":\"{}\",\"observed\":{},\"expected\":{},"
        "\"relative_risk\":{},\"llr\":{},\"p\":{}}},\"geometry\":{{\"type\":\"Polygon\","
        "\"coordinates\":[[{}]]}}}}",
        i ? "," : "", i + 1, num(c.x), num(c.y), num(c.radius), c.locations, date_of(c.start),
        date_of(c.end), c.observed, num(c.expected),
        std::isinf(c.relative_risk) ? std::string("null") : num(c.relative_risk), num(c.llr),
        num(c.p), ring);
  }
  out += "]}\n";
  return out;
}

StScanRun run_stscan(const StScanCommandOptions& options) {
  if (options.study.events.empty()) throw ConfigError("stscan: an events file is needed");
  check_population_options(options);
  std::unique_ptr<io::OutputFolder> folder;
  if (!options.output.empty())
    folder = std::make_unique<io::OutputFolder>(options.output, options.replace);
  auto study_options = options.study;
  const bool poisson = options.scan.model == ScanModel::kPoisson;
  if (!poisson) study_options.cell_size = 0;  // the permutation model needs the events only
  if (poisson && !(study_options.cell_size > 0))
    throw ConfigError("stscan: the Poisson model needs a cell size (its locations are cells)");
  study_options.clip = !study_options.region.empty();
  StScanRun run;
  run.study = study::build_study(study_options);
  const auto& ev = run.study.events;
  const TimeZone zone(ev.time_zone.empty() ? "UTC" : ev.time_zone);
  ScanInput in;
  for (std::size_t i = 0; i < ev.size(); ++i) {
    double x = ev.x[i], y = ev.y[i];
    if (poisson) {
      const auto cell = run.study.grid.cell_of(x, y);
      if (!run.study.grid.is_valid(cell)) continue;  // off the grid's valid cells
      x = run.study.grid.centre_x(cell);
      y = run.study.grid.centre_y(cell);
    }
    in.x.push_back(x);
    in.y.push_back(y);
    const auto local = zone.to_local(ev.t[i]);
    in.day.push_back(local >= 0 ? local / kSecondsPerDay : -((-local - 1) / kSecondsPerDay) - 1);
  }
  if (poisson)
    for (const auto cell : run.study.grid.valid_cells()) {
      in.lx.push_back(run.study.grid.centre_x(cell));
      in.ly.push_back(run.study.grid.centre_y(cell));
    }
  if (!options.population.empty()) in.lpop = cell_populations(options, run.study.grid);
  run.result = space_time_scan(in, options.scan);
  for (const auto& c : run.result.clusters)
    if (c.p <= options.alpha) run.listed.push_back(c);
  const auto& r = run.result;
  run.summary =
      run.study.describe() +
      fmt::format("Events in CRS {}; days in {}.\n\n", run.study.crs, zone.name()) +
      fmt::format(
          "Space-time scan, {} model: {} cases at {} locations over {} days "
          "({} .. {}), {} Monte Carlo replications (seed {}).\n",
          to_string(options.scan.model), r.cases, r.locations, r.days,
          r.days ? date_of(r.first_day) : "-", r.days ? date_of(r.first_day + r.days - 1) : "-",
          options.scan.replications, options.scan.seed);
  if (!in.lpop.empty())
    run.summary += fmt::format(
        "Population: '{}' of {}, apportioned to the cells by area share: {:.0f} in all, constant "
        "over the study period.\n",
        options.population_field, options.population,
        std::accumulate(in.lpop.begin(), in.lpop.end(), 0.0));
  if (run.listed.empty()) run.summary += fmt::format("No cluster with p <= {}.\n", options.alpha);
  for (std::size_t i = 0; i < run.listed.size(); ++i) {
    const auto& c = run.listed[i];
    run.summary += fmt::format(
        "Cluster {}: {} locations within {:.0f} m of ({:.1f}, {:.1f}), {} .. {}: {} cases where "
        "{:.2f} were expected (relative risk {:.2f}), LLR {:.3f}, p = {:.4g}\n",
        i + 1, c.locations, c.radius, c.x, c.y, date_of(c.start), date_of(c.end), c.observed,
        c.expected, c.relative_risk, c.llr, c.p);
  }
  if (folder) {
    io::write_text_file(folder->path() / "clusters.csv", clusters_csv(run.listed));
    io::write_text_file(folder->path() / "clusters.geojson",
                        clusters_geojson(run.listed, run.study.crs));
    io::write_text_file(folder->path() / "summary.txt", run.summary);
    folder->commit();
  }
  return run;
}

}  // namespace scrutineer::scan
