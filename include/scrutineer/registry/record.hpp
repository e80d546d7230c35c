// Transparency records with every attribute of the UK Algorithmic Transparency Recording Standard
// (ATRS) v3.0 (Central Digital and Data Office, March 2024; template_table.md of
// co-cddo/algorithmic-transparency-recording-standard), under its names and reference numbers,
// plus an optional section for what the EU AI Act's registration of high-risk systems (Regulation
// (EU) 2024/1689, Annex VIII section A) asks and the ATRS lacks; each record linked to the audits
// that scrutineer ran on the tool.
#pragma once

#include <cstddef>
#include <cstdint>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <utility>
#include <vector>

namespace scrutineer::registry {

// The version of the standard that records follow, and of the JSON shape ("atrs_version").
inline constexpr const char* kAtrsVersion = "3.0";

// One attribute: `key` is "<section>.<attribute>" (section: the standard's category in
// snake_case), so the JSON form nests {"<section>": {"<attribute>": ...}}; the ATRS has two
// attributes named "phase" (0.13 and 2.4.1.2), which the section tells apart.
struct FieldSpec {
  std::string key;        // e.g. "owner_and_responsibility.team"
  std::string label;      // the standard's name, e.g. "Team"
  int tier;               // 1 or 2; 0 where the standard says N/A (metadata, title information)
  bool required;          // the standard's "required" column
  std::string reference;  // the standard's reference number, e.g. "2.1.2"; "VIII.A.4" for the EU
  std::string attribute;  // the standard's attribute name, e.g. "team"
  std::string category;   // the standard's category, e.g. "Owner and Responsibility"
  std::string type;       // "UTF-8 string", "integer" or "date" (YYYY-MM-DD)
  bool eu = false;        // the optional EU AI Act section
};

// Every attribute, in the standard's order (the 65 of ATRS v3.0), then the EU AI Act section.
// The store, the CSV export, /api/fields and the docs are built from it.
const std::vector<FieldSpec>& record_fields();
// The ATRS v3.0 attributes only (the first 65 of record_fields()).
std::size_t atrs_field_count();

// The key of an attribute in the register's schema before version 3 (29 of the standard's
// fields under keys of scrutineer's own, "tier2.owner.team"), mapped to its ATRS v3.0 key; empty
// when `old_key` is not one of them. docs/register.md lists the mapping.
std::string atrs_key_of_legacy(const std::string& old_key);
const std::vector<std::pair<std::string, std::string>>& legacy_key_map();

struct AuditLink {
  std::int64_t id = 0;
  std::string kind;      // backtest, disparity, feedback, scores, claim, report
  std::string location;  // path or URL of the results folder or report
  std::string summary;   // one line, e.g. "hit rate 0.21 at 5% coverage; wrong share 0.84"
  std::string run_at;    // ISO UTC: when the audit ran (run.json), else when it was linked
  std::string engine_version;
  // JSON text of recipe::audit_evidence() read when the audit was linked (engine, recipe and
  // inputs' SHA-256, run time, headline figures); "" for a link without a results folder.
  std::string evidence;
};

struct ToolRecord {
  std::int64_t id = 0;  // given by the store
  std::string slug;     // stable public identifier, e.g. "met-gangs-matrix"
  std::vector<std::pair<std::string, std::string>>
      fields;  // key -> text, keys from record_fields()
  std::string created_at, updated_at;
  std::vector<AuditLink> audits;

  const std::string& get(const std::string& key) const;  // "" when absent
  void set(const std::string& key, std::string value);
};

// Size limits on what is written to the register (docs/limits.md): every record and audit link
// read from a file or a request is checked against them.
inline constexpr std::size_t kMaxSlugChars = 100;
inline constexpr std::size_t kMaxFieldBytes = 64 * 1024;      // one field's text
inline constexpr std::size_t kMaxRecordBytes = 1 << 20;       // all of a record's text
inline constexpr std::size_t kMaxAuditTextBytes = 4096;       // kind, location, summary each
inline constexpr std::size_t kMaxEvidenceBytes = 256 * 1024;  // an audit's evidence (JSON)

// JSON shape: {"atrs_version": "3.0", "slug": ..., "metadata": {"id": 12, ...},
// "tier_1_information": {"name": ..., ...}, "owner_and_responsibility": {...}, ...,
// "eu_ai_act_annex_viii": {...}, "audits": [...]}. A record in the shape before ATRS v3.0
// ({"tier1": {...}, "tier2": {"owner": {...}}}, no "atrs_version") is read through
// legacy_key_map(). Throws InputError (file = `source`) naming the field that is missing, unknown,
// of the wrong type (text; a whole number for "integer"; YYYY-MM-DD for "date"), or too long.
ToolRecord record_from_json(const nlohmann::json& j, const std::string& source);
nlohmann::json record_to_json(const ToolRecord& r);

// Throws InputError (file = `source`) when the kind, location or summary of an audit link is
// empty or longer than kMaxAuditTextBytes.
void check_audit_link(const AuditLink& link, const std::string& source);

}  // namespace scrutineer::registry
