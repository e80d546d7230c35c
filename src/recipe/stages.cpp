// The stages of a recipe run, each a call into the library the stand-alone commands use: ingest,
// grid and overlay, backtest (Chainey et al. 2008), disparity, feedback (Ensign et al. 2018) and
// the score audit (Saleiro et al. 2018; Chouldechova 2017).
#include "stages.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <map>
#include <sstream>

#include "scrutineer/core/error.hpp"
#include "scrutineer/core/time.hpp"
#include "scrutineer/disparity/groups.hpp"
#include "scrutineer/evaluate/report.hpp"
#include "scrutineer/feedback/output.hpp"
#include "scrutineer/feedback/world.hpp"
#include "scrutineer/geo/grid_command.hpp"
#include "scrutineer/geo/region.hpp"
#include "scrutineer/geo/reporting.hpp"
#include "scrutineer/io/atomic_file.hpp"
#include "scrutineer/io/event_writer.hpp"
#include "scrutineer/io/vector.hpp"
#include "scrutineer/synth/city.hpp"

namespace scrutineer::recipe {

namespace {

namespace fs = std::filesystem;

std::int64_t local_date(const std::string& text, const TimeZone& zone) {
  return zone.to_utc(*parse_iso_datetime(text));  // the text was checked by the parser
}

void keep_category(Run& run) {
  const auto& category = run.recipe.data.category;
  auto& e = run.events;
  if (!category.empty()) {
    std::vector<bool> keep(e.size());
    for (std::size_t i = 0; i < e.size(); ++i)
      keep[i] = e.categories[static_cast<std::size_t>(e.category[i])] == category;
    e = e.filter(keep);
    if (e.empty())
      throw ConfigError(fmt::format("{}: no event has the category '{}' ([data] category)",
                                    run.recipe.data.path, category));
  }
  run.counts.after_category = static_cast<std::int64_t>(e.size());
}

void keep_dates(Run& run) {
  const auto& d = run.recipe.data;
  auto& e = run.events;
  if (!d.from.empty() || !d.to.empty()) {
    const TimeZone zone(e.time_zone.empty() ? "UTC" : e.time_zone);
    const auto from = d.from.empty() ? INT64_MIN : local_date(d.from, zone);
    const auto to = d.to.empty() ? INT64_MAX : local_date(d.to, zone);
    std::vector<bool> keep(e.size());
    for (std::size_t i = 0; i < e.size(); ++i) keep[i] = e.t[i] >= from && e.t[i] < to;
    e = e.filter(keep);
  }
  run.counts.after_dates = static_cast<std::int64_t>(e.size());
}

void data_warnings(Run& run) {
  const auto& r = run.read;
  if (r.resolution == TimeResolution::kMonth)
    run.warnings.push_back(
        "The data give the month of each crime only (no day or time): only monthly periods can "
        "be scored, and daily models are refused.");
  if (r.rows_dropped > 0) {
    std::vector<std::string> reasons;
    for (std::size_t i = 0; i < ingest::kDropReasons; ++i)
      if (r.dropped[i].count > 0)
        reasons.push_back(fmt::format("{} {}", r.dropped[i].count,
                                      ingest::to_string(static_cast<ingest::DropReason>(i))));
    run.warnings.push_back(fmt::format("{} of {} rows of {} were dropped: {}.", r.rows_dropped,
                                       r.rows_read, r.path, fmt::join(reasons, ", ")));
  }
}

void clip_to_region(Run& run, const geo::Region& region) {
  auto& e = run.events;
  if (run.recipe.grid.clip) {
    const auto inside = geo::inside_region(region, e.x, e.y);
    e = e.filter(std::vector<bool>(inside.begin(), inside.end()));
    if (e.empty()) throw ConfigError("no event lies inside the region ([grid] region)");
  }
  run.counts.after_clip = static_cast<std::int64_t>(e.size());
}

// A group spec "name=col+col" or "col": its name and columns.
std::pair<std::string, std::vector<std::string>> group_columns(const std::string& spec) {
  const auto eq = spec.find('=');
  if (eq == std::string::npos) return {spec, {spec}};
  std::vector<std::string> columns;
  for (std::size_t start = eq + 1; start <= spec.size();) {
    const auto plus = std::min(spec.find('+', start), spec.size());
    columns.push_back(spec.substr(start, plus - start));
    start = plus + 1;
  }
  return {spec.substr(0, eq), columns};
}

void write_cells(Run& run) {
  const auto& grid = run.grid;
  std::vector<double> recorded(static_cast<std::size_t>(grid.cells()), 0.0);
  for (std::size_t i = 0; i < run.events.size(); ++i) {
    const auto c = grid.cell_of(run.events.x[i], run.events.y[i]);
    if (c >= 0) recorded[static_cast<std::size_t>(c)] += 1;
  }
  std::vector<io::Column> columns = {{"recorded_crimes", recorded, true}};
  if (!run.areas.ids.empty()) {
    for (const auto& spec : run.recipe.areas.groups) {
      const auto [name, names] = group_columns(spec);
      std::vector<double> sum(run.areas.size(), 0.0);
      for (const auto& column : names) {
        const auto& values = run.areas.column(column);
        for (std::size_t a = 0; a < sum.size(); ++a) sum[a] += values[a];
      }
      columns.push_back({name, run.overlay.spread_to_cells(sum), false});
    }
  }
  io::write_grid_cells((run.dir / "grid" / "cells.gpkg").string(), grid, columns);
}

// Feedback on the synthetic city's own truth (Ensign et al. 2018's setting with known crime).
feedback::LoopResult loop_on_city(Run& run, const feedback::LoopOptions& options) {
  const auto city = synth::generate_city(synth::city_options_from(run.recipe.feedback.city));
  return feedback::run_loop(city, options);
}

// Group counts per area, as the disparity stage combines them.
disparity::GroupCounts area_groups(const Run& run) {
  const auto& a = run.recipe.areas;
  std::vector<disparity::GroupSpec> specs;
  for (const auto& text : a.groups) specs.push_back(disparity::parse_group(text));
  disparity::GroupOptions options;
  options.total_column = a.total;
  options.ethnicity_columns = a.ethnicity_columns;
  return disparity::combine_groups(specs, run.areas.numeric_names, run.areas.numeric, options);
}

// Feedback on a truth fitted to the study's recorded crime (feedback::fit_world: sepp-grid per
// cell, Mohler et al. 2015, with the background divided by the area's reporting rate).
feedback::LoopResult loop_on_fitted(Run& run, const feedback::LoopOptions& options) {
  const auto& stage = run.recipe.feedback;
  std::vector<std::string> notes;
  const std::vector<double> reporting =
      stage.reporting.empty() ? std::vector<double>(run.areas.size(), stage.reporting_everywhere)
                              : geo::read_reporting_rates(stage.reporting, stage.reporting_id,
                                                          stage.reporting_rate, run.areas, notes);
  const auto world = feedback::fit_world(run.events, run.grid, run.areas, area_groups(run),
                                         reporting, feedback::FitWorldOptions().em);
  if (stage.reporting.empty() && stage.reporting_everywhere == 1.0)
    notes.push_back(
        "No reporting rates given: the loop's truth takes recorded crime as true crime");
  for (const auto& note : notes) run.warnings.push_back(note);
  for (const auto& note : world.notes) run.warnings.push_back(note);
  return feedback::run_loop(world, options);
}

// One function per truth kind.
using LoopOnTruth = feedback::LoopResult (*)(Run&, const feedback::LoopOptions&);
const std::map<std::string, LoopOnTruth>& truths() {
  static const std::map<std::string, LoopOnTruth> list = {{"city", loop_on_city},
                                                          {"fitted", loop_on_fitted}};
  return list;
}

// Text naming files in the temporary folder, with the folder's final name instead.
std::string final_paths(const Run& run, std::string text) {
  const auto from = run.dir.string(), to = run.final_dir.string();
  for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
    text.replace(at, from.size(), to);
  return text;
}

void final_paths(const Run& run, const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  in.close();
  io::write_text_file(file, final_paths(run, text.str()));
}

}  // namespace

void stage_data(Run& run) {
  const auto& d = run.recipe.data;
  auto result = ingest::read_events(d.path, d.read);
  run.read = std::move(result.report);
  run.events = std::move(result.events);
  io::write_text_file(run.dir / "ingest" / "summary.json", ingest::report_json(run.read));
  keep_category(run);
  keep_dates(run);
  run.counts.after_clip = run.counts.after_dates;
  data_warnings(run);
  run.say(
      fmt::format("data         {} rows read, {} kept, {} dropped; {} after the category and "
                  "date filters (CRS {}, zone {})\n",
                  run.read.rows_read, run.read.rows_kept, run.read.rows_dropped,
                  run.counts.after_dates, run.events.crs, run.events.time_zone));
}

void stage_grid(Run& run) {
  const auto& g = run.recipe.grid;
  if (!g.region.empty()) {
    const auto region = geo::read_region(g.region, run.events.crs);
    run.grid = geo::make_grid(region, g.cell_size, g.origin_x, g.origin_y);
    if (g.valid == "shares-area") {
      const auto covered =
          geo::make_overlay(run.grid, geo::make_areas({region.polygons}, region.crs)).cell_covered;
      for (std::size_t c = 0; c < covered.size(); ++c)
        run.grid.valid[c] = run.grid.valid[c] && covered[c] > 0;
    }
    clip_to_region(run, region);
  } else {
    run.grid = geo::grid_over_points(run.events.x, run.events.y, run.events.crs, g.cell_size,
                                     g.origin_x, g.origin_y);
  }
  fs::create_directories(run.dir / "grid");
  if (run.recipe.areas.enabled) {
    run.areas = geo::read_areas(run.recipe.areas.path, run.recipe.areas.id, run.events.crs);
    run.overlay = geo::make_overlay(run.grid, run.areas);
    geo::write_overlay_csv((run.dir / "grid" / "overlay.csv").string(), run.grid, run.areas,
                           run.overlay);
  }
  write_cells(run);
  // The events of the study (after the filters and the clip), read back by the disparity stage
  // as its recorded-crime benchmark.
  io::write_events_csv((run.dir / "ingest" / "events.csv").string(), run.events);
  run.say(fmt::format("grid         {} x {} cells of {} m, {} valid; {} events in the study area\n",
                      run.grid.nx, run.grid.ny, run.grid.size, run.grid.valid_count(),
                      run.events.size()));
}

void stage_backtest(Run& run) {
  const auto& stage = run.recipe.backtest;
  auto o = stage.options;
  const TimeZone zone(run.events.time_zone.empty() ? "UTC" : run.events.time_zone);
  o.first = local_date(stage.from, zone);
  o.stop = local_date(stage.to, zone);
  if (!stage.train_from.empty()) o.train_start = local_date(stage.train_from, zone);
  o.progress = run.options.progress;
  run.backtest = evaluate::run_backtest(run.events, run.grid, o);
  evaluate::write_backtest_outputs(run.backtest, run.grid, run.dir / "backtest");
  const auto& model = run.recipe.disparity.model;
  run.audited_model = model.empty() ? run.recipe.models.front().name : model;
  run.say(evaluate::summary_table(run.backtest));
}

void stage_disparity(Run& run) {
  const auto& r = run.recipe;
  auto o = r.disparity.options;
  o.areas = r.areas.path;
  o.area_id = r.areas.id;
  o.groups = r.areas.groups;
  o.total = r.areas.total;
  o.reference = r.areas.reference;
  o.ethnicity_columns = r.areas.ethnicity_columns;
  o.crs = run.events.crs;
  o.cell_size = run.grid.size;
  o.origin_x = r.grid.origin_x;
  o.origin_y = r.grid.origin_y;
  o.region = r.grid.region;
  o.flags = (run.dir / "backtest" / "flagged.csv").string();
  // Cells are matched by their centres, so the audit does not depend on how either side numbers
  // its grid.
  o.flag_options.format = "xy";
  o.flag_options.x_column = "centre_x";
  o.flag_options.y_column = "centre_y";
  o.flag_options.crs = run.events.crs;
  o.flag_options.model = run.audited_model;
  o.events = (run.dir / "ingest" / "events.csv").string();
  o.events_read = ingest::ReadOptions{};
  o.events_read.format = "events";
  o.out = (run.dir / "disparity").string();
  o.progress = run.options.progress;
  run.disparity = disparity::run_disparity(o);
  for (const char* file : {"summary.txt", "disparity.json"})
    final_paths(run, run.dir / "disparity" / file);
  run.disparity.summary = final_paths(run, run.disparity.summary);
  for (const auto& note : run.disparity.notes) run.warnings.push_back(final_paths(run, note));
  run.say(run.disparity.summary);
}

void stage_feedback(Run& run) {
  const auto& stage = run.recipe.feedback;
  const auto truth = truths().find(stage.truth);
  if (truth == truths().end())
    throw InternalError(fmt::format("feedback truth '{}' has no runner", stage.truth));
  auto options = stage.options;
  options.progress = run.options.progress;
  run.loop = truth->second(run, options);
  feedback::write_loop_outputs(run.loop, options, run.dir / "feedback");
  run.loop_text = feedback::loop_text(run.loop);
  run.say(run.loop_text);
}

void stage_scores(Run& run) {
  const auto& c = run.recipe.scores.command;
  const auto people = scores::load_people(c.people);
  run.scores = scores::run_audit(people, c.audit);
  scores::write_audit(run.scores, c.publish, run.dir / "scores");
  for (const auto& note : run.scores.notes) run.warnings.push_back(note);
  run.say(scores::audit_table(run.scores, c.publish));
}

}  // namespace scrutineer::recipe
