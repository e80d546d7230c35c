// Tests of the sweep: expansion (product, ranges, zip, model parameters), errors at the sweep
// file's FILE:LINE:COL, task ids, the cost estimate, the local pool against one worker, failed
// tasks, restart and the headline figures.
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "scrutineer/core/error.hpp"
#include "scrutineer/recipe/recipe.hpp"
#include "scrutineer/recipe/run.hpp"
#include "scrutineer/recipe/sha256.hpp"
#include "scrutineer/sweep/run.hpp"
#include "scrutineer/sweep/sweep.hpp"

namespace fs = std::filesystem;
using namespace scrutineer;
using namespace scrutineer::sweep;

namespace {

fs::path fresh_folder() {
  const auto* test = ::testing::UnitTest::GetInstance()->current_test_info();
  const auto path = fs::temp_directory_path() /
                    ("scrutineer_sweep_" + std::to_string(::getpid()) + "_" + test->name());
  fs::remove_all(path);
  fs::create_directories(path);
  return path;
}

std::string slurp(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

const fs::path kData = fs::path(SCRUTINEER_TEST_DATA) / "sweep";

// A sweep file in `folder` over the test people (copied there) with these axes.
fs::path write_sweep(const fs::path& folder, const std::string& axes,
                     const std::string& extra = "") {
  fs::copy_file(kData / "people.csv", folder / "people.csv", fs::copy_options::overwrite_existing);
  std::ofstream(folder / "s.toml") << "title = \"t\"\n"
                                   << extra
                                   << "[recipe.scores]\npath = \"people.csv\"\nflag = \"flag\"\n"
                                      "outcome = \"outcome\"\ngroups = [\"race\"]\n"
                                      "bootstrap = 0\nmin_cell = 0\n[axes]\n"
                                   << axes;
  return folder / "s.toml";
}

std::string error_of(const fs::path& file) {
  try {
    parse_sweep(file);
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "no error";
}

}  // namespace

TEST(SweepExpand, CartesianProductFirstAxisSlowest) {
  const auto folder = fresh_folder();
  const auto s = parse_sweep(write_sweep(folder,
                                         "\"scores.seed\" = [7, 8]\n"
                                         "\"scores.bootstrap\" = [0, 10, 20]\n"));
  ASSERT_EQ(s.tasks.size(), 6u);  // 2 x 3
  EXPECT_EQ(s.axes, (std::vector<std::string>{"scores.seed", "scores.bootstrap"}));
  // Task 4 = seed index 4 / 3 = 1 (8), bootstrap index 4 % 3 = 1 (10).
  EXPECT_EQ(s.tasks[4].values[0].second, "8");
  EXPECT_EQ(s.tasks[4].values[1].second, "10");
  const auto r = recipe::parse_recipe_text(s.recipe_file, s.tasks[4].recipe_text);
  EXPECT_EQ(r.scores.command.audit.seed, 8u);
  EXPECT_EQ(r.scores.command.audit.bootstrap, 10);
  fs::remove_all(folder);
}

TEST(SweepExpand, RangesAndZipGroups) {
  const auto folder = fresh_folder();
  // from 1 to 7 step 3: 1, 4, 7 (7 included); zipped with three bootstrap sizes: 3 tasks, not 9.
  const auto s = parse_sweep(write_sweep(folder,
                                         "\"scores.seed\" = { from = 1, to = 7, step = 3 }\n"
                                         "\"scores.bootstrap\" = [0, 10, 20]\n",
                                         "zip = [[\"scores.seed\", \"scores.bootstrap\"]]\n"));
  ASSERT_EQ(s.tasks.size(), 3u);
  EXPECT_EQ(s.tasks[1].values[0].second, "4");
  EXPECT_EQ(s.tasks[1].values[1].second, "10");
  EXPECT_EQ(s.tasks[2].values[0].second, "7");
  EXPECT_EQ(s.tasks[2].values[1].second, "20");
  fs::remove_all(folder);
}

TEST(SweepExpand, TaskIdIsTheHashOfTheRecipeAndEngine) {
  const auto folder = fresh_folder();
  const auto file = write_sweep(folder, "\"scores.seed\" = [1, 2, 3]\n");
  const auto a = parse_sweep(file), b = parse_sweep(file);
  std::set<std::string> ids;
  for (std::size_t i = 0; i < a.tasks.size(); ++i) {
    EXPECT_EQ(a.tasks[i].id, b.tasks[i].id);  // stable
    EXPECT_EQ(
        a.tasks[i].id,
        recipe::sha256_hex(a.tasks[i].recipe_text + "\n" + recipe::engine_version()).substr(0, 16));
    ids.insert(a.tasks[i].id);
  }
  EXPECT_EQ(ids.size(), 3u);  // distinct
  fs::remove_all(folder);
}

TEST(SweepErrors, NameTheSweepFilesLineAndColumn) {
  const auto folder = fresh_folder();
  // Line 2 is "zip = ..."; the unknown key is on line 2 of "extra" (the title is line 1).
  EXPECT_EQ(error_of(write_sweep(folder, "\"scores.seed\" = [1]\n", "seeds = 3\n")),
            (folder / "s.toml").string() +
                ":2:1: unknown key 'seeds' (expected title, recipe, [axes], zip, [split])");
  // The axes start on line 10: an unknown recipe key is refused by the recipe parser, the
  // message pointing at the value in the sweep file.
  const auto unknown = error_of(write_sweep(folder, "\"scores.seeed\" = [5]\n"));
  EXPECT_EQ(unknown.rfind((folder / "s.toml").string() + ":10:19: task 0 (scores.seeed = 5)"
                                                         ": the recipe is refused: ",
                          0),
            0u)
      << unknown;
  EXPECT_NE(unknown.find("seeed"), std::string::npos);
  const auto zip =
      error_of(write_sweep(folder, "\"scores.seed\" = [1, 2]\n\"scores.bootstrap\" = [0]\n",
                           "zip = [[\"scores.seed\", \"scores.bootstrap\"]]\n"));
  EXPECT_NE(zip.find("s.toml:2:"), std::string::npos) << zip;
  EXPECT_NE(zip.find("has 1 values"), std::string::npos) << zip;
  const auto range = error_of(write_sweep(folder, "\"scores.seed\" = { from = 5, to = 1 }\n"));
  EXPECT_NE(range.find("s.toml:10:17: axis \"scores.seed\": expected from <= to"),
            std::string::npos)
      << range;
  fs::remove_all(folder);
}

TEST(SweepCost, StatedFormula) {
  const auto folder = fresh_folder();
  // feedback: days x replicates x mitigations / 1000 = 100 x 20 x 2 / 1000 = 4.
  const std::string feedback =
      "[feedback]\ndays = 100\nreplicates = 20\nmitigations = [\"none\", \"rejection\"]\n";
  EXPECT_DOUBLE_EQ(estimate_cost(feedback, folder / "a.toml", ""), 4.0);
  // scores: input MB, at least 1 (people.csv is 0.0004 MB).
  const auto s = parse_sweep(write_sweep(folder, "\"scores.seed\" = [1]\n"));
  EXPECT_DOUBLE_EQ(s.tasks[0].cost, 1.0);
  fs::remove_all(folder);
}

TEST(SweepHeadline, ReadsTheBacktestAndDisparityFigures) {
  const auto folder = fresh_folder();
  fs::create_directories(folder / "backtest");
  fs::create_directories(folder / "disparity");
  std::ofstream(folder / "backtest" / "summary.json")
      << R"({"models": [{"label": "naive", "baseline": true, "operating": {}},
                        {"label": "kde", "baseline": false, "operating": {
                          "hit_rate": {"estimate": 0.25, "lo": 0.2, "hi": 0.3},
                          "wrong_share": {"estimate": 0.5, "lo": 0.4, "hi": 0.6}}}]})";
  std::ofstream(folder / "disparity" / "disparity.json")
      << R"({"groups": [{"group": "a", "disparity_ratio": 1.5,
                         "disparity_ratio_ci": {"estimate": 1.5, "lo": 1.1, "hi": 1.9}},
                        {"group": "b", "disparity_ratio": 0.7,
                         "disparity_ratio_ci": {"estimate": 0.7, "lo": 0.5, "hi": 0.9}}]})";
  fs::create_directories(folder / "feedback");
  std::ofstream(folder / "feedback" / "loop_summary.json")
      << R"({"scenarios": [{"mitigation": "none", "final_day": {
              "true_hit_rate": {"mean": 0.06, "q05": 0.01, "q95": 0.1},
              "tvd_group": {"mean": 0.18, "q05": 0.13, "q95": 0.23}}}]})";
  const auto h = nlohmann::json::parse(headline_figures(folder));
  EXPECT_EQ(h["loop_mitigation"], "none");
  EXPECT_DOUBLE_EQ(h["loop_true_hit_rate"]["q95"].get<double>(), 0.1);
  EXPECT_DOUBLE_EQ(h["loop_tvd_group"]["mean"].get<double>(), 0.18);
  EXPECT_EQ(h["model"], "kde");  // the first non-baseline model
  EXPECT_DOUBLE_EQ(h["hit_rate"]["estimate"].get<double>(), 0.25);
  EXPECT_DOUBLE_EQ(h["wrong_share"]["hi"].get<double>(), 0.6);
  EXPECT_EQ(h["disparity_ratio"]["group"], "a");  // the largest ratio
  EXPECT_DOUBLE_EQ(h["disparity_ratio"]["lo"].get<double>(), 1.1);
  fs::remove_all(folder);
}

// Every file of each task folder except run.json (times, command line), by relative path.
std::map<std::string, std::string> task_files(const fs::path& out) {
  std::map<std::string, std::string> files;
  for (const auto& e : fs::recursive_directory_iterator(out / "tasks"))
    if (e.is_regular_file() && e.path().filename() != "run.json" &&
        e.path().filename() != ".scrutineer-manifest.json")
      files[fs::relative(e.path(), out).string()] = slurp(e.path());
  return files;
}

TEST(SweepRun, PoolOfTwoGivesTheSameResultsAsOneWorker) {
  const auto folder = fresh_folder();
  const auto s = parse_sweep(kData / "sweep.toml");
  ASSERT_EQ(s.tasks.size(), 6u);
  const auto one = run_sweep(s, {folder / "one", 1, false, {}, {}});
  const auto two = run_sweep(s, {folder / "two", 2, false, {}, {}});
  EXPECT_EQ(one.ran, 6u);
  EXPECT_EQ(two.ran, 6u);
  EXPECT_EQ(one.failed, 0u);
  EXPECT_EQ(slurp(folder / "one" / "summary.csv"), slurp(folder / "two" / "summary.csv"));
  EXPECT_EQ(slurp(folder / "one" / "summary.json"), slurp(folder / "two" / "summary.json"));
  const auto a = task_files(folder / "one");
  EXPECT_GE(a.size(), 6u * 3);  // report.html, recipe.toml and the scores tables per task
  EXPECT_EQ(a, task_files(folder / "two"));
  // The seeds change the bootstrap intervals: tasks differ from one another.
  EXPECT_NE(slurp(folder / "one" / "tasks" / s.tasks[0].id / "scores" / "scores.json"),
            slurp(folder / "one" / "tasks" / s.tasks[2].id / "scores" / "scores.json"));
  fs::remove_all(folder);
}

TEST(SweepRun, FailedTaskIsRecordedAndRestartSkipsCompletedTasks) {
  const auto folder = fresh_folder();
  // groups = ["ethnicity"]: the people file has no such column, the stage fails at run time.
  const auto s = parse_sweep(write_sweep(folder,
                                         "\"scores.groups\" = [[\"race\"], [\"ethnicity\"]]\n"
                                         "\"scores.seed\" = [1, 2]\n"));
  ASSERT_EQ(s.tasks.size(), 4u);
  const auto out = folder / "out";
  const auto first = run_sweep(s, {out, 2, false, {}, {}});
  EXPECT_EQ(first.ran, 4u);
  EXPECT_EQ(first.failed, 2u);  // tasks 2 and 3 (ethnicity), the others went on
  const auto summary = nlohmann::json::parse(slurp(out / "summary.json"));
  EXPECT_EQ(summary["tasks"][0]["status"], "done");
  EXPECT_EQ(summary["tasks"][2]["status"], "failed");
  EXPECT_NE(summary["tasks"][2]["error"].get<std::string>().find("ethnicity"), std::string::npos);
  EXPECT_FALSE(fs::exists(out / "tasks" / s.tasks[2].id));  // a failure leaves no folder
  // Restart: nothing runs again; the failed ones only when asked.
  const auto again = run_sweep(s, {out, 2, false, {}, {}});
  EXPECT_EQ(again.ran, 0u);
  EXPECT_EQ(again.skipped_done, 2u);
  EXPECT_EQ(again.skipped_failed, 2u);
  const auto retry = run_sweep(s, {out, 1, true, {}, {}});
  EXPECT_EQ(retry.ran, 2u);
  EXPECT_EQ(retry.failed, 2u);
  // A done task whose folder was removed runs again.
  fs::remove_all(out / "tasks" / s.tasks[1].id);
  const auto lost = run_sweep(s, {out, 1, false, {}, {}});
  EXPECT_EQ(lost.ran, 1u);
  EXPECT_TRUE(fs::exists(out / "tasks" / s.tasks[1].id / "scores" / "scores.json"));
  ResultsTable table(out / "sweep.db");
  EXPECT_EQ(table.rows_json().size(), 4u);  // one row per task, never duplicated
  fs::remove_all(folder);
}

TEST(SweepTable, ErrorsNameTheResultsTableNotTheRegister) {
  const auto folder = fresh_folder();
  {
    std::ofstream f(folder / "sweep.db", std::ios::binary);
    f << "this is not an SQLite database, but a file of text that is long enough to be read\n";
  }
  std::string message;
  try {
    ResultsTable table(folder / "sweep.db");
  } catch (const IoError& e) {
    message = e.what();
  }
  EXPECT_NE(message.find("sweep results table"), std::string::npos) << message;
  EXPECT_EQ(message.find("register"), std::string::npos) << message;
  fs::remove_all(folder);
}

TEST(SweepRun, TaskIsTheSameRunAsScrutineerRunOfItsRecipe) {
  // One answer through every door: a task's folder holds the same files as recipe::run_recipe
  // (`scrutineer run`) of the task's recipe text writes.
  const auto folder = fresh_folder();
  const auto s = parse_sweep(kData / "sweep.toml");
  run_sweep(s, {folder / "sweep", 1, false, {}, {}});
  const auto& task = s.tasks[3];
  recipe::RunOptions o;
  o.out = folder / "run";
  o.progress = false;
  recipe::run_recipe(recipe::parse_recipe_text(s.recipe_file, task.recipe_text), o);
  for (const auto* file : {"report.html", "recipe.toml", "scores/scores.json"})
    EXPECT_EQ(slurp(folder / "run" / file), slurp(folder / "sweep" / "tasks" / task.id / file))
        << file;
  EXPECT_NE(slurp(folder / "run" / "scores" / "scores.json").find("\"seed\""), std::string::npos);
  fs::remove_all(folder);
}

TEST(SweepErrors, ZipInsideAxesIsRefused) {
  const auto folder = fresh_folder();
  const auto e =
      error_of(write_sweep(folder, "\"scores.seed\" = [1]\nzip = [[\"scores.seed\"]]\n"));
  EXPECT_NE(e.find("s.toml:11:1: zip is a top-level key"), std::string::npos) << e;
  fs::remove_all(folder);
}

// --- Long tasks split across processes ([split], docs/sweep.md) ---

namespace {

// A copy of a test sweep file in `folder` (with events.csv beside it), its [split] parts set to
// `parts` ("backtest = 3" -> "backtest = 1" gives the unsplit sweep).
fs::path split_copy(const fs::path& folder, const std::string& name, const std::string& key,
                    int parts) {
  fs::create_directories(folder);
  fs::copy_file(kData / "events.csv", folder / "events.csv", fs::copy_options::overwrite_existing);
  auto text = slurp(kData / name);
  const auto at = text.find(key + " = 3");
  EXPECT_NE(at, std::string::npos);
  text.replace(at, key.size() + 4, key + " = " + std::to_string(parts));
  std::ofstream(folder / name) << text;
  return folder / name;
}

// The files of the expansion's task folders (the parts' folders left out), every file but
// run.json (times) and the GeoPackage (GDAL writes the time into it).
std::map<std::string, std::string> merged_files(const Sweep& s, const fs::path& out) {
  std::map<std::string, std::string> files;
  for (std::size_t i = 0; i < s.expansion; ++i) {
    const auto dir = out / "tasks" / s.tasks[i].id;
    for (const auto& e : fs::recursive_directory_iterator(dir))
      if (e.is_regular_file() && e.path().filename() != "run.json" &&
          e.path().extension() != ".gpkg" && e.path().filename() != ".scrutineer-manifest.json")
        files[fs::relative(e.path(), out).string()] = slurp(e.path());
  }
  return files;
}

void expect_split_same_as_whole(const std::string& name, const std::string& key,
                                const std::string& table_file) {
  // One sweep file path for both (the report names the recipe's file, ingest/summary.json the
  // data's path): the unsplit sweep is run, then the split one written over it.
  const auto folder = fresh_folder();
  const auto whole = parse_sweep(split_copy(folder, name, key, 1));
  const auto a = run_sweep(whole, {folder / "whole" / "out", 1, false, {}, {}});
  const auto split = parse_sweep(split_copy(folder, name, key, 3));
  ASSERT_EQ(whole.tasks.size(), 2u);
  ASSERT_EQ(split.tasks.size(), 2u + 2 * 3);
  ASSERT_EQ(split.expansion, 2u);
  for (std::size_t i = 0; i < 2; ++i) EXPECT_EQ(whole.tasks[i].id, split.tasks[i].id);
  const auto b = run_sweep(split, {folder / "split" / "out", 2, false, {}, {}});
  EXPECT_EQ(a.ran, 2u);
  EXPECT_EQ(b.ran, 2u);
  EXPECT_EQ(b.parts, 6u);
  EXPECT_EQ(b.failed, 0u);
  const auto files = merged_files(whole, folder / "whole" / "out");
  EXPECT_GE(files.size(), 2u * 4);
  EXPECT_TRUE(files.count((fs::path("tasks") / whole.tasks[0].id / table_file).string()))
      << table_file;
  EXPECT_EQ(files, merged_files(split, folder / "split" / "out"));  // byte for byte
  EXPECT_EQ(slurp(folder / "whole" / "out" / "summary.csv"),
            slurp(folder / "split" / "out" / "summary.csv"));
  // Each part wrote its share only; the merge read them all.
  for (std::size_t p = 2; p < split.tasks.size(); ++p)
    EXPECT_TRUE(
        fs::exists(folder / "split" / "out" / "tasks" / split.tasks[p].id / "split" / "part.bin"));
  fs::remove_all(folder);
}

}  // namespace

TEST(SweepSplit, ExpandsATaskIntoPartsAndAMerge) {
  const auto s = parse_sweep(kData / "backtest_split.toml");
  ASSERT_EQ(s.expansion, 2u);
  ASSERT_EQ(s.tasks.size(), 8u);
  EXPECT_EQ(s.tasks[0].split, "backtest");
  EXPECT_FALSE(s.tasks[0].is_part());
  EXPECT_EQ(s.tasks[0].part_tasks, (std::vector<std::size_t>{2, 3, 4}));
  EXPECT_EQ(s.tasks[1].part_tasks, (std::vector<std::size_t>{5, 6, 7}));
  std::set<std::string> ids;
  for (const auto& t : s.tasks) ids.insert(t.id);
  EXPECT_EQ(ids.size(), 8u);  // a part's id adds the part to the hash
  EXPECT_EQ(s.tasks[6].part, 1);
  EXPECT_EQ(s.tasks[6].parts, 3);
  EXPECT_EQ(s.tasks[6].merge, 1u);
  EXPECT_EQ(s.tasks[6].recipe_text, s.tasks[1].recipe_text);
  // A merge's cost is shared with its parts: the listing still orders largest first.
  EXPECT_DOUBLE_EQ(s.tasks[2].cost, s.tasks[0].cost);
  EXPECT_NE(dry_run_listing(s).find("(backtest part 1 of 3, merged by task 1)"), std::string::npos);
  // The total is the unsplit tasks' estimate (each merge's 3 parts), merges not counted again.
  const double whole = 3 * (s.tasks[0].cost + s.tasks[1].cost);
  EXPECT_GT(whole, 0);
  EXPECT_NE(dry_run_listing(s).find(fmt::format("total cost {:.1f} units", whole)),
            std::string::npos)
      << dry_run_listing(s);
}

TEST(SweepSplit, BadSplitValuesNameTheirPosition) {
  const auto folder = fresh_folder();
  EXPECT_NE(error_of(write_sweep(folder, "", "[split]\nbacktest = 0\n"))
                .find("s.toml:3:12: split.backtest: expected a number of parts from 1 to 1000"),
            std::string::npos);
  EXPECT_NE(error_of(write_sweep(folder, "", "[split]\nscores = 2\n"))
                .find("s.toml:3:1: split: unknown key 'scores' (expected backtest, feedback)"),
            std::string::npos);
  // A recipe without the stage is not split: a score audit stays one task.
  EXPECT_EQ(parse_sweep(write_sweep(folder, "", "[split]\nbacktest = 4\n")).tasks.size(), 1u);
  fs::remove_all(folder);
}

TEST(SweepSplit, BacktestByPeriodsGivesTheOneProcessFiles) {
  expect_split_same_as_whole("backtest_split.toml", "backtest", "backtest/summary.json");
}

TEST(SweepSplit, FeedbackByReplicatesGivesTheOneProcessFiles) {
  expect_split_same_as_whole("feedback_split.toml", "feedback", "feedback/loop_summary.json");
}

TEST(SweepSplit, AKilledPartRunsAgainAndNothingIsDuplicated) {
  const auto folder = fresh_folder();
  const auto s = parse_sweep(split_copy(folder, "backtest_split.toml", "backtest", 3));
  const auto out = folder / "out";
  run_sweep(s, {out, 1, false, {}, {}});
  const auto before = merged_files(s, out);
  // As a sweep killed while part 4 (of task 0) ran: its folder and task 0's are missing, both
  // rows "running".
  {
    ResultsTable table(out / "sweep.db");
    table.mark(s, s.tasks[4], "running");
    table.mark(s, s.tasks[0], "running");
  }
  fs::remove_all(out / "tasks" / s.tasks[4].id);
  fs::remove_all(out / "tasks" / s.tasks[0].id);
  const auto again = run_sweep(s, {out, 2, false, {}, {}});
  EXPECT_EQ(again.ran, 1u);    // the merge of task 0
  EXPECT_EQ(again.parts, 1u);  // only the killed part; parts 2 and 3 are done
  EXPECT_EQ(again.skipped_done, 1u);
  EXPECT_EQ(merged_files(s, out), before);
  ResultsTable table(out / "sweep.db");
  EXPECT_EQ(table.rows_json().size(), 8u);  // one row per task and part
  std::size_t folders = 0;
  for ([[maybe_unused]] const auto& e : fs::directory_iterator(out / "tasks")) ++folders;
  EXPECT_EQ(folders, 8u);
  fs::remove_all(folder);
}

TEST(SweepSplit, AFailedPartFailsItsMergeWithThePartsError) {
  const auto folder = fresh_folder();
  const auto s = parse_sweep(split_copy(folder, "backtest_split.toml", "backtest", 3));
  // The parts read events.csv when they run: without it every part fails, and so do the merges.
  fs::remove(folder / "events.csv");
  const auto counts = run_sweep(s, {folder / "out", 2, false, {}, {}});
  EXPECT_EQ(counts.parts, 6u);
  EXPECT_EQ(counts.ran, 2u);
  EXPECT_EQ(counts.failed, 2u);
  const auto summary = nlohmann::json::parse(slurp(folder / "out" / "summary.json"));
  ASSERT_EQ(summary["tasks"].size(), 2u);  // the parts are not in the summary
  EXPECT_EQ(summary["tasks"][0]["status"], "failed");
  EXPECT_NE(summary["tasks"][0]["error"].get<std::string>().find("of 3 (task "), std::string::npos)
      << summary["tasks"][0]["error"];
  fs::remove_all(folder);
}
