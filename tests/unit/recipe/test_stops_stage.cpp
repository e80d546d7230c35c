// The recipe's [stops] stage runs the same library function as `scrutineer stops`
// (stops::run_stops): on tiny records its files equal the function's, byte for byte; record paths
// resolve against the recipe's folder, and a missing one is refused at its key.
#include <gtest/gtest.h>

#include <fstream>

#include "folders.hpp"
#include "scrutineer/core/error.hpp"
#include "scrutineer/recipe/recipe.hpp"
#include "scrutineer/recipe/run.hpp"
#include "scrutineer/stops/command.hpp"

namespace fs = std::filesystem;
using namespace scrutineer;
using recipe_test::slurp;
using recipe_test::temp_folder;

namespace {

void write_inputs(const fs::path& folder) {
  std::ofstream(folder / "stops.csv")
      << "Type,Date,Part of a policing operation,Policing operation,Latitude,Longitude,Gender,"
         "Age range,Self-defined ethnicity,Officer-defined ethnicity,Legislation,Object of "
         "search,Outcome,Outcome linked to object of search,Removal of more than just outer "
         "clothing\n"
         "Person search,2022-09-01T10:00:00+00:00,,,51.5,-0.1,Male,18-24,,White,,,,True,\n"
         "Person search,2022-09-01T11:00:00+00:00,,,51.5,-0.1,Male,18-24,,Black,,,,False,\n"
         "Person search,2022-09-02T11:00:00+00:00,,,51.5,-0.1,Male,18-24,,Black,,,,True,\n"
         "Person search,2022-09-02T12:00:00+00:00,,,,,Male,18-24,,,,,,,\n";
  std::ofstream(folder / "census.csv") << "LAD,LAD_code,Asian,Black,Mixed,Other,White\n"
                                          "A,E1,10,20,30,40,50\nB,E2,10,20,30,40,50\n";
}

}  // namespace

TEST(StopsStage, WritesWhatTheCommandsFunctionComputes) {
  const auto folder = temp_folder();
  write_inputs(folder);
  const auto recipe =
      recipe::parse_recipe_text(folder / "audit.toml",
                                "[stops]\nrecords = [\"stops.csv\"]\n"
                                "population = \"census.csv\"\nareas = [\"E1..E2\"]\n"
                                "min_cell = 1\n");
  ASSERT_TRUE(recipe.stops.enabled);
  EXPECT_EQ(recipe.stops.options.records.at(0), (folder / "stops.csv").string());
  recipe::RunOptions run;
  run.out = folder / "results";
  run.progress = false;
  recipe::run_recipe(recipe, run);
  const auto direct = stops::run_stops(recipe.stops.options);
  ASSERT_FALSE(direct.files.empty());
  for (const auto& [name, text] : direct.files)
    EXPECT_EQ(slurp(folder / "results" / "stops" / name), text) << name;
  // Black: 2 stops of 40 = 50 per 1,000; White 1 of 100 = 10: ratio 5.
  EXPECT_NE(
      slurp(folder / "results" / "stops" / "disproportionality.csv").find("Black,2,40,50.000000,"),
      std::string::npos);
  EXPECT_NE(slurp(folder / "results" / "report.html").find("Stops and searches"),
            std::string::npos);
}

TEST(StopsStage, AMissingRecordsFileIsRefusedAtItsKey) {
  const auto folder = temp_folder();
  try {
    recipe::parse_recipe_text(folder / "audit.toml", "[stops]\nrecords = [\"nowhere.csv\"]\n");
    FAIL() << "no error";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("audit.toml:2:"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("nowhere.csv"), std::string::npos) << e.what();
  }
}
