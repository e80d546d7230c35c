// Issue 16: sepp-grid's opt-in arithmetic=fast and accelerate=squarem reach the model the same way
// through the recipe's [feedback.params] and through `scrutineer feedback loop --model-params`:
// the same loop outputs; an unknown value is refused (exit 64). A small synthetic city, no shared
// data needed (data_test_* only so that the executable is built first).
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdlib>
#include <fstream>

#include "folders.hpp"
#include "scrutineer/recipe/recipe.hpp"
#include "scrutineer/recipe/run.hpp"

namespace fs = std::filesystem;
using namespace scrutineer::recipe;
using recipe_test::slurp;
using recipe_test::temp_folder;

namespace {

int cli(const std::string& arguments) {
  const auto command = fmt::format("{} -q {} > /dev/null 2>&1", SCRUTINEER_CLI, arguments);
  const int status = std::system(command.c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

TEST(FrontEnds, SeppGridFastAndSquaremThroughRecipeAndFeedbackCommand) {
  const auto folder = temp_folder();
  const auto city = recipe_test::write_small_city(folder, 200);
  const auto c = (folder / "city").string();
  // In the recipe table's key order, as loop_summary.json records it.
  const std::string params = "accelerate=squarem,arithmetic=fast,warm_start=true,window=30d";
  std::ofstream(folder / "audit.toml") << fmt::format(R"([data]
path = "city/events.csv"
format = "generic"
time_zone = "Europe/London"
source_crs = "EPSG:32630"
crs = "EPSG:32630"
[data.columns]
time = "time"
x = "x"
y = "y"
[grid]
region = "city/region.geojson"
cell_size = 100
origin_x = {}
origin_y = {}
[areas]
path = "city/areas.geojson"
id = "id"
groups = ["group_a", "group_b", "group_c"]
[feedback]
truth = "fitted"
model = "sepp-grid"
days = 20
history_days = 30
window_days = 30
replicates = 2
[feedback.params]
window = "30d"
warm_start = "true"
arithmetic = "fast"
accelerate = "squarem"
)",
                                                      city.options.origin_x, city.options.origin_y);
  RunOptions options;
  options.out = folder / "run";
  options.progress = false;
  run_recipe(parse_recipe(folder / "audit.toml"), options);
  const auto study = fmt::format(
      "--truth fitted --events {0}/events.csv --format generic --time time --x x --y y "
      "--source-crs EPSG:32630 --time-zone Europe/London --crs EPSG:32630 --cell-size 100 "
      "--origin-x {1} --origin-y {2} --areas {0}/areas.geojson --area-id id "
      "--groups group_a,group_b,group_c --region {0}/region.geojson --model sepp-grid "
      "--days 20 --history 30 --window 30 --replicates 2",
      c, city.options.origin_x, city.options.origin_y);
  const auto out = folder / "cli";
  ASSERT_EQ(
      cli(fmt::format("feedback loop {} --model-params {} -o {}", study, params, out.string())), 0);
  for (const char* file : {"loop_series.csv", "loop_summary.json"})
    EXPECT_EQ(slurp(options.out / "feedback" / file), slurp(out / file)) << file;
  EXPECT_NE(slurp(out / "loop_summary.json").find("arithmetic=fast"), std::string::npos);
  // Unknown values are configuration errors (sysexits EX_USAGE = 64).
  for (const char* bad :
       {"arithmetic=quick", "accelerate=anderson", "arithmetic=fast,e_step=as-coded"})
    EXPECT_EQ(cli(fmt::format("feedback loop {} --model-params {} -o {}", study, bad,
                              (folder / "bad").string())),
              64)
        << bad;
  fs::remove_all(folder);
}

}  // namespace
