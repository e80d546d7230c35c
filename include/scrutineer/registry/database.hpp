// The SQL connection under a register store: SQLite and PostgreSQL behind one small interface, so
// that the store's logic (sql_store.cpp) and its migrations are written once.
#pragma once

#include <memory>
#include <string>
#include <vector>

namespace scrutineer::registry {

using Rows = std::vector<std::vector<std::string>>;

enum class Dialect { kSqlite, kPostgres };

class Database {
 public:
  virtual ~Database() = default;
  virtual Dialect dialect() const = 0;
  // Runs one statement whose parameters are written $1, $2, ... and bound as text (never spliced
  // into the SQL); returns the rows as text. Constraint violations throw ConfigError, other
  // failures IoError.
  virtual Rows query(const std::string& sql, const std::vector<std::string>& params) = 0;
  // Runs constant SQL that may hold several statements (migrations, BEGIN, COMMIT).
  virtual void script(const std::string& sql) = 0;
  // Starts a write transaction.
  virtual void begin() = 0;
  // Starts the transaction of one migration step, serialised against other openers of the same
  // register (SQLite: BEGIN IMMEDIATE; PostgreSQL: a transaction-scoped advisory lock).
  virtual void begin_migration() = 0;
  virtual void commit() { script("COMMIT"); }
  virtual void rollback() noexcept = 0;
  // Schema version (0 for an empty register) and, inside begin_migration(), its update.
  virtual int version() = 0;
  virtual void set_version(int version) = 0;
  // Connection alive and no transaction left open: safe to hand to the next request.
  virtual bool usable() const = 0;
  // How the register is named in messages (never with a password).
  virtual const std::string& name() const = 0;
};

// `noun` names the database in error messages ("register"; the sweep's "sweep results table").
std::unique_ptr<Database> open_sqlite_database(const std::string& path,
                                               const std::string& noun = "register");
std::unique_ptr<Database> open_postgres_database(const std::string& conninfo,
                                                 const std::string& noun = "register");

// Commits on commit(); rolls back when left without it (an exception).
class Transaction {
 public:
  explicit Transaction(Database& db, bool migration = false) : db_(db) {
    if (migration)
      db_.begin_migration();
    else
      db_.begin();
  }
  ~Transaction() {
    if (!done_) db_.rollback();
  }
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  void commit() {
    db_.commit();
    done_ = true;
  }

 private:
  Database& db_;
  bool done_ = false;
};

}  // namespace scrutineer::registry
