// Transparency records in the shape of the UK Algorithmic Transparency Recording Standard (ATRS,
// Central Digital and Data Office, v3.0 2023): tier 1 for the public, tier 2 for interested
// parties, each record linked to the audits that scrutineer ran on the tool.
#pragma once

#include <cstddef>
#include <cstdint>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <vector>

namespace scrutineer::registry {

// One field of the standard: its JSON key (section.field), label, tier and whether it is required.
struct FieldSpec {
  std::string key;    // e.g. "tier2.owner.organisation"
  std::string label;  // e.g. "Organisation or department"
  int tier;           // 1 or 2 (0 = metadata)
  bool required;
};

// Every field, in the standard's order. The store, the CSV export and the docs are built from it.
const std::vector<FieldSpec>& record_fields();

struct AuditLink {
  std::int64_t id = 0;
  std::string kind;      // backtest, disparity, feedback, scores, claim, report
  std::string location;  // path or URL of the results folder or report
  std::string summary;   // one line, e.g. "hit rate 0.21 at 5% coverage; wrong share 0.84"
  std::string run_at;    // ISO UTC
  std::string engine_version;
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
inline constexpr std::size_t kMaxFieldBytes = 64 * 1024;  // one field's text
inline constexpr std::size_t kMaxRecordBytes = 1 << 20;   // all of a record's text
inline constexpr std::size_t kMaxAuditTextBytes = 4096;   // kind, location, summary each

// JSON shape: {"slug": ..., "tier1": {"name": ..., ...}, "tier2": {"owner": {...}, ...},
// "audits": [...]}. Throws InputError (file = `source`) naming the field that is missing, unknown
// or not text, or too long (the limits above).
ToolRecord record_from_json(const nlohmann::json& j, const std::string& source);
nlohmann::json record_to_json(const ToolRecord& r);

// Throws InputError (file = `source`) when the kind, location or summary of an audit link is
// empty or longer than kMaxAuditTextBytes.
void check_audit_link(const AuditLink& link, const std::string& source);

}  // namespace scrutineer::registry
