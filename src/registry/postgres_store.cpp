// The register's PostgreSQL connection (database.hpp) through libpq: parameterised statements only
// (PQexecParams), the schema version in a one-row schema_version table, migrations serialised by a
// transaction-scoped advisory lock. Also how connection strings are recognised and described.
#include <fmt/format.h>
#include <libpq-fe.h>

#include <cstdlib>
#include <set>

#include "scrutineer/core/error.hpp"
#include "scrutineer/registry/database.hpp"
#include "scrutineer/registry/store.hpp"

namespace scrutineer::registry {

namespace {

struct ConninfoDeleter {
  void operator()(PQconninfoOption* o) const { PQconninfoFree(o); }
};
using Conninfo = std::unique_ptr<PQconninfoOption, ConninfoDeleter>;

// Parsed options of a connection string; null when it does not parse. libpq's parse message may
// quote the string (and so a password): it is never shown.
Conninfo parse_conninfo(const std::string& location) {
  char* err = nullptr;
  Conninfo options(PQconninfoParse(location.c_str(), &err));
  PQfreemem(err);
  return options;
}

std::string option(const Conninfo& options, const std::string& key) {
  for (auto* o = options.get(); o && o->keyword; ++o)
    if (key == o->keyword && o->val) return o->val;
  return "";
}

// libpq's keywords (host, dbname, sslmode, ...), from its own table of options.
const std::set<std::string>& libpq_keywords() {
  static const std::set<std::string> keywords = [] {
    std::set<std::string> out;
    Conninfo defaults(PQconndefaults());
    for (auto* o = defaults.get(); o && o->keyword; ++o) out.insert(o->keyword);
    return out;
  }();
  return keywords;
}

// Replaces every occurrence of `secret` in `text`, so that libpq's messages never show it.
std::string redact(std::string text, const std::string& secret) {
  if (secret.empty()) return text;
  for (auto at = text.find(secret); at != std::string::npos; at = text.find(secret, at + 3))
    text.replace(at, secret.size(), "***");
  return text;
}

struct ResultDeleter {
  void operator()(PGresult* r) const { PQclear(r); }
};
using Result = std::unique_ptr<PGresult, ResultDeleter>;

void ignore_notice(void*, const char*) {}  // "relation already exists, skipping" and the like

// A server that never answers would otherwise be waited for without end (libpq's default): unless
// the connection string or PGCONNECT_TIMEOUT sets one, connecting gives up after
// kConnectTimeoutSeconds (docs/limits.md).
constexpr const char* kConnectTimeoutSeconds = "10";

PGconn* connect(const std::string& conninfo, const Conninfo& options) {
  const char* env = std::getenv("PGCONNECT_TIMEOUT");
  if (!option(options, "connect_timeout").empty() || (env && *env)) {
    return PQconnectdb(conninfo.c_str());
  }
  // expand_dbname = 1: the first "dbname" value is read as a whole connection string (key=value
  // or URI), and the keywords after it add to it.
  const char* keywords[] = {"dbname", "connect_timeout", nullptr};
  const char* values[] = {conninfo.c_str(), kConnectTimeoutSeconds, nullptr};
  return PQconnectdbParams(keywords, values, 1);
}

class PostgresDatabase : public Database {
 public:
  PostgresDatabase(const std::string& conninfo, const std::string& noun)
      : name_(describe_location(conninfo)), noun_(noun) {
    const Conninfo options = parse_conninfo(conninfo);
    if (!options)
      throw ConfigError(fmt::format(
          "the {} location is not a valid PostgreSQL connection string (expected "
          "postgresql://user@host:port/database or key=value pairs such as 'host=127.0.0.1 "
          "dbname=register')",
          noun_));
    conn_ = connect(conninfo, options);
    if (!conn_ || PQstatus(conn_) != CONNECTION_OK) {
      const std::string msg =
          redact(conn_ ? PQerrorMessage(conn_) : "out of memory", option(options, "password"));
      PQfinish(conn_);
      throw IoError(fmt::format("cannot connect to the {}, {}: {}", noun_, name_, trim(msg)));
    }
    PQsetNoticeProcessor(conn_, ignore_notice, nullptr);
    if (PQsetClientEncoding(conn_, "UTF8") != 0) {
      PQfinish(conn_);
      throw IoError(fmt::format("{} {}: cannot use UTF-8", noun_, name_));
    }
  }
  ~PostgresDatabase() override { PQfinish(conn_); }
  PostgresDatabase(const PostgresDatabase&) = delete;
  PostgresDatabase& operator=(const PostgresDatabase&) = delete;

  Dialect dialect() const override { return Dialect::kPostgres; }

  Rows query(const std::string& sql, const std::vector<std::string>& params) override {
    std::vector<const char*> values;
    for (const auto& p : params) {
      if (p.find('\0') != std::string::npos)
        throw ConfigError(fmt::format("{} {}: text with a NUL character", noun_, name_));
      values.push_back(p.c_str());
    }
    const Result r(PQexecParams(conn_, sql.c_str(), static_cast<int>(values.size()), nullptr,
                                values.data(), nullptr, nullptr, 0));
    check(r.get());
    Rows rows(static_cast<std::size_t>(PQntuples(r.get())));
    const int columns = PQnfields(r.get());
    for (std::size_t i = 0; i < rows.size(); ++i)
      for (int c = 0; c < columns; ++c)
        rows[i].emplace_back(
            PQgetvalue(r.get(), static_cast<int>(i), c),
            static_cast<std::size_t>(PQgetlength(r.get(), static_cast<int>(i), c)));
    return rows;
  }

  void script(const std::string& sql) override {
    const Result r(PQexec(conn_, sql.c_str()));
    check(r.get());
  }

  void begin() override { script("BEGIN"); }

  // The lock is held until the transaction ends; every opener of this database takes the same key.
  void begin_migration() override {
    try {
      script(
          "BEGIN; SELECT pg_advisory_xact_lock(hashtext('scrutineer register migrations'));"
          "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL);"
          "INSERT INTO schema_version SELECT 0 WHERE NOT EXISTS (SELECT 1 FROM schema_version);");
    } catch (...) {
      rollback();
      throw;
    }
  }

  void rollback() noexcept override { PQclear(PQexec(conn_, "ROLLBACK")); }

  int version() override {
    if (query("SELECT to_regclass('schema_version') IS NULL", {}).at(0).at(0) == "t") return 0;
    const auto rows = query("SELECT version FROM schema_version", {});
    return rows.empty() ? 0 : std::stoi(rows[0][0]);
  }

  void set_version(int version) override {
    query("UPDATE schema_version SET version = $1", {std::to_string(version)});
  }

  bool usable() const override {
    return PQstatus(conn_) == CONNECTION_OK && PQtransactionStatus(conn_) == PQTRANS_IDLE;
  }
  const std::string& name() const override { return name_; }

 private:
  static std::string trim(std::string s) {
    while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
    return s;
  }

  // Integrity constraint violations (SQLSTATE class 23) are the caller's conflict: ConfigError.
  void check(const PGresult* r) const {
    const auto status = PQresultStatus(r);
    if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) return;
    const char* state = PQresultErrorField(r, PG_DIAG_SQLSTATE);
    const std::string msg =
        fmt::format("{} {}: {}", noun_, name_, trim(r ? PQresultErrorMessage(r) : "out of memory"));
    if (state && std::string(state).rfind("23", 0) == 0) throw ConfigError(msg);
    throw IoError(msg);
  }

  PGconn* conn_ = nullptr;
  std::string name_;
  std::string noun_;  // what the database is, in messages
};

}  // namespace

bool is_postgres_location(const std::string& location) {
  if (location.rfind("postgresql://", 0) == 0 || location.rfind("postgres://", 0) == 0) return true;
  const auto start = location.find_first_not_of(" \t");
  const auto eq = location.find('=');
  if (start == std::string::npos || eq == std::string::npos || eq < start) return false;
  auto key = location.substr(start, eq - start);
  while (!key.empty() && (key.back() == ' ' || key.back() == '\t')) key.pop_back();
  return libpq_keywords().count(key) > 0;
}

std::string describe_location(const std::string& location) {
  if (!is_postgres_location(location)) return location;
  const Conninfo options = parse_conninfo(location);
  if (!options) return "PostgreSQL (connection string that does not parse)";
  auto or_default = [&](const char* key, const char* other) {
    auto v = option(options, key);
    if (v.empty()) v = option(options, other);
    return v.empty() ? std::string("(default)") : v;
  };
  return fmt::format("PostgreSQL database {} on host {} port {} as user {}",
                     or_default("dbname", "service"), or_default("host", "hostaddr"),
                     or_default("port", "port"), or_default("user", "user"));
}

std::unique_ptr<Database> open_postgres_database(const std::string& conninfo,
                                                 const std::string& noun) {
  return std::make_unique<PostgresDatabase>(conninfo, noun);
}

}  // namespace scrutineer::registry
