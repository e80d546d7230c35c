// `scrutineer register`: the public register of tools (UK ATRS shape) and their audits.
#include <fmt/format.h>

#include <cstdlib>
#include <iostream>
#include <nlohmann/json.hpp>

#include "command.hpp"
#include "scrutineer/core/error.hpp"
#include "scrutineer/io/atomic_file.hpp"
#include "scrutineer/recipe/evidence.hpp"
#include "scrutineer/registry/exchange.hpp"

namespace scrutineer::cli {

namespace {

struct RegisterOptions {
  std::string db;
  std::string file;
  std::string slug;
  std::string search;
  std::string format = "json";
  std::string out;
  bool as_json = false;
  std::string results;  // the audit's results folder, read as evidence
  registry::AuditLink audit;
};

std::string default_db() {
  if (const char* env = std::getenv("SCRUTINEER_REGISTER")) return env;
  return "scrutineer-register.sqlite";
}

void print_record(const registry::ToolRecord& r) {
  fmt::print("{} ({})\n", r.get("tier_1_information.name"), r.slug);
  std::vector<std::string> undisclosed;
  for (const auto& f : registry::record_fields()) {
    const auto& v = r.get(f.key);
    if (!v.empty())
      fmt::print("  {} {}: {}\n", f.reference, f.label, v);
    else if (f.required)
      undisclosed.push_back(fmt::format("{} {}", f.reference, f.label));
  }
  if (!undisclosed.empty())
    fmt::print("  Required by the standard but not disclosed: {}\n", fmt::join(undisclosed, "; "));
  for (const auto& a : r.audits)
    fmt::print("  audit {} [{}] {}: {} ({})\n", a.id, a.kind, a.run_at, a.summary, a.location);
}

void run_add(const RegisterOptions& o) {
  auto store = registry::open_store(o.db);
  const auto counts = registry::import_file(*store, o.file);
  fmt::print("{} added, {} updated in {}\n", counts.added, counts.updated,
             registry::describe_location(o.db));
}

void run_list(const RegisterOptions& o) {
  auto store = registry::open_store(o.db);
  const auto records = store->list(o.search);
  for (const auto& r : records)
    fmt::print("{:<28} {:<40} {} audit(s)\n", r.slug, r.get("tier_1_information.name"),
               r.audits.size());
  fmt::print("{} record(s)\n", records.size());
}

void run_show(const RegisterOptions& o) {
  auto store = registry::open_store(o.db);
  const auto r = store->get(o.slug);
  if (!r)
    throw ConfigError(
        fmt::format("the register {} holds no '{}'", registry::describe_location(o.db), o.slug));
  if (o.as_json)
    fmt::print("{}\n", registry::record_to_json(*r).dump(2));
  else
    print_record(*r);
}

void run_export(const RegisterOptions& o) {
  auto store = registry::open_store(o.db);
  const auto text =
      o.format == "csv" ? registry::export_csv(*store) : registry::export_json(*store);
  if (o.out.empty())
    std::cout << text;
  else
    io::write_text_file(o.out, text);
}

// With --results, the audit is recorded from its results folder (run.json and the summaries):
// the engine that ran it, when, the recipe's and the inputs' SHA-256 and the headline figures,
// and a summary written from them unless one is given.
// The record's attributes as a Markdown table (docs/register.md is made from it).
void run_fields() {
  fmt::print("| reference | key | name | tier | type | required |\n|---|---|---|---|---|---|\n");
  for (const auto& f : registry::record_fields())
    fmt::print("| {} | `{}` | {} | {} | {} | {} |\n", f.reference, f.key, f.label,
               f.tier == 0 ? std::string("N/A") : std::to_string(f.tier), f.type,
               f.required ? "yes" : "no");
}

void run_link(const RegisterOptions& o) {
  auto store = registry::open_store(o.db);
  auto audit = o.audit;
  audit.engine_version = SCRUTINEER_VERSION;
  if (!o.results.empty()) {
    const auto evidence = recipe::audit_evidence(o.results);
    audit.evidence = evidence.dump();
    audit.engine_version = evidence.value("engine_version", "");
    audit.run_at = evidence.value("run_at", "");
    if (audit.summary.empty()) audit.summary = recipe::headline_summary(evidence);
    if (audit.location.empty()) audit.location = o.results;
  } else if (audit.summary.empty() || audit.location.empty()) {
    throw ConfigError(
        "register link: give --results (a results folder) or --location and --summary");
  }
  registry::check_audit_link(audit, "register link");
  const auto id = store->link_audit(o.slug, audit);
  fmt::print("audit {} linked to {}\n", id, o.slug);
}

void setup(CLI::App& app) {
  auto o = std::make_shared<RegisterOptions>();
  o->db = default_db();
  auto* cmd = app.add_subcommand(
      "register", "The transparency register of tools and their audits (UK ATRS v3.0)");
  cmd->add_option(
      "--db", o->db,
      "SQLite register file or PostgreSQL connection string (postgresql://... or 'host=... "
      "dbname=...'); default $SCRUTINEER_REGISTER or ./scrutineer-register.sqlite");
  cmd->require_subcommand(1);
  cmd->fallthrough();  // --db also after the subcommand (CLI11 would echo it as unexpected)
  auto* add = cmd->add_subcommand("add", "Add or update records from a JSON or CSV file");
  add->add_option("file", o->file,
                  "Record file (.json: one record or an array; .csv: export format)")
      ->required()
      ->check(CLI::ExistingFile);
  add->callback([o] { run_add(*o); });
  auto* import = cmd->add_subcommand("import", "Same as add: import an export of another register");
  import->add_option("file", o->file, "JSON or CSV file")->required()->check(CLI::ExistingFile);
  import->callback([o] { run_add(*o);
});
auto* list = cmd->add_subcommand("list", "List records, optionally those containing a text");
list->add_option("--search", o->search, "Case-insensitive text to look for in any field");
list->callback([o] { run_list(*o); });
auto* show = cmd->add_subcommand("show", "Show one record with its audits");
show->add_option("slug", o->slug, "The record's identifier")->required();
show->add_flag("--json", o->as_json, "Print JSON");
show->callback([o] { run_show(*o); });
auto* fields =
    cmd->add_subcommand("fields", "Print the record's attributes (ATRS v3.0 and the EU section)");
fields->callback([] { run_fields(); });
auto* exp = cmd->add_subcommand("export", "Export every record");
exp->add_option("--format", o->format, "json or csv")->check(CLI::IsMember({"json", "csv"}));
exp->add_option("--out", o->out, "Output file (default: standard output)");
exp->callback([o] { run_export(*o); });
auto* link = cmd->add_subcommand("link", "Link an audit's results to a record");
link->add_option("slug", o->slug, "The record's identifier")->required();
link->add_option("--kind", o->audit.kind, "backtest, disparity, feedback, scores, claim or report")
    ->required();
link->add_option("--results", o->results,
                 "Results folder of 'scrutineer run': its run.json and summaries are recorded")
    ->check(CLI::ExistingDirectory);
link->add_option("--location", o->audit.location,
                 "Where the results are served from (a path below serve --reports, or a URL); "
                 "default the --results folder");
link->add_option("--summary", o->audit.summary,
                 "One-line summary of the findings (default: written from the results)");
link->callback([o] { run_link(*o); });
}  // namespace

const bool registered = register_command({"register", 90, setup});

}  // namespace scrutineer::cli
}  // namespace scrutineer::cli
