// Running a sweep: each task's recipe::run_recipe into OUT/tasks/<id>/ (the results-folder rule),
// one row per task in OUT/sweep.db (SQLite), restart by task id, and the side-by-side summary.
// The MPI scheduler (apps/cli/sweep_mpi.cpp) calls the same run_task and ResultsTable.
#pragma once

#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "scrutineer/sweep/sweep.hpp"

namespace scrutineer::sweep {

// What one task gave: "done" or "failed" (with the error), times (UTC, ISO 8601) and the headline
// figures read from its results (JSON text, see headline_figures).
struct TaskOutcome {
  std::size_t index = 0;
  std::string status, error, started, finished, headline = "{}";
  double seconds = 0;
};

// Runs one task into `out`/tasks/<id>/. A task's own failure (bad data, a stage error) is caught
// and returned as "failed" with its message; it never stops the sweep.
TaskOutcome run_task(const Sweep& sweep, const Task& task, const std::filesystem::path& out);

// The headline figures of a task's results folder, as JSON text: from backtest/summary.json the
// first non-baseline model's operating-point hit_rate and wrong_share {estimate, lo, hi}; from
// disparity/disparity.json the group with the largest disparity_ratio {group, estimate, lo, hi}.
std::string headline_figures(const std::filesystem::path& task_folder);

// OUT/sweep.db: table `tasks` (id, idx, axes JSON, status, error, started, finished, seconds,
// headline JSON, engine). Only one process writes it (rank 0 under MPI).
class ResultsTable {
 public:
  explicit ResultsTable(const std::filesystem::path& db_file);
  ~ResultsTable();
  ResultsTable(const ResultsTable&) = delete;
  ResultsTable& operator=(const ResultsTable&) = delete;
  // "" when the task has no row, else its status ("pending", "running", "done", "failed").
  std::string status(const std::string& id);
  void mark(const Sweep& sweep, const Task& task, const std::string& status);
  void record(const Sweep& sweep, const Task& task, const TaskOutcome& outcome);
  // A transaction around many marks (one write to disk for all).
  void begin();
  void commit();
  // Every row as JSON objects, ordered by idx.
  std::vector<std::string> rows_json();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// The tasks to run now, in schedule order: those not done (a "done" task whose folder is gone
// runs again) and, with `retry_failed`, the failed ones. Marks them "pending".
std::vector<std::size_t> tasks_to_run(const Sweep& sweep, ResultsTable& table,
                                      const std::filesystem::path& out, bool retry_failed,
                                      std::size_t* skipped_done = nullptr,
                                      std::size_t* skipped_failed = nullptr);

struct SweepOptions {
  std::filesystem::path out;
  int workers = 1;  // tasks run at once in this process
  bool retry_failed = false;
  std::function<void(const std::string&)> print;  // one line per task (none when empty)
};

struct SweepCounts {
  std::size_t ran = 0, failed = 0, skipped_done = 0, skipped_failed = 0;
};

// The local executor: a pool of `workers` threads taking tasks largest first.
SweepCounts run_sweep(const Sweep& sweep, const SweepOptions& options);

// OUT/summary.csv, OUT/summary.json and OUT/report.html from the table: one row per task with its
// axes' values, status and headline figures.
void write_summary(const Sweep& sweep, const std::filesystem::path& out);

// The dry-run listing: one line per task (index, id, cost, values) and the total.
std::string dry_run_listing(const Sweep& sweep);

}  // namespace scrutineer::sweep
