// Reads a TOML audit recipe into a validated Recipe. Every stage's keys are read from the stage's
// option declarations (the same the commands' flags come from), with the recipe's line and column.
#include <fmt/format.h>

#include <fstream>
#include <optional>
#include <sstream>

#include "option_keys.hpp"
#include "scrutineer/core/error.hpp"
#include "scrutineer/disparity/options.hpp"
#include "scrutineer/evaluate/backtest_options.hpp"
#include "scrutineer/feedback/options.hpp"
#include "scrutineer/forecast/model.hpp"
#include "scrutineer/ingest/options.hpp"
#include "scrutineer/io/read_file.hpp"
#include "scrutineer/nearrepeat/options.hpp"
#include "scrutineer/recipe/recipe.hpp"
#include "scrutineer/scan/options.hpp"
#include "scrutineer/scores/options.hpp"
#include "scrutineer/stops/options.hpp"
#include "scrutineer/study/options.hpp"
#include "scrutineer/synth/city.hpp"
#include "section.hpp"
#include "time_check.hpp"

namespace scrutineer::recipe {

namespace {

namespace fs = std::filesystem;

// Runs a library check and moves its ConfigError to the recipe position of `key`.
template <class F>
auto checked(const Section& section, const std::string& key, F&& check) -> decltype(check()) {
  try {
    return check();
  } catch (const ConfigError& e) {
    section.fail(key, e.what());
  }
}

// [data]: the events, how to read them ([data.columns] may hold the column overrides) and which
// to keep; declared in study/options.cpp and ingest/options.cpp.
void parse_data(Section& s, study::StudyOptions& study) {
  if (!s.has("events") && !s.has("path")) s.fail("events", "the key 'events' is required");
  read_options(s, study::data_option_set(), study);
  if (auto columns = s.table("columns")) {
    if (columns->has("category"))
      columns->fail("category",
                    "is now category_column (the column); `category` in [data] is the value kept");
    read_options(*columns, ingest::column_option_set(), study.read.columns);
    columns->finish();
  }
  s.finish();
}

void parse_grid(Section& s, study::StudyOptions& study) {
  read_options(s, study::grid_option_set(), study);
  s.finish();
}

void parse_areas(Section& s, study::StudyOptions& study) {
  if (!s.has("areas") && !s.has("path")) s.fail("areas", "the key 'areas' is required");
  if (!s.has("area_id") && !s.has("id") && !s.has("id_field"))
    s.fail("area_id", "the key 'area_id' is required");
  read_options(s, study::areas_option_set(), study);
  if (study.groups.empty()) s.fail("groups", "expected at least one group column");
  s.finish();
}

// "k=v,k=v" from a [models.params] table, checked against the model's declarations.
evaluate::ModelSpec parse_model(Section& s) {
  evaluate::ModelSpec m;
  m.name = s.required_text("name");
  m.label = s.text("label");
  checked(s, "name", [&] { return forecast::find_model(m.name).name; });
  for (const auto& [key, value] : s.assignments("params"))
    m.params += (m.params.empty() ? "" : ",") + key + "=" + value;
  checked(s, "params", [&] { return forecast::make_model(m.name, m.params) != nullptr; });
  s.finish();
  return m;
}

void parse_backtest(Section& s, BacktestStage& b) {
  b.enabled = true;
  read_options(s, evaluate::backtest_option_set(), static_cast<evaluate::BacktestSetup&>(b));
  s.finish();
}

void parse_disparity(Section& s, DisparityStage& d) {
  d.enabled = true;
  read_options(s, disparity::disparity_option_set(), d.options);
  d.model = d.options.flag_options.model;
  s.finish();
}

void parse_feedback(Section& s, FeedbackStage& f, const std::optional<DeclaredTime>& declared,
                    std::string& truth_position) {
  f.enabled = true;
  auto& truth = f.truth;
  read_options(s, feedback::truth_option_set(), truth);
  truth_position = s.position("truth");
  if (declared && truth.truth == "fitted") {
    const auto why = fitted_truth_refusal(declared->resolution, declared->source);
    if (!why.empty()) s.fail("truth", why);
  }
  if (truth.truth == "fitted" && !truth.city.empty())
    s.fail("city", feedback::truth_refusal(truth, true, true));
  read_options(s, feedback::loop_option_set(), f.options);
  checked(s, "days", [&] {
    feedback::validate(f.options);
    return true;
  });
  s.finish();
}

void parse_scores(Section& s, ScoresStage& st) {
  st.enabled = true;
  read_options(s, scores::scores_option_set(), st.command);
  s.finish();
}

// Record paths (files or folders) resolved against the recipe's folder; every file is an input.
void resolve_records(Section& s, const std::string& key, std::vector<std::string>& paths,
                     Context& context) {
  for (auto& p : paths) {
    fs::path path(p);
    if (path.is_relative()) path = context.base / path;
    path = path.lexically_normal();
    std::error_code error;
    if (fs::is_directory(path, error)) {
      for (const auto& entry : fs::directory_iterator(path, error))
        if (entry.is_regular_file() && entry.path().extension() == ".csv" && context.inputs)
          context.inputs->push_back(entry.path());
    } else if (fs::is_regular_file(path, error)) {
      if (context.inputs) context.inputs->push_back(path);
    } else {
      s.fail(key, fmt::format("expected an existing file or folder, found nothing at '{}'",
                              path.string()));
    }
    p = path.string();
  }
}

void parse_stops(Section& s, StopsStage& st, Context& context) {
  st.enabled = true;
  read_options(s, stops::stops_option_set(), st.options);
  resolve_records(s, "records", st.options.records, context);
  resolve_records(s, "outcome_records", st.options.outcome_records, context);
  s.finish();
}

// [data]'s events as a command without a grid reads them (reading, category, dates); the stage's
// own keys, read after, may override them; its region (and cell size) are its own.
void events_of_data(study::StudyOptions& o, const study::StudyOptions& data) {
  o.events = data.events;
  o.read = data.read;
  o.category = data.category;
  o.from = data.from;
  o.to = data.to;
}

// [nearrepeat]: [data]'s events, then the command's own keys (the command has no [grid]).
void parse_nearrepeat(Section& s, NearRepeatStage& n, const study::StudyOptions& study) {
  n.enabled = true;
  events_of_data(n.options.study, study);
  read_options(s, nearrepeat::nearrepeat_option_set(), n.options);
  s.finish();
}

// [stscan]: [data]'s events, then the command's own keys (the command has no [grid]).
void parse_stscan(Section& s, StScanStage& st, const study::StudyOptions& study) {
  st.enabled = true;
  events_of_data(st.options.study, study);
  read_options(s, scan::stscan_option_set(), st.options);
  // A population is the Poisson model's (Kulldorff 2001): with the permutation model, an error.
  const auto& o = st.options;
  const char* poisson_only =
      "is for the Poisson model (model = \"poisson\"); the permutation model needs no population";
  if (o.scan.model != scan::ScanModel::kPoisson && !o.population.empty())
    s.fail("population", poisson_only);
  if (o.scan.model != scan::ScanModel::kPoisson && !o.population_field.empty())
    s.fail("population_field", poisson_only);
  if (o.population.empty() != o.population_field.empty())
    s.fail(o.population.empty() ? "population_field" : "population",
           "population (a polygon file) and population_field (its count column) go together");
  s.finish();
}

// Stages that need another stage say so at their own table.
void check_stages(Section& top, const Recipe& r) {
  if (!r.has_data && (r.backtest.enabled || !r.study.areas.empty()))
    top.fail(r.backtest.enabled ? "backtest" : "areas", "needs a [data] table (the crime data)");
  if (r.backtest.enabled && r.models.empty())
    top.fail("backtest", "needs at least one [[models]] table (name = a registered model)");
  if (r.backtest.enabled && r.study.read.format == "police-uk" &&
      r.backtest.options.period != evaluate::PeriodUnit::kMonth)
    top.fail("backtest",
             "data.police.uk gives the month of each crime only: set period = \"month\" (daily "
             "and weekly periods cannot be scored on month-only data)");
  if (r.disparity.enabled && !r.backtest.enabled)
    top.fail("disparity", "needs a [backtest] table: the flags audited are the backtest's");
  if (r.disparity.enabled && r.study.areas.empty())
    top.fail("disparity", "needs an [areas] table (census polygons with group counts)");
  if (r.disparity.enabled && r.disparity.model.empty() && r.models.size() > 1)
    top.fail("disparity", "names no model, and the recipe has several: set model = \"NAME\"");
  if (r.feedback.enabled && r.feedback.truth.truth == "fitted" &&
      !(r.has_data && !r.study.areas.empty()))
    top.fail("feedback",
             "truth = \"fitted\" needs [data] and [areas]: the truth is fitted to the "
             "study's recorded crime, and exposure is counted by area");
  if (r.nearrepeat.enabled && !r.has_data)
    top.fail("nearrepeat", "needs a [data] table: the Knox test runs on its events");
  if (r.stscan.enabled && !r.has_data)
    top.fail("stscan", "needs a [data] table: the space-time scan runs on its events");
  if (!r.has_data && !r.feedback.enabled && !r.scores.enabled && !r.stops.enabled)
    top.fail("",
             "the recipe runs nothing: add [data] with [backtest], [nearrepeat] or [stscan], or "
             "[feedback], [scores] or [stops]");
}

Recipe parse_table(const toml::table& root, Context& context) {
  Recipe r;
  Section top(context, root, "");
  r.title = top.text("title", "scrutineer audit");
  if (auto data = top.table("data")) {
    r.has_data = true;
    parse_data(*data, r.study);
  }
  if (auto grid = top.table("grid")) {
    r.has_grid = true;
    parse_grid(*grid, r.study);
  }
  if (auto areas = top.table("areas")) parse_areas(*areas, r.study);
  // Month-only data and a model needing days are refused here when [data] declares the time
  // resolution (police-uk, a time_format), else by check_time_resolution once the data are read.
  const auto declared = r.has_data ? declared_resolution(r.study.read) : std::nullopt;
  for (auto& model : top.tables("models")) {
    r.models.push_back(parse_model(model));
    r.model_positions.push_back(model.position("name"));
    if (!declared) continue;
    const auto why = model_time_refusal(r.models.back(), declared->resolution, declared->source);
    if (!why.empty()) model.fail("name", why);
  }
  if (auto backtest = top.table("backtest")) parse_backtest(*backtest, r.backtest);
  r.backtest.options.models = r.models;
  if (auto disparity = top.table("disparity")) parse_disparity(*disparity, r.disparity);
  if (auto feedback = top.table("feedback"))
    parse_feedback(*feedback, r.feedback, declared, r.feedback_truth_position);
  if (auto scores = top.table("scores")) parse_scores(*scores, r.scores);
  if (auto stops = top.table("stops")) parse_stops(*stops, r.stops, context);
  if (auto nearrepeat = top.table("nearrepeat"))
    parse_nearrepeat(*nearrepeat, r.nearrepeat, r.study);
  if (auto stscan = top.table("stscan")) parse_stscan(*stscan, r.stscan, r.study);
  top.finish();
  check_stages(top, r);
  return r;
}

}  // namespace

Recipe parse_recipe_text(const fs::path& file, const std::string& text,
                         const std::string& data_dir) {
  std::vector<fs::path> inputs;
  const auto absolute = fs::absolute(file).lexically_normal();
  Context context{file.string(), absolute.parent_path(),
                  data_dir.empty() ? "" : fs::absolute(data_dir).lexically_normal().string(),
                  &inputs};
  if (!context.data_dir.empty() && context.data_dir.back() == '/') context.data_dir.pop_back();
  toml::table root;
  try {
    root = toml::parse(text, file.string());
  } catch (const toml::parse_error& e) {
    const auto& at = e.source().begin;
    throw ConfigError(fmt::format("{}:{}:{}: not valid TOML: {}", file.string(), at.line, at.column,
                                  e.description()));
  }
  auto recipe = parse_table(root, context);
  recipe.file = absolute;
  recipe.text = text;
  recipe.inputs = std::move(inputs);
  return recipe;
}

bool lays_grid(const Recipe& r) {
  const bool event_stages_only = r.nearrepeat.enabled || r.stscan.enabled;
  return r.has_data && (r.backtest.enabled || r.disparity.enabled || r.feedback.enabled ||
                        r.has_grid || !r.study.areas.empty() || !event_stages_only);
}

Recipe parse_recipe(const fs::path& file, const std::string& data_dir) {
  // At most 1 MiB, and only a regular file: `run /dev/zero` grew by 0.5 GB/s (issue 19, item 13).
  return parse_recipe_text(file, io::read_small_file(file, 1 << 20, "recipe"), data_dir);
}

}  // namespace scrutineer::recipe
