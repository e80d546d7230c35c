// The truth of the closed-loop simulator: a grid self-exciting process per cell (Mohler et al.
// 2015, JASA 110(512)), areas with population by group and reporting rates, and the cell x area
// overlay; built from the synthetic city or fitted to real recorded events (issue 6).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "scrutineer/core/events.hpp"
#include "scrutineer/forecast/sepp_grid.hpp"
#include "scrutineer/geo/areas.hpp"
#include "scrutineer/geo/grid.hpp"
#include "scrutineer/geo/overlay.hpp"
#include "scrutineer/study/study.hpp"
#include "scrutineer/synth/city.hpp"

namespace scrutineer::feedback {

// True crime in valid cell c: λ_c(t) = mu[c] + Σ_{t_i < t} theta · omega · e^(−omega (t − t_i)),
// t in days (Mohler et al. 2015, eq. 1). A true crime in area a is recorded with probability
// reporting[a] (a cell split between areas takes their mean weighted by area of intersection).
struct World {
  geo::Grid grid;
  std::vector<double> mu;    // per grid cell, true background events per day (0 in invalid cells)
  double theta = 0.5;        // branching ratio, < 1
  double omega = 0.2;        // decay per day
  double burn_in_days = 60;  // the process runs from −burn_in so it starts near stationarity
  std::int64_t start = 0;    // UTC seconds of day 0 of the simulation
  std::string time_zone = "UTC";
  std::vector<std::string> groups;
  std::vector<std::string> areas;               // area names (ids)
  std::vector<std::vector<double>> population;  // [group][area] residents
  std::vector<double> total;                    // [area] the denominator population
  std::vector<double> reporting;                // [area] probability a true crime is recorded
  double outside_reporting = 1;    // for cells that touch no area (mean of `reporting` when fitted)
  geo::Overlay overlay;            // I(c, a) of the valid cells with the areas
  std::vector<std::string> notes;  // caveats, said in every output
};

// The synthetic city as a World: its μ, θ, ω, burn-in, start, neighbourhoods (as square areas,
// overlaid with GEOS) and their reporting rates. run_loop(city) runs on this.
World world_from_city(const synth::City& city);

// Throws ConfigError naming what is wrong (sizes, θ outside [0, 1), ω <= 0, a rate outside [0, 1]).
void validate(const World& world);

// Reporting rate of every grid cell: Σ_a reporting[a] · I(c, a) / Σ_a' I(c, a') over the areas the
// cell overlaps, `outside_reporting` for a valid cell that touches none, 0 for invalid cells.
std::vector<double> cell_reporting(const World& world);

// Residents of each group in every grid cell, pop_g(c) = Σ_a pop_g(a) · I(c, a) / area(a) (the
// population of an area spread evenly over its surface; DESIGN.md "Disparity"): [group][cell].
std::vector<std::vector<double>> cell_population(const World& world);

// How fit_world turns a study's recorded crime into a truth: reporting rates and the EM. The
// events, region, grid, areas and groups come from the study (study::build_study).
struct FitWorldOptions {
  // Reporting: a CSV of (area id, rate in (0, 1]) when `reporting_file` is set, else one rate for
  // every area. Rate 1 takes recorded crime as true crime (said in the notes).
  std::string reporting_file;
  std::string reporting_id = "area", reporting_rate_column = "rate";
  double reporting_rate = 1.0;
  forecast::SeppGridOptions em;  // the EM of the fit (edge-corrected M-step by default)
  FitWorldOptions();
};

// Fits sepp-grid to the study's recorded events of each valid cell over whole UTC days from the
// first event's day to the last's, and inflates the background by the reporting rate:
// mu[c] = μ̂_c / r(c) (θ and ω are kept), so that recording at r(c) gives back the fitted rate.
// The study needs events, a grid, areas and groups (ConfigError otherwise). The
// recorded-not-true caveat is always in `notes`. Throws ConfigError, InputError, IoError.
World fit_world(const study::Study& study, const FitWorldOptions& options);

struct TruthOptions;  // feedback/options.hpp (which includes this header through loop.hpp)

// The reporting-rate options of a fitted truth, as the loop's truth options give them.
FitWorldOptions fit_world_options(const TruthOptions& truth);

// The synthetic city's options that truth "city" runs on (`truth.city`'s k=v over the defaults).
synth::CityOptions truth_city_options(const TruthOptions& truth);

// Why the truth options cannot be honoured, or "" when they can: city parameters given to the
// fitted truth; events given to the city truth; a fitted truth without events or areas. Every
// front end (CLI, recipe, Python) refuses by this one rule, each naming its own keys.
std::string truth_refusal(const TruthOptions& truth, bool has_events, bool has_areas);

// The truth a loop runs on, by the one rule every front end (CLI, Python) shares: "city" is the
// synthetic city of `truth.city` (no events may be given); "fitted" is fit_world on the study of
// `study` (events and areas required). `on_study` sees the study once built (the CLI describes
// it). Throws ConfigError for a combination that cannot be honoured.
World truth_world(const TruthOptions& truth, const study::StudyOptions& study,
                  const std::function<void(const study::Study&)>& on_study = {});

// The fit on data in memory: `events` in grid.crs; `counts` from study::combine_groups on
// `areas`; `reporting` per area in (0, 1].
World fit_world(const EventSet& events, const geo::Grid& grid, const geo::Areas& areas,
                const study::GroupCounts& counts, const std::vector<double>& reporting,
                const forecast::SeppGridOptions& em);

}  // namespace scrutineer::feedback
