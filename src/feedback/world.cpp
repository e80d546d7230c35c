// The loop's truth (issue 6): the synthetic city, or sepp-grid (Mohler et al. 2015, JASA 110(512))
// fitted to recorded events with the background inflated by reporting rates (Horvitz & Thompson
// 1952).
#include "scrutineer/feedback/world.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "scrutineer/core/error.hpp"
#include "scrutineer/core/params.hpp"
#include "scrutineer/core/time.hpp"
#include "scrutineer/feedback/options.hpp"
#include "scrutineer/geo/region.hpp"
#include "scrutineer/geo/reporting.hpp"

namespace scrutineer::feedback {

namespace {

io::MultiPolygon square(double x0, double y0, double x1, double y1) {
  io::Ring ring{{x0, x1, x1, x0, x0}, {y0, y0, y1, y1, y0}};
  return {io::Polygon{{ring}}};
}

double mean_of(const std::vector<double>& values) {
  double sum = 0;
  for (double v : values) sum += v;
  return values.empty() ? 1.0 : sum / static_cast<double>(values.size());
}

// Burn-in long enough that the deficit of the mean intensity, e^(−ω(1−θ)B), is e^−5 < 1% (the
// expected_count formula of synth/city.hpp), between 60 and 1,000 days.
std::int64_t day_of(std::int64_t utc_seconds) {
  const auto d = utc_seconds / kSecondsPerDay;
  return d * kSecondsPerDay > utc_seconds ? d - 1 : d;
}

double burn_in_for(double theta, double omega) {
  return std::clamp(5.0 / (omega * (1.0 - theta)), 60.0, 1000.0);
}

}  // namespace

World world_from_city(const synth::City& city) {
  World w;
  w.grid = city.grid;
  w.mu = city.mu;
  w.theta = city.options.theta;
  w.omega = city.options.omega;
  w.burn_in_days = city.options.burn_in_days;
  w.start = city.start;
  w.time_zone = city.options.time_zone;
  w.groups = city.groups;
  w.population.assign(city.groups.size(), {});
  std::vector<io::MultiPolygon> polygons;
  for (const auto& n : city.neighbourhoods) {
    w.areas.push_back(n.name);
    for (std::size_t g = 0; g < city.groups.size(); ++g) w.population[g].push_back(n.population[g]);
    w.total.push_back(n.total_population);
    w.reporting.push_back(n.reporting_rate);
    polygons.push_back(square(n.x0, n.y0, n.x1, n.y1));
  }
  w.outside_reporting = mean_of(w.reporting);
  w.overlay = geo::make_overlay(w.grid, geo::make_areas(std::move(polygons), w.grid.crs, w.areas));
  return w;
}

void validate(const World& w) {
  const auto areas = w.areas.size();
  if (w.mu.size() != static_cast<std::size_t>(w.grid.cells()))
    throw ConfigError(fmt::format("world: expected {} background rates (one per cell), found {}",
                                  w.grid.cells(), w.mu.size()));
  if (!(w.theta >= 0 && w.theta < 1))
    throw ConfigError(
        fmt::format("world: expected a branching ratio θ in [0, 1), found {}; a "
                    "process with θ >= 1 explodes",
                    w.theta));
  if (!(w.omega > 0)) throw ConfigError(fmt::format("world: expected ω > 0, found {}", w.omega));
  if (w.population.size() != w.groups.size() || w.total.size() != areas ||
      w.reporting.size() != areas || w.overlay.areas != areas || w.overlay.cells != w.grid.cells())
    throw ConfigError("world: groups, populations, reporting rates and overlay disagree in size");
  for (const auto& p : w.population)
    if (p.size() != areas) throw ConfigError("world: expected one population per group and area");
  for (double r : w.reporting)
    if (!(r >= 0 && r <= 1))
      throw ConfigError(fmt::format("world: expected reporting rates in [0, 1], found {}", r));
  for (double m : w.mu)
    if (!(m >= 0 && std::isfinite(m)))
      throw ConfigError(fmt::format("world: expected background rates >= 0, found {}", m));
}

std::vector<double> cell_reporting(const World& w) {
  std::vector<double> out(static_cast<std::size_t>(w.grid.cells()), 0);
  const auto& ov = w.overlay;
  for (auto c : w.grid.valid_cells()) {
    const auto b = static_cast<std::size_t>(ov.start[c]),
               e = static_cast<std::size_t>(ov.start[c + 1]);
    if (b == e || !(ov.cell_covered[c] > 0)) {
      out[c] = w.outside_reporting;
      continue;
    }
    double rate = 0;
    // The weight first: a cell inside one area gets its rate exactly (weight 1).
    for (auto k = b; k < e; ++k)
      rate += w.reporting[ov.area[k]] * (ov.intersection[k] / ov.cell_covered[c]);
    out[c] = rate;
  }
  return out;
}

std::vector<std::vector<double>> cell_population(const World& w) {
  std::vector<std::vector<double>> out;
  for (const auto& population : w.population) out.push_back(w.overlay.spread_to_cells(population));
  return out;
}

World fit_world(const EventSet& events, const geo::Grid& grid, const geo::Areas& areas,
                const study::GroupCounts& counts, const std::vector<double>& reporting,
                const forecast::SeppGridOptions& em) {
  if (events.size() == 0) throw ConfigError("fit world: no recorded events to fit");
  // Month-only data would put every crime of a cell on one instant: the EM finds no
  // self-excitation (theta = 0) and the loop would report discoveries it cannot make (issue 17).
  events.require_resolution(TimeResolution::kDay, "the fitted truth (sepp-grid by the day)");
  if (reporting.size() != areas.size())
    throw ConfigError(fmt::format("fit world: expected {} reporting rates, found {}", areas.size(),
                                  reporting.size()));
  for (double r : reporting)
    if (!(r > 0 && r <= 1))
      throw ConfigError(fmt::format("fit world: expected reporting rates in (0, 1], found {}", r));
  World w;
  w.grid = grid;
  w.groups = counts.names;
  w.population = counts.by_group;
  w.total = counts.total;
  w.areas = areas.ids;
  w.reporting = reporting;
  w.outside_reporting = mean_of(reporting);
  w.overlay = geo::make_overlay(grid, areas);
  w.time_zone = events.time_zone.empty() ? "UTC" : events.time_zone;
  w.notes = counts.notes;

  // Whole UTC days from the first event's day to the last's; t in days from the first.
  const auto [t_min, t_max] = std::minmax_element(events.t.begin(), events.t.end());
  const std::int64_t day0 = day_of(*t_min);
  const std::int64_t day_end = day_of(*t_max) + 1;
  const auto valid = grid.valid_cells();
  std::vector<std::int64_t> slot(static_cast<std::size_t>(grid.cells()), -1);
  for (std::size_t i = 0; i < valid.size(); ++i) slot[valid[i]] = static_cast<std::int64_t>(i);
  std::vector<std::vector<double>> times(valid.size());
  std::int64_t outside = 0;
  for (std::size_t i = 0; i < events.size(); ++i) {
    const auto c = grid.cell_of(events.x[i], events.y[i]);
    if (c < 0 || slot[c] < 0) {
      ++outside;
      continue;
    }
    times[slot[c]].push_back(static_cast<double>(events.t[i] - day0 * kSecondsPerDay) /
                             kSecondsPerDay);
  }
  for (auto& t : times) std::sort(t.begin(), t.end());
  const auto fit = forecast::fit_sepp_grid(times, static_cast<double>(day_end - day0), em);
  if (!(fit.theta < 1))
    throw ConfigError(
        fmt::format("fit world: the fitted branching ratio θ = {} is not below 1; "
                    "the process would explode (too few or clustered events?)",
                    fit.theta));
  w.theta = fit.theta;
  w.omega = fit.omega;
  w.burn_in_days = burn_in_for(w.theta, w.omega);
  w.start = day_end * kSecondsPerDay;
  const auto rate = cell_reporting(w);
  w.mu.assign(static_cast<std::size_t>(grid.cells()), 0);
  for (std::size_t i = 0; i < valid.size(); ++i) w.mu[valid[i]] = fit.mu[i] / rate[valid[i]];

  w.notes.push_back(
      "The truth is fitted to RECORDED crime, which is not true crime: it inherits whatever bias "
      "the recording had (where police looked, who reported). Reporting rates inflate the "
      "background rate of each cell (μ_c = μ̂_c / r(c)); θ and ω are kept as fitted");
  w.notes.push_back(fmt::format(
      "sepp-grid fitted on {} events in {} valid cells over {} days: θ = {:.4f}, ω = {:.4f} per "
      "day, {} EM iterations{}",
      events.size() - static_cast<std::size_t>(outside), valid.size(), day_end - day0, fit.theta,
      fit.omega, fit.iterations, fit.converged ? "" : " (NOT converged)"));
  if (outside > 0)
    w.notes.push_back(fmt::format(
        "{} events fall outside the grid's valid cells and are not in the fit", outside));
  double left_out = 0, all = 0;
  for (std::size_t a = 0; a < w.total.size(); ++a) {
    left_out += w.total[a] * w.overlay.area_outside_share(a);
    all += w.total[a];
  }
  if (all > 0 && left_out > 1e-6 * all)
    w.notes.push_back(
        fmt::format("{:.2f}% of the population lives outside the grid's valid cells "
                    "and is left out of exposure",
                    100 * left_out / all));
  return w;
}

FitWorldOptions::FitWorldOptions() { em.edge_corrected = true; }

World fit_world(const study::Study& s, const FitWorldOptions& o) {
  if (!s.has_events) throw ConfigError("fit world: give the recorded events (--events)");
  if (!s.has_areas)
    throw ConfigError("fit world: give the areas and their id column (--areas, --id-field)");
  if (s.groups.names.empty()) throw ConfigError("fit world: give at least one group (--groups)");
  if (!s.has_grid) throw ConfigError("fit world: expected a cell size > 0 (--cell-size)");
  std::vector<std::string> notes;
  if (s.counts.rows_dropped > 0)
    notes.push_back(
        fmt::format("{} of {} rows of {} could not be read and are not in the fit "
                    "(`scrutineer ingest` lists the reasons)",
                    s.counts.rows_dropped, s.counts.rows_read, s.read.path));
  if (s.counts.clipped && s.counts.outside > 0)
    notes.push_back(fmt::format("{} of {} events lie outside the region and are not in the fit",
                                s.counts.outside, s.counts.inside + s.counts.outside));
  if (s.counts.after_category != s.counts.rows_kept)
    notes.push_back(fmt::format("{} of {} events are of the category kept", s.counts.after_category,
                                s.counts.rows_kept));
  const auto rates = o.reporting_file.empty()
                         ? std::vector<double>(s.areas.size(), o.reporting_rate)
                         : geo::read_reporting_rates(o.reporting_file, o.reporting_id,
                                                     o.reporting_rate_column, s.areas, notes);
  auto world = fit_world(s.events, s.grid, s.areas, s.groups, rates, o.em);
  if (o.reporting_file.empty())
    notes.push_back(
        o.reporting_rate == 1.0
            ? std::string("No reporting rates given: recorded crime is taken as true crime")
            : fmt::format("One reporting rate for every area: {}", o.reporting_rate));
  world.notes.insert(world.notes.end(), notes.begin(), notes.end());
  return world;
}

FitWorldOptions fit_world_options(const TruthOptions& truth) {
  FitWorldOptions f;
  f.reporting_file = truth.reporting;
  f.reporting_id = truth.reporting_id;
  f.reporting_rate_column = truth.reporting_rate;
  f.reporting_rate = truth.reporting_everywhere;
  return f;
}

synth::CityOptions truth_city_options(const TruthOptions& truth) {
  ParamSet params(synth::city_param_specs());
  if (!truth.city.empty()) params.set_all(truth.city);
  return synth::city_options_from(params);
}

std::string truth_refusal(const TruthOptions& truth, bool has_events, bool has_areas) {
  if (truth.truth == "city")
    return has_events ? "events are the fitted truth's: add truth fitted" : "";
  if (!truth.city.empty()) return "city parameters are for the synthetic city's truth (truth city)";
  if (!has_events || !has_areas)
    return "truth fitted needs events and areas: the truth is fitted to the study's recorded "
           "crime, and exposure is counted by area";
  return "";
}

World truth_world(const TruthOptions& truth, const study::StudyOptions& study,
                  const std::function<void(const study::Study&)>& on_study) {
  const auto why = truth_refusal(truth, !study.events.empty(), !study.areas.empty());
  if (!why.empty())
    throw ConfigError(fmt::format("feedback loop: {} (--truth, --city, --events, --areas)", why));
  if (truth.truth == "city")
    return world_from_city(synth::generate_city(truth_city_options(truth)));
  const auto built = study::build_study(study);
  if (on_study) on_study(built);
  return fit_world(built, fit_world_options(truth));
}

}  // namespace scrutineer::feedback
