// Transparency register: records, SQLite store and migrations, JSON and CSV round trips.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "scrutineer/core/error.hpp"
#include "scrutineer/io/atomic_file.hpp"
#include "scrutineer/registry/exchange.hpp"
#include "scrutineer/registry/store.hpp"

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
  EXPECT_EQ(r.get("tier2.owner.organisation"), "Metropolitan Police Service");
  const auto back = record_to_json(r);
  EXPECT_EQ(back["tier1"]["name"], "Gangs Violence Matrix");
  EXPECT_EQ(back["tier2"]["risks"]["risks_and_mitigations"],
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

TEST(Registry, SqliteStoreMigratesAddsSearchesLinks) {
  const auto db = (fresh("store") / "register.sqlite").string();
  {
    auto store = open_sqlite_store(db);
    EXPECT_EQ(store->schema_version(), latest_schema_version());
    store->add(record_from_json(gangs_matrix(), "t"));
    auto other = gangs_matrix();
    other["slug"] = "predpol-lapd";
    other["tier1"]["name"] = "PredPol";
    other["tier1"]["description"] = "Hotspot boxes for patrols.";
    store->add(record_from_json(other, "t"));
    EXPECT_THROW(store->add(record_from_json(other, "t")), ConfigError);
    store->link_audit("predpol-lapd", {0, "backtest", "results/lapd", "hit rate 0.2", "", "0.1.0"});
  }
  auto store = open_sqlite_store(db);  // reopening runs no migration twice
  EXPECT_EQ(store->schema_version(), 2);
  EXPECT_EQ(store->list().size(), 2u);
  const auto found = store->list("HOTSPOT");
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].slug, "predpol-lapd");
  ASSERT_EQ(found[0].audits.size(), 1u);
  EXPECT_EQ(found[0].audits[0].summary, "hit rate 0.2");
  EXPECT_TRUE(store->list("nothing like this").empty());
  EXPECT_FALSE(store->get("absent"));
}

TEST(Registry, CsvAndJsonExportImportRoundTrip) {
  const auto dir = fresh("exchange");
  auto a = open_sqlite_store((dir / "a.sqlite").string());
  a->add(record_from_json(gangs_matrix(), "t"));
  io::write_text_file(dir / "out.csv", export_csv(*a));
  io::write_text_file(dir / "out.json", export_json(*a));
  auto b = open_sqlite_store((dir / "b.sqlite").string());
  const auto counts = import_file(*b, (dir / "out.csv").string());
  EXPECT_EQ(counts.added, 1);
  EXPECT_EQ(b->get("met-gangs-matrix")->get("tier2.risks.risks_and_mitigations"),
            "78% of the people on it were Black, comma, \"quoted\"");
  const auto again = import_file(*b, (dir / "out.json").string());
  EXPECT_EQ(again.updated, 1);
  EXPECT_EQ(again.added, 0);
}

TEST(Registry, NewerSchemaIsRefused) {
  const auto db = (fresh("newer") / "r.sqlite").string();
  { open_sqlite_store(db); }
  sqlite3* raw = nullptr;
  ASSERT_EQ(sqlite3_open(db.c_str(), &raw), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(raw, "PRAGMA user_version = 99", nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(raw);
  EXPECT_THROW(open_sqlite_store(db), IoError);  // written by a later scrutineer
}

}  // namespace scrutineer::registry
