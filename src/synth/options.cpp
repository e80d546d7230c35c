// The synthetic city's parameters, declared once: name, help and source here, defaults in
// CityOptions{} (city.hpp), so the CLI, recipes and docs cannot drift from the struct.
#include <fmt/format.h>

#include <charconv>
#include <cmath>
#include <functional>
#include <limits>
#include <set>

#include "scrutineer/core/error.hpp"
#include "scrutineer/core/time.hpp"
#include "scrutineer/geo/crs.hpp"
#include "scrutineer/synth/city.hpp"
#include "synth_internal.hpp"

namespace scrutineer::synth {

namespace {

struct Field {
  ParamSpec spec;
  std::function<void(CityOptions&, const ParamSet&)> read;
  std::function<std::string(const CityOptions&)> text;
};

std::string text_of(double v) { return fmt::format("{}", v); }
std::string text_of(std::int32_t v) { return fmt::format("{}", v); }
std::string text_of(std::uint64_t v) { return fmt::format("{}", v); }
std::string text_of(const std::string& v) { return v; }

void assign(double& out, const ParamSet& p, const std::string& name) { out = p.number(name); }
void assign(std::string& out, const ParamSet& p, const std::string& name) { out = p.text(name); }
void assign(std::int32_t& out, const ParamSet& p, const std::string& name) {
  const auto v = p.integer(name);
  if (v < std::numeric_limits<std::int32_t>::min() || v > std::numeric_limits<std::int32_t>::max())
    throw ConfigError(fmt::format("parameter '{}' is out of range; got {}", name, v));
  out = static_cast<std::int32_t>(v);
}
void assign(std::uint64_t& out, const ParamSet& p, const std::string& name) {
  const auto v = p.integer(name);
  if (v < 0) throw ConfigError(fmt::format("parameter '{}' must be >= 0; got {}", name, v));
  out = static_cast<std::uint64_t>(v);
}

template <class T>
Field field(std::string name, T CityOptions::*member, std::string help, std::string source = "") {
  const CityOptions defaults;
  ParamSpec spec{name, text_of(defaults.*member), std::move(help), std::move(source), {}};
  return {std::move(spec),
          [name, member](CityOptions& o, const ParamSet& p) { assign(o.*member, p, name); },
          [member](const CityOptions& o) { return text_of(o.*member); }};
}

const std::vector<Field>& fields() {
  static const std::string mohler = "Mohler et al. (2015), JASA 110(512)";
  static const std::vector<Field> list = {
      field("seed", &CityOptions::seed, "seed of every random stream (same seed, same files)"),
      field("neighbourhoods-x", &CityOptions::neighbourhoods_x, "neighbourhoods west to east"),
      field("neighbourhoods-y", &CityOptions::neighbourhoods_y, "neighbourhoods south to north"),
      field("cells-per-side", &CityOptions::cells_per_side,
            "grid cells along each side of a neighbourhood"),
      field("cell-size", &CityOptions::cell_size, "grid cell side, metres"),
      field("origin-x", &CityOptions::origin_x, "easting of the city's south-west corner, metres"),
      field("origin-y", &CityOptions::origin_y, "northing of the city's south-west corner, metres"),
      field("crs", &CityOptions::crs, "projected CRS of the city, EPSG:<code> in metres"),
      field("time-zone", &CityOptions::time_zone, "IANA time zone of the local times"),
      field("start-date", &CityOptions::start_date, "first local day of the window, YYYY-MM-DD"),
      field("days", &CityOptions::days, "length of the window, days"),
      field("burn-in-days", &CityOptions::burn_in_days,
            "days the process runs before the window, so that it starts near stationarity"),
      field("groups", &CityOptions::groups, "population group names, comma-separated"),
      field("group-shares", &CityOptions::group_shares,
            "city-wide share of each group before the gradient, comma-separated"),
      field("population-mean", &CityOptions::population_mean, "mean people per neighbourhood"),
      field("segregation", &CityOptions::segregation,
            "strength of each group's gradient across the city, logit units (0 = none)"),
      field("population-noise", &CityOptions::population_noise,
            "sd of the per-neighbourhood noise on each group's logit"),
      field("background-per-day", &CityOptions::background_per_day,
            "background (mu) events per day over the whole city", mohler),
      field("hotspots", &CityOptions::hotspots, "number of Gaussian hotspots in the background"),
      field("hotspot-radius", &CityOptions::hotspot_radius, "sd of each hotspot, metres"),
      field("hotspot-share", &CityOptions::hotspot_share,
            "share of the background rate that lies in the hotspots (ignored when hotspots = 0)"),
      field("theta", &CityOptions::theta, "branching ratio: expected repeats per event, < 1",
            mohler),
      field("omega", &CityOptions::omega, "decay of the repeat kernel, per day", mohler),
      field("categories", &CityOptions::categories,
            "crime categories as name:share of background events (repeats keep the category)"),
      field("reporting-by-group", &CityOptions::reporting_by_group,
            "probability that a crime is recorded, per group, comma-separated",
            "victimisation surveys find reporting differs between groups"),
      field("reporting-noise", &CityOptions::reporting_noise,
            "sd of the per-neighbourhood noise on the reporting rate"),
  };
  return list;
}

void require(bool ok, std::string_view name, std::string_view expected, const std::string& got) {
  if (!ok) throw ConfigError(fmt::format("option '{}' must be {}; got {}", name, expected, got));
}

}  // namespace

std::vector<ParamSpec> city_param_specs() {
  std::vector<ParamSpec> specs;
  for (const auto& f : fields()) specs.push_back(f.spec);
  return specs;
}

ParamSet city_params(const CityOptions& options) {
  ParamSet params(city_param_specs());
  for (const auto& f : fields()) params.set(f.spec.name, f.text(options));
  return params;
}

CityOptions city_options_from(const ParamSet& params) {
  CityOptions options;
  for (const auto& f : fields()) f.read(options, params);
  validate(options);
  return options;
}

std::vector<std::string> split_list(const std::string& text) {
  std::vector<std::string> out;
  std::size_t begin = 0;
  while (true) {
    const auto comma = text.find(',', begin);
    auto item = text.substr(begin, comma == std::string::npos ? std::string::npos : comma - begin);
    const auto first = item.find_first_not_of(' ');
    const auto last = item.find_last_not_of(' ');
    out.push_back(first == std::string::npos ? "" : item.substr(first, last - first + 1));
    if (comma == std::string::npos) break;
    begin = comma + 1;
  }
  return out;
}

double parse_number(const std::string& text, std::string_view option) {
  double v = 0;
  const auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || p != text.data() + text.size() || !std::isfinite(v))
    throw ConfigError(fmt::format("option '{}' expects numbers; got '{}'", option, text));
  return v;
}

std::vector<double> parse_numbers(const std::string& text, std::string_view option) {
  std::vector<double> out;
  for (const auto& item : split_list(text)) out.push_back(parse_number(item, option));
  return out;
}

std::vector<std::pair<std::string, double>> parse_categories(const std::string& text) {
  std::vector<std::pair<std::string, double>> out;
  for (const auto& item : split_list(text)) {
    const auto colon = item.find(':');
    require(colon != std::string::npos && colon > 0, "categories", "a list of name:share",
            fmt::format("'{}'", item));
    const double share = parse_number(item.substr(colon + 1), "categories");
    require(share > 0, "categories", "shares > 0", fmt::format("'{}'", item));
    out.emplace_back(item.substr(0, colon), share);
  }
  return out;
}

void validate(const CityOptions& o) {
  require(o.neighbourhoods_x >= 1 && o.neighbourhoods_y >= 1, "neighbourhoods-x/-y", ">= 1",
          fmt::format("{} x {}", o.neighbourhoods_x, o.neighbourhoods_y));
  require(o.cells_per_side >= 1, "cells-per-side", ">= 1", text_of(o.cells_per_side));
  const double cells = static_cast<double>(o.neighbourhoods_x) * o.neighbourhoods_y *
                       o.cells_per_side * o.cells_per_side;
  require(cells <= 1e8, "neighbourhoods and cells-per-side", "at most 1e8 cells in all",
          text_of(cells));
  require(o.cell_size > 0, "cell-size", "> 0", text_of(o.cell_size));
  require(o.crs.rfind("EPSG:", 0) == 0, "crs", "EPSG:<code>", o.crs);
  const auto crs = geo::crs_info(o.crs);
  require(crs.projected && crs.metres_per_unit == 1.0, "crs", "a projected CRS in metres",
          fmt::format("{} ({})", o.crs, crs.name));
  TimeZone zone(o.time_zone);  // ConfigError naming an unknown zone
  require(parse_iso_datetime(o.start_date).has_value() && o.start_date.size() == 10, "start-date",
          "a date YYYY-MM-DD", o.start_date);
  require(o.days >= 1, "days", ">= 1", text_of(o.days));
  require(o.burn_in_days >= 0, "burn-in-days", ">= 0", text_of(o.burn_in_days));
  const auto groups = split_list(o.groups);
  const std::set<std::string> unique(groups.begin(), groups.end());
  static const std::set<std::string> reserved = {
      "id", "name", "population", "reporting_rate", "true_crimes", "recorded_crimes"};
  for (const auto& g : groups)
    require(!g.empty() && !reserved.count(g), "groups",
            "non-empty names other than id, name, "
            "population, reporting_rate, true_crimes, recorded_crimes",
            fmt::format("'{}'", g));
  require(unique.size() == groups.size(), "groups", "distinct names", o.groups);
  const auto shares = parse_numbers(o.group_shares, "group-shares");
  require(shares.size() == groups.size(), "group-shares", "one share per group", o.group_shares);
  for (double s : shares) require(s > 0, "group-shares", "shares > 0", o.group_shares);
  const auto reporting = parse_numbers(o.reporting_by_group, "reporting-by-group");
  require(reporting.size() == groups.size(), "reporting-by-group", "one rate per group",
          o.reporting_by_group);
  for (double r : reporting)
    require(r >= 0 && r <= 1, "reporting-by-group", "rates in [0, 1]", o.reporting_by_group);
  require(o.population_mean >= 1, "population-mean", ">= 1", text_of(o.population_mean));
  require(o.segregation >= 0, "segregation", ">= 0", text_of(o.segregation));
  require(o.population_noise >= 0, "population-noise", ">= 0", text_of(o.population_noise));
  require(o.background_per_day > 0, "background-per-day", "> 0", text_of(o.background_per_day));
  require(o.hotspots >= 0, "hotspots", ">= 0", text_of(o.hotspots));
  require(o.hotspot_radius > 0, "hotspot-radius", "> 0", text_of(o.hotspot_radius));
  require(o.hotspot_share >= 0 && o.hotspot_share <= 1, "hotspot-share", "in [0, 1]",
          text_of(o.hotspot_share));
  require(o.theta >= 0 && o.theta < 1, "theta", "in [0, 1) (a stable process)", text_of(o.theta));
  require(o.omega > 0, "omega", "> 0", text_of(o.omega));
  require(o.reporting_noise >= 0, "reporting-noise", ">= 0", text_of(o.reporting_noise));
  const auto categories = parse_categories(o.categories);
  std::set<std::string> names;
  for (const auto& c : categories) names.insert(c.first);
  require(names.size() == categories.size(), "categories", "distinct names", o.categories);
}

}  // namespace scrutineer::synth
