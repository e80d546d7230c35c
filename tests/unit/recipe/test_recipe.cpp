// Tests of recipe parsing (every error names FILE:LINE:COL), path resolution, ${data}, SHA-256
// (FIPS 180-2 examples), the atomic results folder and run.json.
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "folders.hpp"
#include "scrutineer/core/error.hpp"
#include "scrutineer/io/atomic_file.hpp"
#include "scrutineer/recipe/recipe.hpp"
#include "scrutineer/recipe/run.hpp"
#include "scrutineer/recipe/sha256.hpp"
#include "scrutineer/synth/city.hpp"

namespace fs = std::filesystem;
using scrutineer::ConfigError;
using namespace scrutineer::recipe;
using recipe_test::slurp;
using recipe_test::temp_folder;

namespace {

// The message of the ConfigError that parsing `text` as /tmp/.../audit.toml throws.
std::string parse_error(const std::string& text, const std::string& data_dir = "") {
  try {
    parse_recipe_text("audit.toml", text, data_dir);
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "no error";
}

// Four people of two groups, with a flag and an outcome (see RunJsonRecordsTheRun).
const char* kPeople =
    "race,flag,outcome\n"
    "A,1,1\n"
    "A,0,0\n"
    "B,1,0\n"
    "B,1,1\n";

std::string scores_recipe(const std::string& groups = "race") {
  return "title = \"people tool\"\n"
         "[scores]\n"
         "path = \"people.csv\"\n"
         "flag = \"flag\"\n"
         "outcome = \"outcome\"\n"
         "groups = [\"" +
         groups +
         "\"]\n"
         "bootstrap = 0\n"
         "min_cell = 0\n";
}

}  // namespace

TEST(Sha256, MatchesTheFips180Examples) {
  // FIPS 180-2, appendix B.1 and B.2, and the digest of the empty message.
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  EXPECT_EQ(sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST(Sha256, OfAFileReadInBlocks) {
  // FIPS 180-2 appendix B.3: one million 'a' (more than one 64 KiB read block).
  const auto folder = temp_folder();
  std::ofstream(folder / "a.txt") << std::string(1000000, 'a');
  EXPECT_EQ(sha256_file(folder / "a.txt"),
            "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
  fs::remove_all(folder);
}

TEST(RecipeErrors, TomlSyntaxErrorNamesLineAndColumn) {
  EXPECT_EQ(parse_error("title = \"a\"\n[grid\n").rfind("audit.toml:2:", 0), 0u)
      << parse_error("title = \"a\"\n[grid\n");
}

TEST(RecipeErrors, UnknownKeyNamesItsPosition) {
  const auto message = parse_error("[scores]\npath = \"x\"\n");  // path checked first: no file
  EXPECT_NE(message.find("audit.toml:2:8: scores.path: expected an existing file"),
            std::string::npos)
      << message;
  EXPECT_EQ(parse_error("titel = \"a\"\n"),
            "audit.toml:1:1: unknown key 'titel' (see docs/run.md for the keys of [the recipe])");
}

TEST(RecipeErrors, UnknownKeyInsideATable) {
  const auto folder = temp_folder();
  std::ofstream(folder / "people.csv") << kPeople;
  const auto text = scores_recipe() + "treshold = 3\n";
  try {
    parse_recipe_text(folder / "audit.toml", text);
    FAIL() << "no error";
  } catch (const ConfigError& e) {
    // Line 9 (after the eight lines of scores_recipe), column 1: the misspelt key.
    EXPECT_EQ(std::string(e.what()), (folder / "audit.toml").string() +
                                         ":9:1: unknown key 'scores.treshold' (see docs/run.md "
                                         "for the keys of [scores])");
  }
  fs::remove_all(folder);
}

TEST(RecipeErrors, WrongTypeNamesTheValuePosition) {
  // `cell_size = "big"`: the value starts at column 13 of line 2.
  EXPECT_EQ(parse_error("[grid]\ncell_size = \"big\"\n"),
            "audit.toml:2:13: grid.cell_size: expected a number, found a string");
  EXPECT_EQ(parse_error("[grid]\nclip = 1\n"),
            "audit.toml:2:8: grid.clip: expected true or false, found an integer");
  // The 2 in `mitigations = ["none", 2]` is at column 24.
  EXPECT_EQ(parse_error("[feedback]\nmitigations = [\"none\", 2]\n"),
            "audit.toml:2:24: feedback.mitigations: expected an array of strings, found an "
            "integer in it");
}

TEST(RecipeErrors, CityParametersOfAFittedTruthAreRefused) {
  // The fitted truth ignores the synthetic city, so its parameters are refused (the CLI refuses
  // --city with --truth fitted by the same rule, feedback::truth_refusal), at the city table.
  EXPECT_EQ(parse_error("[feedback]\ntruth = \"fitted\"\n[feedback.city]\nseed = 3\n"),
            "audit.toml:3:1: feedback.city: city parameters are for the synthetic city's truth "
            "(truth city)");
}

TEST(RecipeErrors, MissingRequiredKeyNamesTheTable) {
  EXPECT_EQ(parse_error("title = \"x\"\n[data]\nformat = \"chicago\"\n"),
            "audit.toml:2:1: [data]: the key 'events' is required");
}

TEST(RecipeErrors, BadValuesSayWhatWasExpected) {
  EXPECT_EQ(parse_error("[grid]\ncell_size = -5\n"),
            "audit.toml:2:13: grid.cell_size: expected a value > 0, found -5");
  EXPECT_EQ(parse_error("[grid]\nvalid = \"some\"\n"),
            "audit.toml:2:9: grid.valid: expected one of touches, shares-area, found 'some'");
  const auto period = parse_error(
      "[backtest]\nfrom = \"2017-01-01\"\nto = \"2017-02-01\"\n"
      "period = \"fortnight\"\n");
  EXPECT_EQ(
      period.rfind("audit.toml:4:10: backtest.period: expected one of day, week, month, found "
                   "'fortnight'",
                   0),
      0u)
      << period;
  EXPECT_EQ(parse_error("[backtest]\nfrom = \"2017-13-01\"\n"),
            "audit.toml:2:8: backtest.from: expected a local date YYYY-MM-DD, found '2017-13-01'");
  EXPECT_EQ(
      parse_error("[[models]]\nname = \"crystal-ball\"\n").rfind("audit.toml:2:8: models.name:", 0),
      0u);
  const auto param = parse_error("[[models]]\nname = \"prohotspot\"\nparams = { nonsense = 3 }\n");
  EXPECT_EQ(param.rfind("audit.toml:3:10: models.params:", 0), 0u) << param;
  EXPECT_NE(param.find("nonsense"), std::string::npos) << param;
  const auto operating =
      parse_error("[backtest]\nfrom = \"2017-01-01\"\nto = \"2017-02-01\"\noperating = \"lots\"\n");
  EXPECT_EQ(operating,
            "audit.toml:4:13: backtest.operating: expected a share such as 5% or 0.05, "
            "count:N or area:X%, found 'lots'");
  const auto mitigation = parse_error("[feedback]\nmitigations = [\"pray\"]\n");
  EXPECT_EQ(mitigation.rfind("audit.toml:2:15: feedback.mitigations:", 0), 0u) << mitigation;
}

TEST(RecipeErrors, CategoryIsTheValueAndCategoryColumnTheColumn) {
  // `category` in [data.columns] was the column; it is now category_column, and says so.
  const auto folder = temp_folder();
  std::ofstream(folder / "people.csv") << kPeople;  // any existing file: it is not read here
  try {
    parse_recipe_text(folder / "audit.toml",
                      "[data]\nevents = \"people.csv\"\n[data.columns]\ncategory = \"c\"\n");
    FAIL() << "no error";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("audit.toml:4:12: data.columns.category: is now "
                                         "category_column"),
              std::string::npos)
        << e.what();
  }
  const auto recipe = parse_recipe_text(
      folder / "audit.toml",
      "[data]\nevents = \"people.csv\"\ncategory = \"A\"\ncategory_column = \"race\"\n"
      "[feedback]\nhistory = 30\nwindow = 20\n[feedback.params]\ntime_bandwidth = 4\n");
  EXPECT_EQ(recipe.study.category, "A");
  EXPECT_EQ(recipe.study.read.columns.category, "race");
  // The older feedback names are aliases of history_days, window_days and model_params.
  EXPECT_EQ(recipe.feedback.options.history_days, 30);
  EXPECT_EQ(recipe.feedback.options.window_days, 20);
  EXPECT_EQ(recipe.feedback.options.model_params, "time_bandwidth=4");
  fs::remove_all(folder);
}

TEST(RecipeErrors, StagesThatNeedAnotherStageSaySo) {
  const auto folder = temp_folder();
  std::ofstream(folder / "people.csv") << kPeople;
  try {
    parse_recipe_text(folder / "audit.toml", scores_recipe() + "[disparity]\nmodel = \"x\"\n");
    FAIL() << "no error";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find(":9:1: disparity: needs a [backtest] table"),
              std::string::npos)
        << e.what();
  }
  EXPECT_EQ(parse_error("title = \"nothing\"\n"),
            "audit.toml:1:1: [recipe]: the recipe runs nothing: add [data] with [backtest], "
            "[nearrepeat] or [stscan], or [feedback], [scores] or [stops]");
  fs::remove_all(folder);
}

TEST(RecipeErrors, UnknownCrsAndDailyPeriodsOnMonthDataAreRefusedBeforeAnyWork) {
  const auto folder = temp_folder();
  std::ofstream(folder / "people.csv") << kPeople;  // any existing file: it is not read here
  try {
    parse_recipe_text(folder / "audit.toml",
                      "[data]\npath = \"people.csv\"\ncrs = \"EPSG:99999\"\n");
    FAIL() << "no error";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("audit.toml:3:7: data.crs:"), std::string::npos)
        << e.what();
    EXPECT_NE(std::string(e.what()).find("EPSG:99999"), std::string::npos) << e.what();
  }
  const std::string uk =
      "[data]\npath = \"people.csv\"\nformat = \"police-uk\"\n[[models]]\nname = "
      "\"prohotspot\"\n[backtest]\nfrom = \"2017-07-01\"\nto = \"2018-01-01\"\n";
  try {
    parse_recipe_text(folder / "audit.toml", uk);
    FAIL() << "no error";
  } catch (const ConfigError& e) {
    // [backtest] is on line 6.
    EXPECT_NE(std::string(e.what()).find(
                  "audit.toml:6:1: backtest: data.police.uk gives the month of each crime only"),
              std::string::npos)
        << e.what();
  }
  EXPECT_NO_THROW(parse_recipe_text(folder / "audit.toml", uk + "period = \"month\"\n"));
  fs::remove_all(folder);
}

TEST(RecipePaths, RelativePathsResolveAgainstTheRecipeFolder) {
  const auto folder = temp_folder();
  fs::create_directories(folder / "in");
  std::ofstream(folder / "in" / "people.csv") << kPeople;
  auto text = scores_recipe();
  text.replace(text.find("people.csv"), 10, "in/../in/people.csv");
  const auto recipe = parse_recipe_text(folder / "audit.toml", text);
  EXPECT_EQ(recipe.scores.command.people.path, (folder / "in" / "people.csv").string());
  ASSERT_EQ(recipe.inputs.size(), 1u);
  EXPECT_EQ(recipe.inputs[0], folder / "in" / "people.csv");
  fs::remove_all(folder);
}

TEST(RecipePaths, DataExpandsToTheDataFolder) {
  const auto folder = temp_folder();
  fs::create_directories(folder / "shared" / "compas");
  std::ofstream(folder / "shared" / "compas" / "people.csv") << kPeople;
  auto text = scores_recipe();
  text.replace(text.find("people.csv"), 10, "${data}/compas/people.csv");
  const auto recipe = parse_recipe_text(folder / "recipes" / "audit.toml", text,
                                        (folder / "shared").string() + "/");
  EXPECT_EQ(recipe.scores.command.people.path,
            (folder / "shared" / "compas" / "people.csv").string());
  // Without --data the recipe says which key needs it.
  try {
    parse_recipe_text(folder / "audit.toml", text);
    FAIL() << "no error";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find(":3:8: scores.path: uses ${data}, but no data folder"),
              std::string::npos)
        << e.what();
  }
  fs::remove_all(folder);
}

TEST(RecipeRun, AFailingStageLeavesNoResultsFolder) {
  const auto folder = temp_folder();
  std::ofstream(folder / "people.csv") << kPeople;
  // The group column does not exist: the scores stage fails after the folder was started.
  const auto recipe = parse_recipe_text(folder / "audit.toml", scores_recipe("ethnicity"));
  RunOptions options;
  options.out = folder / "results";
  EXPECT_THROW(run_recipe(recipe, options), scrutineer::Error);
  EXPECT_FALSE(fs::exists(folder / "results"));
  for (const auto& entry : fs::directory_iterator(folder))  // nor a temporary beside it
    EXPECT_EQ(entry.path().filename().string().find(".results"), std::string::npos) << entry.path();
  fs::remove_all(folder);
}

TEST(RecipeRun, RunIntoTheRecipesOwnFolderDeletesNothing) {
  // Issue 19, item 1: `run -o .` emptied the current folder, the recipe itself included.
  const auto folder = temp_folder();
  std::ofstream(folder / "people.csv") << kPeople;
  std::ofstream(folder / "audit.toml") << scores_recipe();
  const auto recipe = parse_recipe(folder / "audit.toml");
  RunOptions options;
  options.out = folder;
  EXPECT_THROW(run_recipe(recipe, options), ConfigError);
  EXPECT_EQ(slurp(folder / "audit.toml"), scores_recipe());
  EXPECT_EQ(slurp(folder / "people.csv"), kPeople);
  // With --replace the results go in beside the user's files, which stay as they were.
  options.replace = true;
  const auto result = run_recipe(recipe, options);
  EXPECT_EQ(slurp(folder / "audit.toml"), scores_recipe());
  EXPECT_EQ(slurp(folder / "people.csv"), kPeople);
  EXPECT_TRUE(fs::exists(folder / "run.json"));
  EXPECT_FALSE(result.written.empty());
  fs::remove_all(folder);
}

TEST(RecipeRun, AFailedRunKeepsTheEarlierResults) {
  const auto folder = temp_folder();
  std::ofstream(folder / "people.csv") << kPeople;
  RunOptions options;
  options.out = folder / "results";
  run_recipe(parse_recipe_text(folder / "audit.toml", scores_recipe()), options);
  const auto before = slurp(folder / "results" / "run.json");
  const auto bad = parse_recipe_text(folder / "audit.toml", scores_recipe("ethnicity"));
  EXPECT_THROW(run_recipe(bad, options), scrutineer::Error);
  EXPECT_EQ(slurp(folder / "results" / "run.json"), before);
  fs::remove_all(folder);
}

TEST(RecipeRun, RunJsonRecordsTheRun) {
  const auto folder = temp_folder();
  std::ofstream(folder / "people.csv") << kPeople;
  const auto text = scores_recipe();
  std::ofstream(folder / "audit.toml") << text;
  const auto recipe = parse_recipe(folder / "audit.toml");
  RunOptions options;
  options.command_line = "scrutineer run audit.toml";
  const auto result = run_recipe(recipe, options);
  // Default folder: <stem>-results beside the recipe.
  EXPECT_EQ(result.folder, folder / "audit-results");
  const auto run = nlohmann::json::parse(slurp(folder / "audit-results" / "run.json"));
  EXPECT_EQ(run["recipe"]["text"], text);
  EXPECT_EQ(slurp(folder / "audit-results" / "recipe.toml"), text);
  EXPECT_EQ(run["command_line"], "scrutineer run audit.toml");
  EXPECT_EQ(run["engine"]["version"], "0.1.0");  // CMakeLists.txt's project version
  ASSERT_EQ(run["inputs"].size(), 1u);
  // kPeople is 18 + 4 x 6 = 42 bytes.
  EXPECT_EQ(run["inputs"][0]["bytes"], 42);
  EXPECT_EQ(run["inputs"][0]["sha256"], sha256_hex(kPeople));
  EXPECT_EQ(run["scores"]["rows_read"], 4);
  EXPECT_EQ(run["timings"].size(), 2u);  // scores, report
  for (const char* file : {"report.html", "scores/scores.json", "scores/scores_groups.csv"})
    EXPECT_TRUE(fs::exists(folder / "audit-results" / file)) << file;
  // The flag rate of group A is 1 of 2 people, of group B 2 of 2.
  const auto groups = slurp(folder / "audit-results" / "scores" / "scores_groups.csv");
  EXPECT_NE(groups.find("race,A,2,1"), std::string::npos) << groups;
  EXPECT_NE(groups.find("race,B,2,2"), std::string::npos) << groups;
  fs::remove_all(folder);
}

TEST(RecipeRun, FeedbackOnATruthFittedToTheRecordedCrime) {
  const auto folder = temp_folder();
  const auto city = recipe_test::write_small_city(folder, 200);
  std::string rates = "area,rate\n";
  for (const auto& n : city.neighbourhoods) rates += fmt::format("{},{}\n", n.id, n.reporting_rate);
  std::ofstream(folder / "city" / "rates.csv") << rates;
  const std::string text = fmt::format(R"([data]
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
valid = "shares-area"
[areas]
path = "city/areas.geojson"
id = "id"
groups = ["group_a", "group_b", "group_c"]
total = "population"
[feedback]
truth = "fitted"
reporting = "city/rates.csv"
days = 20
history_days = 30
replicates = 2
)",
                                       city.options.origin_x, city.options.origin_y);
  std::ofstream(folder / "audit.toml") << text;
  const auto result = run_recipe(parse_recipe(folder / "audit.toml"), RunOptions{});
  // Every recorded crime of the city lies in a valid cell, so the fit uses all of them (the
  // generator's count, not the fit's).
  const auto fitted =
      std::find_if(result.notes.begin(), result.notes.end(),
                   [](const std::string& w) { return w.rfind("sepp-grid fitted on ", 0) == 0; });
  ASSERT_NE(fitted, result.notes.end());  // a figure of the fit: a note, not a warning
  EXPECT_EQ(
      fitted->rfind(
          fmt::format("sepp-grid fitted on {} events in 100 valid cells", city.recorded.size()), 0),
      0u)
      << *fitted;
  EXPECT_TRUE(std::any_of(result.warnings.begin(), result.warnings.end(), [](const auto& w) {
    return w.find("RECORDED crime, which is not true crime") != std::string::npos;
  }));
  EXPECT_FALSE(fs::is_empty(result.folder / "feedback"));
  // Without [areas] the fitted truth is refused at parse time, at the [feedback] table.
  const auto no_areas = text.substr(0, text.find("[areas]")) + text.substr(text.find("[feedback]"));
  std::ofstream(folder / "no_areas.toml") << no_areas;
  try {
    parse_recipe(folder / "no_areas.toml");
    FAIL() << "expected a ConfigError";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("truth = \"fitted\" needs [data] and [areas]"),
              std::string::npos)
        << e.what();
  }
  fs::remove_all(folder);
}

TEST(RecipeParse, OperatingPointsAsTheBacktestCommandReadsThem) {
  const auto folder = temp_folder();
  std::ofstream(folder / "people.csv") << kPeople;
  const auto recipe = [&](const std::string& operating) {
    return parse_recipe_text(folder / "audit.toml",
                             "[data]\npath = \"people.csv\"\n[[models]]\nname = \"naive\"\n"
                             "[backtest]\nfrom = \"2017-01-01\"\nto = \"2017-02-01\"\n"
                             "operating = \"" +
                                 operating + "\"\n")
        .backtest.options.operating_point;
  };
  using scrutineer::evaluate::PolicyMode;
  EXPECT_EQ(recipe("count:20").mode, PolicyMode::kCount);
  EXPECT_EQ(recipe("count:20").count, 20);
  EXPECT_EQ(recipe("area:5%").mode, PolicyMode::kArea);
  EXPECT_DOUBLE_EQ(recipe("area:5%").coverage, 0.05);
  EXPECT_DOUBLE_EQ(recipe("2.5%").coverage, 0.025);
  EXPECT_DOUBLE_EQ(recipe("0.1").coverage, 0.1);
  EXPECT_THROW(recipe("count:2.5"), ConfigError);
  fs::remove_all(folder);
}
