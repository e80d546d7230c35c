// The example recipes run on the real data in ../shared/data (skipped when it is absent), checked
// against the counts of the data's PROVENANCE.md and the stand-alone commands on the same inputs.
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "folders.hpp"
#include "scrutineer/core/error.hpp"
#include "scrutineer/recipe/recipe.hpp"
#include "scrutineer/recipe/run.hpp"

namespace fs = std::filesystem;
using namespace scrutineer::recipe;
using recipe_test::slurp;
using recipe_test::temp_folder;

namespace {

const std::string kShared = SCRUTINEER_SHARED_DATA;
// tests/data sits beside tests/unit; the examples beside tests.
const fs::path kExamples = fs::path(SCRUTINEER_TEST_DATA).parent_path().parent_path() / "examples";

#define REQUIRE_DATA(path) \
  if (!fs::exists(path)) GTEST_SKIP() << (path) << " absent: see ../shared/data"

nlohmann::json read_json(const fs::path& path) {
  std::ifstream in(path);
  return nlohmann::json::parse(in);
}

// The operating-point hit rate of each model in a backtest's summary.json.
std::map<std::string, double> hit_rates(const fs::path& summary) {
  std::map<std::string, double> out;
  const auto json = read_json(summary);
  for (const auto& m : json["models"])
    out[m["label"].get<std::string>()] = m["operating"]["hit_rate"]["estimate"].get<double>();
  return out;
}

// The example's recipe with 100 bootstrap replicates (for time) and `to` as the backtest's end.
Recipe example(const std::string& name, const std::string& to = "") {
  auto recipe = parse_recipe(kExamples / name / "audit.toml", kShared);
  if (!to.empty()) recipe.backtest.to = to;
  recipe.backtest.options.bootstrap.replicates = 100;
  recipe.disparity.options.bootstrap = 100;
  recipe.scores.command.audit.bootstrap = 0;
  return recipe;
}

// Runs `recipe` into folder/results; returns its run.json.
nlohmann::json run_into(const Recipe& recipe, const fs::path& folder) {
  RunOptions options;
  options.out = folder / "results";
  options.progress = false;
  run_recipe(recipe, options);
  return read_json(folder / "results" / "run.json");
}

}  // namespace

TEST(RecipeData, ChicagoExampleMatchesProvenanceAndTheBacktestCommand) {
  REQUIRE_DATA(kShared + "/chicago/aggravated_assaults_2010_2019.csv");
  const auto folder = temp_folder();
  const auto run = run_into(example("chicago", "2017-02-01"), folder);  // January 2017 only
  // PROVENANCE.md and tests/unit/ingest: 148,636 rows, none dropped; 2016 has 15,329 rows and
  // 2017 15,022: 30,351 in the recipe's dates.
  EXPECT_EQ(run["data"]["rows_read"], 148636);
  EXPECT_EQ(run["data"]["rows_dropped"], 0);
  EXPECT_EQ(run["data"]["after_date_filter"], 15329 + 15022);
  EXPECT_EQ(run["inputs"].size(), 3u);  // assaults, region, community areas
  const auto summary = read_json(folder / "results" / "backtest" / "summary.json");
  EXPECT_EQ(summary["periods"], 31);  // the days of January
  EXPECT_TRUE(fs::exists(folder / "results" / "disparity" / "groups.csv"));
  const auto html = slurp(folder / "results" / "report.html");
  EXPECT_NE(html.find("overlap the race counts"), std::string::npos);  // the census warning

  // `scrutineer backtest` on the whole file, training from 2016 as the recipe does.
  const std::string command = fmt::format(
      "{} -q backtest {}/chicago/aggravated_assaults_2010_2019.csv --format generic --time date "
      "--lon longitude --lat latitude --category-column loc_cat --time-zone America/Chicago "
      "--crs EPSG:2790 --region {}/chicago/southside_region.geojson --cell-size 150 "
      "--model prohotspot --model sepp-grid --from 2017-01-01 --to 2017-02-01 "
      "--train-from 2016-01-01 --coverages 1,2,5,10,20 --bootstrap 100 --out {} > /dev/null "
      "2>&1",
      SCRUTINEER_CLI, kShared, kShared, (folder / "cli").string());
  ASSERT_EQ(std::system(command.c_str()), 0) << command;
  const auto expected = hit_rates(folder / "cli" / "summary.json");
  const auto found = hit_rates(folder / "results" / "backtest" / "summary.json");
  ASSERT_EQ(found.size(), 4u);  // prohotspot, sepp-grid, naive, random
  for (const auto& [model, rate] : expected) EXPECT_DOUBLE_EQ(found.at(model), rate) << model;
  fs::remove_all(folder);
}

TEST(RecipeData, CompasExampleMatchesProPublicasCohort) {
  REQUIRE_DATA(kShared + "/compas/compas-scores-two-years.csv");
  const auto folder = temp_folder();
  const auto run = run_into(example("compas"), folder);
  // tests/unit/scores/data_test_compas.cpp: 7,214 rows; ProPublica's notebook keeps 6,172.
  EXPECT_EQ(run["scores"]["rows_read"], 7214);
  EXPECT_EQ(run["scores"]["people"], 6172);
  // Notebook cell 6: African-American 3175, Caucasian 2103 people.
  const auto groups = slurp(folder / "results" / "scores" / "scores_groups.csv");
  EXPECT_NE(groups.find("score>=5,race,African-American,3175,"), std::string::npos) << groups;
  EXPECT_NE(groups.find("score>=5,race,Caucasian,2103,"), std::string::npos) << groups;
  fs::remove_all(folder);
}

TEST(RecipeData, NycExampleMatchesProvenance) {
  REQUIRE_DATA(kShared + "/nyc/vehicle_thefts_2014_2017.csv");
  const auto folder = temp_folder();
  const auto run = run_into(example("nyc", "2017-01-15"), folder);  // two weeks of forecasts
  // PROVENANCE.md and tests/unit/ingest: 35,746 rows; 2016 has 8,814 and 2017 7,885.
  EXPECT_EQ(run["data"]["rows_read"], 35746);
  EXPECT_EQ(run["data"]["after_date_filter"], 8814 + 7885);
  EXPECT_EQ(read_json(folder / "results" / "backtest" / "summary.json")["periods"], 14);
  const auto disparity = read_json(folder / "results" / "disparity" / "disparity.json");
  // Sum of poptot over the 2,166 tract features (python3, json module): 8,199,221.
  EXPECT_NEAR(disparity["total_population"].get<double>(), 8199221, 1e-6);
  EXPECT_TRUE(disparity["groups_overlap"].get<bool>());  // hispanic overlaps the race counts
  fs::remove_all(folder);
}

TEST(RecipeData, ManchesterExampleScoresMonthsAndRefusesDays) {
  REQUIRE_DATA(kShared + "/manchester/burglary_manchester_2017.csv");
  const auto folder = temp_folder();
  // Daily periods on month-only data: refused, and no results folder is left.
  auto daily = example("manchester");
  daily.backtest.options.period = scrutineer::evaluate::PeriodUnit::kDay;
  try {
    run_into(daily, folder);
    FAIL() << "daily periods on month data ran";
  } catch (const scrutineer::ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("month"), std::string::npos) << e.what();
  }
  EXPECT_FALSE(fs::exists(folder / "results"));
  const auto run = run_into(example("manchester"), folder);
  // tests/unit/ingest: 8,144 rows, month resolution.
  EXPECT_EQ(run["data"]["rows_read"], 8144);
  EXPECT_EQ(run["data"]["resolution"], "month");
  // A note, not a warning: the refusals above keep month data from misleading (issue 17).
  EXPECT_NE(run["notes"][0].get<std::string>().find("month of each crime only"), std::string::npos);
  EXPECT_EQ(read_json(folder / "results" / "backtest" / "summary.json")["periods"], 6);
  // PROVENANCE.md: Persons, the Manchester total, is 503,127.
  const auto disparity = read_json(folder / "results" / "disparity" / "disparity.json");
  EXPECT_NEAR(disparity["total_population"].get<double>(), 503127, 1e-6);
  fs::remove_all(folder);
}
