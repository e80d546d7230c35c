// The register's SQLite connection (database.hpp). The schema version lives in PRAGMA
// user_version; a migration step holds the write lock (BEGIN IMMEDIATE).
#include <fmt/format.h>
#include <sqlite3.h>

#include <chrono>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>

#include "scrutineer/core/error.hpp"
#include "scrutineer/registry/database.hpp"

namespace scrutineer::registry {

namespace {

// SQLite numbers parameters ?1, ?2, ...; the shared queries write $1, $2, ... as PostgreSQL does.
// The queries are constants with no '$' elsewhere.
std::string sqlite_parameters(const std::string& sql) {
  std::string out = sql;
  for (auto& c : out)
    if (c == '$') c = '?';
  return out;
}

class Statement {
 public:
  Statement(sqlite3* db, const std::string& sql, const std::string& noun) : db_(db), noun_(noun) {
    if (sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt_, nullptr) != SQLITE_OK)
      throw IoError(fmt::format("{}: {}", noun, sqlite3_errmsg(db)));
  }
  ~Statement() { sqlite3_finalize(stmt_); }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  void bind(int i, const std::string& s) {
    sqlite3_bind_text(stmt_, i, s.c_str(), static_cast<int>(s.size()), SQLITE_TRANSIENT);
  }
  // True while a row is available.
  bool step() {
    const int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    const std::string msg = fmt::format("{}: {}", noun_, sqlite3_errmsg(db_));
    if ((rc & 0xff) == SQLITE_CONSTRAINT) throw ConfigError(msg);
    throw IoError(msg);
  }
  std::vector<std::string> row() const {
    std::vector<std::string> out(static_cast<std::size_t>(sqlite3_column_count(stmt_)));
    for (std::size_t c = 0; c < out.size(); ++c) {
      const auto* p = sqlite3_column_text(stmt_, static_cast<int>(c));
      const int n = sqlite3_column_bytes(stmt_, static_cast<int>(c));
      if (p) out[c].assign(reinterpret_cast<const char*>(p), static_cast<std::size_t>(n));
    }
    return out;
  }

 private:
  sqlite3* db_;
  const std::string& noun_;
  sqlite3_stmt* stmt_ = nullptr;
};

// Writers of one SQLite file in this process take turns at this gate before BEGIN IMMEDIATE:
// SQLite's busy handler polls, so under steady contention one writer could lose every poll for
// longer than the busy timeout and fail with "database is locked"; blocked on a mutex, it waits
// its turn instead. Writers in other processes still meet the busy timeout.
class WriteGate {
 public:
  static std::shared_ptr<std::timed_mutex> of(const std::string& path) {
    static std::mutex mutex;
    static std::map<std::string, std::shared_ptr<std::timed_mutex>> gates;
    std::error_code ec;
    auto key = std::filesystem::weakly_canonical(path, ec).string();
    if (ec) key = path;
    std::lock_guard<std::mutex> lock(mutex);
    auto& gate = gates[key];
    if (!gate) gate = std::make_shared<std::timed_mutex>();
    return gate;
  }
};

constexpr int kBusyTimeoutMs = 15000;

class SqliteDatabase : public Database {
 public:
  SqliteDatabase(const std::string& path, const std::string& noun)
      : name_(path), noun_(noun), gate_(WriteGate::of(path)) {
    if (sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr) !=
        SQLITE_OK) {
      const std::string msg = db_ ? sqlite3_errmsg(db_) : "out of memory";
      sqlite3_close(db_);
      throw IoError(fmt::format("cannot open {} {}: {}", noun_, path, msg));
    }
    // Several handles (one per server thread) may write: wait for the lock rather than fail.
    sqlite3_busy_timeout(db_, kBusyTimeoutMs);
    try {
      script("PRAGMA foreign_keys = ON;");
    } catch (...) {
      sqlite3_close(db_);  // the destructor does not run when the constructor throws
      throw;
    }
  }
  ~SqliteDatabase() override {
    release();
    sqlite3_close(db_);
  }
  SqliteDatabase(const SqliteDatabase&) = delete;
  SqliteDatabase& operator=(const SqliteDatabase&) = delete;

  Dialect dialect() const override { return Dialect::kSqlite; }

  Rows query(const std::string& sql, const std::vector<std::string>& params) override {
    Statement s(db_, sqlite_parameters(sql), noun_);
    for (std::size_t i = 0; i < params.size(); ++i) s.bind(static_cast<int>(i + 1), params[i]);
    Rows rows;
    while (s.step()) rows.push_back(s.row());
    return rows;
  }

  void script(const std::string& sql) override {
    char* err = nullptr;
    if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
      const std::string msg = err ? err : "unknown error";
      sqlite3_free(err);
      throw IoError(fmt::format("{} {}: {}", noun_, name_, msg));
    }
  }

  void begin() override {
    if (!gate_->try_lock_for(std::chrono::milliseconds(kBusyTimeoutMs)))
      throw IoError(fmt::format("{} {}: busy (other writers held it for {} s)", noun_, name_,
                                kBusyTimeoutMs / 1000));
    try {
      script("BEGIN IMMEDIATE");
    } catch (...) {
      gate_->unlock();
      throw;
    }
    gated_ = true;
  }
  void begin_migration() override { begin(); }
  void commit() override {
    script("COMMIT");  // on failure the transaction stays open until rollback()
    release();
  }
  void rollback() noexcept override {
    sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    release();
  }

  int version() override { return std::stoi(query("PRAGMA user_version", {}).at(0).at(0)); }
  void set_version(int version) override {
    script(fmt::format("PRAGMA user_version = {}", version));
  }

  bool usable() const override { return sqlite3_get_autocommit(db_) != 0; }
  const std::string& name() const override { return name_; }

 private:
  void release() noexcept {
    if (gated_) gate_->unlock();
    gated_ = false;
  }

  sqlite3* db_ = nullptr;
  std::string name_;
  std::string noun_;  // what the database is, in messages: "register", "sweep results table"
  std::shared_ptr<std::timed_mutex> gate_;
  bool gated_ = false;
};

}  // namespace

std::unique_ptr<Database> open_sqlite_database(const std::string& path, const std::string& noun) {
  return std::make_unique<SqliteDatabase>(path, noun);
}

}  // namespace scrutineer::registry
