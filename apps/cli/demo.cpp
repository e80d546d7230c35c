// `scrutineer demo`: generates the synthetic city and runs, end to end, every step that exists,
// printing where each output is. To add a step: write a function step_<name>(Demo&) and add one
// line to steps() below, in the order a real audit would run it.
#include <fmt/format.h>

#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>

#include "command.hpp"
#include "scrutineer/core/error.hpp"
#include "scrutineer/geo/grid_command.hpp"
#include "scrutineer/geo/region.hpp"
#include "scrutineer/ingest/ingest.hpp"
#include "scrutineer/io/atomic_file.hpp"
#include "scrutineer/io/vector.hpp"
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
  synth::City city;      // the truth (step_city)
  fs::path city_folder;  // its files
  EventSet events;       // the recorded crimes as ingest read them back (step_ingest)
  geo::Areas areas;      // the neighbourhoods read back (step_grid)
  geo::Overlay overlay;  // cells x neighbourhoods (step_grid)
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

// 2. Read the recorded crimes back as any export would be read: local times in Europe/London,
// coordinates in the city CRS.
void step_ingest(Demo& demo) {
  ingest::ReadOptions read;
  read.format = "generic";
  read.columns.time = "time";
  read.columns.time_format = "%Y-%m-%d %H:%M";
  read.columns.x = "x";
  read.columns.y = "y";
  read.columns.category = "category";
  read.source_crs = demo.city.options.crs;
  read.target_crs = demo.city.options.crs;
  read.time_zone = demo.city.options.time_zone;
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

// The steps, in order. Forecasts, backtests, disparity and feedback add theirs here.
const std::vector<std::pair<std::string, std::function<void(Demo&)>>>& steps() {
  static const std::vector<std::pair<std::string, std::function<void(Demo&)>>> list = {
      {"synthetic city", step_city},
      {"ingest", step_ingest},
      {"grid and areas", step_grid},
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
