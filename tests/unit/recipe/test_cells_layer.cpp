// Issue 17: grid/cells.gpkg carries, per model, the periods each cell was flagged and the recorded
// crimes caught there while flagged, so a GIS user needs no join on flagged.csv.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <iterator>
#include <numeric>
#include <sstream>
#include <string>
#include <vector>

#include "folders.hpp"
#include "scrutineer/io/vector.hpp"
#include "scrutineer/recipe/recipe.hpp"
#include "scrutineer/recipe/run.hpp"

namespace fs = std::filesystem;
using namespace scrutineer;

TEST(CellsLayer, FlagAndHitCountsPerModelAddUpToTheBacktest) {
  const auto folder = recipe_test::temp_folder();
  const auto city = recipe_test::write_small_city(folder, 60);
  std::ofstream(folder / "audit.toml") << fmt::format(R"([data]
path = "city/events.csv"
format = "generic"
time_zone = "Europe/London"
source_crs = "EPSG:32630"
crs = "EPSG:32630"
[data.columns]
time = "time"
time_format = "%Y-%m-%d %H:%M"
x = "x"
y = "y"
[grid]
region = "city/region.geojson"
cell_size = 100
origin_x = {}
origin_y = {}
[[models]]
name = "naive"
[backtest]
from = "2024-02-01"
to = "2024-02-11"
coverages = [10]
operating = "10%"
bootstrap = 0
)",
                                                      city.options.origin_x, city.options.origin_y);
  recipe::RunOptions options;
  options.out = folder / "results";
  options.progress = false;
  recipe::run_recipe(recipe::parse_recipe(folder / "audit.toml"), options);
  const auto layer = io::read_polygons((folder / "results" / "grid" / "cells.gpkg").string());
  const auto column = [&](const std::string& name) -> const std::vector<double>& {
    for (std::size_t f = 0; f < layer.fields.size(); ++f)
      if (layer.fields[f].name == name) return layer.numbers[f];
    ADD_FAILURE() << "no field " << name;
    static const std::vector<double> none;
    return none;
  };
  EXPECT_EQ(layer.crs, "EPSG:32630");
  // The 500 m square region touches an 11 x 11 block of 100 m cells ("touches" rule): 121 valid
  // cells, 10% of them rounded = 12 flagged a day, 10 daily periods: 120 cell-days per model.
  ASSERT_EQ(layer.geometries.size(), 121u);
  for (const std::string model : {"naive", "random"}) {
    const auto& flagged = column(model + "_days_flagged");
    EXPECT_EQ(std::accumulate(flagged.begin(), flagged.end(), 0.0), 120.0) << model;
  }
  // Hits summed over cells equal the events the backtest counted in flagged cells
  // (backtest/summary.json's captured at the operating point, read back from hit_counts' c10).
  std::ifstream hits_csv(folder / "results" / "backtest" / "hit_counts.csv");
  std::string line;
  std::getline(hits_csv, line);
  double captured = 0;
  while (std::getline(hits_csv, line)) {
    if (line.rfind("naive,", 0) != 0) continue;
    std::vector<std::string> cells;
    std::size_t at = 0;
    for (auto comma = line.find(','); comma != std::string::npos; comma = line.find(',', at)) {
      cells.push_back(line.substr(at, comma - at));
      at = comma + 1;
    }
    cells.push_back(line.substr(at));
    captured += std::stod(cells[4 + 9]);  // model,start,end,events,c1..: c10 is index 13
  }
  const auto& hits = column("naive_hits");
  EXPECT_EQ(std::accumulate(hits.begin(), hits.end(), 0.0), captured);
  EXPECT_GT(captured, 0);
  fs::remove_all(folder);
}

// Issue 16: `flags = "counts"` in the recipe's [backtest] table and `scrutineer backtest --flags
// counts` write the same flag_counts.csv (and .prj, hit_counts.csv), no flagged.csv, and say so in
// summary.json; flag_counts.csv holds the numbers of cells.gpkg's columns.
TEST(CellsLayer, FlagCountsThroughRecipeAndCommandAreTheSame) {
  const auto folder = recipe_test::temp_folder();
  const auto city = recipe_test::write_small_city(folder, 60);
  std::ofstream(folder / "audit.toml") << fmt::format(R"([data]
path = "city/events.csv"
format = "generic"
time_zone = "Europe/London"
source_crs = "EPSG:32630"
crs = "EPSG:32630"
[data.columns]
time = "time"
time_format = "%Y-%m-%d %H:%M"
x = "x"
y = "y"
[grid]
region = "city/region.geojson"
cell_size = 100
origin_x = {}
origin_y = {}
[[models]]
name = "naive"
[backtest]
from = "2024-02-01"
to = "2024-02-11"
coverages = [10]
operating = "10%"
bootstrap = 0
flags = "counts"
)",
                                                      city.options.origin_x, city.options.origin_y);
  recipe::RunOptions options;
  options.out = folder / "results";
  options.progress = false;
  recipe::run_recipe(recipe::parse_recipe(folder / "audit.toml"), options);
  const auto cli_out = folder / "cli";
  const auto command = fmt::format(
      "{} -q backtest '{}' --format generic --time-zone Europe/London --source-crs EPSG:32630 "
      "--crs EPSG:32630 --time time --time-format '%Y-%m-%d %H:%M' --x x --y y --region '{}' "
      "--cell-size 100 --origin-x {} --origin-y {} --model naive --from 2024-02-01 --to "
      "2024-02-11 --coverages 10 --operating 10% --bootstrap 0 --flags counts --out '{}' "
      "> /dev/null 2>&1",
      SCRUTINEER_CLI, (folder / "city" / "events.csv").string(),
      (folder / "city" / "region.geojson").string(), city.options.origin_x, city.options.origin_y,
      cli_out.string());
  ASSERT_EQ(std::system(command.c_str()), 0) << command;
  const auto run_out = folder / "results" / "backtest";
  const auto slurp = [](const fs::path& p) {
    std::ifstream in(p);
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  };
  for (const char* file : {"flag_counts.csv", "flag_counts.prj", "hit_counts.csv", "periods.csv"})
    EXPECT_EQ(slurp(run_out / file), slurp(cli_out / file)) << file;
  EXPECT_FALSE(fs::exists(run_out / "flagged.csv"));
  EXPECT_FALSE(fs::exists(cli_out / "flagged.csv"));
  EXPECT_NE(slurp(run_out / "summary.json").find("\"flags\": \"counts\""), std::string::npos);
  EXPECT_NE(slurp(cli_out / "summary.json").find("\"flags\": \"counts\""), std::string::npos);
  // 12 flags a day for 10 days: the periods_flagged of naive's rows add up to 120.
  std::ifstream counts(run_out / "flag_counts.csv");
  std::string line;
  std::getline(counts, line);
  EXPECT_EQ(line, "model,cell,centre_x,centre_y,periods_flagged,hits");
  double periods = 0;
  while (std::getline(counts, line))
    if (line.rfind("naive,", 0) == 0) {
      std::vector<std::string> fields;
      std::stringstream in(line);
      for (std::string f; std::getline(in, f, ',');) fields.push_back(f);
      ASSERT_EQ(fields.size(), 6u) << line;
      periods += std::stod(fields[4]);
    }
  EXPECT_EQ(periods, 120.0);
  fs::remove_all(folder);
}
