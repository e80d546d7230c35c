// `scrutineer demo`: generates the synthetic city, writes an audit recipe for it (demo.toml) and
// runs that recipe through the same runner as `scrutineer run` (recipe::run_recipe).
#include <fmt/format.h>

#include <filesystem>
#include <memory>

#include "command.hpp"
#include "scrutineer/core/error.hpp"
#include "scrutineer/core/time.hpp"
#include "scrutineer/io/atomic_file.hpp"
#include "scrutineer/io/output_folder.hpp"
#include "scrutineer/recipe/run.hpp"
#include "scrutineer/synth/city.hpp"

namespace scrutineer::cli {

namespace {

namespace fs = std::filesystem;

struct DemoOptions {
  std::string out = "demo-output";
  std::uint64_t seed = 1;
  std::int32_t days = 730;
  bool replace = false;
};

// Reporting rates by neighbourhood, as a victimisation survey would give them.
fs::path write_reporting_rates(const synth::City& city, const fs::path& folder) {
  std::string csv = "area,rate\n";
  for (const auto& n : city.neighbourhoods) csv += fmt::format("{},{}\n", n.id, n.reporting_rate);
  const auto path = folder / "reporting_rates.csv";
  io::write_text_file(path, csv);
  return path;
}

std::string local_date(const synth::City& city, std::int64_t utc) {
  return format_iso_date(TimeZone(city.options.time_zone).to_local(utc));
}

// The recipe of the demo's audit: the backtest of the last 60 days (prohotspot, retro and the grid
// SEPP behind PredPol, Mohler et al. 2015), disparity of sepp-grid's flags against population,
// recorded and estimated true crime, and the closed loop on the city's truth (Ensign et al. 2018).
std::string demo_recipe(const synth::City& city, const DemoOptions& d) {
  const auto& o = city.options;
  const auto from = std::max(city.start, city.end - 60 * kSecondsPerDay);
  std::string groups;
  for (const auto& g : city.groups)
    groups += fmt::format("{}\"{}\"", groups.empty() ? "" : ", ", g);
  return fmt::format(
      R"(# The demo's audit of the synthetic city, written by `scrutineer demo --seed {seed} --days {days}`.
# Paths are relative to this file; `scrutineer run demo.toml` repeats the audit.
title = "scrutineer demo audit: the synthetic city"

[data]
path = "city/events.csv"
format = "generic"
time_zone = "{zone}"
source_crs = "{crs}"
crs = "{crs}"
strict = true

[data.columns]
time = "time"
time_format = "%Y-%m-%d %H:%M"
x = "x"
y = "y"
category_column = "category"

[grid]
region = "city/region.geojson"
cell_size = {cell}
origin_x = {ox}
origin_y = {oy}
valid = "shares-area"  # the city's far edges lie on grid lines: cells beyond them only touch it

[areas]
path = "city/areas.geojson"
id = "id"
groups = [{groups}]
total = "population"

[[models]]
name = "prohotspot"

[[models]]
name = "retro"

[[models]]
name = "sepp-grid"

[backtest]
from = "{from}"
to = "{to}"
train_from = "{start}"
coverages = [1, 2, 5, 10, 20]
operating = "5%"
bootstrap = 500

[disparity]
model = "sepp-grid"
bootstrap = 500
reporting = "city/reporting_rates.csv"

[feedback]
truth = "city"
model = "prohotspot"
days = 120
replicates = 4
mitigations = ["none", "reported-only"]
seed = {seed}

[feedback.city]
seed = {seed}
days = {days}
)",
      fmt::arg("seed", d.seed), fmt::arg("days", d.days), fmt::arg("zone", o.time_zone),
      fmt::arg("crs", o.crs), fmt::arg("cell", city.grid.size), fmt::arg("ox", city.grid.x0),
      fmt::arg("oy", city.grid.y0), fmt::arg("groups", groups),
      fmt::arg("from", local_date(city, from)), fmt::arg("to", local_date(city, city.end)),
      fmt::arg("start", local_date(city, city.start)));
}

void run_demo(const DemoOptions& d) {
  const fs::path out = d.out;
  io::check_output_folder(out / "results", d.replace);  // before any work
  synth::CityOptions options;
  options.seed = d.seed;
  options.days = d.days;
  const auto city = synth::generate_city(options);
  fmt::print("== synthetic city\n{}", synth::summary_text(city));
  auto written = synth::write_city(city, out / "city");
  written.push_back(write_reporting_rates(city, out / "city"));
  const auto recipe_path = out / "demo.toml";
  io::write_text_file(recipe_path, demo_recipe(city, d));
  written.push_back(recipe_path);
  for (const auto& path : written) fmt::print("wrote        {}\n", path.string());

  recipe::RunOptions run;
  run.out = out / "results";
  run.replace = d.replace;
  run.command_line =
      fmt::format("scrutineer demo --out {} --seed {} --days {}", d.out, d.seed, d.days);
  run.progress = !global_options().quiet;
  run.print = [](const std::string& text) { fmt::print("{}", text); };
  run.city = &city;  // the loop's truth is this city: generated once
  const auto result = recipe::run_recipe(recipe::parse_recipe(recipe_path), run);
  fmt::print("== outputs in {}\n", result.folder.string());
  for (const auto& path : result.written) fmt::print("  {}\n", (result.folder / path).string());
  for (const auto& t : result.timings) fmt::print("   {:<10} {:.2f} s\n", t.stage, t.seconds);
}

void setup(CLI::App& parent) {
  auto options = std::make_shared<DemoOptions>();
  CLI::App* app = parent.add_subcommand(
      "demo",
      "Generate the synthetic city, write an audit recipe for it (OUT/demo.toml) and run it as "
      "`scrutineer run` does, into OUT/results");
  app->add_option("-o,--out", options->out, "Output folder")->capture_default_str();
  app->add_option("--seed", options->seed, "Seed of the synthetic city")->capture_default_str();
  app->add_option("--days", options->days, "Days of synthetic crime")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  app->add_flag("--replace", options->replace,
                "Write the results into OUT/results even if it holds files scrutineer did not "
                "write (only scrutineer's own files there are replaced)");
  app->callback([options] { run_demo(*options); });
}

const bool registered = register_command({"demo", 1, setup});

}  // namespace

}  // namespace scrutineer::cli
