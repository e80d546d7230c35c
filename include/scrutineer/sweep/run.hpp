// Running a sweep: each task's recipe::run_recipe into OUT/tasks/<id>/ (the results-folder rule),
// one row per task in OUT/sweep.db (SQLite), restart by task id, and the side-by-side summary.
// The MPI scheduler (apps/cli/sweep_mpi.cpp) calls the same run_task and ResultsTable.
#pragma once

#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
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
// headline JSON, engine, cost). Only one process writes it (rank 0 under MPI). Or, with a
// PostgreSQL connection string (`--table`, registry::is_postgres_location), the server's table
// `sweep_tasks`: the same columns and `sweep`, the sweep folder's absolute path, so that many
// sweeps share one database (key: sweep, id).
class ResultsTable {
 public:
  explicit ResultsTable(const std::filesystem::path& db_file);
  // `location` "" = OUT/sweep.db; else a PostgreSQL connection string (libpq URI or key=value).
  ResultsTable(const std::string& location, const std::filesystem::path& out);
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
// runs again) and, with `retry_failed`, the failed ones; for a split task that runs, its parts
// not done. Marks them "pending". The counts are of the expansion's tasks (parts are not counted).
std::vector<std::size_t> tasks_to_run(const Sweep& sweep, ResultsTable& table,
                                      const std::filesystem::path& out, bool retry_failed,
                                      std::size_t* skipped_done = nullptr,
                                      std::size_t* skipped_failed = nullptr);

// Hands out the tasks to run (tasks_to_run's order), a merge only once its parts are done.
// The local pool and the MPI scheduler both use it; not thread-safe.
class Scheduler {
 public:
  Scheduler(const Sweep& sweep, std::vector<std::size_t> todo);
  // The next task that can run now, or none (every task handed out, or merges waiting for parts).
  std::optional<std::size_t> next();
  // A task's outcome. Returns the merges that can no longer run because this part failed, with
  // their outcome ("failed", naming the part) for the caller to record.
  std::vector<TaskOutcome> finished(const TaskOutcome& outcome);
  // True when every task has been handed out or failed.
  bool exhausted() const;

 private:
  const Sweep& sweep_;
  std::vector<std::size_t> todo_;
  std::vector<bool> taken_;
  std::map<std::size_t, std::size_t> waiting_;      // merge index -> parts not finished
  std::map<std::size_t, std::string> failed_part_;  // merge index -> its first failed part
  std::size_t cursor_ = 0;                          // todo_[0, cursor_) are all handed out
  std::size_t left_ = 0;                            // tasks not handed out nor failed
};

struct SweepOptions {
  std::filesystem::path out;
  int workers = 1;  // tasks run at once in this process
  bool retry_failed = false;
  std::function<void(const std::string&)> print;  // one line per task (none when empty)
  std::string table;  // "" = OUT/sweep.db; else a PostgreSQL connection string (--table)
};

struct SweepCounts {
  std::size_t ran = 0, failed = 0, skipped_done = 0, skipped_failed = 0;
  std::size_t parts = 0;  // parts of split tasks run (not in `ran`: their merge is)
};

// The local executor: a pool of `workers` threads taking tasks largest first.
SweepCounts run_sweep(const Sweep& sweep, const SweepOptions& options);

// OUT/summary.csv, OUT/summary.json and OUT/report.html from the table: one row per task with its
// axes' values, status and headline figures.
void write_summary(const Sweep& sweep, const std::filesystem::path& out,
                   const std::string& table = "");

// The dry-run listing: one line per task (index, id, cost, values) and the total.
std::string dry_run_listing(const Sweep& sweep);

}  // namespace scrutineer::sweep
