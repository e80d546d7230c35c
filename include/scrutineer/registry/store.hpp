// Storage for transparency records: embedded SQLite, or PostgreSQL given a connection string, both
// with the same versioned schema migrations.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "scrutineer/registry/record.hpp"

namespace scrutineer::registry {

// One handle on a register. Not thread-safe: give each thread its own (see StorePool).
class Store {
 public:
  virtual ~Store() = default;
  // Adds a record (slug must be new) and returns its id. ConfigError if the slug exists.
  virtual std::int64_t add(const ToolRecord& record) = 0;
  // Replaces the fields of the record with this slug; keeps its audits. ConfigError if absent.
  virtual void update(const ToolRecord& record) = 0;
  virtual std::optional<ToolRecord> get(const std::string& slug) const = 0;
  // Records whose slug or any field contains `text`, ignoring the case of ASCII letters only (as
  // SQLite's lower()); all when empty. Ordered by slug, byte by byte.
  virtual std::vector<ToolRecord> list(const std::string& text = "") const = 0;
  virtual std::int64_t link_audit(const std::string& slug, const AuditLink& audit) = 0;
  virtual int schema_version() const = 0;
  // False once the connection is lost or a transaction was left open: do not reuse the handle.
  virtual bool usable() const { return true; }
};

// Opens a register and brings its schema up to the latest version. `location` is a PostgreSQL
// connection string ("postgresql://..." or "postgres://..." URI, or libpq "key=value" pairs such
// as "host=127.0.0.1 dbname=register"); anything else is an SQLite file, created if needed.
// IoError when it cannot be opened (naming host and database, never the password).
std::unique_ptr<Store> open_store(const std::string& location);
std::unique_ptr<Store> open_sqlite_store(const std::string& path);
std::unique_ptr<Store> open_postgres_store(const std::string& conninfo);

// True when open_store() reads `location` as a PostgreSQL connection string.
bool is_postgres_location(const std::string& location);
// The location for messages and logs: an SQLite path as given; for PostgreSQL the database, host,
// port and user, without the password.
std::string describe_location(const std::string& location);

// Brings the register up to `version` (at most the latest) and no further: for tests of the
// migrations and for staged upgrades.
void migrate_register(const std::string& location, int version);

// Latest schema version that this build knows.
int latest_schema_version();

}  // namespace scrutineer::registry
