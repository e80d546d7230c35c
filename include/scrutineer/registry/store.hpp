// Storage for transparency records: embedded SQLite, or PostgreSQL given a connection string, both
// with the same versioned schema migrations.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "scrutineer/registry/challenge.hpp"
#include "scrutineer/registry/record.hpp"

namespace scrutineer::registry {

// What a batch of writes did: records added (new slug) and updated (slug already there).
struct WriteCounts {
  int added = 0;
  int updated = 0;
};

// One line of a list: what /api/tools and `register list` show, without loading every field.
struct ToolSummary {
  std::string slug;
  std::string name;
  std::string description;       // at most kSummaryDescriptionChars characters
  bool description_cut = false;  // true when the description is longer and was cut
  std::string organisation;
  std::int64_t audits = 0;
  std::string phase;  // ATRS 2.4.1.2, else 0.13 (cut like the description)
  std::string tags;   // ATRS 0.7 (cut like the description)
};

// Filters of a list, each ignored when empty. `organisation` is ATRS 2.1.1 exactly; `category`
// is "geographic" or "people-focused", found among the record's tags (ATRS 0.7), ignoring the
// case of ASCII letters; `phase` is ATRS 2.4.1.2 or 0.13, ignoring case; `audited` is "yes" (at
// least one linked audit) or "no".
struct ToolFilter {
  std::string search;
  std::string organisation;
  std::string category;
  std::string phase;
  std::string audited;
};
// The two tier-1 categories of tools that the register tells apart (docs/register.md).
inline const std::vector<std::string> kToolCategories = {"geographic", "people-focused"};
inline constexpr std::size_t kSummaryDescriptionChars = 300;

// One handle on a register. Not thread-safe: give each thread its own (see StorePool).
class Store {
 public:
  virtual ~Store() = default;
  // Adds a record (slug must be new) and returns its id. ConfigError if the slug exists.
  virtual std::int64_t add(const ToolRecord& record) = 0;
  // Replaces the fields of the record with this slug; keeps its audits. ConfigError if absent.
  virtual void update(const ToolRecord& record) = 0;
  // Adds the record or replaces the fields of the one with its slug (keeping its audits), with SQL
  // upsert, so that concurrent writers of the same slug all succeed; true when it was added.
  virtual bool upsert(const ToolRecord& record) = 0;
  // upsert() of every record in one transaction: all are written or, on any error, none (the
  // error then says so and names the record). Records are written in slug order, so that two
  // batches over the same slugs take their locks in the same order.
  virtual WriteCounts upsert_all(const std::vector<ToolRecord>& records) = 0;
  virtual std::optional<ToolRecord> get(const std::string& slug) const = 0;
  // Records whose slug or any field contains `text`, ignoring the case of ASCII letters only (as
  // SQLite's lower()); all when empty. Ordered by slug, byte by byte.
  virtual std::vector<ToolRecord> list(const std::string& text = "") const = 0;
  // The summaries of the records that list(text) returns, `limit` of them from `offset` on, read
  // with one query; `total`, when given, is set to how many match in all (from the same query, or
  // from count() when the page is empty).
  virtual std::vector<ToolSummary> list_summaries(const std::string& text, std::size_t limit,
                                                  std::size_t offset,
                                                  std::size_t* total = nullptr) const = 0;
  // As list_summaries, with every filter of `filter`; ConfigError for a category or an audited
  // value that is not one of those above.
  virtual std::vector<ToolSummary> list_filtered(const ToolFilter& filter, std::size_t limit,
                                                 std::size_t offset,
                                                 std::size_t* total = nullptr) const = 0;
  // The organisations (ATRS 2.1.1) and phases (2.4.1.2 or 0.13) that records name, sorted, each
  // once, at most 500 of each: the choices of the page's filters.
  virtual std::vector<std::string> organisations() const = 0;
  virtual std::vector<std::string> phases() const = 0;
  virtual std::size_t count(const std::string& text = "") const = 0;
  virtual std::int64_t link_audit(const std::string& slug, const AuditLink& audit) = 0;
  // Questions and challenges (challenge.hpp). add_challenge stores a new one as received, with a
  // new reference and the time, and returns it; ConfigError when the tool is absent.
  virtual Challenge add_challenge(const Challenge& c) = 0;
  virtual std::optional<Challenge> challenge(const std::string& reference) const = 0;
  // Of one tool (all tools when `slug` is empty), those with `status` (all when absent), oldest
  // first, at most `limit`.
  virtual std::vector<Challenge> challenges(const std::string& slug,
                                            std::optional<ChallengeStatus> status,
                                            std::size_t limit) const = 0;
  virtual ChallengeCounts challenge_counts(const std::string& slug) const = 0;
  // Sets the answer and the status (answered, published or rejected), with the times; ConfigError
  // when the reference is unknown.
  virtual Challenge answer_challenge(const std::string& reference, const std::string& answer,
                                     ChallengeStatus status) = 0;
  virtual int schema_version() const = 0;
  // Runs a trivial query on the tools table: throws IoError when the register cannot be reached.
  virtual void ping() const = 0;
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
