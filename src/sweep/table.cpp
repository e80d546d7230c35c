// The sweep's results table, one row per task: the record a restart reads to skip completed tasks.
// SQLite OUT/sweep.db, or a PostgreSQL server (--table), both through the register's database
// connection (registry/database.hpp): parameters bound, never spliced into the SQL.
#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "scrutineer/core/error.hpp"
#include "scrutineer/registry/database.hpp"
#include "scrutineer/registry/store.hpp"
#include "scrutineer/sweep/run.hpp"

namespace scrutineer::sweep {

namespace {

const char* kSqliteSchema =
    "CREATE TABLE IF NOT EXISTS tasks (id TEXT PRIMARY KEY, idx INTEGER NOT NULL, axes TEXT NOT "
    "NULL, status TEXT NOT NULL, error TEXT NOT NULL DEFAULT '', started TEXT NOT NULL DEFAULT '', "
    "finished TEXT NOT NULL DEFAULT '', seconds REAL NOT NULL DEFAULT 0, headline TEXT NOT NULL "
    "DEFAULT '{}', engine TEXT NOT NULL, cost REAL NOT NULL DEFAULT 0);";

// Many sweeps share one PostgreSQL database: each row names its sweep folder.
const char* kPostgresSchema =
    "CREATE TABLE IF NOT EXISTS sweep_tasks (sweep TEXT NOT NULL, id TEXT NOT NULL, idx BIGINT NOT "
    "NULL, axes TEXT NOT NULL, status TEXT NOT NULL, error TEXT NOT NULL DEFAULT '', started TEXT "
    "NOT NULL DEFAULT '', finished TEXT NOT NULL DEFAULT '', seconds DOUBLE PRECISION NOT NULL "
    "DEFAULT 0, headline TEXT NOT NULL DEFAULT '{}', engine TEXT NOT NULL, cost DOUBLE PRECISION "
    "NOT NULL DEFAULT 0, PRIMARY KEY (sweep, id));";

std::string axes_json(const Task& task) {
  nlohmann::json j = nlohmann::json::object();
  for (const auto& [key, value] : task.values) j[key] = value;
  return j.dump();
}

std::string number(double v) { return fmt::format("{}", v); }

}  // namespace

struct ResultsTable::Impl {
  std::unique_ptr<registry::Database> db;
  bool postgres = false;
  std::string sweep;  // PostgreSQL: the sweep folder's absolute path, the first key

  void open_sqlite(const std::filesystem::path& file) {
    db = registry::open_sqlite_database(file.string(), "sweep results table");
    // One writer process (rank 0): a write-ahead log without a sync per row. A killed process
    // loses nothing committed; only a crash of the machine itself may lose the last rows, whose
    // tasks then run again. Without this each row cost ~30 ms of fsync on a loaded disk
    // (bench/bench_sweep).
    db->script("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;");
    db->script(kSqliteSchema);
  }

  // The table, the key columns' condition and the first free parameter number of this back end.
  std::string table() const { return postgres ? "sweep_tasks" : "tasks"; }
  // `sql` written with {t} for the table, {k} for the key columns before id ("sweep, " or ""),
  // {kv} for their parameters ("$1, " or "") and {w} for the key condition before id; parameters
  // of the statement are numbered from {p0}, {p1}, ... after the key's.
  std::string sql(const std::string& text) const {
    const int base = postgres ? 2 : 1;
    std::vector<std::string> p;
    for (int i = 0; i < 12; ++i) p.push_back(fmt::format("${}", base + i));
    return fmt::format(
        fmt::runtime(text), fmt::arg("t", table()), fmt::arg("k", postgres ? "sweep, " : ""),
        fmt::arg("kv", postgres ? "$1, " : ""), fmt::arg("w", postgres ? "sweep = $1 AND " : ""),
        fmt::arg("conflict", postgres ? "sweep, id" : "id"), fmt::arg("p0", p[0]),
        fmt::arg("p1", p[1]), fmt::arg("p2", p[2]), fmt::arg("p3", p[3]), fmt::arg("p4", p[4]),
        fmt::arg("p5", p[5]), fmt::arg("p6", p[6]), fmt::arg("p7", p[7]), fmt::arg("p8", p[8]),
        fmt::arg("p9", p[9]), fmt::arg("p10", p[10]));
  }
  registry::Rows query(const std::string& text, std::vector<std::string> params) {
    if (postgres) params.insert(params.begin(), sweep);
    return db->query(sql(text), params);
  }
};

ResultsTable::ResultsTable(const std::filesystem::path& db_file) : impl_(std::make_unique<Impl>()) {
  impl_->open_sqlite(db_file);
}

ResultsTable::ResultsTable(const std::string& location, const std::filesystem::path& out)
    : impl_(std::make_unique<Impl>()) {
  auto& i = *impl_;
  if (location.empty()) {
    i.open_sqlite(out / "sweep.db");
  } else {
    if (!registry::is_postgres_location(location))
      throw ConfigError(
          "--table: expected a PostgreSQL connection string (postgresql://user@host:port/db or "
          "key=value pairs such as 'host=127.0.0.1 dbname=sweeps')");
    i.postgres = true;
    i.sweep = std::filesystem::absolute(out).lexically_normal().string();
    i.db = registry::open_postgres_database(location, "sweep results table");
    i.db->script(kPostgresSchema);
  }
}

ResultsTable::~ResultsTable() = default;

std::string ResultsTable::status(const std::string& id) {
  const auto rows = impl_->query("SELECT status FROM {t} WHERE {w}id = {p0}", {id});
  return rows.empty() ? "" : rows[0].at(0);
}

void ResultsTable::mark(const Sweep& sweep, const Task& task, const std::string& status) {
  impl_->query(
      "INSERT INTO {t} ({k}id, idx, axes, status, engine, cost) VALUES ({kv}{p0}, {p1}, {p2}, "
      "{p3}, {p4}, {p5}) ON CONFLICT({conflict}) DO UPDATE SET idx = excluded.idx, axes = "
      "excluded.axes, status = excluded.status, engine = excluded.engine, cost = excluded.cost",
      {task.id, std::to_string(task.index), axes_json(task), status, sweep.engine,
       number(task.cost)});
}

void ResultsTable::record(const Sweep& sweep, const Task& task, const TaskOutcome& o) {
  impl_->query(
      "INSERT INTO {t} ({k}id, idx, axes, status, error, started, finished, headline, engine, "
      "seconds, cost) VALUES ({kv}{p0}, {p1}, {p2}, {p3}, {p4}, {p5}, {p6}, {p7}, {p8}, {p9}, "
      "{p10}) ON CONFLICT({conflict}) DO UPDATE SET status = excluded.status, error = "
      "excluded.error, started = excluded.started, finished = excluded.finished, headline = "
      "excluded.headline, seconds = excluded.seconds",
      {task.id, std::to_string(task.index), axes_json(task), o.status, o.error, o.started,
       o.finished, o.headline, sweep.engine, number(o.seconds), number(task.cost)});
}

void ResultsTable::begin() { impl_->db->begin(); }

void ResultsTable::commit() { impl_->db->commit(); }

std::vector<std::string> ResultsTable::rows_json() {
  const auto rows = impl_->query(
      "SELECT id, idx, axes, status, error, headline, started, finished, seconds FROM {t} WHERE "
      "{w}1 = 1 ORDER BY idx, id",
      {});
  std::vector<std::string> out;
  for (const auto& r : rows) {
    nlohmann::json j = {{"id", r.at(0)},
                        {"index", std::stoll(r.at(1))},
                        {"axes", nlohmann::json::parse(r.at(2))},
                        {"status", r.at(3)},
                        {"error", r.at(4)},
                        {"headline", nlohmann::json::parse(r.at(5))},
                        {"started", r.at(6)},
                        {"finished", r.at(7)},
                        {"seconds", std::stod(r.at(8))}};
    out.push_back(j.dump());
  }
  return out;
}

}  // namespace scrutineer::sweep
