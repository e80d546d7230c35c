// Runs a sweep's tasks: each one recipe::run_recipe into OUT/tasks/<id>/, recorded in sweep.db;
// the local pool of threads takes tasks largest first. A task's failure is recorded, not fatal.
#include "scrutineer/sweep/run.hpp"

#include <fmt/format.h>

#include <atomic>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>

#include "scrutineer/core/error.hpp"
#include "scrutineer/recipe/recipe.hpp"
#include "scrutineer/recipe/run.hpp"

namespace scrutineer::sweep {

namespace {

namespace fs = std::filesystem;

std::string utc_now() {
  const auto now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

nlohmann::json read_json(const fs::path& file) {
  std::ifstream in(file);
  if (!in) return nullptr;
  return nlohmann::json::parse(in, nullptr, false);
}

nlohmann::json interval(const nlohmann::json& j) {
  if (!j.is_object()) return nullptr;
  return {{"estimate", j.value("estimate", nlohmann::json())},
          {"lo", j.value("lo", nlohmann::json())},
          {"hi", j.value("hi", nlohmann::json())}};
}

// Test only: SCRUTINEER_SWEEP_TEST_EXIT_AT=N makes the process running task N exit at once, as
// a rank that dies would (the restart tests).
void test_exit(const Task& task) {
  const char* at = std::getenv("SCRUTINEER_SWEEP_TEST_EXIT_AT");
  if (at && std::to_string(task.index) == at) std::_Exit(3);
}

}  // namespace

std::string headline_figures(const fs::path& folder) {
  nlohmann::json h = nlohmann::json::object();
  const auto backtest = read_json(folder / "backtest" / "summary.json");
  if (backtest.is_object() && backtest.contains("models")) {
    for (const auto& m : backtest["models"]) {
      if (m.value("baseline", false)) continue;
      h["model"] = m.value("label", "");
      h["hit_rate"] = interval(m["operating"]["hit_rate"]);
      h["wrong_share"] = interval(m["operating"]["wrong_share"]);
      break;
    }
  }
  const auto disparity = read_json(folder / "disparity" / "disparity.json");
  if (disparity.is_object() && disparity.contains("groups")) {
    double best = -1;
    for (const auto& g : disparity["groups"]) {
      const auto& r = g["disparity_ratio"];
      if (!r.is_number() || r.get<double>() <= best) continue;
      best = r.get<double>();
      auto ci = interval(g["disparity_ratio_ci"]);
      h["disparity_ratio"] = {{"group", g.value("group", "")},
                              {"estimate", r},
                              {"lo", ci.is_object() ? ci["lo"] : nlohmann::json()},
                              {"hi", ci.is_object() ? ci["hi"] : nlohmann::json()}};
    }
  }
  // The closed loop (feedback/loop_summary.json): the first scenario's final day, the mean over
  // replicates and the 5% and 95% quantiles of the replicates (their spread, not an interval).
  const auto loop = read_json(folder / "feedback" / "loop_summary.json");
  if (loop.is_object() && loop.contains("scenarios") && !loop["scenarios"].empty()) {
    const auto& sc = loop["scenarios"][0];
    h["loop_mitigation"] = sc.value("mitigation", "");
    for (const char* name : {"true_hit_rate", "tvd_group"}) {
      const auto& q = sc["final_day"][name];
      if (q.is_object())
        h[std::string("loop_") + name] = {{"mean", q.value("mean", nlohmann::json())},
                                          {"q05", q.value("q05", nlohmann::json())},
                                          {"q95", q.value("q95", nlohmann::json())}};
    }
  }
  return h.dump();
}

TaskOutcome run_task(const Sweep& sweep, const Task& task, const fs::path& out) {
  test_exit(task);
  TaskOutcome o;
  o.index = task.index;
  o.started = utc_now();
  const auto start = std::chrono::steady_clock::now();
  const auto folder = out / "tasks" / task.id;
  try {
    const auto r = recipe::parse_recipe_text(sweep.recipe_file, task.recipe_text, sweep.data_dir);
    recipe::RunOptions options;
    options.out = folder;
    if (!task.split.empty()) {  // a part, or the merge of its parts' folders
      options.split.stage = task.split;
      options.split.part = std::max(task.part, 0);
      options.split.parts = task.parts;
      for (const auto p : task.part_tasks)
        options.split.merge_from.push_back(out / "tasks" / sweep.tasks.at(p).id);
    }
    options.progress = false;
    options.command_line =
        fmt::format("scrutineer sweep {} (task {} {})", sweep.file.string(), task.index, task.id);
    // An earlier attempt's folder is ours (a failed task leaves none: the rule is atomic).
    const auto result = recipe::run_recipe(r, options);
    o.status = "done";
    o.headline = headline_figures(result.folder);
  } catch (const std::exception& e) {
    o.status = "failed";
    o.error = e.what();
  }
  o.finished = utc_now();
  o.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return o;
}

std::vector<std::size_t> tasks_to_run(const Sweep& sweep, ResultsTable& table, const fs::path& out,
                                      bool retry_failed, std::size_t* skipped_done,
                                      std::size_t* skipped_failed) {
  std::vector<bool> run(sweep.tasks.size(), false);
  std::size_t done = 0, failed = 0;
  const auto finished = [&](const Task& task, const std::string& status) {
    return status == "done" && fs::is_directory(out / "tasks" / task.id);
  };
  std::vector<std::string> status(sweep.tasks.size());
  for (std::size_t i = 0; i < sweep.tasks.size(); ++i) status[i] = table.status(sweep.tasks[i].id);
  for (std::size_t i = 0; i < sweep.expansion; ++i) {
    const auto& task = sweep.tasks[i];
    if (finished(task, status[i])) {
      ++done;
      continue;
    }
    if (status[i] == "failed" && !retry_failed) {
      ++failed;
      continue;
    }
    run[i] = true;
    // A merge to run needs its parts: those not finished run (again), failed or not.
    for (const auto p : task.part_tasks) run[p] = !finished(sweep.tasks[p], status[p]);
  }
  std::vector<std::size_t> todo;
  table.begin();
  for (const auto i : schedule_order(sweep)) {
    if (!run[i]) continue;
    table.mark(sweep, sweep.tasks[i], "pending");
    todo.push_back(i);
  }
  table.commit();
  if (skipped_done) *skipped_done = done;
  if (skipped_failed) *skipped_failed = failed;
  return todo;
}

Scheduler::Scheduler(const Sweep& sweep, std::vector<std::size_t> todo)
    : sweep_(sweep), todo_(std::move(todo)), taken_(sweep.tasks.size(), false) {
  for (const auto i : todo_)
    if (sweep_.tasks[i].is_part()) ++waiting_[sweep_.tasks[i].merge];
  left_ = todo_.size();
}

std::optional<std::size_t> Scheduler::next() {
  while (cursor_ < todo_.size() && taken_[todo_[cursor_]]) ++cursor_;
  for (std::size_t k = cursor_; k < todo_.size(); ++k) {
    const auto i = todo_[k];
    if (taken_[i]) continue;
    const auto w = waiting_.find(i);
    if (w != waiting_.end() && w->second > 0) continue;  // a merge whose parts are not all done
    taken_[i] = true;
    --left_;
    return i;
  }
  return std::nullopt;
}

std::vector<TaskOutcome> Scheduler::finished(const TaskOutcome& outcome) {
  std::vector<TaskOutcome> out;
  const auto& task = sweep_.tasks.at(outcome.index);
  if (!task.is_part()) return out;
  const auto m = task.merge;
  if (outcome.status != "done" && !failed_part_.count(m))
    failed_part_[m] = fmt::format("part {} of {} (task {} {}) failed: {}", task.part, task.parts,
                                  task.index, task.id, outcome.error);
  if (--waiting_[m] > 0 || !failed_part_.count(m) || taken_[m]) return out;
  taken_[m] = true;  // it cannot run: recorded failed, with the part's error
  --left_;
  TaskOutcome failed;
  failed.index = m;
  failed.status = "failed";
  failed.error = failed_part_[m];
  failed.started = failed.finished = utc_now();
  out.push_back(failed);
  return out;
}

bool Scheduler::exhausted() const { return left_ == 0; }

SweepCounts run_sweep(const Sweep& sweep, const SweepOptions& options) {
  fs::create_directories(options.out / "tasks");
  ResultsTable table(options.table, options.out);
  SweepCounts counts;
  Scheduler scheduler(sweep, tasks_to_run(sweep, table, options.out, options.retry_failed,
                                          &counts.skipped_done, &counts.skipped_failed));
  std::mutex mutex;  // the scheduler, the table and the counts
  std::condition_variable ready;
  const auto report = [&](const Task& task, const TaskOutcome& outcome) {
    table.record(sweep, task, outcome);
    if (task.is_part()) {
      ++counts.parts;  // a failed part fails its merge, counted there
    } else {
      ++counts.ran;
      if (outcome.status != "done") ++counts.failed;
    }
    if (options.print)
      options.print(fmt::format("task {} {} {} ({:.2f} s){}{}\n", task.index, task.id,
                                outcome.status, outcome.seconds, outcome.error.empty() ? "" : ": ",
                                outcome.error));
  };
  const auto worker = [&] {
    std::unique_lock lock(mutex);
    for (;;) {
      const auto i = scheduler.next();
      if (!i) {
        if (scheduler.exhausted()) return;
        ready.wait(lock);  // a merge waits for parts that other workers are running
        continue;
      }
      const auto& task = sweep.tasks[*i];
      table.mark(sweep, task, "running");
      lock.unlock();
      const auto outcome = run_task(sweep, task, options.out);
      lock.lock();
      report(task, outcome);
      for (const auto& merge : scheduler.finished(outcome)) report(sweep.tasks[merge.index], merge);
      ready.notify_all();
    }
  };
  const auto n = static_cast<std::size_t>(std::max(1, options.workers));
  std::vector<std::thread> pool;
  for (std::size_t w = 1; w < n; ++w) pool.emplace_back(worker);
  worker();
  for (auto& t : pool) t.join();
  write_summary(sweep, options.out, options.table);
  return counts;
}

std::string dry_run_listing(const Sweep& sweep) {
  std::string text = fmt::format(
      "{} tasks ({} axes{}), engine {}\n", sweep.tasks.size(), sweep.axes.size(),
      sweep.tasks.size() > sweep.expansion
          ? fmt::format("; {} of them parts of split tasks", sweep.tasks.size() - sweep.expansion)
          : "",
      sweep.engine);
  text +=
      "cost units: backtest input MB x periods x models; feedback days x replicates x "
      "mitigations / 1000; scores input MB (docs/sweep.md)\n";
  double total = 0;
  for (const auto i : schedule_order(sweep)) {
    const auto& t = sweep.tasks[i];
    // A merge's cost only orders it after its parts: the task's estimate is its parts' sum.
    const bool merge = !t.split.empty() && !t.is_part();
    if (!merge) total += t.cost;
    std::string values;
    for (const auto& [k, v] : t.values) values += fmt::format(" {}={}", k, v);
    if (t.is_part())
      values +=
          fmt::format(" ({} part {} of {}, merged by task {})", t.split, t.part, t.parts, t.merge);
    else if (merge)
      values += fmt::format(" (merges the {} {} parts; counted in their cost)", t.parts, t.split);
    text += fmt::format("  task {:>4} {} cost {:>10.1f}{}\n", t.index, t.id, t.cost, values);
  }
  text += fmt::format("total cost {:.1f} units\n", total);
  return text;
}

}  // namespace scrutineer::sweep
