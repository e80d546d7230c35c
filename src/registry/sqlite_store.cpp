// The register in embedded SQLite. The schema version lives in PRAGMA user_version; each
// migration runs once, in order, inside a transaction.
#include <fmt/format.h>
#include <sqlite3.h>

#include <ctime>

#include "scrutineer/core/error.hpp"
#include "scrutineer/core/time.hpp"
#include "scrutineer/registry/store.hpp"

namespace scrutineer::registry {

namespace {

// Migration k brings the schema from version k to k + 1. Never edit one that has shipped: add one.
const std::vector<const char*>& migrations() {
  static const std::vector<const char*> list = {
      // 0 -> 1: tools and their fields (key-value, so the standard can grow without migrations).
      "CREATE TABLE tools (id INTEGER PRIMARY KEY, slug TEXT NOT NULL UNIQUE,"
      " created_at TEXT NOT NULL, updated_at TEXT NOT NULL);"
      "CREATE TABLE tool_fields (tool_id INTEGER NOT NULL REFERENCES tools(id) ON DELETE CASCADE,"
      " key TEXT NOT NULL, value TEXT NOT NULL, PRIMARY KEY (tool_id, key));",
      // 1 -> 2: audits linked to tools.
      "CREATE TABLE audits (id INTEGER PRIMARY KEY,"
      " tool_id INTEGER NOT NULL REFERENCES tools(id) ON DELETE CASCADE, kind TEXT NOT NULL,"
      " location TEXT NOT NULL, summary TEXT NOT NULL, run_at TEXT NOT NULL,"
      " engine_version TEXT NOT NULL);"
      "CREATE INDEX audits_tool ON audits(tool_id);",
  };
  return list;
}

std::string now_iso() { return format_iso_utc(static_cast<std::int64_t>(std::time(nullptr))); }

class Statement {
 public:
  Statement(sqlite3* db, const char* sql) : db_(db) {
    if (sqlite3_prepare_v2(db, sql, -1, &stmt_, nullptr) != SQLITE_OK)
      throw IoError(fmt::format("register: {}", sqlite3_errmsg(db)));
  }
  ~Statement() { sqlite3_finalize(stmt_); }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  Statement& bind(int i, const std::string& s) {
    sqlite3_bind_text(stmt_, i, s.c_str(), static_cast<int>(s.size()), SQLITE_TRANSIENT);
    return *this;
  }
  Statement& bind(int i, std::int64_t v) {
    sqlite3_bind_int64(stmt_, i, v);
    return *this;
  }
  // True while a row is available.
  bool step() {
    const int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    throw IoError(fmt::format("register: {}", sqlite3_errmsg(db_)));
  }
  std::string text(int col) const {
    const auto* p = sqlite3_column_text(stmt_, col);
    return p ? reinterpret_cast<const char*>(p) : "";
  }
  std::int64_t integer(int col) const { return sqlite3_column_int64(stmt_, col); }

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_ = nullptr;
};

class SqliteStore : public Store {
 public:
  explicit SqliteStore(const std::string& path) {
    if (sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr) !=
        SQLITE_OK) {
      const std::string msg = db_ ? sqlite3_errmsg(db_) : "out of memory";
      sqlite3_close(db_);
      throw IoError(fmt::format("cannot open register {}: {}", path, msg));
    }
    try {
      exec("PRAGMA foreign_keys = ON;");
      migrate();
    } catch (...) {
      sqlite3_close(db_);  // the destructor does not run when the constructor throws
      throw;
    }
  }
  ~SqliteStore() override { sqlite3_close(db_); }

  std::int64_t add(const ToolRecord& r) override {
    if (get(r.slug)) throw ConfigError(fmt::format("the register already holds '{}'", r.slug));
    Transaction t(*this);
    const auto now = now_iso();
    Statement(db_, "INSERT INTO tools (slug, created_at, updated_at) VALUES (?, ?, ?)")
        .bind(1, r.slug)
        .bind(2, now)
        .bind(3, now)
        .step();
    const std::int64_t id = sqlite3_last_insert_rowid(db_);
    write_fields(id, r);
    for (const auto& a : r.audits) insert_audit(id, a);
    t.commit();
    return id;
  }

  void update(const ToolRecord& r) override {
    auto old = get(r.slug);
    if (!old) throw ConfigError(fmt::format("the register holds no '{}'", r.slug));
    Transaction t(*this);
    Statement(db_, "DELETE FROM tool_fields WHERE tool_id = ?").bind(1, old->id).step();
    write_fields(old->id, r);
    Statement(db_, "UPDATE tools SET updated_at = ? WHERE id = ?")
        .bind(1, now_iso())
        .bind(2, old->id)
        .step();
    t.commit();
  }

  std::optional<ToolRecord> get(const std::string& slug) const override {
    Statement s(db_, "SELECT id, slug, created_at, updated_at FROM tools WHERE slug = ?");
    s.bind(1, slug);
    if (!s.step()) return std::nullopt;
    return load(s);
  }

  std::vector<ToolRecord> list(const std::string& text) const override {
    Statement s(db_,
                "SELECT id, slug, created_at, updated_at FROM tools t WHERE ?1 = '' OR"
                " instr(lower(t.slug), lower(?1)) > 0 OR EXISTS (SELECT 1 FROM tool_fields f"
                " WHERE f.tool_id = t.id AND instr(lower(f.value), lower(?1)) > 0)"
                " ORDER BY slug");
    s.bind(1, text);
    std::vector<ToolRecord> out;
    while (s.step()) out.push_back(load(s));
    return out;
  }

  std::int64_t link_audit(const std::string& slug, const AuditLink& audit) override {
    auto r = get(slug);
    if (!r) throw ConfigError(fmt::format("the register holds no '{}'", slug));
    return insert_audit(r->id, audit);
  }

  int schema_version() const override {
    Statement s(db_, "PRAGMA user_version");
    s.step();
    return static_cast<int>(s.integer(0));
  }

 private:
  struct Transaction {
    explicit Transaction(SqliteStore& s) : store(s) { store.exec("BEGIN IMMEDIATE"); }
    ~Transaction() {
      if (!done) sqlite3_exec(store.db_, "ROLLBACK", nullptr, nullptr, nullptr);
    }
    void commit() {
      store.exec("COMMIT");
      done = true;
    }
    SqliteStore& store;
    bool done = false;
  };

  void exec(const std::string& sql) {
    char* err = nullptr;
    if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
      const std::string msg = err ? err : "unknown error";
      sqlite3_free(err);
      throw IoError(fmt::format("register: {}", msg));
    }
  }

  void migrate() {
    const int current = schema_version();
    const int latest = static_cast<int>(migrations().size());
    if (current > latest)
      throw IoError(fmt::format(
          "register schema version {} is newer than this scrutineer knows ({})", current, latest));
    for (int v = current; v < latest; ++v) {
      Transaction t(*this);
      exec(migrations()[static_cast<std::size_t>(v)]);
      exec(fmt::format("PRAGMA user_version = {}", v + 1));
      t.commit();
    }
  }

  void write_fields(std::int64_t id, const ToolRecord& r) {
    for (const auto& [k, v] : r.fields)
      Statement(db_, "INSERT INTO tool_fields (tool_id, key, value) VALUES (?, ?, ?)")
          .bind(1, id)
          .bind(2, k)
          .bind(3, v)
          .step();
  }

  std::int64_t insert_audit(std::int64_t tool_id, const AuditLink& a) {
    Statement(db_,
              "INSERT INTO audits (tool_id, kind, location, summary, run_at, engine_version)"
              " VALUES (?, ?, ?, ?, ?, ?)")
        .bind(1, tool_id)
        .bind(2, a.kind)
        .bind(3, a.location)
        .bind(4, a.summary)
        .bind(5, a.run_at.empty() ? now_iso() : a.run_at)
        .bind(6, a.engine_version)
        .step();
    return sqlite3_last_insert_rowid(db_);
  }

  ToolRecord load(const Statement& row) const {
    ToolRecord r;
    r.id = row.integer(0);
    r.slug = row.text(1);
    r.created_at = row.text(2);
    r.updated_at = row.text(3);
    Statement f(db_, "SELECT key, value FROM tool_fields WHERE tool_id = ?");
    f.bind(1, r.id);
    while (f.step()) r.set(f.text(0), f.text(1));
    Statement a(db_,
                "SELECT id, kind, location, summary, run_at, engine_version FROM audits"
                " WHERE tool_id = ? ORDER BY id");
    a.bind(1, r.id);
    while (a.step())
      r.audits.push_back({a.integer(0), a.text(1), a.text(2), a.text(3), a.text(4), a.text(5)});
    return r;
  }

  sqlite3* db_ = nullptr;
};

}  // namespace

int latest_schema_version() { return static_cast<int>(migrations().size()); }

std::unique_ptr<Store> open_sqlite_store(const std::string& path) {
  return std::make_unique<SqliteStore>(path);
}

}  // namespace scrutineer::registry
