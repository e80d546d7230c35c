// End-to-end tests of `scrutineer synth` and `scrutineer demo` (the built executable).
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "scrutineer/synth/city.hpp"

namespace fs = std::filesystem;

namespace {

fs::path temp_folder(const std::string& name) {
  const auto path = fs::temp_directory_path() /
                    ("scrutineer_synth_cli_" + std::to_string(::getpid()) + "_" + name);
  fs::remove_all(path);
  return path;
}

std::string slurp(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

struct Run {
  int code;
  std::string out, err;
};

Run run(const std::string& args, const fs::path& folder) {
  fs::create_directories(folder);
  const auto out = folder / "stdout.txt", err = folder / "stderr.txt";
  const std::string command =
      std::string(SCRUTINEER_CLI) + " -q " + args + " > " + out.string() + " 2> " + err.string();
  const int status = std::system(command.c_str());
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, slurp(out), slurp(err)};
}

}  // namespace

TEST(SynthCli, WritesTheSameFilesAsTheLibrary) {
  const auto folder = temp_folder("same");
  const auto result = run("synth --out " + (folder / "cli").string() + " --seed 5 --days 30 " +
                              "--groups x,y --group-shares 0.7,0.3 --reporting-by-group 0.8,0.4",
                          folder);
  ASSERT_EQ(result.code, 0) << result.err;
  scrutineer::synth::CityOptions options;
  options.seed = 5;
  options.days = 30;
  options.groups = "x,y";
  options.group_shares = "0.7,0.3";
  options.reporting_by_group = "0.8,0.4";
  const auto paths =
      scrutineer::synth::write_city(scrutineer::synth::generate_city(options), folder / "library");
  for (const auto& path : paths) {
    EXPECT_EQ(slurp(folder / "cli" / path.filename()), slurp(path)) << path.filename();
    EXPECT_NE(result.out.find((folder / "cli" / path.filename()).string()), std::string::npos);
  }
  fs::remove_all(folder);
}

TEST(SynthCli, BadOptionIsExit64WithTheReason) {
  const auto folder = temp_folder("bad");
  const auto result = run("synth --out " + (folder / "cli").string() + " --theta 1", folder);
  EXPECT_EQ(result.code, 64);
  EXPECT_NE(result.err.find("theta"), std::string::npos) << result.err;
  EXPECT_FALSE(fs::exists(folder / "cli" / "events.csv"));
  fs::remove_all(folder);
}

TEST(DemoCli, RunsEveryStepAndSaysWhereTheOutputsAre) {
  const auto folder = temp_folder("demo");
  const auto result = run("demo --out " + (folder / "demo").string() + " --days 60", folder);
  ASSERT_EQ(result.code, 0) << result.out << result.err;
  // The demo writes the city and its recipe, then runs the recipe into results/.
  for (const char* file : {"city/events.csv", "city/truth.json", "city/areas.geojson", "demo.toml",
                           "results/ingest/summary.json", "results/grid/cells.gpkg",
                           "results/grid/overlay.csv", "results/backtest/summary.json",
                           "results/backtest/flagged.csv", "results/disparity/groups.csv",
                           "results/disparity/areas.geojson", "results/feedback/loop_summary.json",
                           "results/run.json", "results/recipe.toml", "results/report.html"}) {
    const auto path = folder / "demo" / file;
    EXPECT_TRUE(fs::exists(path)) << file;
    EXPECT_NE(result.out.find(path.string()), std::string::npos) << file;
  }
  // The report holds each section, two maps and no reference to anything on the network.
  std::ifstream in(folder / "demo" / "results" / "report.html");
  const std::string html((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  for (const char* section : {"Accuracy: how often", "Disparity: on whom", "Feedback: does",
                              "Methods and references", "Mohler", "Ensign"})
    EXPECT_NE(html.find(section), std::string::npos) << section;
  EXPECT_NE(html.find("Days each cell was flagged by"), std::string::npos);  // daily periods
  EXPECT_NE(html.find("Patrol exposure per resident by area"), std::string::npos);
  EXPECT_EQ(html.find("src=\"http"), std::string::npos);
  fs::remove_all(folder);
}
