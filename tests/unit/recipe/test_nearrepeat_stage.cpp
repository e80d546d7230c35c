// The recipe's [nearrepeat] stage (issue 13): the Knox test on [data]'s events as
// `scrutineer nearrepeat` runs it (the same library function, nearrepeat::run_nearrepeat), its
// files in nearrepeat/ and its heat map, table and summary in report.html; its keys are the
// command's flags, checked at parse time with FILE:LINE:COL.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <fstream>

#include "folders.hpp"
#include "scrutineer/core/error.hpp"
#include "scrutineer/nearrepeat/command.hpp"
#include "scrutineer/recipe/recipe.hpp"
#include "scrutineer/recipe/run.hpp"

namespace fs = std::filesystem;
using namespace scrutineer;
using recipe_test::slurp;

namespace {

const char* kData = R"([data]
path = "city/events.csv"
format = "generic"
time_zone = "Europe/London"
source_crs = "EPSG:32630"
from = "2024-01-15"
[data.columns]
time = "time"
time_format = "%Y-%m-%d %H:%M"
x = "x"
y = "y"
)";

const char* kNearRepeat = R"([nearrepeat]
spatial_bandwidth = 50
spatial_bands = 2
temporal_bandwidth = 3
temporal_bands = 2
permutations = 29
seed = 5
to = "2024-02-20"
)";

std::string parse_error(const fs::path& folder, const std::string& text) {
  try {
    recipe::parse_recipe_text(folder / "audit.toml", text);
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "no error";
}

}  // namespace

TEST(NearRepeatStage, RecipeAndCommandWriteTheSameKnoxTable) {
  const auto folder = recipe_test::temp_folder();
  recipe_test::write_small_city(folder, 60);
  std::ofstream(folder / "audit.toml") << kData << kNearRepeat;
  recipe::RunOptions options;
  options.out = folder / "results";
  options.progress = false;
  recipe::run_recipe(recipe::parse_recipe(folder / "audit.toml"), options);

  // What `scrutineer nearrepeat city/events.csv --format generic --time time --time-format
  // "%Y-%m-%d %H:%M" --x x --y y --time-zone Europe/London --source-crs EPSG:32630 --from
  // 2024-01-15 --to 2024-02-20 --spatial-bandwidth 50 --spatial-bands 2 --temporal-bandwidth 3
  // --temporal-bands 2 --permutations 29 --seed 5 --output cli` sets.
  nearrepeat::NearRepeatOptions cli;
  cli.study.events = (folder / "city" / "events.csv").string();
  cli.study.read.format = "generic";
  cli.study.read.columns.time = "time";
  cli.study.read.columns.time_format = "%Y-%m-%d %H:%M";
  cli.study.read.columns.x = "x";
  cli.study.read.columns.y = "y";
  cli.study.read.time_zone = "Europe/London";
  cli.study.read.source_crs = "EPSG:32630";
  cli.study.from = "2024-01-15";
  cli.study.to = "2024-02-20";
  cli.knox.spatial_bandwidth = 50;
  cli.knox.spatial_bands = 2;
  cli.knox.temporal_bandwidth = 3;
  cli.knox.temporal_bands = 2;
  cli.knox.permutations = 29;
  cli.knox.seed = 5;
  cli.study.progress = false;
  cli.output = (folder / "cli").string();
  const auto run = nearrepeat::run_nearrepeat(cli);
  ASSERT_GT(run.result.events, 100);
  for (const char* file : {"knox.csv", "knox.svg", "summary.txt"})
    EXPECT_EQ(slurp(folder / "results" / "nearrepeat" / file), slurp(folder / "cli" / file))
        << file;
  // The events tested are those of local dates [2024-01-15, 2024-02-20) (London is on UTC in
  // winter: 1705276800 and 1708387200 s), so the recipe took [data]'s `from` and its own `to`.
  EXPECT_GE(run.study.events.t.front(), 1705276800);
  EXPECT_LT(run.study.events.t.back(), 1708387200);
  EXPECT_GT(run.study.events.t.back(), 1708387200 - 86400);

  const auto report = slurp(folder / "results" / "report.html");
  EXPECT_NE(report.find("id=\"nearrepeat\""), std::string::npos);
  EXPECT_NE(report.find("Knox table"), std::string::npos);
  EXPECT_NE(report.find(nearrepeat::knox_summary(run.result, 0.05).substr(0, 40)),
            std::string::npos);
  EXPECT_NE(report.find("Knox (1964)"), std::string::npos);
  // The Knox test uses the events, not the grid: no cells are written, the events are.
  EXPECT_FALSE(fs::exists(folder / "results" / "grid" / "cells.gpkg"));
  EXPECT_TRUE(fs::exists(folder / "results" / "ingest" / "events.csv"));
  EXPECT_NE(report.find("not laid (no stage uses it)"), std::string::npos);
  fs::remove_all(folder);
}

TEST(NearRepeatStage, AGridTableOrAnotherStageStillLaysTheGrid) {
  const auto folder = recipe_test::temp_folder();
  fs::create_directories(folder / "city");
  std::ofstream(folder / "city" / "events.csv") << "time,x,y\n";  // parsing checks it exists
  const auto parse = [&](const std::string& text) {
    return recipe::parse_recipe_text(folder / "audit.toml", text);
  };
  EXPECT_FALSE(recipe::lays_grid(parse(std::string(kData) + kNearRepeat)));
  EXPECT_TRUE(
      recipe::lays_grid(parse(std::string(kData) + kNearRepeat + "[grid]\ncell_size = 100\n")));
  EXPECT_TRUE(recipe::lays_grid(parse(std::string(kData))));  // [data] alone: its map is the result
  EXPECT_TRUE(recipe::lays_grid(parse(
      std::string(kData) + kNearRepeat +
      "[[models]]\nname = \"naive\"\n[backtest]\nfrom = \"2024-02-01\"\nto = \"2024-02-11\"\n")));
  fs::remove_all(folder);
}

TEST(NearRepeatStage, KeysAreTheCommandsAndAreCheckedAtParseTime) {
  const auto folder = recipe_test::temp_folder();  // [data]'s file must exist
  fs::create_directories(folder / "city");
  std::ofstream(folder / "city" / "events.csv") << "time,x,y\n";
  const std::string data = kData;
  const auto parse_error = [&](const std::string& text) { return ::parse_error(folder, text); };
  // An unknown key, at its line and column (11 lines of [data], then [nearrepeat] at line 12).
  auto message = parse_error(data + "[nearrepeat]\nspatial_bandwidth = 50\nbandwidth = 3\n");
  EXPECT_NE(message.find("audit.toml:14:1: unknown key 'nearrepeat.bandwidth'"), std::string::npos)
      << message;
  // A value the declaration refuses, at the value.
  message = parse_error(data + "[nearrepeat]\nspatial_bands = 0\n");
  EXPECT_NE(message.find("audit.toml:13:17:"), std::string::npos) << message;
  message = parse_error(data + "[nearrepeat]\nconvention = \"labels\"\n");
  EXPECT_NE(message.find("audit.toml:13:14:"), std::string::npos) << message;
  // Without [data] there are no events to test.
  message = parse_error("[nearrepeat]\npermutations = 9\n");
  EXPECT_NE(message.find("nearrepeat: needs a [data] table"), std::string::npos) << message;
  fs::remove_all(folder);
}
