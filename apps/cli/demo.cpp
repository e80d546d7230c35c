// `scrutineer demo`: generates the synthetic city and runs, end to end, every step that exists,
// printing where each output is. To add a step: write a function step_<name>(Demo&) and add one
// line to steps() below, in the order a real audit would run it.
#include <fmt/format.h>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <sstream>

#include "command.hpp"
#include "scrutineer/core/error.hpp"
#include "scrutineer/core/time.hpp"
#include "scrutineer/disparity/run.hpp"
#include "scrutineer/evaluate/backtest.hpp"
#include "scrutineer/evaluate/report.hpp"
#include "scrutineer/feedback/loop.hpp"
#include "scrutineer/feedback/output.hpp"
#include "scrutineer/geo/grid_command.hpp"
#include "scrutineer/geo/region.hpp"
#include "scrutineer/ingest/ingest.hpp"
#include "scrutineer/io/atomic_file.hpp"
#include "scrutineer/io/vector.hpp"
#include "scrutineer/report/html.hpp"
#include "scrutineer/report/svg_map.hpp"
#include "scrutineer/synth/city.hpp"

namespace scrutineer::cli {

namespace {

namespace fs = std::filesystem;

struct DemoOptions {
  std::string out = "demo-output";
  std::uint64_t seed = 1;
  std::int32_t days = 730;
};

// What the steps share: each step reads what earlier steps left here and adds its own results.
struct Demo {
  DemoOptions options;
  fs::path out;
  synth::City city;                   // the truth (step_city)
  fs::path city_folder;               // its files
  EventSet events;                    // the recorded crimes as ingest read them back (step_ingest)
  geo::Areas areas;                   // the neighbourhoods read back (step_grid)
  geo::Overlay overlay;               // cells x neighbourhoods (step_grid)
  evaluate::BacktestResult backtest;  // step_backtest
  disparity::DisparityReport disparity;                   // step_disparity
  std::vector<fs::path> feedback_charts;                  // step_feedback
  std::string feedback_text;                              // step_feedback
  std::vector<std::pair<std::string, fs::path>> outputs;  // what each step wrote

  void wrote(std::string what, fs::path path) { outputs.emplace_back(std::move(what), path); }
};

// 1. The synthetic city with known truth: events, true events, areas, region, truth.
void step_city(Demo& demo) {
  synth::CityOptions options;
  options.seed = demo.options.seed;
  options.days = demo.options.days;
  demo.city = synth::generate_city(options);
  demo.city_folder = demo.out / "city";
  for (const auto& path : synth::write_city(demo.city, demo.city_folder))
    demo.wrote("synthetic city", path);
  fmt::print("{}", synth::summary_text(demo.city));
}

// How the city's events.csv is read, as any export would be: local times, x/y in the city CRS.
ingest::ReadOptions city_events_read_options(const synth::City& city) {
  ingest::ReadOptions read;
  read.format = "generic";
  read.columns.time = "time";
  read.columns.time_format = "%Y-%m-%d %H:%M";
  read.columns.x = "x";
  read.columns.y = "y";
  read.columns.category = "category";
  read.source_crs = city.options.crs;
  read.time_zone = city.options.time_zone;
  return read;
}

// 2. Read the recorded crimes back as any export would be read: local times in Europe/London,
// coordinates in the city CRS.
void step_ingest(Demo& demo) {
  auto read = city_events_read_options(demo.city);
  read.target_crs = demo.city.options.crs;
  read.strict = true;
  const auto path = demo.city_folder / "events.csv";
  auto result = ingest::read_events(path.string(), read);
  const auto summary = demo.out / "ingest" / "summary.json";
  fs::create_directories(summary.parent_path());
  io::write_text_file(summary, ingest::report_json(result.report));
  demo.wrote("ingest summary", summary);
  if (result.events.size() != demo.city.recorded.size())
    throw InternalError(fmt::format("ingest read {} of the city's {} recorded crimes",
                                    result.events.size(), demo.city.recorded.size()));
  // Times in the repeated autumn hour read back one hour early (the earlier instant is taken).
  std::int64_t shifted = 0;
  for (std::size_t i = 0; i < result.events.size(); ++i)
    shifted += result.events.t[i] != demo.city.recorded.t[i];
  fmt::print(
      "ingest       {} recorded crimes read back; {} in the repeated autumn hour read as "
      "the earlier instant\n",
      result.events.size(), shifted);
  demo.events = std::move(result.events);
}

// 3. The city's grid (checked against the region's bounds), the neighbourhoods read back as
// areas, the cell x area overlay, and per cell the truth, the records and each group's people.
void step_grid(Demo& demo) {
  const auto& city = demo.city;
  const auto region = geo::read_region((demo.city_folder / "region.geojson").string(), "");
  // geo::make_grid keeps one more touching row and column when the region's far edges lie on grid
  // lines (open_cp's rule), so the city's own 50 x 50 grid is used; it must cover the region.
  const auto& bbox = region.bbox;
  const auto& grid = city.grid;
  if (bbox.xmin != grid.x0 || bbox.ymin != grid.y0 || bbox.xmax != grid.x0 + grid.nx * grid.size ||
      bbox.ymax != grid.y0 + grid.ny * grid.size)
    throw InternalError("the city outline read back does not match the city's grid");
  demo.areas = geo::read_areas((demo.city_folder / "areas.geojson").string(), "id", region.crs);
  demo.overlay = geo::make_overlay(grid, demo.areas);
  std::vector<io::Column> columns;
  columns.push_back({"mu", city.mu, false});
  std::vector<double> true_count(static_cast<std::size_t>(grid.cells()), 0.0), recorded(true_count);
  for (auto c : city.truth.cell) true_count[static_cast<std::size_t>(c)] += 1;
  for (std::size_t i = 0; i < demo.events.size(); ++i)
    recorded[static_cast<std::size_t>(grid.cell_of(demo.events.x[i], demo.events.y[i]))] += 1;
  columns.push_back({"true_crimes", true_count, true});
  columns.push_back({"recorded_crimes", recorded, true});
  for (const auto& group : city.groups)
    columns.push_back({group, demo.overlay.spread_to_cells(demo.areas.column(group)), false});
  const auto cells = demo.out / "grid" / "cells.gpkg";
  const auto overlay = demo.out / "grid" / "overlay.csv";
  fs::create_directories(cells.parent_path());
  io::write_grid_cells(cells.string(), grid, columns);
  geo::write_overlay_csv(overlay.string(), grid, demo.areas, demo.overlay);
  fmt::print("grid         {} x {} cells of {} m; {} areas; {} cell x area pairs\n", grid.nx,
             grid.ny, grid.size, demo.areas.size(), demo.overlay.entries());
  demo.wrote("grid cells", cells);
  demo.wrote("cell x area overlay", overlay);
}

// The model audited for disparity and mapped in the report: the grid self-exciting point process
// behind PredPol (Mohler et al. 2015).
constexpr const char* kAuditedModel = "sepp-grid";

// 4. Rolling-origin backtest of the last 60 days: daily forecasts trained on every earlier day,
// scored on the day's recorded crimes, against the naive and random baselines.
void step_backtest(Demo& demo) {
  const auto& city = demo.city;
  evaluate::BacktestOptions o;
  o.models = {
      {"prohotspot", "", "", false}, {"retro", "", "", false}, {kAuditedModel, "", "", false}};
  o.stop = city.end;
  o.first = city.end - 60 * kSecondsPerDay;
  o.train_start = city.start;
  o.time_zone = city.options.time_zone;
  o.coverages = {0.01, 0.02, 0.05, 0.1, 0.2};
  o.operating_point.coverage = 0.05;
  o.bootstrap.replicates = 500;
  o.progress = !global_options().quiet;
  demo.backtest = evaluate::run_backtest(demo.events, city.grid, o);
  const auto folder = demo.out / "backtest";
  evaluate::write_backtest_outputs(demo.backtest, city.grid, folder);
  fmt::print("{}", evaluate::summary_table(demo.backtest));
  for (const char* f : {"summary.json", "periods.csv", "flagged.csv", "coverage.svg"})
    demo.wrote("backtest", folder / f);
}

// Reporting rates by neighbourhood, as a victimisation survey would give them.
fs::path write_reporting_rates(const Demo& demo) {
  std::string csv = "area,rate\n";
  for (const auto& n : demo.city.neighbourhoods)
    csv += fmt::format("{},{}\n", n.id, n.reporting_rate);
  const auto path = demo.out / "disparity" / "reporting_rates.csv";
  io::write_text_file(path, csv);
  return path;
}

// 5. On whom do the audited model's patrols fall? Exposure by group against population, recorded
// crime and estimated true crime (recorded / reporting rate).
void step_disparity(Demo& demo) {
  const auto& city = demo.city;
  disparity::DisparityOptions o;
  o.areas = (demo.city_folder / "areas.geojson").string();
  o.area_id = "id";
  o.groups = city.groups;
  o.total = "population";
  o.crs = city.options.crs;
  o.cell_size = city.grid.size;
  o.origin_x = city.grid.x0;
  o.origin_y = city.grid.y0;
  o.region = (demo.city_folder / "region.geojson").string();
  o.flags = (demo.out / "backtest" / "flagged.csv").string();
  // Cells are matched by their centres, so the audit does not depend on how either side numbers
  // its grid.
  o.flag_options.format = "xy";
  o.flag_options.x_column = "centre_x";
  o.flag_options.y_column = "centre_y";
  o.flag_options.crs = city.options.crs;
  o.flag_options.model = kAuditedModel;
  o.events = (demo.city_folder / "events.csv").string();
  o.events_read = city_events_read_options(city);
  o.reporting = write_reporting_rates(demo).string();
  o.reporting_id = "area";
  o.reporting_rate = "rate";
  o.bootstrap = 500;
  o.out = (demo.out / "disparity").string();
  o.progress = !global_options().quiet;
  demo.disparity = disparity::run_disparity(o);
  fmt::print("{}", demo.disparity.summary);
  for (const auto& path : demo.disparity.written) demo.wrote("disparity", path);
}

// 6. Feedback: deploy the model in a closed loop on the city's true crime, where patrols discover
// crime that victims did not report, and compare with training on victim reports only.
void step_feedback(Demo& demo) {
  feedback::LoopOptions o;
  o.model = "prohotspot";
  o.days = 120;
  o.replicates = 4;
  o.mitigations = feedback::mitigations_from_string("none,reported-only");
  o.seed = demo.options.seed;
  o.progress = !global_options().quiet;
  const auto result = feedback::run_loop(demo.city, o);
  const auto folder = demo.out / "feedback";
  for (const auto& path : feedback::write_loop_outputs(result, o, folder)) {
    demo.wrote("feedback", path);
    if (path.extension() == ".svg") demo.feedback_charts.push_back(path);
  }
  demo.feedback_text = feedback::loop_text(result);
  fmt::print("{}", demo.feedback_text);
}

std::string fixed(double v, int digits = 3) {
  return std::isfinite(v) ? fmt::format("{:.{}f}", v, digits) : std::string("n/a");
}

// Times each cell was flagged by the audited model over the backtest, as a map of the grid.
std::string flag_map(const Demo& demo) {
  const auto& grid = demo.city.grid;
  std::vector<double> times(static_cast<std::size_t>(grid.cells()), 0.0);
  for (const auto& m : demo.backtest.models)
    if (m.spec.name == kAuditedModel)
      for (const auto& p : m.periods)
        for (auto c : p.flagged) times[static_cast<std::size_t>(c)] += 1;
  std::vector<io::MultiPolygon> squares;
  std::vector<double> values;
  for (std::int64_t c = 0; c < grid.cells(); ++c) {
    const double x = grid.x0 + static_cast<double>(c % grid.nx) * grid.size;
    const double y = grid.y0 + static_cast<double>(c / grid.nx) * grid.size;
    io::Ring r{{x, x + grid.size, x + grid.size, x, x}, {y, y, y + grid.size, y + grid.size, y}};
    squares.push_back({io::Polygon{{r}}});
    values.push_back(times[static_cast<std::size_t>(c)] > 0 ? times[static_cast<std::size_t>(c)]
                                                            : NAN);
  }
  report::MapOptions o;
  o.title = fmt::format("Days each cell was flagged by {} (5% of cells a day)", kAuditedModel);
  o.legend = "days flagged";
  o.missing_label = "never flagged";
  return report::choropleth_svg(squares, values, o);
}

std::string exposure_map(const Demo& demo) {
  const auto layer = io::read_polygons((demo.out / "disparity" / "areas.geojson").string());
  const auto field = layer.find_field("exposure_per_capita");
  if (!field) throw InternalError("disparity areas.geojson has no exposure_per_capita");
  report::MapOptions o;
  o.title = "Patrol exposure per resident by neighbourhood";
  o.legend = "days in a flagged cell per resident";
  o.geographic = layer.geographic;
  return report::choropleth_svg(layer.geometries, layer.numbers[*field], o);
}

void report_accuracy(const Demo& demo, report::HtmlReport& html) {
  html.heading("Accuracy: how often the flagged places are wrong");
  html.paragraph(
      "Each day the model was fitted on every earlier recorded crime and flagged 5% of the cells; "
      "the day's recorded crimes were then counted in the flagged cells. Intervals are bootstrap "
      "95% intervals over days.");
  std::vector<std::vector<std::string>> rows = {
      {"model", "hit rate", "95% interval", "PAI", "PEI", "wrong share", "vs best baseline"}};
  for (const auto& m : demo.backtest.models) {
    const auto& s = m.operating;
    rows.push_back({m.spec.label.empty() ? m.spec.name : m.spec.label, fixed(s.hit_rate.estimate),
                    fixed(s.hit_rate.lo) + " to " + fixed(s.hit_rate.hi), fixed(s.pai.estimate, 2),
                    fixed(s.pei.estimate), fixed(s.wrong_share.estimate),
                    m.spec.baseline
                        ? "baseline"
                        : fixed(m.vs_best_baseline.estimate) + " [" + fixed(m.vs_best_baseline.lo) +
                              ", " + fixed(m.vs_best_baseline.hi) + "]"});
  }
  html.table(rows, "At 5% of cells");
  html.figure(evaluate::coverage_svg(demo.backtest), "Hit rate against the share of cells flagged");
  html.figure(flag_map(demo), "Where the patrols were sent");
}

void report_disparity(const Demo& demo, report::HtmlReport& html) {
  html.heading("Disparity: on whom the patrols fall");
  html.paragraph(
      "Exposure of a group = the residents of that group living in flagged cells, summed over "
      "days. "
      "A disparity ratio above 1 means the group's share of patrol exposure exceeds its share of "
      "the "
      "population; the crime ratios compare it with the group's share of recorded crime and of "
      "estimated true crime (recorded crime divided by the neighbourhood's reporting rate).");
  html.csv_table(disparity::groups_csv(demo.disparity.result), "Exposure by group");
  html.figure(exposure_map(demo), "Patrol exposure per resident");
  for (const auto& note : demo.disparity.notes) html.paragraph("Note: " + note);
}

std::string slurp(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

void report_feedback(const Demo& demo, report::HtmlReport& html) {
  html.heading("Feedback: does the deployed forecast make its own data?");
  html.paragraph(
      "The model was deployed for 120 days on the city's true crime. Patrols discover crimes that "
      "victims did not report, and those records train the next day's forecast. The run is "
      "compared with the same model trained on victim reports only (Ensign et al. 2018's point: "
      "discovered crime must not feed the model unchecked).");
  html.preformatted(demo.feedback_text);
  for (const auto& chart : demo.feedback_charts)
    html.figure(slurp(chart), chart.filename().string());
}

// 7. One self-contained report of the whole audit.
void step_report(Demo& demo) {
  report::HtmlReport html("scrutineer demo audit: the synthetic city");
  html.paragraph(fmt::format(
      "A seeded synthetic city (seed {}) with known true crime, reporting rates that differ by "
      "neighbourhood, and population by group. scrutineer audits forecasts; it never scores "
      "people.",
      demo.options.seed));
  html.heading("The city and its data");
  html.preformatted(synth::summary_text(demo.city));
  report_accuracy(demo, html);
  report_disparity(demo, html);
  report_feedback(demo, html);
  html.methods({
      {"Grid self-exciting point process (PredPol)",
       "Mohler, Short, Malinowski, Johnson, Tita, Bertozzi & Brantingham (2015), JASA 110(512)"},
      {"Prospective hotspotting", "Bowers, Johnson & Pease (2004), Brit. J. Criminology 44(5)"},
      {"Retrospective hotspot (quartic kernel)", "as implemented in open_cp (QuantCrimAtLeeds)"},
      {"PAI", "Chainey, Tompson & Uhlig (2008), Security Journal 21"},
      {"PEI, PEI*", "Hunt (2016), NIJ; see docs/backtest.md for the definitions used"},
      {"Runaway feedback loops",
       "Ensign, Friedler, Neville, Scheidegger & Venkatasubramanian (2018), FAT*, PMLR 81"},
      {"Feedback on recorded crime", "Lum & Isaac (2016), Significance 13(5)"},
      {"Synthetic crime process",
       "Branching construction of the Hawkes process (Hawkes & Oakes 1974)"},
  });
  html.heading("Reproducibility");
  html.paragraph(fmt::format("scrutineer {}; command: scrutineer demo --seed {} --days {}.",
                             SCRUTINEER_VERSION, demo.options.seed, demo.options.days));
  const auto path = demo.out / "report.html";
  io::write_text_file(path, html.html());
  demo.wrote("report", path);
}

// The steps, in order. Forecasts, backtests, disparity and feedback add theirs here.
const std::vector<std::pair<std::string, std::function<void(Demo&)>>>& steps() {
  static const std::vector<std::pair<std::string, std::function<void(Demo&)>>> list = {
      {"synthetic city", step_city}, {"ingest", step_ingest},       {"grid and areas", step_grid},
      {"backtest", step_backtest},   {"disparity", step_disparity}, {"feedback", step_feedback},
      {"report", step_report},
  };
  return list;
}

void run_demo(const DemoOptions& options) {
  Demo demo;
  demo.options = options;
  demo.out = options.out;
  std::error_code error;
  fs::create_directories(demo.out, error);
  if (error) throw IoError(fmt::format("cannot create '{}': {}", options.out, error.message()));
  const auto& list = steps();
  for (std::size_t i = 0; i < list.size(); ++i) {
    const auto start = std::chrono::steady_clock::now();
    fmt::print("== step {}/{}: {}\n", i + 1, list.size(), list[i].first);
    list[i].second(demo);
    const std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
    fmt::print("   ({:.2f} s)\n", took.count());
  }
  fmt::print("== outputs\n");
  for (const auto& [what, path] : demo.outputs) fmt::print("{:<22} {}\n", what, path.string());
}

void setup(CLI::App& parent) {
  auto options = std::make_shared<DemoOptions>();
  CLI::App* app = parent.add_subcommand(
      "demo",
      "Generate the synthetic city and run every step end to end on it, printing where each "
      "output is");
  app->add_option("-o,--out", options->out, "Output folder")->capture_default_str();
  app->add_option("--seed", options->seed, "Seed of the synthetic city")->capture_default_str();
  app->add_option("--days", options->days, "Days of synthetic crime")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  app->callback([options] { run_demo(*options); });
}

const bool registered = register_command({"demo", 1, setup});

}  // namespace

}  // namespace scrutineer::cli
