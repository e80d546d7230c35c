// The seeded synthetic city: neighbourhoods with population by group, a true crime process per cell
// (Mohler et al. 2015, JASA 110(512): background plus self-exciting repeats), and reporting rates.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "scrutineer/core/events.hpp"
#include "scrutineer/core/params.hpp"
#include "scrutineer/core/random.hpp"
#include "scrutineer/geo/grid.hpp"

namespace scrutineer::synth {

// Every field's default lives here; names, help and sources live once in city_param_specs().
struct CityOptions {
  std::uint64_t seed = 1;
  // Layout: neighbourhoods_x by neighbourhoods_y square neighbourhoods, each split into
  // cells_per_side x cells_per_side cells of cell_size metres (default 5 x 5 x 10 x 10 = 2,500
  // cells of 100 m, a 5 km x 5 km city).
  std::int32_t neighbourhoods_x = 5;
  std::int32_t neighbourhoods_y = 5;
  std::int32_t cells_per_side = 10;
  double cell_size = 100.0;
  // Lower-left corner in `crs` (UTM zone 30N; about 1.53 W, 52.40 N, in the English Midlands).
  double origin_x = 600000.0;
  double origin_y = 5806000.0;
  std::string crs = "EPSG:32630";
  std::string time_zone = "Europe/London";
  std::string start_date = "2024-01-01";  // local midnight of this day is t = 0
  std::int32_t days = 730;
  // The process runs from -burn_in_days so that the recorded window starts near stationarity.
  double burn_in_days = 60.0;
  // Population.
  std::string groups = "group_a,group_b,group_c";
  std::string group_shares = "0.6,0.25,0.15";  // city-wide shares before the gradient
  double population_mean = 4000.0;             // people per neighbourhood
  double segregation = 1.5;       // strength of the group gradient across the city (logit units)
  double population_noise = 0.3;  // sd of the neighbourhood noise on each group's logit
  // True crime: background rate mu_n per cell, city total per day, half of it in a smooth base
  // that varies across the city and half in Gaussian hotspots.
  double background_per_day = 20.0;
  std::int32_t hotspots = 4;
  double hotspot_radius = 300.0;  // metres (Gaussian sd)
  double hotspot_share = 0.5;     // share of the background rate in hotspots
  double theta = 0.5;             // branching ratio: expected children per event (< 1)
  double omega = 0.2;             // decay of the triggering kernel, per day (mean delay 1/omega)
  std::string categories = "burglary:0.4,theft:0.4,assault:0.2";  // name:share of background
  // Reporting: the neighbourhood's rate is the population-weighted mean of the groups' rates plus
  // noise, clamped to [0.05, 0.95].
  std::string reporting_by_group = "0.8,0.4,0.6";
  double reporting_noise = 0.04;
  bool operator==(const CityOptions&) const = default;
};

// Declarations of every CityOptions field (name, default from CityOptions{}, help, source).
std::vector<ParamSpec> city_param_specs();
// Options from parameter values; throws ConfigError when a value is out of range.
CityOptions city_options_from(const ParamSet& params);
// The values of `options` as parameters (recorded in truth.json).
ParamSet city_params(const CityOptions& options);
// Throws ConfigError naming the field when an option is out of range.
void validate(const CityOptions& options);

struct Neighbourhood {
  std::int32_t id = 0;                    // 1-based, row-major from the south-west corner
  std::string name;                       // "N01", "N02", ...
  double x0 = 0, y0 = 0, x1 = 0, y1 = 0;  // bounds in the city CRS
  std::vector<double> population;         // people per group (whole numbers), order of City::groups
  double total_population = 0;
  double reporting_rate = 0;  // probability that a true crime here is recorded
};

// All true crimes, sorted by time (ties: by cell, then order of generation), as columns.
struct TrueEvents {
  std::vector<std::int64_t> t;              // UTC seconds, whole minutes
  std::vector<double> x, y;                 // city CRS, centimetres
  std::vector<std::int32_t> cell;           // grid cell index
  std::vector<std::int32_t> neighbourhood;  // index into City::neighbourhoods
  std::vector<std::int32_t> category;       // index into City::categories
  // Index (into these columns) of the event that triggered this one; -1 for a background event,
  // -2 for a child of an event that happened during the burn-in, before the window.
  std::vector<std::int64_t> parent;
  std::vector<std::uint8_t> recorded;  // 1 when the police recorded it
  std::size_t size() const { return t.size(); }
};

struct City {
  CityOptions options;
  std::vector<std::string> groups;
  std::vector<std::string> categories;
  std::vector<double> category_shares;
  std::vector<double> group_reporting;  // reporting rate per group (before noise)
  geo::Grid grid;                       // every cell valid; crs = options.crs
  std::vector<Neighbourhood> neighbourhoods;
  std::vector<std::int32_t> cell_neighbourhood;  // per cell, index into neighbourhoods
  std::vector<double> mu;                        // background rate per cell, events per day
  std::int64_t start = 0;                        // UTC seconds of local midnight of start_date
  std::int64_t end = 0;                          // start + days * 86400
  TrueEvents truth;
  EventSet recorded;  // the recorded crimes (source_row = line in events.csv)
};

City generate_city(const CityOptions& options);

// One cell's self-exciting process lambda(t) = mu + sum_{t_i < t} theta omega e^{-omega (t - t_i)}
// simulated exactly by the branching construction on [-burn_in, length) (days); only events in
// [0, length) are returned, in time order.
struct CellProcess {
  std::vector<double> t;             // days from the window start
  std::vector<std::int64_t> parent;  // index in t, -1 background, -2 parent before the window
};
CellProcess simulate_cell(double mu, double theta, double omega, double length, double burn_in,
                          Rng& rng);

// Expected number of events of simulate_cell in [0, T) when the process starts empty at -B:
// m* T - m* theta / (omega (1 - theta)) e^{-omega (1 - theta) B} (1 - e^{-omega (1 - theta) T}),
// m* = mu / (1 - theta) (the mean intensity m(t) solves m' = omega mu - omega (1 - theta) m).
double expected_count(double mu, double theta, double omega, double length, double burn_in);

// A few lines for people: size, window, true and recorded counts, the reporting-rate range.
std::string summary_text(const City& city);

// Writes events.csv, true_events.csv, areas.geojson, region.geojson and truth.json into `folder`
// (created if needed), each atomically. Returns the paths written.
std::vector<std::filesystem::path> write_city(const City& city,
                                              const std::filesystem::path& folder);

}  // namespace scrutineer::synth
