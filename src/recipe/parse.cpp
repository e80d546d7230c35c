// Reads a TOML audit recipe into a validated Recipe. Every option is checked here, with the
// recipe's line and column, by the same declarations and parsers the stand-alone commands use.
#include <fmt/format.h>

#include <fstream>
#include <sstream>

#include "scrutineer/core/error.hpp"
#include "scrutineer/core/time.hpp"
#include "scrutineer/forecast/model.hpp"
#include "scrutineer/geo/crs.hpp"
#include "scrutineer/io/read_file.hpp"
#include "scrutineer/recipe/recipe.hpp"
#include "scrutineer/synth/city.hpp"
#include "section.hpp"

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

std::string local_date(Section& s, const std::string& key, bool required) {
  const auto value = required ? s.required_text(key) : s.text(key);
  if (!value.empty() && !parse_iso_datetime(value))
    s.fail(key, fmt::format("expected a local date YYYY-MM-DD, found '{}'", value));
  return value;
}

void parse_columns(Section& s, ingest::ColumnMapping& c) {
  c.time = s.text("time");
  c.time_format = s.text("time_format");
  c.lon = s.text("lon");
  c.lat = s.text("lat");
  c.x = s.text("x");
  c.y = s.text("y");
  c.category = s.text("category");
  c.cell = s.text("cell");
  s.finish();
}

void parse_data(Section& s, DataStage& d) {
  d.path = s.input_path("path", true);
  auto& r = d.read;
  r.format = s.text("format", r.format);
  static const std::vector<std::string> kFormats = {"auto", "chicago", "police-uk",
                                                    "code", "generic", "events"};
  if (std::find(kFormats.begin(), kFormats.end(), r.format) == kFormats.end())
    s.fail("format", fmt::format("expected auto, chicago, police-uk, code, generic or events, "
                                 "found '{}'",
                                 r.format));
  r.time_zone = s.text("time_zone");
  if (!r.time_zone.empty()) checked(s, "time_zone", [&] { return TimeZone(r.time_zone).name(); });
  r.source_crs = s.text("source_crs");
  r.target_crs = s.text("crs");
  for (const auto& item : {std::pair{"source_crs", r.source_crs}, {"crs", r.target_crs}})
    if (!item.second.empty())
      checked(s, item.first,
              [&] { return geo::Transformer("EPSG:4326", item.second).is_identity(); });
  r.strict = s.boolean("strict", r.strict);
  r.drop_duplicates = s.boolean("drop_duplicates", r.drop_duplicates);
  r.keep_columns = s.texts("keep");
  r.category_value = s.text("category_value", r.category_value);
  const auto delimiter = s.text("delimiter", ",");
  if (delimiter.size() != 1)
    s.fail("delimiter", fmt::format("expected one character, found '{}'", delimiter));
  r.delimiter = delimiter[0];
  const auto max_field = s.integer("max_field_bytes", static_cast<std::int64_t>(r.max_field_bytes));
  if (max_field < 1) s.fail("max_field_bytes", "expected a positive number of bytes");
  r.max_field_bytes = static_cast<std::size_t>(max_field);
  if (auto columns = s.table("columns")) parse_columns(*columns, r.columns);
  if (!r.columns.time_format.empty() && r.columns.time_format != "auto")
    checked(s, "columns", [&] { return ingest::TimeParser(r.columns.time_format).pattern(); });
  d.category = s.text("category");
  d.from = local_date(s, "from", false);
  d.to = local_date(s, "to", false);
  s.finish();
}

void parse_grid(Section& s, GridStage& g) {
  g.region = s.input_path("region", false);
  g.cell_size = s.number("cell_size", g.cell_size);
  if (!(g.cell_size > 0)) s.fail("cell_size", "expected a positive number of metres");
  g.origin_x = s.number("origin_x", g.origin_x);
  g.origin_y = s.number("origin_y", g.origin_y);
  g.clip = s.boolean("clip", g.clip);
  g.valid = s.text("valid", g.valid);
  if (g.valid != "touches" && g.valid != "shares-area")
    s.fail("valid", fmt::format("expected \"touches\" or \"shares-area\", found '{}'", g.valid));
  s.finish();
}

void parse_areas(Section& s, AreasStage& a) {
  a.enabled = true;
  a.path = s.input_path("path", true);
  a.id = s.required_text("id");
  a.groups = s.texts("groups");
  if (a.groups.empty()) s.fail("groups", "expected at least one group column");
  a.total = s.text("total");
  a.reference = s.text("reference");
  a.ethnicity_columns = s.texts("ethnicity_columns");
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
  auto& o = b.options;
  b.from = local_date(s, "from", true);
  b.to = local_date(s, "to", true);
  b.train_from = local_date(s, "train_from", false);
  const auto period = s.text("period", "day");
  o.period = checked(s, "period", [&] { return evaluate::period_unit_from_string(period); });
  o.window_periods = static_cast<int>(s.integer("window", 0));
  if (o.window_periods < 0) s.fail("window", "expected 0 (a growing window) or more periods");
  for (double c : s.numbers("coverages")) {
    if (!(c > 0 && c <= 100)) s.fail("coverages", "expected percentages in (0, 100]");
    o.coverages.push_back(c / 100);
  }
  const auto tie = s.text("tie_rule", "random");
  o.tie_rule = checked(s, "tie_rule", [&] { return evaluate::tie_rule_from_string(tie); });
  const auto operating = s.text("operating", "5%");
  o.operating_point = checked(s, "operating", [&] { return evaluate::parse_policy(operating); });
  o.operating_point.tie_rule = o.tie_rule;
  o.seed = static_cast<std::uint64_t>(s.integer("seed", 1));
  o.bootstrap.replicates = static_cast<int>(s.integer("bootstrap", 1000));
  if (o.bootstrap.replicates < 0) s.fail("bootstrap", "expected 0 or more replicates");
  o.bootstrap.level = s.number("level", o.bootstrap.level);
  if (!(o.bootstrap.level > 0 && o.bootstrap.level < 1))
    s.fail("level", "expected a level in (0, 1)");
  o.bootstrap.seed = o.seed;
  o.add_baselines = s.boolean("baselines", true);
  o.chunk = static_cast<int>(s.integer("chunk", o.chunk));
  if (o.chunk < 1) s.fail("chunk", "expected 1 or more periods");
  s.finish();
}

void parse_disparity(Section& s, DisparityStage& d) {
  d.enabled = true;
  auto& o = d.options;
  d.model = s.text("model");
  o.bootstrap = static_cast<int>(s.integer("bootstrap", o.bootstrap));
  if (o.bootstrap < 0) s.fail("bootstrap", "expected 0 or more replicates");
  o.seed = static_cast<std::uint64_t>(s.integer("seed", static_cast<std::int64_t>(o.seed)));
  o.level = s.number("level", o.level);
  if (!(o.level > 0 && o.level < 1)) s.fail("level", "expected a level in (0, 1)");
  o.crime_category = s.text("crime_category");
  o.reporting = s.input_path("reporting", false);
  o.reporting_id = s.text("reporting_id", o.reporting_id);
  o.reporting_rate = s.text("reporting_rate", o.reporting_rate);
  s.finish();
}

void parse_feedback(Section& s, FeedbackStage& f) {
  f.enabled = true;
  auto& o = f.options;
  f.truth = s.text("truth", "city");
  if (f.truth != "city" && f.truth != "fitted")
    s.fail("truth", fmt::format("expected \"city\" (the synthetic city's truth) or \"fitted\" "
                                "(fitted to the recorded crime), found '{}'",
                                f.truth));
  f.reporting = s.input_path("reporting", false);
  f.reporting_id = s.text("reporting_id", f.reporting_id);
  f.reporting_rate = s.text("reporting_rate", f.reporting_rate);
  f.reporting_everywhere = s.number("reporting_everywhere", f.reporting_everywhere);
  if (!(f.reporting_everywhere > 0 && f.reporting_everywhere <= 1))
    s.fail("reporting_everywhere", "expected a reporting rate in (0, 1]");
  f.city = ParamSet(synth::city_param_specs());
  for (const auto& assignment : s.assignments("city"))
    checked(s, "city", [&] {
      f.city.set(assignment.first, assignment.second);
      return true;
    });
  checked(s, "city", [&] { return synth::city_options_from(f.city).days; });
  o.model = s.text("model", o.model);
  checked(s, "model", [&] { return forecast::find_model(o.model).name; });
  for (const auto& [key, value] : s.assignments("params"))
    o.model_params += (o.model_params.empty() ? "" : ",") + key + "=" + value;
  checked(s, "params", [&] { return forecast::make_model(o.model, o.model_params) != nullptr; });
  const auto operating = s.text("operating", "count:20");
  o.policy = checked(s, "operating", [&] { return evaluate::parse_policy(operating); });
  o.policy.tie_rule = checked(
      s, "tie_rule", [&] { return evaluate::tie_rule_from_string(s.text("tie_rule", "random")); });
  o.days = s.integer("days", o.days);
  o.history_days = s.integer("history_days", o.history_days);
  o.window_days = s.integer("window_days", o.window_days);
  o.refit_every = s.integer("refit_every", o.refit_every);
  o.equal_reporting = s.number("equal_reporting", o.equal_reporting);
  o.discovery = s.number("discovery", o.discovery);
  o.discovery_base = s.number("discovery_base", o.discovery_base);
  o.presence_days = s.integer("presence_days", o.presence_days);
  const auto mitigations = s.texts("mitigations");
  if (!mitigations.empty()) {
    o.mitigations.clear();
    for (const auto& m : mitigations)
      o.mitigations.push_back(
          checked(s, "mitigations", [&] { return feedback::mitigation_from_string(m); }));
  }
  o.exploration_share = s.number("exploration_share", o.exploration_share);
  o.discovered_weight = s.number("discovered_weight", o.discovered_weight);
  o.concentration_share = s.number("concentration_share", o.concentration_share);
  o.replicates = s.integer("replicates", o.replicates);
  o.seed = static_cast<std::uint64_t>(s.integer("seed", static_cast<std::int64_t>(o.seed)));
  checked(s, "days", [&] {
    feedback::validate(o);
    return true;
  });
  s.finish();
}

void parse_references(Section& s, scores::AuditOptions& a) {
  for (const auto& r : s.texts("reference")) {
    if (r == "largest") {
      a.reference = scores::ReferenceRule::kLargest;
    } else if (r == "min") {
      a.reference = scores::ReferenceRule::kMin;
    } else {
      const auto eq = r.find('=');
      if (eq == std::string::npos)
        s.fail("reference", fmt::format("expected largest, min or ATTRIBUTE=GROUP, found '{}'", r));
      a.reference = scores::ReferenceRule::kNamed;
      a.named_reference.emplace_back(r.substr(0, eq), r.substr(eq + 1));
    }
  }
}

void parse_scores(Section& s, ScoresStage& st) {
  st.enabled = true;
  auto& c = st.command;
  auto& p = c.people;
  p.path = s.input_path("path", true);
  p.score_column = s.text("score");
  p.flag_column = s.text("flag");
  p.outcome_column = s.text("outcome");
  p.group_columns = s.texts("groups");
  if (p.group_columns.empty()) s.fail("groups", "expected at least one group column");
  p.where = s.texts("where");
  for (const auto& w : p.where) checked(s, "where", [&] { return scores::parse_filter(w).column; });
  p.identifiers = s.texts("identifiers");
  p.keep = s.texts("keep");
  auto& a = c.audit;
  for (const auto& t : s.texts("thresholds"))
    a.thresholds.push_back(checked(s, "thresholds", [&] { return scores::parse_threshold(t); }));
  parse_references(s, a);
  a.tau = s.number("tau", a.tau);
  if (!(a.tau > 0 && a.tau <= 1)) s.fail("tau", "expected tau in (0, 1]");
  a.bootstrap = static_cast<int>(s.integer("bootstrap", a.bootstrap));
  if (a.bootstrap < 0) s.fail("bootstrap", "expected 0 or more replicates");
  a.seed = static_cast<std::uint64_t>(s.integer("seed", static_cast<std::int64_t>(a.seed)));
  a.level = s.number("level", a.level);
  if (!(a.level > 0 && a.level < 1)) s.fail("level", "expected a level in (0, 1)");
  a.calibration_bins = static_cast<int>(s.integer("calibration_bins", a.calibration_bins));
  if (a.calibration_bins < 1) s.fail("calibration_bins", "expected 1 or more bins");
  for (const auto& b : s.texts("benchmarks"))
    a.benchmarks.push_back(checked(s, "benchmarks", [&] { return scores::parse_benchmark(b); }));
  const auto file = s.input_path("benchmarks_file", false);
  if (!file.empty())
    for (auto& b : scores::read_benchmarks(file)) a.benchmarks.push_back(std::move(b));
  c.publish.min_cell = s.integer("min_cell", c.publish.min_cell);
  if (c.publish.min_cell < 0) s.fail("min_cell", "expected 0 or more");
  s.finish();
}

// Stages that need another stage say so at their own table.
void check_stages(Section& top, const Recipe& r) {
  if (!r.has_data && (r.backtest.enabled || r.areas.enabled))
    top.fail(r.backtest.enabled ? "backtest" : "areas", "needs a [data] table (the crime data)");
  if (r.backtest.enabled && r.models.empty())
    top.fail("backtest", "needs at least one [[models]] table (name = a registered model)");
  if (r.backtest.enabled && r.data.read.format == "police-uk" &&
      r.backtest.options.period != evaluate::PeriodUnit::kMonth)
    top.fail("backtest",
             "data.police.uk gives the month of each crime only: set period = \"month\" (daily "
             "and weekly periods cannot be scored on month-only data)");
  if (r.disparity.enabled && !r.backtest.enabled)
    top.fail("disparity", "needs a [backtest] table: the flags audited are the backtest's");
  if (r.disparity.enabled && !r.areas.enabled)
    top.fail("disparity", "needs an [areas] table (census polygons with group counts)");
  if (r.disparity.enabled && r.disparity.model.empty() && r.models.size() > 1)
    top.fail("disparity", "names no model, and the recipe has several: set model = \"NAME\"");
  if (r.feedback.enabled && r.feedback.truth == "fitted" && !(r.has_data && r.areas.enabled))
    top.fail("feedback",
             "truth = \"fitted\" needs [data] and [areas]: the truth is fitted to the "
             "study's recorded crime, and exposure is counted by area");
  if (!r.has_data && !r.feedback.enabled && !r.scores.enabled)
    top.fail("", "the recipe runs nothing: add [data] with [backtest], [feedback] or [scores]");
}

Recipe parse_table(const toml::table& root, Context& context) {
  Recipe r;
  Section top(context, root, "");
  r.title = top.text("title", "scrutineer audit");
  if (auto data = top.table("data")) {
    r.has_data = true;
    parse_data(*data, r.data);
  }
  if (auto grid = top.table("grid")) parse_grid(*grid, r.grid);
  if (auto areas = top.table("areas")) parse_areas(*areas, r.areas);
  for (auto& model : top.tables("models")) r.models.push_back(parse_model(model));
  if (auto backtest = top.table("backtest")) parse_backtest(*backtest, r.backtest);
  r.backtest.options.models = r.models;
  if (auto disparity = top.table("disparity")) parse_disparity(*disparity, r.disparity);
  if (auto feedback = top.table("feedback")) parse_feedback(*feedback, r.feedback);
  if (auto scores = top.table("scores")) parse_scores(*scores, r.scores);
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

Recipe parse_recipe(const fs::path& file, const std::string& data_dir) {
  // At most 1 MiB, and only a regular file: `run /dev/zero` grew by 0.5 GB/s (issue 19, item 13).
  return parse_recipe_text(file, io::read_small_file(file, 1 << 20, "recipe"), data_dir);
}

}  // namespace scrutineer::recipe
