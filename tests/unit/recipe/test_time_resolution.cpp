// Issue 17: models declare the time they need; month-only data (data.police.uk) and a model or a
// fitted feedback truth that needs days are refused at the recipe line, at parse time when [data]
// declares the resolution and as soon as the events are read otherwise.
#include <gtest/gtest.h>

#include <fstream>
#include <string>

#include "folders.hpp"
#include "scrutineer/core/error.hpp"
#include "scrutineer/forecast/model.hpp"
#include "scrutineer/recipe/recipe.hpp"
#include "scrutineer/recipe/run.hpp"

namespace fs = std::filesystem;
using scrutineer::ConfigError;
using scrutineer::TimeResolution;
using namespace scrutineer::recipe;
using recipe_test::temp_folder;

namespace {

std::string error_of(const fs::path& file, const std::string& text) {
  try {
    parse_recipe_text(file, text);
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "no error";
}

// Lines 1-3: [data] with data.police.uk's format; line 4 [[models]]; line 5 the model's name.
std::string uk_recipe(const std::string& model, const std::string& params = "") {
  return "[data]\npath = \"uk.csv\"\nformat = \"police-uk\"\n[[models]]\nname = \"" + model +
         "\"\n" + params +
         "[backtest]\nfrom = \"2017-07-01\"\nto = \"2018-01-01\"\nperiod = " + "\"month\"\n";
}

// Three data.police.uk rows (months only), any place in Manchester.
const char* kUkRows =
    "Month,Longitude,Latitude,Crime type\n"
    "2017-01,-2.2426,53.4808,Burglary\n"
    "2017-02,-2.2430,53.4810,Burglary\n"
    "2017-03,-2.2400,53.4790,Burglary\n";

}  // namespace

TEST(ModelTimeNeeds, DeclaredOncePerModelAndParameters) {
  using scrutineer::forecast::time_needed;
  EXPECT_EQ(time_needed("naive"), TimeResolution::kMonth);
  EXPECT_EQ(time_needed("prohotspot"), TimeResolution::kMonth);
  EXPECT_EQ(time_needed("sepp"), TimeResolution::kDay);
  EXPECT_EQ(time_needed("sepp-grid"), TimeResolution::kDay);
  EXPECT_EQ(time_needed("sepp-grid", "time_unit=6h"), TimeResolution::kMinute);
  EXPECT_EQ(time_needed("kde"), TimeResolution::kDay);  // exponential kernel, 10 days
  EXPECT_EQ(time_needed("kde", "time_scale=0.5"), TimeResolution::kMinute);
  EXPECT_EQ(time_needed("kde", "time_kernel=constant"), TimeResolution::kMonth);
}

TEST(RecipeTimeResolution, MonthDataAndADailyModelAreRefusedAtParseTimeWithTheLine) {
  const auto folder = temp_folder();
  std::ofstream(folder / "uk.csv") << kUkRows;
  const auto file = folder / "audit.toml";
  for (const std::string model : {"sepp-grid", "sepp", "kde"}) {
    const auto e = error_of(file, uk_recipe(model));
    // `name = "` puts the value at column 8 of line 5.
    EXPECT_NE(e.find("audit.toml:5:8: models.name: model " + model + " needs times to the day"),
              std::string::npos)
        << e;
    EXPECT_NE(e.find("format police-uk (time pattern %Y-%m) gives the month of each crime only"),
              std::string::npos)
        << e;
    EXPECT_NE(e.find("models that work on these data: naive, random, retro, prohotspot"),
              std::string::npos)
        << e;
  }
  // Models that need no daily time are accepted on the same data.
  for (const std::string model : {"naive", "retro", "prohotspot", "gistar"})
    EXPECT_NO_THROW(parse_recipe_text(file, uk_recipe(model))) << model;
  EXPECT_NO_THROW(
      parse_recipe_text(file, uk_recipe("kde", "[models.params]\ntime_kernel = \"constant\"\n")));
  // A time pattern of months in a generic file declares month data as well.
  const std::string generic =
      "[data]\npath = \"uk.csv\"\nformat = \"generic\"\n[data.columns]\ntime = \"Month\"\n"
      "time_format = \"%Y-%m\"\n[[models]]\nname = \"sepp-grid\"\n";
  const auto e = error_of(file, generic);
  EXPECT_NE(e.find("audit.toml:8:8: models.name: model sepp-grid needs times to the day"),
            std::string::npos)
      << e;
  EXPECT_NE(e.find("time_format '%Y-%m' gives the month"), std::string::npos) << e;
  fs::remove_all(folder);
}

TEST(RecipeTimeResolution, FittedFeedbackTruthRefusesMonthData) {
  const auto folder = temp_folder();
  std::ofstream(folder / "uk.csv") << kUkRows;
  std::ofstream(folder / "areas.geojson") << "{}";  // exists; never read at parse time
  const std::string text =
      "[data]\npath = \"uk.csv\"\nformat = \"police-uk\"\n[areas]\npath = \"areas.geojson\"\n"
      "id = \"id\"\ngroups = [\"a\"]\n[feedback]\ntruth = \"fitted\"\n";
  const auto e = error_of(folder / "audit.toml", text);
  // [feedback] on line 8, `truth = "` puts the value at column 9 of line 9.
  EXPECT_NE(e.find("audit.toml:9:9: feedback.truth: truth = \"fitted\" fits sepp-grid by the day"),
            std::string::npos)
      << e;
  EXPECT_NE(e.find("gives the month of each crime only"), std::string::npos) << e;
  fs::remove_all(folder);
}

TEST(RecipeTimeResolution, DetectedFormatIsCheckedAsSoonAsTheEventsAreRead) {
  // format = "auto" leaves the resolution to the file: the recipe parses, and the run stops
  // right after reading, before any stage, at the model's line.
  const auto folder = temp_folder();
  std::ofstream(folder / "uk.csv") << kUkRows;
  const std::string text =
      "[data]\npath = \"uk.csv\"\ncrs = \"EPSG:27700\"\n[grid]\ncell_size = 250\n[[models]]\n"
      "name = \"sepp-grid\"\n[backtest]\nfrom = \"2017-02-01\"\nto = \"2017-04-01\"\n"
      "period = \"month\"\n";
  const auto recipe = parse_recipe_text(folder / "audit.toml", text);
  RunOptions options;
  options.out = folder / "results";
  options.progress = false;
  try {
    run_recipe(recipe, options);
    FAIL() << "no error";
  } catch (const ConfigError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("audit.toml:7:8: models.name: model sepp-grid needs times to the day"),
              std::string::npos)
        << what;
    EXPECT_NE(what.find("the data read ("), std::string::npos) << what;
  }
  EXPECT_FALSE(fs::exists(folder / "results"));
  fs::remove_all(folder);
}
