// The register's records against ATRS v3.0 (template_table.md of
// co-cddo/algorithmic-transparency-recording-standard, "V3.0 (March 2024)"): the 65 attributes
// under the standard's names and reference numbers, their types, a full record through JSON and
// CSV without loss, and records in the shape before v3.0 read through the documented mapping.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <string>

#include "scrutineer/core/error.hpp"
#include "scrutineer/io/atomic_file.hpp"
#include "scrutineer/registry/exchange.hpp"
#include "scrutineer/registry/store.hpp"

namespace scrutineer::registry {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {
// tests/data/registry/atrs_v3_full.json: "references" lists the 65 (reference, key) pairs typed
// from the standard's table apart from src/registry/record.cpp; "record" gives each attribute a
// value (text with a comma, a quote, a line break and a non-ASCII letter; the integer and dates
// typed as the standard says) and each EU AI Act attribute one too.
json fixture() {
  std::ifstream in(std::string(SCRUTINEER_TEST_DATA) + "/registry/atrs_v3_full.json");
  return json::parse(in);
}

fs::path fresh(const std::string& name) {
  auto dir =
      fs::temp_directory_path() / ("scrutineer-atrs-" + name + "-" + std::to_string(getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

json without_store_keys(json j) {
  for (const char* k : {"id", "audits", "created_at", "updated_at"}) j.erase(k);
  return j;
}
}  // namespace

TEST(Atrs, TheSixtyFiveAttributesInTheStandardsOrder) {
  const auto refs = fixture()["references"];
  ASSERT_EQ(refs.size(), 65u);
  ASSERT_EQ(atrs_field_count(), 65u);
  const auto& fields = record_fields();
  for (std::size_t i = 0; i < 65; ++i) {
    EXPECT_EQ(fields[i].reference, refs[i][0]) << i;
    EXPECT_EQ(fields[i].key, refs[i][1]) << i;
    EXPECT_FALSE(fields[i].eu);
  }
  // Required FALSE in the table: 2.1.4.1 to 2.1.4.5, 2.2.1, 2.2.4, 2.2.5, 2.3.6, 2.4.3.9 (10 of
  // 65), so 55 are required. Tiers: 15 N/A (0.x), 4 in tier 1, 46 in tier 2.
  int required = 0, tier0 = 0, tier1 = 0, tier2 = 0;
  for (std::size_t i = 0; i < 65; ++i) {
    required += fields[i].required;
    tier0 += fields[i].tier == 0;
    tier1 += fields[i].tier == 1;
    tier2 += fields[i].tier == 2;
  }
  EXPECT_EQ(required, 55);
  EXPECT_EQ(tier0, 15);
  EXPECT_EQ(tier1, 4);
  EXPECT_EQ(tier2, 46);
  // The EU AI Act section follows, optional.
  ASSERT_GT(fields.size(), 65u);
  for (std::size_t i = 65; i < fields.size(); ++i) {
    EXPECT_TRUE(fields[i].eu);
    EXPECT_FALSE(fields[i].required);
    EXPECT_EQ(fields[i].key.rfind("eu_ai_act_annex_viii.", 0), 0u);
  }
  std::set<std::string> keys;
  for (const auto& f : fields) EXPECT_TRUE(keys.insert(f.key).second) << f.key;
}

TEST(Atrs, AFullRecordRoundTripsThroughJson) {
  const auto in = fixture()["record"];
  const auto r = record_from_json(in, "full");
  EXPECT_EQ(r.fields.size(), record_fields().size());  // 65 + 9, none empty
  // The two attributes named "phase" stay apart (0.13 and 2.4.1.2).
  EXPECT_EQ(r.get("title_information.phase").substr(0, 5), "0.13 ");
  EXPECT_EQ(r.get("tool_specification.phase").substr(0, 8), "2.4.1.2 ");
  EXPECT_EQ(r.get("metadata.id"), "12");
  EXPECT_EQ(without_store_keys(record_to_json(r)), in);
}

TEST(Atrs, AFullRecordRoundTripsThroughTheStoreAndBothFiles) {
  const auto dir = fresh("files");
  const auto in = fixture()["record"];
  auto a = open_store((dir / "a.sqlite").string());
  a->add(record_from_json(in, "full"));
  EXPECT_EQ(without_store_keys(record_to_json(*a->get("atrs-full-record"))), in);
  io::write_text_file(dir / "out.csv", export_csv(*a));
  io::write_text_file(dir / "out.json", export_json(*a));
  // The CSV's header: slug, atrs_version, then one column per attribute (74 in all).
  std::ifstream csv(dir / "out.csv");
  std::string header;
  std::getline(csv, header);
  EXPECT_EQ(header.rfind("slug,atrs_version,metadata.id,metadata.standard_version,", 0), 0u);
  for (const char* name : {"out.csv", "out.json"}) {
    auto b = open_store((dir / (std::string(name) + ".sqlite")).string());
    EXPECT_EQ(import_file(*b, (dir / name).string()).added, 1) << name;
    EXPECT_EQ(without_store_keys(record_to_json(*b->get("atrs-full-record"))), in) << name;
  }
  fs::remove_all(dir);
}

TEST(Atrs, TypesAndVersionAreChecked) {
  auto in = fixture()["record"];
  in["metadata"]["id"] = "12";  // a whole number as text is the same number
  EXPECT_EQ(record_to_json(record_from_json(in, "t"))["metadata"]["id"], 12);
  for (const json& bad : {json(-3), json("x"), json(1.5)}) {
    in["metadata"]["id"] = bad;
    EXPECT_THROW(record_from_json(in, "t"), InputError) << bad;
  }
  in = fixture()["record"];
  for (const char* bad : {"2023-02-29", "2024-13-01", "01/02/2024", "2024-1-01"}) {
    in["metadata"]["date_updated"] = bad;
    try {
      record_from_json(in, "t");
      ADD_FAILURE() << bad << " was accepted as a date";
    } catch (const InputError& e) {
      EXPECT_NE(std::string(e.what()).find("metadata.date_updated"), std::string::npos);
    }
  }
  in["metadata"]["date_updated"] = "2024-02-29";  // a leap day
  EXPECT_NO_THROW(record_from_json(in, "t"));
  in["atrs_version"] = "2.1";
  EXPECT_THROW(record_from_json(in, "t"), InputError);
  in = fixture()["record"];
  in["tier_1_information"]["shoe_size"] = "9";
  EXPECT_THROW(record_from_json(in, "t"), InputError);
}

// A record in the shape before v3.0 (each of the 29 old keys holding its own name as its value)
// is read through the mapping: every value lands at its ATRS key, and none is lost.
TEST(Atrs, LegacyRecordsAreReadThroughTheMapping) {
  json old = {{"slug", "old"}};
  for (const auto& [from, to] : legacy_key_map()) {
    json* node = &old;
    std::string key = from;
    for (auto dot = key.find('.'); dot != std::string::npos; dot = key.find('.')) {
      node = &(*node)[key.substr(0, dot)];
      key = key.substr(dot + 1);
    }
    (*node)[key] = from;
  }
  ASSERT_EQ(legacy_key_map().size(), 29u);
  const auto r = record_from_json(old, "old.json");
  EXPECT_EQ(r.fields.size(), 29u);
  EXPECT_EQ(r.get("owner_and_responsibility.external_supplier_role"), "tier2.owner.supplier_role");
  EXPECT_EQ(r.get("data_specification.source_data_name"), "tier2.data.sources");
  for (const auto& [from, to] : legacy_key_map()) EXPECT_EQ(r.get(to), from) << to;
}

// The starter register (examples/register/starter.json, sources in SOURCES.md) imports, and each
// record holds only the few attributes its sources disclose.
TEST(Atrs, StarterRegisterImports) {
  const auto dir = fresh("starter");
  auto store = open_store((dir / "r.sqlite").string());
  const auto counts = import_file(
      *store, std::string(SCRUTINEER_TEST_DATA) + "/../../examples/register/starter.json");
  EXPECT_EQ(counts.added, 4);
  const auto gvm = store->get("met-gangs-violence-matrix");
  ASSERT_TRUE(gvm);
  EXPECT_EQ(gvm->get("owner_and_responsibility.organisation_or_department"),
            "Metropolitan Police Service");
  EXPECT_EQ(gvm->get("owner_and_responsibility.external_supplier"), "");  // not disclosed
  EXPECT_EQ(store->list("0.5 km").size(), 1u);
  fs::remove_all(dir);
}

}  // namespace scrutineer::registry
