// For tests: a fresh database on the throwaway PostgreSQL server that the "postgres" CTest fixture
// starts on loopback (tests/postgres/cluster.sh), reached through libpq.
#pragma once

#include <libpq-fe.h>
#include <unistd.h>

#include <cctype>
#include <cstdlib>
#include <fstream>
#include <stdexcept>
#include <string>

namespace scrutineer::test_postgres {

// The server's connection string: $SCRUTINEER_TEST_POSTGRES, else the first line of the file that
// $SCRUTINEER_TEST_POSTGRES_FILE names (written by the fixture); "" when there is no server.
inline std::string server_conninfo() {
  if (const char* direct = std::getenv("SCRUTINEER_TEST_POSTGRES")) return direct;
  const char* file = std::getenv("SCRUTINEER_TEST_POSTGRES_FILE");
  std::string line;
  if (file) {
    std::ifstream in(file);
    std::getline(in, line);
  }
  return line;
}

inline const char* kNoServer =
    "no PostgreSQL server: run the tests through ctest (its 'postgres' fixture starts one on "
    "loopback when Debian's postgresql package is installed) or set SCRUTINEER_TEST_POSTGRES to a "
    "connection string";

// Runs SQL (no parameters: test set-up only) on `conninfo` and returns the first column of the
// first row ("" when there is none); throws on failure.
inline std::string execute(const std::string& conninfo, const std::string& sql) {
  PGconn* c = PQconnectdb(conninfo.c_str());
  PQsetNoticeProcessor(
      c, [](void*, const char*) {}, nullptr);  // "does not exist, skipping"
  PGresult* r = PQstatus(c) == CONNECTION_OK ? PQexec(c, sql.c_str()) : nullptr;
  const bool ok =
      r && (PQresultStatus(r) == PGRES_COMMAND_OK || PQresultStatus(r) == PGRES_TUPLES_OK);
  const std::string first = ok && PQntuples(r) > 0 ? PQgetvalue(r, 0, 0) : "";
  const std::string message = PQerrorMessage(c);
  PQclear(r);
  PQfinish(c);
  if (!ok) throw std::runtime_error("test set-up on PostgreSQL: " + message);
  return first;
}

// A database of its own for one test (named after it and the process; keep what tells two apart at
// the front, since names are cut to 63 bytes), dropped afterwards.
class TestDatabase {
 public:
  TestDatabase(const std::string& server, const std::string& test_name) : server_(server) {
    name_ = "scrutineer_";
    for (char c : test_name)
      name_.push_back(std::isalnum(static_cast<unsigned char>(c))
                          ? static_cast<char>(std::tolower(static_cast<unsigned char>(c)))
                          : '_');
    name_ = name_.substr(0, 48) + "_" + std::to_string(getpid());
    execute(server_, "DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)");
    // English ICU collation, as a real deployment might have: it orders "a_b" before "Zeta" and
    // lower()s "É", so only the store's byte order and ASCII folding pass the tests.
    try {
      execute(server_,
              "CREATE DATABASE " + name_ +
                  " TEMPLATE template0 ENCODING 'UTF8' LOCALE_PROVIDER icu ICU_LOCALE 'en'");
    } catch (const std::runtime_error&) {  // a server built without ICU
      execute(server_, "CREATE DATABASE " + name_);
    }
    conninfo_ = server_ + " dbname=" + name_;  // a later keyword overrides the earlier one
  }
  ~TestDatabase() {
    try {
      execute(server_, "DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)");
    } catch (const std::exception&) {  // the server may already be gone
    }
  }
  TestDatabase(const TestDatabase&) = delete;
  TestDatabase& operator=(const TestDatabase&) = delete;
  const std::string& conninfo() const { return conninfo_; }
  const std::string& name() const { return name_; }

 private:
  std::string server_, name_, conninfo_;
};

}  // namespace scrutineer::test_postgres
