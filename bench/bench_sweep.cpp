// Sweep throughput: tasks per second of the local pool at 1 and 2 workers on small score-audit
// tasks, against the same recipe run directly (recipe::run_recipe), whose difference is the
// sweep's overhead per task (expansion excluded: parse, folder, sweep.db rows, summary); and the
// cost of one row of the results table (mark "running" + record the outcome) in SQLite and, when
// SCRUTINEER_BENCH_POSTGRES holds a connection string, on a PostgreSQL server (--table).
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "scrutineer/recipe/recipe.hpp"
#include "scrutineer/recipe/run.hpp"
#include "scrutineer/sweep/run.hpp"
#include "scrutineer/sweep/sweep.hpp"

namespace fs = std::filesystem;
using namespace scrutineer;

namespace {

constexpr int kTasks = 24;

// A folder with 200 people of two groups and a sweep of kTasks bootstrap seeds.
fs::path setup_folder() {
  const auto dir =
      fs::temp_directory_path() / ("scrutineer_bench_sweep_" + std::to_string(getpid()));
  fs::create_directories(dir);
  std::ofstream people(dir / "people.csv");
  people << "race,flag,outcome\n";
  for (int i = 0; i < 200; ++i)
    people << (i % 2 ? "A" : "B") << "," << (i % 3 == 0) << "," << (i % 5 < 2) << "\n";
  std::ofstream(dir / "s.toml") << "[recipe.scores]\npath = \"people.csv\"\nflag = \"flag\"\n"
                                   "outcome = \"outcome\"\ngroups = [\"race\"]\nbootstrap = 100\n"
                                   "min_cell = 0\n[axes]\n\"scores.seed\" = { from = 1, to = "
                                << kTasks << " }\n";
  return dir;
}

void BM_SweepLocal(benchmark::State& state) {
  const auto dir = setup_folder();
  const auto s = sweep::parse_sweep(dir / "s.toml");
  for (auto _ : state) {
    fs::remove_all(dir / "out");
    sweep::run_sweep(s, {dir / "out", static_cast<int>(state.range(0)), false, {}, {}});
  }
  state.SetItemsProcessed(state.iterations() * kTasks);  // items/s = tasks/s
  fs::remove_all(dir);
}
BENCHMARK(BM_SweepLocal)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_RecipeDirect(benchmark::State& state) {
  const auto dir = setup_folder();
  const auto s = sweep::parse_sweep(dir / "s.toml");
  const auto r = recipe::parse_recipe_text(s.recipe_file, s.tasks[0].recipe_text);
  recipe::RunOptions o;
  o.progress = false;
  for (auto _ : state) {
    for (int i = 0; i < kTasks; ++i) {
      o.out = dir / "direct" / std::to_string(i);
      fs::remove_all(o.out);
      recipe::run_recipe(r, o);
    }
  }
  state.SetItemsProcessed(state.iterations() * kTasks);
  fs::remove_all(dir);
}
BENCHMARK(BM_RecipeDirect)->Unit(benchmark::kMillisecond)->UseRealTime();

// One task's two writes to the results table: "running", then its outcome.
void BM_TableRow(benchmark::State& state) {
  const auto dir = setup_folder();
  const auto s = sweep::parse_sweep(dir / "s.toml");
  std::string location;
  if (state.range(0) == 1) {
    const char* pg = std::getenv("SCRUTINEER_BENCH_POSTGRES");
    if (!pg || !*pg) {
      state.SkipWithError("set SCRUTINEER_BENCH_POSTGRES to a connection string");
      fs::remove_all(dir);
      return;
    }
    location = pg;
  }
  fs::create_directories(dir / "out");
  sweep::ResultsTable table(location, dir / "out");
  sweep::TaskOutcome outcome;
  outcome.status = "done";
  outcome.headline = R"({"hit_rate":{"estimate":0.25,"lo":0.2,"hi":0.3}})";
  std::size_t i = 0;
  for (auto _ : state) {
    const auto& task = s.tasks[i++ % s.tasks.size()];
    table.mark(s, task, "running");
    outcome.index = task.index;
    table.record(s, task, outcome);
  }
  state.SetItemsProcessed(state.iterations());
  state.SetLabel(location.empty() ? "sqlite" : "postgresql");
  fs::remove_all(dir);
}
BENCHMARK(BM_TableRow)->Arg(0)->Arg(1)->Unit(benchmark::kMicrosecond)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
