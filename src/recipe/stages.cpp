// The stages of a recipe run, each a call into the library the stand-alone commands use: ingest,
// grid and overlay, backtest (Chainey et al. 2008), disparity, feedback (Ensign et al. 2018) and
// the score audit (Saleiro et al. 2018; Chouldechova 2017).
#include "stages.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <map>

#include "scrutineer/core/error.hpp"
#include "scrutineer/core/time.hpp"
#include "scrutineer/evaluate/report.hpp"
#include "scrutineer/feedback/output.hpp"
#include "scrutineer/feedback/world.hpp"
#include "scrutineer/geo/reporting.hpp"
#include "scrutineer/io/atomic_file.hpp"
#include "scrutineer/io/event_writer.hpp"
#include "scrutineer/io/vector.hpp"
#include "scrutineer/study/grid_command.hpp"
#include "scrutineer/synth/city.hpp"
#include "split.hpp"
#include "time_check.hpp"

namespace scrutineer::recipe {

namespace {

namespace fs = std::filesystem;

// The stages' notes, sorted honestly: a caveat that limits what the numbers can be taken to say
// (people or crime left out, recorded crime taken as true, an undefined share) is a warning; a
// figure of a fit, a count or a repair is a note. The libraries return both as one list of text.
void add_note(Run& run, const std::string& note) {
  bool limits = false;
  for (const char* caveat : {"left out", "not true crime", "No reporting rates", "undefined"})
    limits = limits || note.find(caveat) != std::string::npos;
  (limits ? run.warnings : run.notes).push_back(note);
}

void data_warnings(Run& run) {
  const auto& r = run.study.read;
  if (r.resolution == TimeResolution::kMonth)
    run.notes.push_back(
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

// A field name from a model's label: letters, digits and '_' only (QGIS and SQL need no quoting).
std::string field_name(const std::string& label) {
  std::string out;
  for (char c : label)
    out += std::isalnum(static_cast<unsigned char>(c)) ? static_cast<char>(std::tolower(c)) : '_';
  return out;
}

// Per model: the periods each cell was flagged at the operating point, and the recorded crimes
// that fell in it while it was flagged (hits), so cells.gpkg answers "where, how often, caught
// what" without a join on flagged.csv (issue 17).
void add_flag_columns(const Run& run, std::vector<io::Column>& columns) {
  // The backtest's own per-cell counts, the numbers of flag_counts.csv (one answer, two files).
  const auto& b = run.backtest;
  const auto unit = std::string(evaluate::to_string(run.recipe.backtest.options.period));
  for (const auto& m : b.models) {
    const std::vector<double> flagged(m.cell_periods_flagged.begin(), m.cell_periods_flagged.end());
    const std::vector<double> hits(m.cell_hits.begin(), m.cell_hits.end());
    const auto name = field_name(m.spec.label.empty() ? m.spec.name : m.spec.label);
    columns.push_back({fmt::format("{}_{}s_flagged", name, unit), flagged, true});
    columns.push_back({name + "_hits", hits, true});
  }
}

void write_cells(const Run& run) {
  const auto& st = run.study;
  const auto& grid = st.grid;
  std::vector<double> recorded(static_cast<std::size_t>(grid.cells()), 0.0);
  for (std::size_t i = 0; i < st.events.size(); ++i) {
    const auto c = grid.cell_of(st.events.x[i], st.events.y[i]);
    if (c >= 0) recorded[static_cast<std::size_t>(c)] += 1;
  }
  std::vector<io::Column> columns = {{"recorded_crimes", recorded, true}};
  if (st.has_areas) {
    for (const auto& spec : st.options.groups) {
      const auto group = study::parse_group(spec);
      std::vector<double> sum(st.areas.size(), 0.0);
      for (const auto& column : group.columns) {
        const auto& values = st.areas.column(column);
        for (std::size_t a = 0; a < sum.size(); ++a) sum[a] += values[a];
      }
      columns.push_back({group.name, st.overlay.spread_to_cells(sum), false});
    }
  }
  if (!run.backtest.models.empty()) add_flag_columns(run, columns);
  io::CellDescription description;
  description.what =
      fmt::format("Grid cells of the study region with recorded crime{}{}",
                  st.has_areas ? ", residents by group" : "",
                  run.backtest.models.empty() ? "" : ", each model's flags and hits");
  const auto unit = std::string(evaluate::to_string(run.recipe.backtest.options.period));
  description.units =
      "recorded_crimes = recorded crimes of the study's events (count)" +
      std::string(st.has_areas ? "; each group = its residents spread from the areas by area "
                                 "share (persons)"
                               : "") +
      (run.backtest.models.empty()
           ? std::string()
           : fmt::format("; <model>_{0}s_flagged = {0}s the model flagged the cell at the "
                         "operating point (count), <model>_hits = recorded crimes in the cell "
                         "while flagged (count)",
                         unit));
  io::write_grid_cells((run.dir / "grid" / "cells.gpkg").string(), grid, columns, {}, description);
}

// Feedback on the synthetic city's own truth (Ensign et al. 2018's setting with known crime).
feedback::LoopResult loop_on_city(Run& run, const feedback::LoopOptions& options) {
  const auto wanted = feedback::truth_city_options(run.recipe.feedback.truth);
  if (run.options.city != nullptr && run.options.city->options == wanted)
    return feedback::run_loop(*run.options.city, options);  // generated once, by the caller
  return feedback::run_loop(synth::generate_city(wanted), options);
}

// Feedback on a truth fitted to the study's recorded crime (feedback::fit_world: sepp-grid per
// cell, Mohler et al. 2015, with the background divided by the area's reporting rate).
feedback::LoopResult loop_on_fitted(Run& run, const feedback::LoopOptions& options) {
  const auto world =
      feedback::fit_world(run.study, feedback::fit_world_options(run.recipe.feedback.truth));
  for (const auto& note : world.notes) add_note(run, note);
  return feedback::run_loop(world, options);
}

// The truth's world, for a split loop (the same world as loop_on_city and loop_on_fitted use).
feedback::World split_world(Run& run) {
  const auto& truth = run.recipe.feedback.truth;
  if (truth.truth == "fitted") {
    auto world = feedback::fit_world(run.study, feedback::fit_world_options(truth));
    for (const auto& note : world.notes) add_note(run, note);
    return world;
  }
  const auto wanted = feedback::truth_city_options(truth);
  if (run.options.city != nullptr && run.options.city->options == wanted)
    return feedback::world_from_city(*run.options.city);
  return feedback::world_from_city(synth::generate_city(wanted));
}

// One function per truth kind.
using LoopOnTruth = feedback::LoopResult (*)(Run&, const feedback::LoopOptions&);
const std::map<std::string, LoopOnTruth>& truths() {
  static const std::map<std::string, LoopOnTruth> list = {{"city", loop_on_city},
                                                          {"fitted", loop_on_fitted}};
  return list;
}

}  // namespace

// The study options of the recipe, with the cells' areas when the operating point needs them.
study::StudyOptions study_options(const Run& run) {
  auto o = run.recipe.study;
  o.progress = run.options.progress;
  o.cell_areas = run.recipe.backtest.enabled &&
                 run.recipe.backtest.options.operating_point.mode == evaluate::PolicyMode::kArea;
  return o;
}

void stage_data(Run& run) {
  run.study = study::build_study(study_options(run));
  const auto& st = run.study;
  // Formats that leave the resolution to the data (auto, events files) are checked here.
  check_time_resolution(run.recipe, st.read.resolution,
                        fmt::format("the data read ({})", st.read.path));
  io::write_text_file(run.dir / "ingest" / "summary.json", ingest::report_json(st.read));
  data_warnings(run);
  run.say(
      fmt::format("data         {} rows read, {} kept, {} dropped; {} after the category and "
                  "date filters (CRS {}, zone {})\n",
                  st.counts.rows_read, st.counts.rows_kept, st.counts.rows_dropped,
                  st.counts.after_dates, st.events.crs, st.events.time_zone));
}

// Writes the study's grid: cells.gpkg, overlay.csv, and the study's events (ingest/events.csv).
void stage_grid(Run& run) {
  const auto& st = run.study;
  io::write_events_csv((run.dir / "ingest" / "events.csv").string(), st.events);
  if (!lays_grid(run.recipe)) {
    run.say(fmt::format("grid         not laid: no stage uses it; {} events in the study area\n",
                        st.events.size()));
    return;
  }
  fs::create_directories(run.dir / "grid");
  if (st.has_areas)
    study::write_overlay_csv((run.dir / "grid" / "overlay.csv").string(), st.grid, st.areas,
                             st.overlay);
  write_cells(run);
  run.say(fmt::format(
      "grid         {} x {} cells of {} m, {} valid; {} events in the study area ({} outside the "
      "region{})\n",
      st.grid.nx, st.grid.ny, st.grid.size, st.grid.valid_count(), st.events.size(),
      st.counts.outside, st.counts.clipped ? ", dropped" : ""));
}

void stage_backtest(Run& run) {
  const auto& stage = run.recipe.backtest;
  const auto& st = run.study;
  auto o = evaluate::dated_options(stage, st.events.time_zone);  // dates checked by the parser
  o.cell_area = st.cell_area;  // the area policy's cells' areas inside the region
  o.progress = run.options.progress;
  const auto& split = run.options.split;
  if (split.stage == "backtest" && split.merge_from.empty()) {  // one part: its periods only
    o.part = split.part;
    o.parts = split.parts;
    write_backtest_part(evaluate::run_backtest(st.events, st.grid, o), run.dir / kPartFile);
    return;
  }
  if (split.stage == "backtest") {  // the merge: the frame, the parts' periods, the summary
    o.part = o.parts = static_cast<int>(split.merge_from.size());
    run.backtest = evaluate::run_backtest(st.events, st.grid, o);
    read_backtest_parts(run.backtest, split.merge_from);
    evaluate::summarise_backtest(run.backtest, st.events, st.grid, o.bootstrap);
  } else {
    run.backtest = evaluate::run_backtest(st.events, st.grid, o);
  }
  evaluate::write_backtest_outputs(run.backtest, st.grid, run.dir / "backtest");
  write_cells(run);  // again, now with each model's flag and hit counts per cell
  const auto& model = run.recipe.disparity.model;
  run.audited_model = model.empty() ? run.recipe.models.front().name : model;
  run.say(evaluate::summary_table(run.backtest));
}

// The audited model's flags, from the backtest in memory (the cells it flagged at the operating
// point in each period, best first), as read_flags would read them from flagged.csv.
disparity::FlagTable audited_flags(const Run& run) {
  disparity::FlagTable flags;
  flags.format = disparity::FlagFormat::kBacktest;
  flags.periods = disparity::flags_from_backtest(run.backtest, run.audited_model);
  for (const auto& m : run.backtest.models)
    flags.models.push_back(m.spec.label.empty() ? m.spec.name : m.spec.label);
  flags.model = run.audited_model;
  for (const auto& p : flags.periods) flags.rows += static_cast<std::int64_t>(p.units.size());
  return flags;
}

void stage_disparity(Run& run) {
  auto o = run.recipe.disparity.options;
  o.progress = run.options.progress;
  const auto flags = audited_flags(run);
  run.disparity = disparity::compute_disparity(run.study, flags, o, "backtest/flagged.csv");
  disparity::write_disparity(run.disparity, run.study, run.dir / "disparity");
  for (const auto& note : run.disparity.notes) add_note(run, note);
  run.say(run.disparity.summary);
}

void stage_feedback(Run& run) {
  const auto& stage = run.recipe.feedback;
  const auto truth = truths().find(stage.truth.truth);
  if (truth == truths().end())
    throw InternalError(fmt::format("feedback truth '{}' has no runner", stage.truth.truth));
  auto options = stage.options;
  options.progress = run.options.progress;
  const auto& split = run.options.split;
  if (split.stage != "feedback") {
    run.loop = truth->second(run, options);
  } else if (split.merge_from.empty()) {  // one part: its block of replicates
    const auto first = part_begin(options.replicates, split.part, split.parts);
    const auto last = part_begin(options.replicates, split.part + 1, split.parts);
    write_loop_part(feedback::run_replicates(split_world(run), options, first, last), first,
                    run.dir / kPartFile);
    return;
  } else {  // the merge: every part's replicates, summarised as run_loop does
    const auto world = split_world(run);
    run.loop = feedback::summarise_loop(
        world, options,
        read_loop_parts(split.merge_from, options.replicates, options.mitigations.size()));
  }
  feedback::write_loop_outputs(run.loop, options, run.dir / "feedback");
  run.loop_text = feedback::loop_text(run.loop);
  run.say(run.loop_text);
}

// The same function as `scrutineer stops` (stops::run_stops), its files in stops/.
void stage_stops(Run& run) {
  run.stops = stops::run_stops(run.recipe.stops.options);
  stops::write_stops(run.stops, run.dir / "stops");
  run.say(run.stops.summary);
}

// The same function as `scrutineer nearrepeat` (nearrepeat::run_nearrepeat), which reads [data]'s
// events itself, as the command does; its files (knox.csv, knox.svg, summary.txt) in nearrepeat/.
void stage_nearrepeat(Run& run) {
  auto options = run.recipe.nearrepeat.options;
  options.study.progress = run.options.progress;
  options.output = (run.dir / "nearrepeat").string();
  options.replace = false;
  run.nearrepeat = nearrepeat::run_nearrepeat(options);
  run.say(run.nearrepeat.summary);
}

// The same function as `scrutineer stscan` (scan::run_stscan), which reads [data]'s events itself,
// as the command does; its files (clusters.csv, clusters.geojson, summary.txt) in stscan/.
void stage_stscan(Run& run) {
  auto options = run.recipe.stscan.options;
  options.study.progress = run.options.progress;
  options.output = (run.dir / "stscan").string();
  options.replace = false;
  run.stscan = scan::run_stscan(options);
  run.say(run.stscan.summary);
}

void stage_scores(Run& run) {
  const auto& c = run.recipe.scores.command;
  const auto people = scores::load_people(c.people);
  run.scores = scores::run_audit(people, c.audit);
  scores::write_audit(run.scores, c.publish, run.dir / "scores");
  for (const auto& note : run.scores.notes) run.notes.push_back(note);
  run.say(scores::audit_table(run.scores, c.publish));
}

}  // namespace scrutineer::recipe
