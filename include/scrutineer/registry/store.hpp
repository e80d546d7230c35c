// Storage for transparency records: embedded SQLite with versioned schema migrations.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "scrutineer/registry/record.hpp"

namespace scrutineer::registry {

class Store {
 public:
  virtual ~Store() = default;
  // Adds a record (slug must be new) and returns its id. ConfigError if the slug exists.
  virtual std::int64_t add(const ToolRecord& record) = 0;
  // Replaces the fields of the record with this slug; keeps its audits. ConfigError if absent.
  virtual void update(const ToolRecord& record) = 0;
  virtual std::optional<ToolRecord> get(const std::string& slug) const = 0;
  // Records whose any field contains `text` (case-insensitive); all when empty. Ordered by slug.
  virtual std::vector<ToolRecord> list(const std::string& text = "") const = 0;
  virtual std::int64_t link_audit(const std::string& slug, const AuditLink& audit) = 0;
  virtual int schema_version() const = 0;
};

// Opens (creating if needed) an SQLite register and brings its schema up to the latest version.
std::unique_ptr<Store> open_sqlite_store(const std::string& path);

// Latest schema version that this build knows.
int latest_schema_version();

}  // namespace scrutineer::registry
