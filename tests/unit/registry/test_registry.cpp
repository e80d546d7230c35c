// Transparency register: records; the store on SQLite and on a real PostgreSQL server (the
// "postgres" CTest fixture) through one parameterised suite; migrations; JSON and CSV round trips.
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <thread>

#include "../../postgres/test_database.hpp"
#include "scrutineer/core/error.hpp"
#include "scrutineer/io/atomic_file.hpp"
#include "scrutineer/registry/exchange.hpp"
#include "scrutineer/registry/store.hpp"
#include "scrutineer/registry/store_pool.hpp"

namespace scrutineer::registry {

namespace fs = std::filesystem;

namespace {
fs::path fresh(const std::string& name) {
  auto dir = fs::temp_directory_path() / ("scrutineer-registry-" + name);
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

nlohmann::json gangs_matrix() {
  return nlohmann::json::parse(R"({
    "slug": "met-gangs-matrix",
    "tier1": {"name": "Gangs Violence Matrix",
              "description": "A list of people scored for gang violence, used to target enforcement.",
              "contact_email": "foi@example.org"},
    "tier2": {"owner": {"organisation": "Metropolitan Police Service"},
              "risks": {"risks_and_mitigations": "78% of the people on it were Black, comma, \"quoted\""}}
  })");
}
}  // namespace

TEST(Registry, JsonRecordRoundTrip) {
  const auto r = record_from_json(gangs_matrix(), "test");
  EXPECT_EQ(r.get("owner_and_responsibility.organisation_or_department"),
            "Metropolitan Police Service");
  const auto back = record_to_json(r);
  EXPECT_EQ(back["atrs_version"], "3.0");
  EXPECT_EQ(back["tier_1_information"]["name"], "Gangs Violence Matrix");
  EXPECT_EQ(back["risks_mitigations_and_impact_assessments"]["risks_and_mitigations"],
            gangs_matrix()["tier2"]["risks"]["risks_and_mitigations"]);
}

TEST(Registry, BadRecordsNameTheField) {
  auto j = gangs_matrix();
  j["tier1"].erase("name");
  EXPECT_THROW(record_from_json(j, "x.json"), InputError);
  j = gangs_matrix();
  j["tier2"]["owner"]["shoe_size"] = "9";
  try {
    record_from_json(j, "x.json");
    FAIL();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("tier2.owner.shoe_size"), std::string::npos);
  }
  j = gangs_matrix();
  j["slug"] = "../etc/passwd";
  EXPECT_THROW(record_from_json(j, "x.json"), InputError);
  j = gangs_matrix();
  j["tier1"]["name"] = 5;
  EXPECT_THROW(record_from_json(j, "x.json"), InputError);
}

enum class Backend { kSqlite, kPostgres };

std::string backend_name(const testing::TestParamInfo<Backend>& info) {
  return info.param == Backend::kSqlite ? "Sqlite" : "Postgres";
}

// Each test gets registers of its own: SQLite files in a fresh folder, or fresh databases on the
// fixture's PostgreSQL server (skipped with a message when there is none).
class RegisterStore : public testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    const auto* info = testing::UnitTest::GetInstance()->current_test_info();
    name_ = std::string(info->name()) + "-" + std::to_string(getpid());
    for (auto& c : name_)
      if (c == '/') c = '-';
    if (GetParam() == Backend::kPostgres) {
      server_ = test_postgres::server_conninfo();
      if (server_.empty()) GTEST_SKIP() << test_postgres::kNoServer;
    } else {
      dir_ = fresh(name_);
    }
  }
  void TearDown() override {
    databases_.clear();
    if (!dir_.empty()) fs::remove_all(dir_);
  }
  // A new, empty register; `tag` tells two of one test apart.
  std::string location(const std::string& tag = "a") {
    if (GetParam() == Backend::kSqlite) return (dir_ / (tag + ".sqlite")).string();
    databases_.push_back(std::make_unique<test_postgres::TestDatabase>(server_, tag + "_" + name_));
    return databases_.back()->conninfo();
  }
  // Runs set-up SQL straight on the register, past the store; returns the first value.
  std::string raw(const std::string& where, const std::string& sql) {
    if (GetParam() == Backend::kPostgres) return test_postgres::execute(where, sql);
    sqlite3* db = nullptr;
    std::string first;
    sqlite3_open(where.c_str(), &db);
    char* err = nullptr;
    const int rc = sqlite3_exec(
        db, sql.c_str(),
        [](void* out, int, char** values, char**) {
          if (static_cast<std::string*>(out)->empty() && values[0])
            *static_cast<std::string*>(out) = values[0];
          return 0;
        },
        &first, &err);
    const std::string message = err ? err : "";
    sqlite3_free(err);
    sqlite3_close(db);
    if (rc != SQLITE_OK) throw std::runtime_error("test set-up on SQLite: " + message);
    return first;
  }
  std::string version_sql() const {
    return GetParam() == Backend::kSqlite ? "PRAGMA user_version"
                                          : "SELECT version FROM schema_version";
  }
  ToolRecord predpol() const {
    auto j = gangs_matrix();
    j["slug"] = "predpol-lapd";
    j["tier1"]["name"] = "PredPol";
    j["tier1"]["description"] = "Hotspot boxes for patrols.";
    return record_from_json(j, "t");
  }

  std::string name_, server_;
  fs::path dir_;
  std::vector<std::unique_ptr<test_postgres::TestDatabase>> databases_;
};

TEST_P(RegisterStore, MigratesAddsSearchesLinks) {
  const auto where = location();
  {
    auto store = open_store(where);
    EXPECT_EQ(store->schema_version(), latest_schema_version());
    store->add(record_from_json(gangs_matrix(), "t"));
    store->add(predpol());
    EXPECT_THROW(store->add(predpol()), ConfigError);  // duplicate slug
    store->link_audit("predpol-lapd",
                      {0, "backtest", "results/lapd", "hit rate 0.2", "", "0.1.0", ""});
  }
  auto store = open_store(where);         // reopening runs no migration twice
  EXPECT_EQ(store->schema_version(), 5);  // tools, audits, ATRS v3.0 keys, evidence, challenges
  EXPECT_EQ(raw(where, version_sql()), "5");
  EXPECT_EQ(store->list().size(), 2u);
  const auto found = store->list("HOTSPOT");
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].slug, "predpol-lapd");
  ASSERT_EQ(found[0].audits.size(), 1u);
  EXPECT_EQ(found[0].audits[0].summary, "hit rate 0.2");
  EXPECT_EQ(found[0].audits[0].engine_version, "0.1.0");
  EXPECT_EQ(found[0].get("owner_and_responsibility.organisation_or_department"),
            "Metropolitan Police Service");
  EXPECT_TRUE(store->list("nothing like this").empty());
  EXPECT_FALSE(store->get("absent"));
}

TEST_P(RegisterStore, UpdateReplacesFieldsAndKeepsAudits) {
  auto store = open_store(location());
  const auto id = store->add(predpol());
  store->link_audit("predpol-lapd", {0, "disparity", "results/d", "ratio 2.1", "", "0.1.0", ""});
  auto changed = predpol();
  changed.set("tier_1_information.description", "Boxes of 150 m for each shift.");
  changed.fields.erase(
      std::remove_if(changed.fields.begin(), changed.fields.end(),
                     [](const auto& f) { return f.first == "tier_1_information.contact_email"; }),
      changed.fields.end());
  store->update(changed);
  const auto r = store->get("predpol-lapd");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->id, id);
  EXPECT_EQ(r->get("tier_1_information.description"), "Boxes of 150 m for each shift.");
  EXPECT_EQ(r->get("tier_1_information.contact_email"), "");  // fields are replaced, not merged
  ASSERT_EQ(r->audits.size(), 1u);
  EXPECT_EQ(r->audits[0].kind, "disparity");
  auto absent = predpol();
  absent.slug = "absent";
  EXPECT_THROW(store->update(absent), ConfigError);
  EXPECT_THROW(store->link_audit("absent", {0, "k", "l", "s", "", "", ""}), ConfigError);
}

// Both back ends fold the case of ASCII letters only, as SQLite's lower() does: "É" stays "É", so
// "école" does not find "ÉCOLE" but "École" does (lower("ÉCOLE") = "École"). Slugs are ordered by
// bytes: 'Z' 0x5A < 'a' 0x61, and after "a": '-' 0x2D < 'B' 0x42 < '_' 0x5F < 'l' 0x6C.
TEST_P(RegisterStore, SearchFoldsAsciiCaseAndOrdersByBytes) {
  auto store = open_store(location());
  for (const char* slug : {"alpha", "a_b", "Zeta", "aB", "a-b"}) {
    auto r = predpol();
    r.slug = slug;
    r.set("tier_1_information.description", std::string("ÉCOLE ") + slug);
    store->add(r);
  }
  std::vector<std::string> order;
  for (const auto& r : store->list()) order.push_back(r.slug);
  EXPECT_EQ(order, (std::vector<std::string>{"Zeta", "a-b", "aB", "a_b", "alpha"}));
  EXPECT_EQ(store->list("École").size(), 5u);
  EXPECT_EQ(store->list("école").size(), 0u);
  EXPECT_EQ(store->list("ecole").size(), 0u);
  ASSERT_EQ(store->list("ZETA").size(), 1u);  // in the slug and the description
  EXPECT_EQ(store->list("a_B")[0].slug, "a_b");
  EXPECT_EQ(store->list("a%b").size(), 0u);  // literal text: no LIKE wildcards
}

TEST_P(RegisterStore, MigratesVersionOneDataToTheLatest) {
  const auto where = location();
  migrate_register(where, 1);
  EXPECT_EQ(raw(where, version_sql()), "1");
  raw(where,
      "INSERT INTO tools (id, slug, created_at, updated_at) VALUES"
      " (7, 'old-tool', '2020-01-02T03:04:05Z', '2020-01-02T03:04:05Z');"
      "INSERT INTO tool_fields (tool_id, key, value) VALUES (7, 'tier1.name', 'Old tool'),"
      " (7, 'tier1.description', 'Recorded before audits existed.');");
  EXPECT_THROW(raw(where, "SELECT count(*) FROM audits"), std::runtime_error);
  auto store = open_store(where);
  EXPECT_EQ(store->schema_version(), latest_schema_version());
  const auto r = store->get("old-tool");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->id, 7);
  EXPECT_EQ(r->created_at, "2020-01-02T03:04:05Z");
  EXPECT_EQ(r->get("tier_1_information.description"), "Recorded before audits existed.");
  EXPECT_TRUE(r->audits.empty());
  EXPECT_GT(store->link_audit("old-tool", {0, "report", "r/", "s", "", "", ""}), 0);
  EXPECT_THROW(migrate_register(where, latest_schema_version() + 1), ConfigError);
}

// A register of schema 2 (the 29 fields under scrutineer's own keys) migrates to the ATRS v3.0
// keys without loss: every value at its new key, no old key left, the audits kept.
TEST_P(RegisterStore, MigratesSchemaTwoKeysToAtrsV3) {
  const auto where = location();
  migrate_register(where, 2);
  std::string values;
  for (const auto& [from, to] : legacy_key_map())
    values += fmt::format("{}(3, '{}', 'value of {}')", values.empty() ? "" : ", ", from, from);
  raw(where,
      "INSERT INTO tools (id, slug, created_at, updated_at) VALUES"
      " (3, 'v2-tool', '2021-05-06T07:08:09Z', '2021-05-06T07:08:09Z');"
      "INSERT INTO tool_fields (tool_id, key, value) VALUES " +
          values +
          ";"
          "INSERT INTO audits (tool_id, kind, location, summary, run_at, engine_version) VALUES"
          " (3, 'backtest', 'b/', 'hit rate 0.2', '2021-05-06T07:08:09Z', '0.1.0');");
  auto store = open_store(where);
  EXPECT_EQ(store->schema_version(), latest_schema_version());
  const auto r = store->get("v2-tool");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->fields.size(), 29u);
  for (const auto& [from, to] : legacy_key_map()) EXPECT_EQ(r->get(to), "value of " + from) << to;
  EXPECT_EQ(
      raw(where, "SELECT count(*) FROM tool_fields WHERE key LIKE 'tier1.%' OR key LIKE 'tier2.%'"),
      "0");
  ASSERT_EQ(r->audits.size(), 1u);
  EXPECT_EQ(r->audits[0].summary, "hit rate 0.2");
  EXPECT_EQ(store->list("value of tier2.data.sources").size(), 1u);  // search still finds it
}

// Questions and challenges and the list's filters, the same on both back ends (the server tests
// run them on SQLite only).
TEST_P(RegisterStore, ChallengesAndFilters) {
  auto store = open_store(location());
  const auto record = [](const std::string& slug, const std::string& org, const std::string& tags,
                         const std::string& phase) {
    return record_from_json(
        nlohmann::json{{"atrs_version", "3.0"},
                       {"slug", slug},
                       {"metadata", {{"tags", tags}}},
                       {"tier_1_information", {{"name", slug}, {"description", "d"}}},
                       {"owner_and_responsibility", {{"organisation_or_department", org}}},
                       {"title_information", {{"phase", phase}}}},
        "t");
  };
  store->add(record("a", "Essex Police", "People-Focused", "Production"));
  store->add(record("b", "West Midlands Police", "geographic", "pilot"));
  store->add(record("c", "West Midlands Police", "geographic", "Production"));
  store->link_audit("c", {0, "report", "r", "s", "", "", ""});
  const auto slugs = [&](const ToolFilter& f) {
    std::vector<std::string> out;
    std::size_t total = 0;
    for (const auto& t : store->list_filtered(f, 10, 0, &total)) out.push_back(t.slug);
    EXPECT_EQ(total, out.size());
    return out;
  };
  EXPECT_EQ(slugs({"", "West Midlands Police", "", "", ""}), (std::vector<std::string>{"b", "c"}));
  EXPECT_EQ(slugs({"", "", "people-focused", "", ""}), (std::vector<std::string>{"a"}));
  EXPECT_EQ(slugs({"", "", "", "PRODUCTION", ""}), (std::vector<std::string>{"a", "c"}));
  EXPECT_EQ(slugs({"", "", "geographic", "", "no"}), (std::vector<std::string>{"b"}));
  EXPECT_EQ(slugs({"", "", "", "", "yes"}), (std::vector<std::string>{"c"}));
  std::size_t total = 9;
  EXPECT_TRUE(store->list_filtered({"", "Nobody", "", "", ""}, 10, 0, &total).empty());
  EXPECT_EQ(total, 0u);
  EXPECT_THROW(store->list_filtered({"", "", "other", "", ""}, 10, 0), ConfigError);
  EXPECT_EQ(store->organisations(),
            (std::vector<std::string>{"Essex Police", "West Midlands Police"}));
  EXPECT_EQ(store->phases(), (std::vector<std::string>{"Production", "pilot"}));

  Challenge in;
  in.slug = "a";
  in.kind = "question";
  in.question = "Why is this used?";
  in.contact = "x@example.org";
  const auto first = store->add_challenge(in);
  const auto second = store->add_challenge(in);
  EXPECT_NE(first.reference, second.reference);
  EXPECT_EQ(first.status, ChallengeStatus::kReceived);
  in.slug = "absent";
  EXPECT_THROW(store->add_challenge(in), ConfigError);
  const auto published =
      store->answer_challenge(first.reference, "Because.", ChallengeStatus::kPublished);
  EXPECT_EQ(published.status, ChallengeStatus::kPublished);
  EXPECT_FALSE(published.answered_at.empty());
  EXPECT_EQ(published.published_at, published.answered_at);
  store->answer_challenge(second.reference, "", ChallengeStatus::kRejected);
  const auto counts = store->challenge_counts("a");
  EXPECT_EQ(counts.received, 2);
  EXPECT_EQ(counts.answered, 1);  // the rejected one is not answered
  EXPECT_EQ(counts.published, 1);
  EXPECT_GE(counts.median_answer_days, 0.0);
  const auto shown = store->challenges("a", ChallengeStatus::kPublished, 10);
  ASSERT_EQ(shown.size(), 1u);
  EXPECT_EQ(shown[0].contact, "x@example.org");  // stored; challenge_public_json leaves it out
  EXPECT_FALSE(challenge_public_json(shown[0]).contains("contact"));
  EXPECT_EQ(store->challenges("", std::nullopt, 10).size(), 2u);
  EXPECT_THROW(store->answer_challenge("Q-2222-2222", "x", ChallengeStatus::kAnswered),
               ConfigError);
}

TEST_P(RegisterStore, CsvAndJsonExportImportRoundTrip) {
  auto a = open_store(location("a"));
  a->add(record_from_json(gangs_matrix(), "t"));
  a->add(predpol());
  const auto files = fresh(name_ + "-files");
  io::write_text_file(files / "out.csv", export_csv(*a));
  io::write_text_file(files / "out.json", export_json(*a));
  auto b = open_store(location("b"));
  const auto counts = import_file(*b, (files / "out.csv").string());
  EXPECT_EQ(counts.added, 2);
  for (const auto& original : a->list()) {
    const auto copy = b->get(original.slug);
    ASSERT_TRUE(copy);
    EXPECT_EQ(copy->fields, original.fields);
  }
  EXPECT_EQ(b->get("met-gangs-matrix")
                ->get("risks_mitigations_and_impact_assessments.risks_and_mitigations"),
            "78% of the people on it were Black, comma, \"quoted\"");
  const auto again = import_file(*b, (files / "out.json").string());
  EXPECT_EQ(again.updated, 2);
  EXPECT_EQ(again.added, 0);
  fs::remove_all(files);
}

TEST_P(RegisterStore, NewerSchemaIsRefused) {
  const auto where = location();
  { open_store(where); }
  raw(where, GetParam() == Backend::kSqlite ? "PRAGMA user_version = 99"
                                            : "UPDATE schema_version SET version = 99");
  EXPECT_THROW(open_store(where), IoError);  // written by a later scrutineer
}

// Openers racing on an empty register: the lock and the version read inside each migration's
// transaction let exactly one apply each step (a second CREATE TABLE would fail).
TEST_P(RegisterStore, ConcurrentOpenersMigrateOnce) {
  const auto where = location();
  std::atomic<int> failures{0};
  std::vector<std::thread> openers;
  for (int i = 0; i < 6; ++i)
    openers.emplace_back([&] {
      try {
        if (open_store(where)->schema_version() != latest_schema_version()) ++failures;
      } catch (const std::exception&) {
        ++failures;
      }
    });
  for (auto& t : openers) t.join();
  EXPECT_EQ(failures.load(), 0);
  if (GetParam() == Backend::kPostgres) {
    EXPECT_EQ(raw(where, "SELECT count(*) FROM schema_version"), "1");
  }
}

TEST_P(RegisterStore, PoolReusesHandles) {
  StorePool pool(location());
  { pool.lease()->add(predpol()); }
  { EXPECT_TRUE(pool.lease()->get("predpol-lapd")); }
  EXPECT_EQ(pool.opened(), 1u);  // the second lease reused the first handle
  {
    auto one = pool.lease();
    auto two = pool.lease();  // held at once: a second handle
    EXPECT_EQ(two->list().size(), 1u);
  }
  EXPECT_EQ(pool.opened(), 2u);
  { pool.lease(); }
  EXPECT_EQ(pool.opened(), 2u);
}

namespace {
// `n` records "tool-001" ... as a JSON array; record `bad` (1-based, 0 = none) lacks its name.
nlohmann::json numbered_records(int n, int bad = 0) {
  auto all = nlohmann::json::array();
  for (int i = 1; i <= n; ++i) {
    nlohmann::json r = {{"slug", fmt::format("tool-{:03}", i)},
                        {"tier1", {{"name", fmt::format("Tool {}", i)}, {"description", "new"}}}};
    if (i == bad) r["tier1"].erase("name");
    all.push_back(r);
  }
  return all;
}
}  // namespace

// Finding: a failure at record 251 left 250 records committed. A file is now read and checked
// whole before anything is written, and written in one transaction, so both a bad record (found
// while reading) and a database failure at record 251 (a trigger refusing that slug) write
// nothing, and an existing record keeps its fields.
TEST_P(RegisterStore, ABatchIsWrittenWholeOrNotAtAll) {
  const auto where = location();
  auto store = open_store(where);
  auto old = record_from_json(numbered_records(1)[0], "t");
  old.set("tier_1_information.description", "old");
  store->add(old);
  const auto files = fresh(name_ + "-batch");
  io::write_text_file(files / "bad.json", numbered_records(300, 251).dump());
  try {
    import_file(*store, (files / "bad.json").string());
    ADD_FAILURE() << "a record without a name was imported";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("record 251"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("nothing was written"), std::string::npos) << e.what();
  }
  EXPECT_EQ(store->count(), 1u);
  if (GetParam() == Backend::kSqlite)
    raw(where,
        "CREATE TRIGGER refuse BEFORE INSERT ON tools WHEN NEW.slug = 'tool-251'"
        " BEGIN SELECT RAISE(ABORT, 'refused by the test'); END;");
  else
    raw(where,
        "CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
        " IF NEW.slug = 'tool-251' THEN RAISE EXCEPTION 'refused by the test'; END IF;"
        " RETURN NEW; END $$;"
        "CREATE TRIGGER refuse BEFORE INSERT ON tools FOR EACH ROW EXECUTE FUNCTION refuse();");
  io::write_text_file(files / "good.json", numbered_records(300).dump());
  try {
    import_file(*store, (files / "good.json").string());
    ADD_FAILURE() << "the trigger did not refuse record 251";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("record 251 of 300 ('tool-251')"), std::string::npos)
        << e.what();
    EXPECT_NE(std::string(e.what()).find("nothing was written"), std::string::npos) << e.what();
  }
  EXPECT_EQ(store->count(), 1u);  // records 1 to 250 were rolled back with 251
  EXPECT_EQ(store->get("tool-001")->get("tier_1_information.description"), "old");
  raw(where,
      "DROP TRIGGER refuse" + std::string(GetParam() == Backend::kSqlite ? "" : " ON tools"));
  const auto counts = import_file(*store, (files / "good.json").string());
  EXPECT_EQ(counts.added, 299);
  EXPECT_EQ(counts.updated, 1);
  EXPECT_EQ(store->count(), 300u);
  EXPECT_EQ(store->get("tool-001")->get("tier_1_information.description"), "new");
  fs::remove_all(files);
}

// Finding: two concurrent add-or-update runs over the same slugs failed with a unique-key error
// (and, through the server, "database is locked"). Eight writers, each with its own handle, write
// the same 20 slugs three times over (a batch, single upserts, a batch): every call succeeds, and
// each slug is added exactly once in all, so the added counts sum to 20.
TEST_P(RegisterStore, ConcurrentUpsertsOfTheSameSlugsAllSucceed) {
  const auto where = location();
  { open_store(where); }  // migrated before the race
  std::vector<ToolRecord> batch;
  for (const auto& j : numbered_records(20)) batch.push_back(record_from_json(j, "t"));
  std::atomic<int> failures{0}, added{0}, updated{0};
  std::vector<std::string> messages(8);
  std::vector<std::thread> writers;
  for (int w = 0; w < 8; ++w)
    writers.emplace_back([&, w] {
      try {
        auto store = open_store(where);
        for (int round = 0; round < 3; ++round) {
          if (round % 2 == 0) {
            const auto c = store->upsert_all(batch);
            added += c.added;
            updated += c.updated;
          } else {
            for (const auto& r : batch) (store->upsert(r) ? added : updated)++;
          }
        }
      } catch (const std::exception& e) {
        ++failures;
        messages[static_cast<std::size_t>(w)] = e.what();
      }
    });
  for (auto& t : writers) t.join();
  EXPECT_EQ(failures.load(), 0) << testing::PrintToString(messages);
  EXPECT_EQ(added.load(), 20);
  EXPECT_EQ(updated.load(), 8 * 3 * 20 - 20);
  EXPECT_EQ(open_store(where)->count(), 20u);
}

// Summaries: one page at a time, the total apart, the description cut to 300 characters (counted
// as characters: 400 two-byte letters are cut to 300 of them, 600 bytes).
TEST_P(RegisterStore, SummariesArePagedAndCut) {
  auto store = open_store(location());
  for (const auto& j : numbered_records(7)) store->add(record_from_json(j, "t"));
  auto long_one = predpol();
  std::string e_acute;
  for (int i = 0; i < 400; ++i) e_acute += "\xC3\xA9";  // é
  long_one.set("tier_1_information.description", e_acute);
  store->add(long_one);
  store->link_audit("predpol-lapd", {0, "backtest", "r", "s", "", "", ""});
  EXPECT_EQ(store->count(), 8u);
  EXPECT_EQ(store->count("tool-00"), 7u);
  std::size_t total = 0;
  const auto page = store->list_summaries("", 2, 0, &total);
  ASSERT_EQ(page.size(), 2u);
  EXPECT_EQ(total, 8u);
  EXPECT_EQ(page[0].slug, "predpol-lapd");  // 'p' < 't'
  EXPECT_EQ(page[0].name, "PredPol");
  EXPECT_EQ(page[0].organisation, "Metropolitan Police Service");
  EXPECT_EQ(page[0].audits, 1);
  EXPECT_TRUE(page[0].description_cut);
  EXPECT_EQ(page[0].description, e_acute.substr(0, 600));
  EXPECT_EQ(page[1].slug, "tool-001");
  EXPECT_FALSE(page[1].description_cut);
  EXPECT_EQ(page[1].description, "new");
  const auto last = store->list_summaries("", 3, 6);  // 8 records: the 7th and 8th
  ASSERT_EQ(last.size(), 2u);
  EXPECT_EQ(last[0].slug, "tool-006");
  EXPECT_EQ(last[1].slug, "tool-007");
  EXPECT_EQ(store->list_summaries("tool", 100, 0).size(), 7u);
  EXPECT_TRUE(store->list_summaries("", 10, 8, &total).empty());
  EXPECT_EQ(total, 8u);  // from count(): the page past the end has no row to carry it
  EXPECT_NO_THROW(store->ping());
}

INSTANTIATE_TEST_SUITE_P(Backends, RegisterStore,
                         testing::Values(Backend::kSqlite, Backend::kPostgres), backend_name);

TEST(RegisterLocation, PostgresOnlyForUrisAndLibpqKeywords) {
  EXPECT_TRUE(is_postgres_location("postgresql://auditor@db.example.org:5432/register"));
  EXPECT_TRUE(is_postgres_location("postgres://localhost/register"));
  EXPECT_TRUE(is_postgres_location("host=127.0.0.1 dbname=register"));
  EXPECT_TRUE(is_postgres_location(" dbname = register"));
  EXPECT_FALSE(is_postgres_location("register.sqlite"));
  EXPECT_FALSE(is_postgres_location("/srv/data/a=b.sqlite"));
  EXPECT_FALSE(is_postgres_location("colour=blue.sqlite"));  // not a libpq keyword
  EXPECT_FALSE(is_postgres_location("postgresql.sqlite"));
}

// Port 1 on loopback refuses at once: the error names host and database, never the password.
TEST(RegisterLocation, ConnectionFailureHidesThePassword) {
  for (const std::string where :
       {"host=127.0.0.1 port=1 dbname=regdb user=auditor password=hunter2 connect_timeout=5",
        "postgresql://auditor:hunter2@127.0.0.1:1/regdb?connect_timeout=5"}) {
    try {
      open_store(where);
      FAIL() << "connected to port 1";
    } catch (const IoError& e) {
      const std::string what = e.what();
      EXPECT_NE(what.find("127.0.0.1"), std::string::npos) << what;
      EXPECT_NE(what.find("regdb"), std::string::npos) << what;
      EXPECT_EQ(what.find("hunter2"), std::string::npos) << what;
    }
    EXPECT_EQ(describe_location(where).find("hunter2"), std::string::npos);
  }
  try {
    open_store("host=127.0.0.1 password=hunter2 'unterminated");
    FAIL();
  } catch (const ConfigError& e) {
    EXPECT_EQ(std::string(e.what()).find("hunter2"), std::string::npos);
  }
}

// Finding: 1e999 in `register import` ended in exit 70 (nlohmann::json's out-of-range error was
// not an input error). It is now an InputError (exit 65) naming the record and the field; a
// syntax error gets its line and column; nothing is written either way.
TEST(RegisterImport, NumberOutOfRangeNamesRecordAndField) {
  const auto dir = fresh("overflow");
  auto store = open_store((dir / "r.sqlite").string());
  io::write_text_file(
      dir / "big.json",
      "[{\"slug\": \"a\", \"tier1\": {\"name\": \"A\", \"description\": \"d\"}},\n"
      " {\"slug\": \"b\", \"tier1\": {\"name\": \"B\", \"description\": 1e999}}]\n");
  try {
    import_file(*store, (dir / "big.json").string());
    ADD_FAILURE() << "1e999 was accepted";
  } catch (const InputError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("record 2, field 'tier1.description'"), std::string::npos) << what;
    EXPECT_NE(what.find("too large"), std::string::npos) << what;
    EXPECT_NE(what.find("nothing was written"), std::string::npos) << what;
  }
  io::write_text_file(dir / "broken.json", "[\n  {\"slug\": \"a\",,}\n]\n");
  try {
    import_file(*store, (dir / "broken.json").string());
    ADD_FAILURE() << "broken JSON was accepted";
  } catch (const InputError& e) {
    EXPECT_EQ(e.line(), 2);  // the second comma: line 2, column 16 (counted by hand)
    EXPECT_EQ(e.column(), 16);
  }
  EXPECT_EQ(store->count(), 0u);
  fs::remove_all(dir);
}

// Finding: the CLI accepted a 50 MB description. A field is at most 64 KiB and a record 1 MiB;
// the error names the field. 17 fields of 64 KiB (1,114,112 bytes) pass each field's limit but
// not the record's.
TEST(RegisterLimits, FieldsAndRecordsAreBounded) {
  auto j = gangs_matrix();
  j["tier1"]["description"] = std::string(kMaxFieldBytes, 'x');
  EXPECT_NO_THROW(record_from_json(j, "t"));
  j["tier1"]["description"] = std::string(kMaxFieldBytes + 1, 'x');
  try {
    record_from_json(j, "t");
    ADD_FAILURE() << "a 64 KiB + 1 description was accepted";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("tier_1_information.description"), std::string::npos);
  }
  j = gangs_matrix();
  int n = 0;
  for (const auto& f : record_fields())
    if (f.type == "UTF-8 string" && n++ < 17) {
      nlohmann::json* node = &j;
      std::string key = f.key;
      for (auto dot = key.find('.'); dot != std::string::npos; dot = key.find('.')) {
        node = &(*node)[key.substr(0, dot)];
        key = key.substr(dot + 1);
      }
      (*node)[key] = std::string(kMaxFieldBytes, 'y');
    }
  EXPECT_THROW(record_from_json(j, "t"), InputError);
  j = gangs_matrix();
  j["slug"] = std::string(kMaxSlugChars + 1, 's');
  EXPECT_THROW(record_from_json(j, "t"), InputError);
  EXPECT_THROW(
      check_audit_link({0, "k", std::string(kMaxAuditTextBytes + 1, 'l'), "s", "", "", ""}, "t"),
      InputError);
  EXPECT_THROW(check_audit_link({0, "", "l", "s", "", "", ""}, "t"), InputError);
  EXPECT_NO_THROW(check_audit_link({0, "k", "l", "s", "", "", ""}, "t"));
}

}  // namespace scrutineer::registry
