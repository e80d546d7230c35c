// The same audit through every door gives the same answer (issue 12): on the Chicago example,
// `scrutineer run` and the stand-alone `backtest`, `disparity` and `forecast` commands on the same
// inputs write identical outputs. Skipped when ../shared/data is absent.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "folders.hpp"
#include "scrutineer/evaluate/policy.hpp"
#include "scrutineer/recipe/recipe.hpp"
#include "scrutineer/recipe/run.hpp"

namespace fs = std::filesystem;
using namespace scrutineer::recipe;
using recipe_test::slurp;
using recipe_test::temp_folder;

namespace {

const std::string kShared = SCRUTINEER_SHARED_DATA;
const fs::path kExamples = fs::path(SCRUTINEER_TEST_DATA).parent_path().parent_path() / "examples";
const std::string kAssaults = kShared + "/chicago/aggravated_assaults_2010_2019.csv";

#define REQUIRE_DATA(path) \
  if (!fs::exists(path)) GTEST_SKIP() << (path) << " absent: see ../shared/data"

// The Chicago example over two weeks of January 2017, with 100 bootstrap replicates (for time).
Recipe chicago() {
  auto recipe = parse_recipe(kExamples / "chicago" / "audit.toml", kShared);
  recipe.backtest.to = "2017-01-15";
  recipe.backtest.options.bootstrap.replicates = 100;
  recipe.disparity.options.bootstrap = 100;
  return recipe;
}

fs::path run_into(const Recipe& recipe, const fs::path& folder) {
  RunOptions options;
  options.out = folder;
  options.progress = false;
  run_recipe(recipe, options);
  return folder;
}

// The example's [data] and [grid] as command-line options (examples/chicago/audit.toml), but
// for the category column (`--category-column` in every command; `--category` is the value kept).
const std::string kStudyFlags = fmt::format(
    "--format generic --time date --lon longitude --lat latitude --time-zone America/Chicago --crs "
    "EPSG:2790 --region {}/chicago/southside_region.geojson "
    "--cell-size 150",
    kShared);

void cli(const std::string& arguments) {
  const auto command = fmt::format("{} -q {} > /dev/null 2>&1", SCRUTINEER_CLI, arguments);
  ASSERT_EQ(std::system(command.c_str()), 0) << command;
}

// One model through the recipe's [[models]] and through `scrutineer backtest --model
// name:params` on the Chicago study, from 2017-01-01 to `to`: the same periods (whose model column
// names the parameters), flags and hit counts. Returns the command's output folder.
fs::path expect_one_model_agrees(const fs::path& folder, const std::string& name,
                                 const std::string& params, const std::string& to) {
  auto recipe = chicago();
  recipe.disparity.enabled = false;
  recipe.backtest.to = to;
  recipe.models = {{name, params, "", false}};
  recipe.backtest.options.models = recipe.models;  // as parse_recipe copies [[models]]
  const auto run = run_into(recipe, folder / "run");
  const auto out = folder / "cli";
  cli(fmt::format(
      "backtest {} {} --category-column loc_cat --model {}:{} --from 2017-01-01 --to {} "
      "--train-from 2016-01-01 --coverages 1,2,5,10,20 --operating 5% --tie-rule random "
      "--bootstrap 100 --out {}",
      kAssaults, kStudyFlags, name, params, to, out.string()));
  for (const char* file : {"periods.csv", "flagged.csv", "hit_counts.csv"})
    EXPECT_EQ(slurp(run / "backtest" / file), slurp(out / file)) << name << " " << file;
  return out;
}

}  // namespace

// Issue 12, bug 1: the recipe's disparity pooled every model's flags. For each model, `run`'s
// disparity tables equal those of `scrutineer disparity --model M` on the run's own flagged.csv
// (same study, same bootstrap seed), byte for byte; and the two models' figures differ.
TEST(FrontEnds, RunDisparityEqualsTheStandAloneCommandForEachModel) {
  REQUIRE_DATA(kAssaults);
  const auto folder = temp_folder();
  std::map<std::string, std::string> groups;
  for (const std::string model : {"prohotspot", "sepp-grid"}) {
    auto recipe = chicago();
    recipe.disparity.model = model;
    const auto run = run_into(recipe, folder / model);
    const auto json = nlohmann::json::parse(slurp(run / "disparity" / "disparity.json"));
    EXPECT_EQ(json["model"], model);
    const auto out = folder / (model + "-cli");
    cli(fmt::format(
        "disparity {} --category-column loc_cat --from 2016-01-01 --to 2018-01-01 --areas "
        "{}/chicago/community_areas_acs2014.geojson --area-id area_id --group white --group black "
        "--group asian --group hispanic --total pop_2014 --flags {} --model {} --events {} "
        "--bootstrap 100 --out {}",
        kStudyFlags, kShared, (run / "backtest" / "flagged.csv").string(), model, kAssaults,
        out.string()));
    for (const char* file : {"groups.csv", "periods.csv"})
      EXPECT_EQ(slurp(run / "disparity" / file), slurp(out / file)) << model << " " << file;
    groups[model] = slurp(run / "disparity" / "groups.csv");
  }
  EXPECT_NE(groups["prohotspot"], groups["sepp-grid"]);
  fs::remove_all(folder);
}

// Issue 12, bug 3: `operating = "area:5%"` never got the cells' areas in a recipe. For every kind
// of policy, `run` and `scrutineer backtest` write byte-identical flagged.csv and hit_counts.csv.
TEST(FrontEnds, RunBacktestEqualsTheBacktestCommandForEveryPolicy) {
  REQUIRE_DATA(kAssaults);
  const auto folder = temp_folder();
  for (const std::string policy : {"5%", "count:20", "area:5%"}) {
    auto recipe = chicago();
    recipe.disparity.enabled = false;
    auto& o = recipe.backtest.options;
    o.operating_point = scrutineer::evaluate::parse_policy(policy);
    o.operating_point.tie_rule = o.tie_rule;
    const auto name = policy.substr(0, policy.find(':'));
    const auto run = run_into(recipe, folder / ("run-" + name));
    const auto out = folder / ("cli-" + name);
    cli(fmt::format(
        "backtest {} {} --category-column loc_cat --model prohotspot --model sepp-grid --from "
        "2017-01-01 --to 2017-01-15 "
        "--train-from 2016-01-01 --coverages 1,2,5,10,20 --operating {} --bootstrap 100 --out {}",
        kAssaults, kStudyFlags, policy, out.string()));
    for (const char* file : {"flagged.csv", "hit_counts.csv"})
      EXPECT_EQ(slurp(run / "backtest" / file), slurp(out / file)) << policy << " " << file;
  }
  // The area policy flags other cells than the coverage policy (cells partly outside the region
  // count for less area), so the comparison above is not vacuous.
  EXPECT_NE(slurp(folder / "run-5%" / "backtest" / "flagged.csv"),
            slurp(folder / "run-area" / "backtest" / "flagged.csv"));
  fs::remove_all(folder);
}

// Issue 13: the gistar model (Getis-Ord Gi*) and the event-level ROC AUC through the recipe and
// through `scrutineer backtest` give the same periods (AUC column included) and flags.
TEST(FrontEnds, GiStarBacktestAndAucThroughRecipeAndCommand) {
  REQUIRE_DATA(kAssaults);
  const auto folder = temp_folder();
  const auto out = expect_one_model_agrees(folder, "gistar", "distance=2", "2017-01-15");
  const auto periods = slurp(out / "periods.csv");
  EXPECT_NE(periods.find("gistar(distance=2),"), std::string::npos);
  EXPECT_NE(periods.find(",brier,auc,"), std::string::npos);
  fs::remove_all(folder);
}

// Issue 16: sepp's opt-in kernel_sums=fast reaches the model the same way through the recipe's
// [[models]] and through `scrutineer backtest --model sepp:...`.
TEST(FrontEnds, SeppFastKernelSumsThroughRecipeAndCommand) {
  REQUIRE_DATA(kAssaults);
  const auto folder = temp_folder();
  const auto out =
      expect_one_model_agrees(folder, "sepp", "iterations=5,kernel_sums=fast", "2017-01-04");
  EXPECT_NE(slurp(out / "periods.csv").find("kernel_sums=fast"), std::string::npos);
  fs::remove_all(folder);
}

// Issue 12, bug 2: `scrutineer forecast` fitted every event of the file while the backtest clips
// to the region. Both now build the same study: the forecast at a date flags the same cells in the
// same order as the backtest's forecast for the period starting then (same training window:
// 2016-01-01 to 2017-01-10 is 375 days, all in winter time; row-major ties, no seed involved).
TEST(FrontEnds, ForecastAtADateEqualsTheBacktestsForecastForThatPeriod) {
  REQUIRE_DATA(kAssaults);
  const auto folder = temp_folder();
  for (const std::string model : {"prohotspot", "sepp-grid"}) {
    const auto bt = folder / ("backtest-" + model);
    cli(fmt::format(
        "backtest {} {} --model {} --no-baselines --from 2017-01-10 --to 2017-01-11 "
        "--train-from 2016-01-01 --coverages 5 --operating 5% --tie-rule row-major --bootstrap 10 "
        "--out {}",
        kAssaults, kStudyFlags, model, bt.string()));
    const auto top = folder / (model + "-top.csv");
    cli(fmt::format(
        "forecast --events {} {} --model {} --at 2017-01-10 --train-days 375 --coverage 0.05 "
        "--tie-rule row-major -o {} --top {}",
        kAssaults, kStudyFlags, model, (folder / (model + "-surface.csv")).string(), top.string()));
    // rank,cell of the forecast's top cells against cell,rank of the backtest's flags.
    std::stringstream expected, found(slurp(top));
    std::stringstream flagged(slurp(bt / "flagged.csv"));
    std::string line;
    std::getline(flagged, line);  // model,period_start,cell,rank,centre_x,centre_y
    while (std::getline(flagged, line)) {
      std::stringstream fields(line);
      std::string name, start, cell, rank;
      std::getline(fields, name, ',');
      std::getline(fields, start, ',');
      std::getline(fields, cell, ',');
      std::getline(fields, rank, ',');
      expected << rank << "," << cell << "\n";
    }
    std::string forecast;
    std::getline(found, line);  // rank,cell,x,y,risk
    while (std::getline(found, line))
      forecast += line.substr(0, line.find(',', line.find(',') + 1)) + "\n";
    EXPECT_FALSE(expected.str().empty());
    EXPECT_EQ(forecast, expected.str()) << model;
  }
  fs::remove_all(folder);
}
