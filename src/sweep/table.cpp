// OUT/sweep.db: one row per task (SQLite), the record a restart reads to skip completed tasks.
#include <fmt/format.h>
#include <sqlite3.h>

#include <nlohmann/json.hpp>

#include "scrutineer/core/error.hpp"
#include "scrutineer/sweep/run.hpp"

namespace scrutineer::sweep {

namespace {

const char* kSchema =
    "CREATE TABLE IF NOT EXISTS tasks (id TEXT PRIMARY KEY, idx INTEGER NOT NULL, axes TEXT NOT "
    "NULL, status TEXT NOT NULL, error TEXT NOT NULL DEFAULT '', started TEXT NOT NULL DEFAULT '', "
    "finished TEXT NOT NULL DEFAULT '', seconds REAL NOT NULL DEFAULT 0, headline TEXT NOT NULL "
    "DEFAULT '{}', engine TEXT NOT NULL, cost REAL NOT NULL DEFAULT 0);";

std::string axes_json(const Task& task) {
  nlohmann::json j = nlohmann::json::object();
  for (const auto& [key, value] : task.values) j[key] = value;
  return j.dump();
}

}  // namespace

struct ResultsTable::Impl {
  sqlite3* db = nullptr;
  std::string file;

  void check(int rc, const char* what) const {
    if (rc != SQLITE_OK && rc != SQLITE_DONE && rc != SQLITE_ROW)
      throw IoError(fmt::format("{}: {}: {}", file, what, sqlite3_errmsg(db)));
  }
  // Runs `sql` with text parameters (all bound as text except numbers given apart).
  void exec(const std::string& sql, const std::vector<std::string>& text,
            const std::vector<double>& numbers = {}) {
    sqlite3_stmt* st = nullptr;
    check(sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr), "prepare");
    int i = 1;
    for (const auto& t : text) sqlite3_bind_text(st, i++, t.c_str(), -1, SQLITE_TRANSIENT);
    for (const double n : numbers) sqlite3_bind_double(st, i++, n);
    const int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    check(rc, "write");
  }
};

ResultsTable::ResultsTable(const std::filesystem::path& db_file) : impl_(std::make_unique<Impl>()) {
  impl_->file = db_file.string();
  if (sqlite3_open(impl_->file.c_str(), &impl_->db) != SQLITE_OK) {
    const std::string message = sqlite3_errmsg(impl_->db);
    sqlite3_close(impl_->db);
    throw IoError(fmt::format("{}: cannot open the sweep table: {}", impl_->file, message));
  }
  sqlite3_busy_timeout(impl_->db, 10000);
  // One writer process (rank 0): a write-ahead log without a sync per row. A killed process loses
  // nothing committed; only a crash of the machine itself may lose the last rows, whose tasks then
  // run again. Without this each row cost ~30 ms of fsync on a loaded disk (bench/bench_sweep).
  impl_->check(sqlite3_exec(impl_->db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
                            nullptr, nullptr, nullptr),
               "journal mode");
  impl_->check(sqlite3_exec(impl_->db, kSchema, nullptr, nullptr, nullptr), "create");
}

ResultsTable::~ResultsTable() { sqlite3_close(impl_->db); }

std::string ResultsTable::status(const std::string& id) {
  sqlite3_stmt* st = nullptr;
  impl_->check(
      sqlite3_prepare_v2(impl_->db, "SELECT status FROM tasks WHERE id = ?1", -1, &st, nullptr),
      "prepare");
  sqlite3_bind_text(st, 1, id.c_str(), -1, SQLITE_TRANSIENT);
  std::string out;
  if (sqlite3_step(st) == SQLITE_ROW)
    out = reinterpret_cast<const char*>(sqlite3_column_text(st, 0));
  sqlite3_finalize(st);
  return out;
}

void ResultsTable::mark(const Sweep& sweep, const Task& task, const std::string& status) {
  impl_->exec(
      "INSERT INTO tasks (id, idx, axes, status, engine, cost) VALUES (?1, ?2, ?3, ?4, ?5, ?6) "
      "ON CONFLICT(id) DO UPDATE SET idx = excluded.idx, axes = excluded.axes, status = "
      "excluded.status, engine = excluded.engine, cost = excluded.cost",
      {task.id, std::to_string(task.index), axes_json(task), status, sweep.engine}, {task.cost});
}

void ResultsTable::record(const Sweep& sweep, const Task& task, const TaskOutcome& o) {
  impl_->exec(
      "INSERT INTO tasks (id, idx, axes, status, error, started, finished, headline, engine, "
      "seconds, cost) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11) ON CONFLICT(id) DO "
      "UPDATE SET status = excluded.status, error = excluded.error, started = excluded.started, "
      "finished = excluded.finished, headline = excluded.headline, seconds = excluded.seconds",
      {task.id, std::to_string(task.index), axes_json(task), o.status, o.error, o.started,
       o.finished, o.headline, sweep.engine},
      {o.seconds, task.cost});
}

void ResultsTable::begin() {
  impl_->check(sqlite3_exec(impl_->db, "BEGIN", nullptr, nullptr, nullptr), "begin");
}

void ResultsTable::commit() {
  impl_->check(sqlite3_exec(impl_->db, "COMMIT", nullptr, nullptr, nullptr), "commit");
}

std::vector<std::string> ResultsTable::rows_json() {
  sqlite3_stmt* st = nullptr;
  impl_->check(sqlite3_prepare_v2(impl_->db,
                                  "SELECT id, idx, axes, status, error, headline, started, "
                                  "finished, seconds FROM tasks ORDER BY idx, id",
                                  -1, &st, nullptr),
               "prepare");
  std::vector<std::string> rows;
  const auto text = [&](int c) {
    return std::string(reinterpret_cast<const char*>(sqlite3_column_text(st, c)));
  };
  while (sqlite3_step(st) == SQLITE_ROW) {
    nlohmann::json j = {{"id", text(0)},
                        {"index", sqlite3_column_int64(st, 1)},
                        {"axes", nlohmann::json::parse(text(2))},
                        {"status", text(3)},
                        {"error", text(4)},
                        {"headline", nlohmann::json::parse(text(5))},
                        {"started", text(6)},
                        {"finished", text(7)},
                        {"seconds", sqlite3_column_double(st, 8)}};
    rows.push_back(j.dump());
  }
  sqlite3_finalize(st);
  return rows;
}

}  // namespace scrutineer::sweep
