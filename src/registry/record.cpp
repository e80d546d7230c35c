// Transparency records: the 65 attributes of UK ATRS v3.0 (and the EU AI Act Annex VIII section)
// and their JSON form.
#include "scrutineer/registry/record.hpp"

#include <fmt/format.h>

#include <cctype>
#include <iterator>
#include <nlohmann/json.hpp>

#include "scrutineer/core/error.hpp"

namespace scrutineer::registry {

namespace {
// One row of ATRS v3.0's template_table.md: reference number, attribute, name, tier (0 for N/A),
// category, type, required; in the standard's order. Transcribed from the table at the
// co-cddo/algorithmic-transparency-recording-standard repository ("V3.0 (March 2024)").
struct Row {
  const char* reference;
  const char* attribute;
  const char* name;
  int tier;
  const char* category;
  const char* type;
  bool required;
};

constexpr const char* kText = "UTF-8 string";
constexpr Row kAtrs[] = {
    {"0.1", "id", "ID", 0, "Metadata", "integer", true},
    {"0.2", "standard_version", "Standard version", 0, "Metadata", kText, true},
    {"0.3", "organisation_type", "Organisation type", 0, "Metadata", kText, true},
    {"0.4", "function", "Function", 0, "Metadata", kText, true},
    {"0.5", "capability", "Capability", 0, "Metadata", kText, true},
    {"0.6", "task", "Task", 0, "Metadata", kText, true},
    {"0.7", "tags", "Tags", 0, "Metadata", kText, true},
    {"0.8", "date_of_completion", "Date of completion", 0, "Metadata", "date", true},
    {"0.9", "date_updated", "Date updated", 0, "Metadata", "date", true},
    {"0.10", "date_archived", "Date archived", 0, "Metadata", "date", true},
    {"0.11", "title", "Title", 0, "Title Information", kText, true},
    {"0.12", "organisation_name", "Organisation name", 0, "Title Information", kText, true},
    {"0.13", "phase", "Phase", 0, "Title Information", kText, true},
    {"0.14", "region", "Region", 0, "Title Information", kText, true},
    {"0.15", "one_sentence_description", "One sentence description", 0, "Title Information", kText,
     true},
    {"1.1", "name", "Name", 1, "Tier 1 Information", kText, true},
    {"1.2", "description", "Description", 1, "Tier 1 Information", kText, true},
    {"1.3", "website_url", "Website URL", 1, "Tier 1 Information", kText, true},
    {"1.4", "contact_email", "Contact email", 1, "Tier 1 Information", kText, true},
    {"2.1.1", "organisation_or_department", "Organisation or department", 2,
     "Owner and Responsibility", kText, true},
    {"2.1.2", "team", "Team", 2, "Owner and Responsibility", kText, true},
    {"2.1.3", "senior_responsible_owner", "Senior responsible owner", 2, "Owner and Responsibility",
     kText, true},
    {"2.1.4", "external_supplier_involvement", "External supplier involvement", 2,
     "Owner and Responsibility", kText, true},
    {"2.1.4.1", "external_supplier", "External supplier", 2, "Owner and Responsibility", kText,
     false},
    {"2.1.4.2", "companies_house_number", "Companies House Number", 2, "Owner and Responsibility",
     kText, false},
    {"2.1.4.3", "external_supplier_role", "External supplier role", 2, "Owner and Responsibility",
     kText, false},
    {"2.1.4.4", "procurement_procedure_type", "Procurement procedure type", 2,
     "Owner and Responsibility", kText, false},
    {"2.1.4.5", "data_access_terms", "Data access terms", 2, "Owner and Responsibility", kText,
     false},
    {"2.2.1", "detailed_description", "Detailed description", 2, "Description and Rationale", kText,
     false},
    {"2.2.2", "scope", "Scope", 2, "Description and Rationale", kText, true},
    {"2.2.3", "benefit", "Benefit", 2, "Description and Rationale", kText, true},
    {"2.2.4", "previous_process", "Previous process", 2, "Description and Rationale", kText, false},
    {"2.2.5", "alternatives_considered", "Alternatives considered", 2, "Description and Rationale",
     kText, false},
    {"2.3.1", "process_integration", "Process integration", 2, "Decision-making Process", kText,
     true},
    {"2.3.2", "provided_information", "Provided information", 2, "Decision-making Process", kText,
     true},
    {"2.3.3", "frequency_and_scale_of_usage", "Frequency and scale of usage", 2,
     "Decision-making Process", kText, true},
    {"2.3.4", "human_decisions_and_review", "Human decisions and review", 2,
     "Decision-making Process", kText, true},
    {"2.3.5", "required_training", "Required training", 2, "Decision-making Process", kText, true},
    {"2.3.6", "appeals_and_review", "Appeals and review", 2, "Decision-making Process", kText,
     false},
    {"2.4.1.1", "system_architecture", "System architecture", 2, "Tool Specification", kText, true},
    {"2.4.1.2", "phase", "Phase", 2, "Tool Specification", kText, true},
    {"2.4.1.3", "maintenance", "Maintenance", 2, "Tool Specification", kText, true},
    {"2.4.1.4", "models", "Models", 2, "Tool Specification", kText, true},
    {"2.4.2.1", "model_name", "Model name", 2, "Model Specification", kText, true},
    {"2.4.2.2", "model_version", "Model version", 2, "Model Specification", kText, true},
    {"2.4.2.3", "model_task", "Model task", 2, "Model Specification", kText, true},
    {"2.4.2.4", "model_input", "Model input", 2, "Model Specification", kText, true},
    {"2.4.2.5", "model_output", "Model output", 2, "Model Specification", kText, true},
    {"2.4.2.6", "model_architecture", "Model architecture", 2, "Model Specification", kText, true},
    {"2.4.2.7", "model_performance", "Model performance", 2, "Model Specification", kText, true},
    {"2.4.2.8", "datasets", "Datasets", 2, "Model Specification", kText, true},
    {"2.4.2.9", "dataset_purposes", "Dataset purposes", 2, "Model Specification", kText, true},
    {"2.4.3.1", "source_data_name", "Source data name", 2, "Data Specification", kText, true},
    {"2.4.3.2", "data_modality", "Data modality", 2, "Data Specification", kText, true},
    {"2.4.3.3", "data_description", "Data description", 2, "Data Specification", kText, true},
    {"2.4.3.4", "data_quantities", "Data quantities", 2, "Data Specification", kText, true},
    {"2.4.3.5", "sensitive_attributes", "Sensitive attributes", 2, "Data Specification", kText,
     true},
    {"2.4.3.6", "data_completeness_and_representativeness",
     "Data completeness and representativeness", 2, "Data Specification", kText, true},
    {"2.4.3.7", "source_data_url", "Source data URL", 2, "Data Specification", kText, true},
    {"2.4.3.8", "data_collection", "Data collection", 2, "Data Specification", kText, true},
    {"2.4.3.9", "data_cleaning", "Data cleaning", 2, "Data Specification", kText, false},
    {"2.4.3.10", "data_sharing_agreements", "Data sharing agreements", 2, "Data Specification",
     kText, true},
    {"2.4.3.11", "data_access_and_storage", "Data access and storage", 2, "Data Specification",
     kText, true},
    {"2.5.1", "impact_assessment", "Impact assessment", 2,
     "Risks, mitigations and impact assessments", kText, true},
    {"2.5.2", "risks_and_mitigations", "Risks and mitigations", 2,
     "Risks, mitigations and impact assessments", kText, true},
};

// What Annex VIII section A of the EU AI Act (Regulation (EU) 2024/1689) asks a provider to
// register for a high-risk system (law enforcement: Annex III point 6) and the ATRS has no field
// for; items 5, 6 and 13 are covered by ATRS 2.2.2, 2.4.1.1 and 1.3, and item 12 (instructions for
// use) is not to be given for Annex III point 6. All optional.
constexpr const char* kEu = "EU AI Act Annex VIII";
constexpr Row kEuRows[] = {
    {"III.6", "annex_iii_point", "Annex III point (law enforcement: 6(a) to 6(e))", 2, kEu, kText,
     false},
    {"VIII.A.1", "provider", "Provider: name, address and contact details", 2, kEu, kText, false},
    {"VIII.A.2", "submitted_by", "Submitted on the provider's behalf by", 2, kEu, kText, false},
    {"VIII.A.3", "authorised_representative", "Authorised representative", 2, kEu, kText, false},
    {"VIII.A.4", "trade_name", "Trade name and unambiguous reference", 2, kEu, kText, false},
    {"VIII.A.7", "market_status", "Status (on the market, in service, withdrawn, recalled)", 2, kEu,
     kText, false},
    {"VIII.A.8", "notified_body_certificate",
     "Notified body certificate: type, number, expiry, body", 2, kEu, kText, false},
    {"VIII.A.10", "member_states", "Member States where placed on the market or in service", 2, kEu,
     kText, false},
    {"VIII.A.11", "eu_declaration_of_conformity", "EU declaration of conformity (Article 47)", 2,
     kEu, kText, false},
};

// "Risks, mitigations and impact assessments" -> "risks_mitigations_and_impact_assessments".
std::string section_of(const std::string& category) {
  if (category == kEu) return "eu_ai_act_annex_viii";
  std::string out;
  for (const char c : category) {
    if (std::isalnum(static_cast<unsigned char>(c)))
      out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    else if (!out.empty() && out.back() != '_')
      out += '_';
  }
  while (!out.empty() && out.back() == '_') out.pop_back();
  return out;
}

FieldSpec spec_of(const Row& r, bool eu) {
  return {section_of(r.category) + "." + r.attribute,
          r.name,
          r.tier,
          r.required,
          r.reference,
          r.attribute,
          r.category,
          r.type,
          eu};
}
}  // namespace

const std::vector<FieldSpec>& record_fields() {
  // scrutineer itself insists only on the name and description (1.1, 1.2), because registers
  // built from freedom-of-information answers are often incomplete: `show` and the page list the
  // required attributes that are not disclosed.
  static const std::vector<FieldSpec> fields = [] {
    std::vector<FieldSpec> out;
    for (const auto& r : kAtrs) out.push_back(spec_of(r, false));
    for (const auto& r : kEuRows) out.push_back(spec_of(r, true));
    return out;
  }();
  return fields;
}

std::size_t atrs_field_count() { return std::size(kAtrs); }

const std::vector<std::pair<std::string, std::string>>& legacy_key_map() {
  // Schema versions 1 and 2 kept 29 fields under these keys; each is one ATRS v3.0 attribute.
  static const std::vector<std::pair<std::string, std::string>> map = {
      {"tier1.name", "tier_1_information.name"},
      {"tier1.description", "tier_1_information.description"},
      {"tier1.website", "tier_1_information.website_url"},
      {"tier1.contact_email", "tier_1_information.contact_email"},
      {"tier2.owner.organisation", "owner_and_responsibility.organisation_or_department"},
      {"tier2.owner.team", "owner_and_responsibility.team"},
      {"tier2.owner.senior_responsible_owner", "owner_and_responsibility.senior_responsible_owner"},
      {"tier2.owner.external_supplier", "owner_and_responsibility.external_supplier"},
      {"tier2.owner.supplier_role", "owner_and_responsibility.external_supplier_role"},
      {"tier2.owner.procurement", "owner_and_responsibility.procurement_procedure_type"},
      {"tier2.description.detailed_description", "description_and_rationale.detailed_description"},
      {"tier2.description.scope", "description_and_rationale.scope"},
      {"tier2.description.benefits", "description_and_rationale.benefit"},
      {"tier2.description.alternatives", "description_and_rationale.alternatives_considered"},
      {"tier2.oversight.process_integration", "decision_making_process.process_integration"},
      {"tier2.oversight.information_provided", "decision_making_process.provided_information"},
      {"tier2.oversight.human_review", "decision_making_process.human_decisions_and_review"},
      {"tier2.oversight.frequency_and_scale",
       "decision_making_process.frequency_and_scale_of_usage"},
      {"tier2.oversight.appeals_and_review", "decision_making_process.appeals_and_review"},
      {"tier2.specification.system_architecture", "tool_specification.system_architecture"},
      {"tier2.specification.phase", "tool_specification.phase"},
      {"tier2.specification.models", "tool_specification.models"},
      {"tier2.data.sources", "data_specification.source_data_name"},
      {"tier2.data.description", "data_specification.data_description"},
      {"tier2.data.collection", "data_specification.data_collection"},
      {"tier2.data.sharing", "data_specification.data_sharing_agreements"},
      {"tier2.data.retention", "data_specification.data_access_and_storage"},
      {"tier2.risks.impact_assessments",
       "risks_mitigations_and_impact_assessments.impact_assessment"},
      {"tier2.risks.risks_and_mitigations",
       "risks_mitigations_and_impact_assessments.risks_and_mitigations"},
  };
  return map;
}

std::string atrs_key_of_legacy(const std::string& old_key) {
  for (const auto& [from, to] : legacy_key_map())
    if (from == old_key) return to;
  return "";
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
const FieldSpec* spec_of_key(const std::string& key) {
  for (const auto& f : record_fields())
    if (f.key == key) return &f;
  return nullptr;
}

bool is_section(const std::string& name) {
  for (const auto& f : record_fields())
    if (f.key.compare(0, name.size() + 1, name + ".") == 0) return true;
  return false;
}

// YYYY-MM-DD with a real month and day (the ATRS "date" type).
bool is_date(const std::string& s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
  for (const std::size_t i : {0u, 1u, 2u, 3u, 5u, 6u, 8u, 9u})
    if (!std::isdigit(static_cast<unsigned char>(s[i]))) return false;
  const int year = std::stoi(s.substr(0, 4)), month = std::stoi(s.substr(5, 2)),
            day = std::stoi(s.substr(8, 2));
  static constexpr int kDays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month < 1 || month > 12 || day < 1 || day > kDays[month - 1]) return false;
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return !(month == 2 && day == 29 && !leap);
}

bool is_whole_number(const std::string& s) {
  if (s.empty() || s.size() > 18) return false;
  for (const char c : s)
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
  return true;
}

// The text of one attribute's JSON value, checked against the standard's type.
std::string value_text(const FieldSpec& f, const nlohmann::json& v, const std::string& source,
                       const std::string& name) {
  std::string text;
  if (f.type == "integer" && v.is_number_integer())  // a negative number fails the check below
    text = v.is_number_unsigned() ? std::to_string(v.get<std::uint64_t>())
                                  : std::to_string(v.get<std::int64_t>());
  else if (v.is_string())
    text = v.get<std::string>();
  else
    throw InputError(source, 0, 0,
                     fmt::format("field '{}' must be {}", name,
                                 f.type == "integer" ? "a whole number" : "text"));
  if (text.find('\0') != std::string::npos)
    throw InputError(source, 0, 0, fmt::format("field '{}' holds a NUL character", name));
  if (text.empty()) return text;
  if (f.type == "integer" && !is_whole_number(text))
    throw InputError(source, 0, 0,
                     fmt::format("field '{}' must be a whole number of at most 18 digits", name));
  if (f.type == "date" && !is_date(text))
    throw InputError(source, 0, 0,
                     fmt::format("field '{}' must be a date written YYYY-MM-DD", name));
  return text;
}

// Before ATRS v3.0 (schema 2): {"tier2": {"owner": {"team": "x"}}} is "tier2.owner.team", which
// legacy_key_map() names in the standard.
void read_legacy(const nlohmann::json& j, const std::string& prefix, ToolRecord& r,
                 const std::string& source) {
  for (const auto& [k, v] : j.items()) {
    const std::string key = prefix.empty() ? k : prefix + "." + k;
    if (v.is_object()) {
      read_legacy(v, key, r, source);
      continue;
    }
    const std::string atrs = atrs_key_of_legacy(key);
    if (atrs.empty())
      throw InputError(source, 0, 0, fmt::format("unknown field '{}' (see docs/register.md)", key));
    const auto text = value_text(*spec_of_key(atrs), v, source, key);
    if (!text.empty()) r.set(atrs, text);
  }
}

void read_section(const std::string& section, const nlohmann::json& j, ToolRecord& r,
                  const std::string& source) {
  if (!j.is_object())
    throw InputError(source, 0, 0, fmt::format("section '{}' must be a JSON object", section));
  for (const auto& [k, v] : j.items()) {
    const std::string key = section + "." + k;
    const auto* f = spec_of_key(key);
    if (!f)
      throw InputError(source, 0, 0, fmt::format("unknown field '{}' (see docs/register.md)", key));
    const auto text = value_text(*f, v, source, key);
    if (!text.empty()) r.set(key, text);
  }
}

void check_slug(const std::string& slug, const std::string& source) {
  if (slug.size() > kMaxSlugChars)
    throw InputError(
        source, 0, 0,
        fmt::format("the slug is {} characters long; at most {}", slug.size(), kMaxSlugChars));
  for (char c : slug)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_'))
      throw InputError(source, 0, 0,
                       fmt::format("slug '{}' may hold only letters, digits, '-' and '_'", slug));
}

void check_sizes(const ToolRecord& r, const std::string& source) {
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
}

bool is_record_key(const std::string& k) {
  return k == "slug" || k == "id" || k == "audits" || k == "created_at" || k == "updated_at" ||
         k == "atrs_version" || k == "challenges";
}
}  // namespace

ToolRecord record_from_json(const nlohmann::json& j, const std::string& source) {
  if (!j.is_object()) throw InputError(source, 0, 0, "a record must be a JSON object");
  ToolRecord r;
  if (!j.contains("slug") || !j["slug"].is_string() || j["slug"].get<std::string>().empty())
    throw InputError(source, 0, 0,
                     "missing 'slug': a short public identifier such as 'met-gangs-matrix'");
  r.slug = j["slug"].get<std::string>();
  check_slug(r.slug, source);
  const bool versioned = j.contains("atrs_version");
  if (versioned && j["atrs_version"] != kAtrsVersion)
    throw InputError(source, 0, 0,
                     fmt::format("'atrs_version' is {}; this scrutineer reads \"{}\"",
                                 j["atrs_version"].dump(), kAtrsVersion));
  for (const auto& [k, v] : j.items()) {
    if (is_record_key(k)) continue;
    if (!versioned && (k == "tier1" || k == "tier2"))
      read_legacy(v, k, r, source);
    else if (is_section(k))
      read_section(k, v, r, source);
    else
      throw InputError(source, 0, 0, fmt::format("unknown top-level key '{}'", k));
  }
  check_sizes(r, source);
  for (const char* key : {"tier_1_information.name", "tier_1_information.description"})
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
  if (link.evidence.size() > kMaxEvidenceBytes)
    throw InputError(source, 0, 0,
                     fmt::format("the audit's evidence holds {} bytes; at most {}",
                                 link.evidence.size(), kMaxEvidenceBytes));
  if (!link.evidence.empty() && !nlohmann::json::accept(link.evidence))
    throw InputError(source, 0, 0, "the audit's evidence is not JSON");
}

nlohmann::json record_to_json(const ToolRecord& r) {
  nlohmann::json j = {{"atrs_version", kAtrsVersion}, {"slug", r.slug}};
  if (r.id) j["id"] = r.id;
  for (const auto& f : record_fields()) {
    const auto& value = r.get(f.key);
    if (value.empty()) continue;
    const auto dot = f.key.find('.');
    auto& node = j[f.key.substr(0, dot)][f.key.substr(dot + 1)];
    if (f.type == "integer" && is_whole_number(value))
      node = std::stoll(value);
    else
      node = value;
  }
  if (!r.created_at.empty()) j["created_at"] = r.created_at;
  if (!r.updated_at.empty()) j["updated_at"] = r.updated_at;
  j["audits"] = nlohmann::json::array();
  for (const auto& a : r.audits) {
    nlohmann::json audit = {
        {"id", a.id},           {"kind", a.kind},     {"location", a.location},
        {"summary", a.summary}, {"run_at", a.run_at}, {"engine_version", a.engine_version}};
    if (!a.evidence.empty()) audit["evidence"] = nlohmann::json::parse(a.evidence, nullptr, false);
    j["audits"].push_back(audit);
  }
  return j;
}

}  // namespace scrutineer::registry
