// `scrutineer backtest`: rolling-origin accuracy of forecast models against the naive and random
// baselines (hit rate, PAI, PEI, PEI*, wrong share). The logic is evaluate::run_backtest.
#include "scrutineer/evaluate/backtest.hpp"

#include <fmt/format.h>

#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include "command.hpp"
#include "scrutineer/core/error.hpp"
#include "scrutineer/core/time.hpp"
#include "scrutineer/evaluate/report.hpp"
#include "scrutineer/geo/areas.hpp"
#include "scrutineer/geo/overlay.hpp"
#include "scrutineer/geo/region.hpp"
#include "scrutineer/ingest/ingest.hpp"
#include "scrutineer/io/atomic_file.hpp"

namespace {

using namespace scrutineer;

struct BacktestArgs {
  std::string events, format = "auto", time_zone, crs, source_crs, category, region;
  scrutineer::ingest::ColumnMapping columns;
  double cell_size = 150, origin_x = 0, origin_y = 0;
  bool no_clip = false;
  std::vector<std::string> models;
  std::string from, to, train_from, period = "day";
  int window = 0;
  std::string coverages = "1..20", operating = "5%", tie_rule = "random";
  std::uint64_t seed = 1;
  int bootstrap = 2000;
  double level = 0.95;
  bool no_baselines = false;
  int chunk = 8;
  std::string out = "backtest-output";
};

// "1..20" (percent, step 1), or "1,5,10" (percent).
std::vector<double> parse_coverages(const std::string& text) {
  std::vector<double> out;
  const auto dots = text.find("..");
  try {
    if (dots != std::string::npos) {
      const int a = std::stoi(text.substr(0, dots)), b = std::stoi(text.substr(dots + 2));
      if (a < 0 || b > 100 || a > b) throw std::invalid_argument(text);
      for (int p = a; p <= b; ++p) out.push_back(p / 100.0);
      return out;
    }
    std::size_t start = 0;
    while (start <= text.size()) {
      const auto comma = text.find(',', start);
      const auto part =
          text.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
      out.push_back(std::stod(part) / 100.0);
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
  } catch (const std::exception&) {
    throw ConfigError(
        fmt::format("--coverages: expected percentages as A..B or a comma list (e.g. 1..20 or "
                    "1,5,10), found '{}'",
                    text));
  }
  return out;
}

// "5%" / "0.05" (coverage), "count:20", "area:5%" (evaluate::parse_policy).
evaluate::Policy parse_operating(const std::string& text) {
  try {
    return evaluate::parse_policy(text);
  } catch (const ConfigError& e) {
    throw ConfigError(fmt::format("--operating: {}", e.what()));
  }
}

// "name" or "name:k=v,k=v".
evaluate::ModelSpec parse_model(const std::string& text) {
  const auto colon = text.find(':');
  if (colon == std::string::npos) return {text, "", "", false};
  return {text.substr(0, colon), text.substr(colon + 1), "", false};
}

std::int64_t local_date(const std::string& text, const TimeZone& zone, const std::string& option) {
  const auto wall = parse_iso_datetime(text);
  if (!wall)
    throw ConfigError(
        fmt::format("{}: expected a date YYYY-MM-DD (local time), found '{}'", option, text));
  return zone.to_utc(*wall);
}

void run(const BacktestArgs& a) {
  ingest::ReadOptions read;
  read.format = a.format;
  read.time_zone = a.time_zone;
  read.target_crs = a.crs;
  read.columns = a.columns;
  read.source_crs = a.source_crs;
  auto input = ingest::read_events(a.events, read);
  EventSet events = std::move(input.events);
  fmt::print(stderr, "read {} events from {} ({} rows dropped), CRS {}, time zone {}\n",
             events.size(), a.events, input.report.rows_dropped, events.crs, events.time_zone);
  if (!a.category.empty()) {
    std::vector<bool> keep(events.size());
    for (std::size_t i = 0; i < events.size(); ++i)
      keep[i] = events.categories[static_cast<std::size_t>(events.category[i])] == a.category;
    events = events.filter(keep);
    fmt::print(stderr, "kept {} events of category '{}'\n", events.size(), a.category);
  }
  geo::Grid grid;
  std::vector<double> cell_area;
  if (!a.region.empty()) {
    const auto region = geo::read_region(a.region, events.crs);
    grid = geo::make_grid(region, a.cell_size, a.origin_x, a.origin_y);
    if (a.operating.rfind("area:", 0) == 0)  // area of each cell inside the region (GEOS)
      cell_area =
          geo::make_overlay(grid, geo::make_areas({region.polygons}, region.crs)).cell_covered;
    if (!a.no_clip) {
      const auto inside = geo::inside_region(region, events.x, events.y);
      std::vector<bool> keep(inside.begin(), inside.end());
      const auto before = events.size();
      events = events.filter(keep);
      fmt::print(stderr, "clipped to the region: kept {} of {} events\n", events.size(), before);
    }
  } else {
    grid =
        geo::grid_over_points(events.x, events.y, events.crs, a.cell_size, a.origin_x, a.origin_y);
  }
  fmt::print(stderr, "grid {} x {} cells of {} m, {} valid\n", grid.nx, grid.ny, grid.size,
             grid.valid_count());

  evaluate::BacktestOptions o;
  for (const auto& m : a.models) o.models.push_back(parse_model(m));
  const TimeZone zone(events.time_zone.empty() ? "UTC" : events.time_zone);
  if (a.from.empty() || a.to.empty())
    throw ConfigError("backtest: --from and --to (local dates) are required");
  o.first = local_date(a.from, zone, "--from");
  o.stop = local_date(a.to, zone, "--to");
  if (!a.train_from.empty()) o.train_start = local_date(a.train_from, zone, "--train-from");
  o.period = evaluate::period_unit_from_string(a.period);
  o.window_periods = a.window;
  o.coverages = parse_coverages(a.coverages);
  o.tie_rule = evaluate::tie_rule_from_string(a.tie_rule);
  o.operating_point = parse_operating(a.operating);
  o.operating_point.tie_rule = o.tie_rule;
  o.cell_area = std::move(cell_area);
  o.seed = a.seed;
  o.add_baselines = !a.no_baselines;
  o.bootstrap.replicates = a.bootstrap;
  o.bootstrap.level = a.level;
  o.bootstrap.seed = a.seed;
  o.chunk = a.chunk;
  o.progress = !cli::global_options().quiet;
  const auto result = evaluate::run_backtest(events, grid, o);
  evaluate::write_backtest_outputs(result, grid, a.out);
  fmt::print("{}", evaluate::summary_table(result));
  fmt::print(stderr,
             "wrote {0}/periods.csv, {0}/summary.json, {0}/flagged.csv, {0}/hit_counts.csv, "
             "{0}/coverage.svg\n",
             a.out);
}

void setup(CLI::App& app) {
  auto a = std::make_shared<BacktestArgs>();
  auto* sub = app.add_subcommand(
      "backtest",
      "Rolling-origin accuracy of forecast models (hit rate, PAI, PEI, PEI*, share of flags where "
      "nothing happened) against the naive and random baselines");
  sub->add_option("events", a->events, "Crime export CSV (any format `scrutineer ingest` reads)")
      ->required();
  sub->add_option("--format", a->format,
                  "Input format (auto, chicago, police-uk, code, generic, events)")
      ->capture_default_str();
  sub->add_option("--time", a->columns.time, "Time column (generic CSV)");
  sub->add_option("--time-format", a->columns.time_format, "Time pattern, e.g. %Y-%m-%d %H:%M");
  sub->add_option("--lon", a->columns.lon, "Longitude column (generic CSV)");
  sub->add_option("--lat", a->columns.lat, "Latitude column (generic CSV)");
  sub->add_option("--x", a->columns.x, "x column in --source-crs (generic CSV)");
  sub->add_option("--y", a->columns.y, "y column in --source-crs (generic CSV)");
  sub->add_option("--category-column", a->columns.category, "Offence category column");
  sub->add_option("--source-crs", a->source_crs, "CRS of the --x/--y columns");
  sub->add_option("--time-zone", a->time_zone, "IANA zone of the file's local times");
  sub->add_option("--crs", a->crs, "Projected CRS for the study (e.g. EPSG:2790); default UTM");
  sub->add_option("--category", a->category, "Keep only events of this category");
  sub->add_option("--region", a->region, "Study region (any GDAL vector file)");
  sub->add_option("--cell-size", a->cell_size, "Grid cell side in metres")->capture_default_str();
  sub->add_option("--origin-x", a->origin_x, "Grid origin x")->capture_default_str();
  sub->add_option("--origin-y", a->origin_y, "Grid origin y")->capture_default_str();
  sub->add_flag("--no-clip", a->no_clip, "Keep events outside the region (they count as missed)");
  sub->add_option("--model", a->models, "Model to test, NAME or NAME:k=v,k=v (repeatable)");
  sub->add_option("--from", a->from, "First period start (local date)");
  sub->add_option("--to", a->to, "End of the last period (local date, exclusive)");
  sub->add_option("--period", a->period, "Period: day, week or month (month for UK data)")
      ->capture_default_str();
  sub->add_option("--train-from", a->train_from, "Training starts here (growing window)");
  sub->add_option("--window", a->window, "Sliding training window in periods (0 = growing)")
      ->capture_default_str();
  sub->add_option("--coverages", a->coverages, "Coverage levels in percent: A..B or a,b,c")
      ->capture_default_str();
  sub->add_option("--operating", a->operating,
                  "Operating point: a share (5%), count:N (fixed cells) or area:X%")
      ->capture_default_str();
  sub->add_option("--tie-rule", a->tie_rule, "Ties: random (seeded), row-major or open_cp")
      ->capture_default_str();
  sub->add_option("--seed", a->seed, "Seed for tie keys, random baseline and bootstrap")
      ->capture_default_str();
  sub->add_option("--bootstrap", a->bootstrap, "Bootstrap replicates over periods")
      ->capture_default_str();
  sub->add_option("--level", a->level, "Interval level")->capture_default_str();
  sub->add_flag("--no-baselines", a->no_baselines, "Do not add the naive and random baselines");
  sub->add_option("--chunk", a->chunk, "Periods per sequential task")->capture_default_str();
  sub->add_option("--out", a->out, "Output folder")->capture_default_str();
  sub->callback([a] {
    scrutineer::io::check_outputs_distinct({{"events", a->events}, {"--region", a->region}},
                                           {{"--out", a->out}});
    run(*a);
  });
}

const bool registered = scrutineer::cli::register_command({"backtest", 40, setup});

}  // namespace
