// One answer through every door (issue 13): examples/nearrepeat/audit.toml run as a recipe and
// examples/nearrepeat/run.sh (the `scrutineer nearrepeat` command) on the same Chicago burglaries
// write byte-identical knox.csv, knox.svg and summary.txt. Skipped when ../shared/data is absent.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cstdlib>

#include "folders.hpp"
#include "scrutineer/recipe/recipe.hpp"
#include "scrutineer/recipe/run.hpp"

namespace fs = std::filesystem;
using recipe_test::slurp;

TEST(NearRepeatDoors, RecipeAndCommandWriteTheSameFiles) {
  // Normalised as the recipe normalises ${data}, so summary.txt names the same path through both
  // doors (the default is the checkout's ../shared/data).
  const std::string shared = fs::weakly_canonical(SCRUTINEER_SHARED_DATA).string();
  const auto events = shared + "/chicago-burglary-nearrepeat/chicago_burglary_2014_2017.csv";
  if (!fs::exists(events)) GTEST_SKIP() << events << " absent: see ../shared/data";
  const auto examples =
      fs::path(SCRUTINEER_TEST_DATA).parent_path().parent_path() / "examples" / "nearrepeat";
  const auto folder = recipe_test::temp_folder();
  scrutineer::recipe::RunOptions options;
  options.out = folder / "recipe";
  options.progress = false;
  scrutineer::recipe::run_recipe(scrutineer::recipe::parse_recipe(examples / "audit.toml", shared),
                                 options);
  const auto command =
      fmt::format("sh {} {} {} {} > /dev/null 2>&1", (examples / "run.sh").string(), SCRUTINEER_CLI,
                  shared, (folder / "cli").string());
  ASSERT_EQ(std::system(command.c_str()), 0) << command;
  for (const char* file : {"knox.csv", "knox.svg", "summary.txt"}) {
    const auto cli = slurp(folder / "cli" / file);
    EXPECT_FALSE(cli.empty()) << file;
    EXPECT_EQ(slurp(folder / "recipe" / "nearrepeat" / file), cli) << file;
  }
  // The report carries the table and the summary's first line.
  const auto report = slurp(folder / "recipe" / "report.html");
  EXPECT_NE(report.find("id=\"nearrepeat\""), std::string::npos);
  fs::remove_all(folder);
}
