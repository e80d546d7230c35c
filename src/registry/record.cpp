// Transparency records (UK ATRS v3.0 shape) and their JSON form.
#include "scrutineer/registry/record.hpp"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "scrutineer/core/error.hpp"

namespace scrutineer::registry {

const std::vector<FieldSpec>& record_fields() {
  // Keys follow the ATRS sections; `required` marks what the standard requires. scrutineer itself
  // insists only on tier1.name and tier1.description, because registers built from freedom-of-
  // information answers are often incomplete: `show` lists the required fields not disclosed.
  static const std::vector<FieldSpec> fields = {
      {"tier1.name", "Name", 1, true},
      {"tier1.description", "Description (how and why the tool is used)", 1, true},
      {"tier1.website", "Website with more information", 1, false},
      {"tier1.contact_email", "Contact email", 1, true},
      {"tier2.owner.organisation", "Organisation or department", 2, true},
      {"tier2.owner.team", "Team", 2, false},
      {"tier2.owner.senior_responsible_owner", "Senior responsible owner (role)", 2, false},
      {"tier2.owner.external_supplier", "External supplier or developer", 2, false},
      {"tier2.owner.supplier_role", "Role of the external supplier", 2, false},
      {"tier2.owner.procurement", "Procurement procedure", 2, false},
      {"tier2.description.detailed_description", "Detailed description", 2, true},
      {"tier2.description.scope", "Scope (what it is and is not for)", 2, false},
      {"tier2.description.benefits", "Benefits claimed", 2, false},
      {"tier2.description.alternatives", "Alternatives considered", 2, false},
      {"tier2.oversight.process_integration", "How it fits the decision-making process", 2, true},
      {"tier2.oversight.information_provided", "Information given to decision makers", 2, false},
      {"tier2.oversight.human_review", "Human decisions and review", 2, true},
      {"tier2.oversight.frequency_and_scale", "Frequency and scale of use", 2, false},
      {"tier2.oversight.appeals_and_review", "Appeals and review (how to challenge it)", 2, true},
      {"tier2.specification.system_architecture", "System architecture", 2, false},
      {"tier2.specification.phase", "Phase (pilot, production, retired)", 2, false},
      {"tier2.specification.models", "Models and methods", 2, false},
      {"tier2.data.sources", "Data sources", 2, true},
      {"tier2.data.description", "Data description", 2, false},
      {"tier2.data.collection", "Data collection and consent", 2, false},
      {"tier2.data.sharing", "Data sharing", 2, false},
      {"tier2.data.retention", "Data retention and access", 2, false},
      {"tier2.risks.impact_assessments", "Impact assessments (DPIA, equality impact)", 2, true},
      {"tier2.risks.risks_and_mitigations", "Risks and mitigations", 2, true},
  };
  return fields;
}

const std::string& ToolRecord::get(const std::string& key) const {
  static const std::string empty;
  for (const auto& [k, v] : fields)
    if (k == key) return v;
  return empty;
}

void ToolRecord::set(const std::string& key, std::string value) {
  for (auto& [k, v] : fields)
    if (k == key) {
      v = std::move(value);
      return;
    }
  fields.emplace_back(key, std::move(value));
}

namespace {
bool known_key(const std::string& key) {
  for (const auto& f : record_fields())
    if (f.key == key) return true;
  return false;
}

// Walks nested objects, turning {"tier2": {"owner": {"team": "x"}}} into "tier2.owner.team".
void flatten(const nlohmann::json& j, const std::string& prefix, ToolRecord& r,
             const std::string& source) {
  for (const auto& [k, v] : j.items()) {
    const std::string key = prefix.empty() ? k : prefix + "." + k;
    if (v.is_object()) {
      flatten(v, key, r, source);
    } else if (!known_key(key)) {
      throw InputError(source, 0, 0, fmt::format("unknown field '{}' (see docs/register.md)", key));
    } else if (!v.is_string()) {
      throw InputError(source, 0, 0, fmt::format("field '{}' must be text", key));
    } else if (v.get<std::string>().find('\0') != std::string::npos) {
      throw InputError(source, 0, 0, fmt::format("field '{}' holds a NUL character", key));
    } else if (!v.get<std::string>().empty()) {
      r.set(key, v.get<std::string>());
    }
  }
}

void put(nlohmann::json& j, const std::string& key, const std::string& value) {
  nlohmann::json* node = &j;
  std::size_t start = 0;
  for (auto dot = key.find('.'); dot != std::string::npos; dot = key.find('.', start)) {
    node = &(*node)[key.substr(start, dot - start)];
    start = dot + 1;
  }
  (*node)[key.substr(start)] = value;
}
}  // namespace

ToolRecord record_from_json(const nlohmann::json& j, const std::string& source) {
  if (!j.is_object()) throw InputError(source, 0, 0, "a record must be a JSON object");
  ToolRecord r;
  if (!j.contains("slug") || !j["slug"].is_string() || j["slug"].get<std::string>().empty())
    throw InputError(source, 0, 0,
                     "missing 'slug': a short public identifier such as 'met-gangs-matrix'");
  r.slug = j["slug"].get<std::string>();
  if (r.slug.size() > kMaxSlugChars)
    throw InputError(
        source, 0, 0,
        fmt::format("the slug is {} characters long; at most {}", r.slug.size(), kMaxSlugChars));
  for (char c : r.slug)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_'))
      throw InputError(source, 0, 0,
                       fmt::format("slug '{}' may hold only letters, digits, '-' and '_'", r.slug));
  for (const auto& [k, v] : j.items()) {
    if (k == "tier1" || k == "tier2")
      flatten(v, k, r, source);
    else if (k != "slug" && k != "id" && k != "audits" && k != "created_at" && k != "updated_at")
      throw InputError(source, 0, 0, fmt::format("unknown top-level key '{}'", k));
  }
  std::size_t total = r.slug.size();
  for (const auto& [key, value] : r.fields) {
    if (value.size() > kMaxFieldBytes)
      throw InputError(source, 0, 0,
                       fmt::format("field '{}' holds {} bytes; at most {} (64 KiB)", key,
                                   value.size(), kMaxFieldBytes));
    total += value.size();
  }
  if (total > kMaxRecordBytes)
    throw InputError(source, 0, 0,
                     fmt::format("the record holds {} bytes of text; at most {} (1 MiB)", total,
                                 kMaxRecordBytes));
  for (const char* key : {"tier1.name", "tier1.description"})
    if (r.get(key).empty())
      throw InputError(source, 0, 0, fmt::format("missing required field '{}'", key));
  return r;
}

void check_audit_link(const AuditLink& link, const std::string& source) {
  for (const auto& [field, value] : {std::pair<const char*, const std::string*>{"kind", &link.kind},
                                     {"location", &link.location},
                                     {"summary", &link.summary}}) {
    if (value->empty())
      throw InputError(source, 0, 0, fmt::format("'{}' must be a non-empty string", field));
    if (value->size() > kMaxAuditTextBytes)
      throw InputError(
          source, 0, 0,
          fmt::format("'{}' holds {} bytes; at most {}", field, value->size(), kMaxAuditTextBytes));
  }
}

nlohmann::json record_to_json(const ToolRecord& r) {
  nlohmann::json j = {{"slug", r.slug}};
  if (r.id) j["id"] = r.id;
  for (const auto& f : record_fields())
    if (!r.get(f.key).empty()) put(j, f.key, r.get(f.key));
  if (!r.created_at.empty()) j["created_at"] = r.created_at;
  if (!r.updated_at.empty()) j["updated_at"] = r.updated_at;
  j["audits"] = nlohmann::json::array();
  for (const auto& a : r.audits)
    j["audits"].push_back({{"id", a.id},
                           {"kind", a.kind},
                           {"location", a.location},
                           {"summary", a.summary},
                           {"run_at", a.run_at},
                           {"engine_version", a.engine_version}});
  return j;
}

}  // namespace scrutineer::registry
