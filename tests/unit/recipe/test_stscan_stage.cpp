// The recipe's [stscan] stage: the space-time scan (Kulldorff et al. 2005; Kulldorff 2001) on
// [data]'s events as `scrutineer stscan` runs it (the same library function, scan::run_stscan),
// its files in stscan/ and its summary, clusters table and papers in report.html; its keys are the
// command's flags, checked at parse time with FILE:LINE:COL.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>

#include "folders.hpp"
#include "scrutineer/core/error.hpp"
#include "scrutineer/recipe/recipe.hpp"
#include "scrutineer/recipe/run.hpp"
#include "scrutineer/scan/command.hpp"

namespace fs = std::filesystem;
using namespace scrutineer;
using recipe_test::slurp;

namespace {

// 12 cases at 4 locations 1 km apart over 10 days (tests/cli/stscan_planted.case).
const std::string kPlanted = std::string(SCRUTINEER_TEST_DATA) + "/stscan/planted.csv";

std::string data_table() {
  return fmt::format(R"([data]
path = "{}"
format = "generic"
time_zone = "UTC"
source_crs = "EPSG:26971"
[data.columns]
time = "date"
time_format = "%Y-%m-%d"
x = "x"
y = "y"
)",
                     kPlanted);
}

std::string parse_error(const fs::path& folder, const std::string& text) {
  try {
    recipe::parse_recipe_text(folder / "audit.toml", text);
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "no error";
}

// What `scrutineer stscan tests/data/stscan/planted.csv --format generic --x x --y y --source-crs
// EPSG:26971 --time date --time-format %Y-%m-%d --time-zone UTC --max-radius 500
// --replications 99 --alpha 1 --output cli` sets (the `model` and `cell_size` given too).
scan::StScanCommandOptions cli_options(const fs::path& out, scan::ScanModel model) {
  scan::StScanCommandOptions cli;
  cli.study.events = kPlanted;
  cli.study.read.format = "generic";
  cli.study.read.columns.time = "date";
  cli.study.read.columns.time_format = "%Y-%m-%d";
  cli.study.read.columns.x = "x";
  cli.study.read.columns.y = "y";
  cli.study.read.time_zone = "UTC";
  cli.study.read.source_crs = "EPSG:26971";
  cli.scan.model = model;
  cli.scan.max_radius = 500;
  cli.scan.replications = 99;
  cli.alpha = 1;
  cli.study.cell_size = 1000;
  cli.study.progress = false;
  cli.output = out.string();
  return cli;
}

}  // namespace

TEST(StScanStage, RecipeAndCommandWriteTheSameClusters) {
  for (const auto model : {scan::ScanModel::kPermutation, scan::ScanModel::kPoisson}) {
    const std::string name(scan::to_string(model));
    SCOPED_TRACE(name);
    const auto folder = recipe_test::temp_folder();
    std::ofstream(folder / "audit.toml") << data_table()
                                         << fmt::format(R"([stscan]
model = "{}"
max_radius = 500
replications = 99
alpha = 1
cell_size = 1000
)",
                                                        name);
    recipe::RunOptions options;
    options.out = folder / "results";
    options.progress = false;
    recipe::run_recipe(recipe::parse_recipe(folder / "audit.toml"), options);

    const auto run = scan::run_stscan(cli_options(folder / "cli", model));
    ASSERT_EQ(run.result.cases, 12);
    ASSERT_FALSE(run.listed.empty());
    for (const char* file : {"clusters.csv", "clusters.geojson", "summary.txt"})
      EXPECT_EQ(slurp(folder / "results" / "stscan" / file), slurp(folder / "cli" / file)) << file;

    if (model == scan::ScanModel::kPermutation) {
      // By hand (tests/cli/stscan_planted.case): the 3 cases at (350000, 570000) on 2019-01-05,
      // C_Z = C_D = 3, mu = 3 x 3 / 12 = 0.75, RR = (3 / 0.75) / (9 / 11.25) = 5,
      // LLR = 3 ln 4 + 9 ln 0.8 = 2.1505911.
      const auto& c = run.listed.front();
      EXPECT_EQ(c.observed, 3);
      EXPECT_DOUBLE_EQ(c.expected, 0.75);
      EXPECT_NEAR(c.relative_risk, 5.0, 1e-12);
      EXPECT_NEAR(c.llr, 3 * std::log(4.0) + 9 * std::log(0.8), 1e-12);
      EXPECT_NEAR(c.llr, 2.1505911, 1e-7);
    }

    const auto report = slurp(folder / "results" / "report.html");
    EXPECT_NE(report.find("id=\"stscan\""), std::string::npos);
    EXPECT_NE(report.find("Clusters"), std::string::npos);
    // The summary's scan line (after the study's description), as the command prints it.
    const auto scan_line = run.summary.substr(run.summary.find("Space-time scan, "), 60);
    EXPECT_NE(report.find(scan_line), std::string::npos) << scan_line;
    EXPECT_NE(report.find(model == scan::ScanModel::kPoisson ? "Kulldorff (2001)"
                                                             : "Kulldorff, Heffernan"),
              std::string::npos);
    EXPECT_NE(report.find("Dwass (1957)"), std::string::npos);
    fs::remove_all(folder);
  }
}

TEST(StScanStage, RecipeAndCommandAgreeWithAPopulation) {
  // The Poisson scan with tests/data/stscan/population.geojson (Kulldorff 2001): the cells hold
  // 50, 50, 150, 150 persons; the first cell's 3 cases on one day of 10 expect 12 x 50/400 / 10.
  const std::string population = std::string(SCRUTINEER_TEST_DATA) + "/stscan/population.geojson";
  const auto folder = recipe_test::temp_folder();
  std::ofstream(folder / "audit.toml") << data_table()
                                       << fmt::format(R"([stscan]
model = "poisson"
max_radius = 500
replications = 99
alpha = 1
cell_size = 1000
population = "{}"
population_field = "pop"
)",
                                                      population);
  recipe::RunOptions options;
  options.out = folder / "results";
  options.progress = false;
  recipe::run_recipe(recipe::parse_recipe(folder / "audit.toml"), options);
  auto cli = cli_options(folder / "cli", scan::ScanModel::kPoisson);
  cli.population = population;
  cli.population_field = "pop";
  const auto run = scan::run_stscan(cli);
  ASSERT_FALSE(run.listed.empty());
  EXPECT_NEAR(run.listed.front().expected, 0.15, 1e-15);
  for (const char* file : {"clusters.csv", "clusters.geojson", "summary.txt"})
    EXPECT_EQ(slurp(folder / "results" / "stscan" / file), slurp(folder / "cli" / file)) << file;
  const auto report = slurp(folder / "results" / "report.html");
  EXPECT_NE(report.find("apportioned to the grid cells by area share"), std::string::npos);
  // A population for the permutation model is refused at parse time, not ignored.
  const auto permutation = parse_error(folder, data_table() + "[stscan]\npopulation = \"" +
                                                   population + "\"\npopulation_field = \"pop\"\n");
  EXPECT_NE(permutation.find("audit.toml:12:14: stscan.population: is for the Poisson model"),
            std::string::npos)
      << permutation;
  const auto alone =
      parse_error(folder, data_table() + "[stscan]\nmodel = \"poisson\"\npopulation = \"" +
                              population + "\"\n");
  EXPECT_NE(alone.find("go together"), std::string::npos) << alone;
  fs::remove_all(folder);
}

TEST(StScanStage, KeysAreTheCommandsAndAreCheckedAtParseTime) {
  const auto folder = recipe_test::temp_folder();
  const auto data = data_table();
  const auto parse_error = [&](const std::string& text) { return ::parse_error(folder, text); };
  // An unknown key, at its line and column (10 lines of [data], then [stscan] at line 11).
  auto message = parse_error(data + "[stscan]\nmax_radius = 500\nradius = 3\n");
  EXPECT_NE(message.find("audit.toml:13:1: unknown key 'stscan.radius'"), std::string::npos)
      << message;
  // A value the declaration refuses, at the value.
  message = parse_error(data + "[stscan]\nmax_days = 0\n");
  EXPECT_NE(message.find("audit.toml:12:12:"), std::string::npos) << message;
  message = parse_error(data + "[stscan]\nmodel = \"bernoulli\"\n");
  EXPECT_NE(message.find("audit.toml:12:9:"), std::string::npos) << message;
  message = parse_error(data + "[stscan]\nalpha = 1.5\n");
  EXPECT_NE(message.find("audit.toml:12:9:"), std::string::npos) << message;
  // Without [data] there are no events to scan.
  message = parse_error("[stscan]\nreplications = 9\n");
  EXPECT_NE(message.find("stscan: needs a [data] table"), std::string::npos) << message;
  fs::remove_all(folder);
}
