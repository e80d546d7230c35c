// Published outputs of a score audit (CSV, JSON, readable tables) with small-cell suppression
// (suppression.hpp): hidden counts and the rates built on them are replaced by a marker and listed.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>

#include "scrutineer/core/error.hpp"
#include "scrutineer/io/atomic_file.hpp"
#include "scrutineer/io/csv.hpp"
#include "scrutineer/scores/audit.hpp"
#include "suppression.hpp"

namespace scrutineer::scores {

namespace {

struct Cell {
  enum class Kind { kText, kInteger, kNumber, kBool, kNull, kSuppressed };
  Kind kind = Kind::kNull;
  std::string text;
  double number = 0.0;
};

Cell text(std::string s) { return Cell{Cell::Kind::kText, std::move(s), 0.0}; }
Cell null_cell() { return Cell{}; }
Cell suppressed_cell() { return Cell{Cell::Kind::kSuppressed, kSuppressed, 0.0}; }
Cell number(std::optional<double> x) {
  if (!x) return null_cell();
  return Cell{Cell::Kind::kNumber, "", *x};
}
Cell boolean(std::optional<bool> b) {
  if (!b) return null_cell();
  return Cell{Cell::Kind::kBool, *b ? "true" : "false", 0.0};
}

struct Table {
  std::string name;
  std::vector<std::string> columns;
  std::vector<std::vector<Cell>> rows;
};

// Builds cells under a suppression plan and records where it hid something.
class Publisher {
 public:
  Publisher(const AuditResult& r, const PublishOptions& p, std::vector<std::string>* where)
      : plan_(r, p.min_cell), where_(where) {
    if (r.options.reference == ReferenceRule::kMin && p.min_cell > r.options.min_cell) {
      throw ConfigError(fmt::format(
          "the audit chose its lowest-rate references with min_cell {}; publishing it with "
          "min_cell {} could name a suppressed group as the lowest: audit with the same min_cell",
          r.options.min_cell, p.min_cell));
    }
  }
  const SuppressionPlan& plan() const { return plan_; }
  void begin(std::string row) { row_ = std::move(row); }
  Cell count(std::int64_t x, const char* field, bool hidden = false) {
    if (hidden || plan_.small(x)) return hide(field);
    return Cell{Cell::Kind::kInteger, "", static_cast<double>(x)};
  }
  Cell rate(const Fraction& f, const char* field, bool hidden) {
    if (hidden) return hide(field);
    return number(f.value());
  }
  Cell hide(const char* field) {
    if (where_) where_->push_back(fmt::format("{}: {}", row_, field));
    return suppressed_cell();
  }

 private:
  SuppressionPlan plan_;
  std::vector<std::string>* where_;
  std::string row_;
};

const GroupStats* find_group(const AuditResult& r, const std::string& threshold,
                             const std::string& attribute, const std::string& group) {
  const auto s = std::find_if(r.groups.begin(), r.groups.end(), [&](const GroupStats& g) {
    return g.threshold == threshold && g.attribute == attribute && g.group == group;
  });
  return s == r.groups.end() ? nullptr : &*s;
}

// A disparity is hidden when either of its two rates is.
bool disparity_hidden(const AuditResult& r, const Disparity& d, const SuppressionPlan& plan) {
  for (const std::string* g : {&d.group, &d.reference}) {
    const GroupStats* s = find_group(r, d.threshold, d.attribute, *g);
    if (!s || plan.rate_hidden(*s, d.metric)) return true;
  }
  return false;
}

std::string row_name(const std::string& table, const std::string& threshold,
                     const std::string& attribute, const std::string& group) {
  return fmt::format("{} [{}] {}={}", table, threshold, attribute, group);
}

Table groups_table(const AuditResult& r, Publisher& pub) {
  Table t{"groups", {"threshold", "attribute", "group", "n", "selected"}, {}};
  if (r.has_outcome) {
    for (const char* c : {"tp", "fp", "tn", "fn"}) t.columns.emplace_back(c);
  }
  std::vector<Metric> metrics;
  for (Metric m : kAllMetrics) {
    if (r.has_outcome || !metric_needs_outcome(m)) metrics.push_back(m);
  }
  for (Metric m : metrics) t.columns.emplace_back(metric_name(m));
  for (const auto& s : r.groups) {
    pub.begin(row_name("groups", s.threshold, s.attribute, s.group));
    const GroupPlan& plan = pub.plan().group(s.threshold, s.attribute, s.group);
    std::vector<Cell> row{text(s.threshold), text(s.attribute), text(s.group),
                          pub.count(s.n, "n", plan.group),
                          pub.count(s.selected, "selected", plan.selected)};
    if (r.has_outcome) {
      row.push_back(pub.count(s.confusion.tp, "tp", plan.confusion));
      row.push_back(pub.count(s.confusion.fp, "fp", plan.confusion));
      row.push_back(pub.count(s.confusion.tn, "tn", plan.confusion));
      row.push_back(pub.count(s.confusion.fn, "fn", plan.confusion));
    }
    for (Metric m : metrics) {
      row.push_back(pub.rate(group_fraction(m, s), std::string(metric_name(m)).c_str(),
                             pub.plan().rate_hidden(s, m)));
    }
    t.rows.push_back(std::move(row));
  }
  return t;
}

Table disparities_table(const AuditResult& r, Publisher& pub) {
  Table t{"disparities",
          {"threshold", "attribute", "group", "reference", "metric", "value", "reference_value",
           "ratio", "difference", "fair", "ratio_lo", "ratio_hi", "difference_lo", "difference_hi",
           "p_value", "test"},
          {}};
  for (const auto& d : r.disparities) {
    pub.begin(row_name("disparities", d.threshold, d.attribute, d.group) + " " +
              std::string(metric_name(d.metric)));
    std::vector<Cell> row{text(d.threshold), text(d.attribute), text(d.group), text(d.reference),
                          text(std::string(metric_name(d.metric)))};
    const GroupStats* own = find_group(r, d.threshold, d.attribute, d.group);
    const GroupStats* ref = find_group(r, d.threshold, d.attribute, d.reference);
    row.push_back(pub.rate(d.value, "value", !own || pub.plan().rate_hidden(*own, d.metric)));
    row.push_back(pub.rate(d.reference_value, "reference_value",
                           !ref || pub.plan().rate_hidden(*ref, d.metric)));
    if (disparity_hidden(r, d, pub.plan())) {
      for (int i = 0; i < 9; ++i) row.push_back(suppressed_cell());
      pub.hide("ratio, difference, intervals and test (a rate is suppressed)");
    } else {
      row.push_back(number(d.ratio));
      row.push_back(number(d.difference));
      row.push_back(boolean(d.fair));
      row.push_back(number(d.ratio_ci ? std::optional(d.ratio_ci->lo) : std::nullopt));
      row.push_back(number(d.ratio_ci ? std::optional(d.ratio_ci->hi) : std::nullopt));
      row.push_back(number(d.difference_ci ? std::optional(d.difference_ci->lo) : std::nullopt));
      row.push_back(number(d.difference_ci ? std::optional(d.difference_ci->hi) : std::nullopt));
      row.push_back(number(d.p_value));
      row.push_back(d.test.empty() ? null_cell() : text(d.test));
    }
    t.rows.push_back(std::move(row));
  }
  return t;
}

// Whether a parity built on these metrics is hidden for the group: the group is hidden, or its
// disparity row of one of the metrics is. A group that is the reference for a metric has no row for
// it: it is fair against itself by definition, which reveals nothing.
bool parity_hidden(const AuditResult& r, const Parity& p, const std::vector<Metric>& metrics,
                   const SuppressionPlan& plan) {
  if (plan.group(p.threshold, p.attribute, p.group).group) return true;
  return std::any_of(r.disparities.begin(), r.disparities.end(), [&](const Disparity& d) {
    return d.threshold == p.threshold && d.attribute == p.attribute && d.group == p.group &&
           std::find(metrics.begin(), metrics.end(), d.metric) != metrics.end() &&
           disparity_hidden(r, d, plan);
  });
}

Table parities_table(const AuditResult& r, Publisher& pub) {
  Table t{"parities",
          {"threshold", "attribute", "group", "reference", "statistical_parity", "impact_parity",
           "equalised_odds", "type_i_parity", "type_ii_parity"},
          {}};
  const std::pair<const char*, std::vector<Metric>> parts[] = {
      {"statistical_parity", {Metric::kPprev}},
      {"impact_parity", {Metric::kPpr}},
      {"equalised_odds", {Metric::kFpr, Metric::kTpr}},
      {"type_i_parity", {Metric::kFpr, Metric::kFdr}},
      {"type_ii_parity", {Metric::kFnr, Metric::kFor}}};
  for (const auto& p : r.parities) {
    pub.begin(row_name("parities", p.threshold, p.attribute, p.group));
    std::vector<Cell> row{text(p.threshold), text(p.attribute), text(p.group), text(p.reference)};
    const std::optional<bool> values[] = {p.statistical, p.impact, p.equalised_odds, p.type_i,
                                          p.type_ii};
    for (std::size_t i = 0; i < std::size(parts); ++i) {
      const bool hidden = values[i] && parity_hidden(r, p, parts[i].second, pub.plan());
      row.push_back(hidden ? pub.hide(parts[i].first) : boolean(values[i]));
    }
    t.rows.push_back(std::move(row));
  }
  return t;
}

Table calibration_table(const AuditResult& r, Publisher& pub) {
  Table t{"calibration",
          {"attribute", "group", "bin", "score_lo", "score_hi", "n", "outcomes", "outcome_rate"},
          {}};
  for (const auto& c : r.calibration) {
    pub.begin(fmt::format("calibration {}={} bin {}", c.attribute, c.group, c.bin));
    const BinPlan& plan = pub.plan().bin(c);
    t.rows.push_back({text(c.attribute), text(c.group),
                      Cell{Cell::Kind::kInteger, "", static_cast<double>(c.bin)},
                      number(c.score_lo), number(c.score_hi), pub.count(c.n, "n", plan.n),
                      pub.count(c.outcomes, "outcomes", plan.outcomes),
                      pub.rate(Fraction{c.outcomes, c.n}, "outcome_rate", plan.outcomes)});
  }
  return t;
}

Table identity_table(const AuditResult& r, Publisher& pub) {
  Table t{"identity",
          {"threshold", "attribute", "group", "prevalence", "ppv", "fnr", "fpr", "fpr_identity",
           "fpr_at_reference_ppv_fnr"},
          {}};
  for (const auto& row : r.identity) {
    pub.begin(row_name("identity", row.threshold, row.attribute, row.group));
    std::vector<Cell> cells{text(row.threshold), text(row.attribute), text(row.group)};
    // The row uses the group's confusion matrix and the reference group's PPV and FNR.
    const bool hidden = std::any_of(r.disparities.begin(), r.disparities.end(),
                                    [&](const Disparity& d) {
                                      return d.threshold == row.threshold &&
                                             d.attribute == row.attribute && d.group == row.group &&
                                             disparity_hidden(r, d, pub.plan());
                                    }) ||
                        pub.plan().group(row.threshold, row.attribute, row.group).confusion;
    if (hidden) {
      for (int i = 0; i < 6; ++i) cells.push_back(suppressed_cell());
      pub.hide("identity (a count of the group or of the reference is suppressed)");
    } else {
      for (const auto& x : {row.prevalence, row.ppv, row.fnr, row.fpr, row.fpr_identity,
                            row.fpr_at_reference_ppv_fnr}) {
        cells.push_back(number(x));
      }
    }
    t.rows.push_back(std::move(cells));
  }
  return t;
}

Table representation_table(const AuditResult& r, Publisher& pub) {
  Table t{"representation",
          {"threshold", "attribute", "group", "benchmark", "listed", "all_listed", "share",
           "share_lo", "share_hi", "benchmark_share", "ratio", "ratio_lo", "ratio_hi", "p_value"},
          {}};
  for (const auto& row : r.representation) {
    pub.begin(row_name("representation", row.threshold, row.attribute, row.group) + " " +
              row.benchmark);
    std::vector<Cell> cells{text(row.threshold),
                            text(row.attribute),
                            text(row.group),
                            text(row.benchmark),
                            pub.count(row.listed, "listed", pub.plan().listed_hidden(row)),
                            pub.count(row.all_listed, "all_listed")};
    if (pub.plan().small(row.all_listed) || pub.plan().listed_hidden(row)) {
      for (int i = 0; i < 3; ++i) cells.push_back(suppressed_cell());
      pub.hide("share (the group's or the whole list's count is suppressed)");
      cells.push_back(number(row.benchmark_share));
      for (int i = 0; i < 4; ++i) cells.push_back(suppressed_cell());
    } else {
      cells.push_back(number(row.share));
      cells.push_back(number(row.share_ci.lo));
      cells.push_back(number(row.share_ci.hi));
      cells.push_back(number(row.benchmark_share));
      cells.push_back(number(row.ratio));
      cells.push_back(number(row.ratio_ci.lo));
      cells.push_back(number(row.ratio_ci.hi));
      cells.push_back(number(row.p_value));
    }
    t.rows.push_back(std::move(cells));
  }
  return t;
}

std::string csv_field(const Cell& c) {
  switch (c.kind) {
    case Cell::Kind::kNull:
      return "";
    case Cell::Kind::kInteger:
      return fmt::format("{}", static_cast<std::int64_t>(c.number));
    case Cell::Kind::kNumber:
      return fmt::format("{:.10g}", c.number);
    default:
      break;
  }
  return io::csv_field(c.text);  // quoted, formulas neutralised (issue 19, item 16)
}

std::string to_csv(const Table& t) {
  std::string out;
  for (std::size_t i = 0; i < t.columns.size(); ++i) out += (i ? "," : "") + t.columns[i];
  out += '\n';
  for (const auto& row : t.rows) {
    for (std::size_t i = 0; i < row.size(); ++i) out += (i ? "," : "") + csv_field(row[i]);
    out += '\n';
  }
  return out;
}

nlohmann::json to_json(const Table& t) {
  auto rows = nlohmann::json::array();
  for (const auto& row : t.rows) {
    nlohmann::json object = nlohmann::json::object();
    for (std::size_t i = 0; i < row.size(); ++i) {
      const Cell& c = row[i];
      auto& v = object[t.columns[i]];
      switch (c.kind) {
        case Cell::Kind::kNull:
          v = nullptr;
          break;
        case Cell::Kind::kInteger:
          v = static_cast<std::int64_t>(c.number);
          break;
        case Cell::Kind::kNumber:
          v = c.number;
          break;
        case Cell::Kind::kBool:
          v = c.text == "true";
          break;
        default:
          v = c.text;
      }
    }
    rows.push_back(std::move(object));
  }
  return rows;
}

// p-values keep three significant digits so that small ones do not print as 0.000.
std::string readable(const Cell& c, bool significant) {
  switch (c.kind) {
    case Cell::Kind::kNull:
      return "-";
    case Cell::Kind::kInteger:
      return fmt::format("{}", static_cast<std::int64_t>(c.number));
    case Cell::Kind::kNumber:
      return significant ? fmt::format("{:.3g}", c.number) : fmt::format("{:.3f}", c.number);
    default:
      return c.text;
  }
}

// Aligned text of the chosen columns.
std::string render(const Table& t, const std::vector<std::string>& columns) {
  std::vector<std::size_t> index;
  for (const auto& c : columns) {
    const auto it = std::find(t.columns.begin(), t.columns.end(), c);
    if (it != t.columns.end()) index.push_back(static_cast<std::size_t>(it - t.columns.begin()));
  }
  std::vector<std::vector<std::string>> cells{{}};
  for (std::size_t i : index) cells[0].push_back(t.columns[i]);
  for (const auto& row : t.rows) {
    cells.emplace_back();
    for (std::size_t i : index) {
      cells.back().push_back(readable(row[i], t.columns[i] == "p_value"));
    }
  }
  std::vector<std::size_t> width(index.size(), 0);
  for (const auto& row : cells) {
    for (std::size_t i = 0; i < row.size(); ++i) width[i] = std::max(width[i], row[i].size());
  }
  std::string out;
  for (const auto& row : cells) {
    for (std::size_t i = 0; i < row.size(); ++i) {
      out +=
          i < 3 ? fmt::format("{:<{}}", row[i], width[i]) : fmt::format("{:>{}}", row[i], width[i]);
      out += i + 1 < row.size() ? "  " : "\n";
    }
  }
  return out;
}

struct AllTables {
  std::vector<Table> tables;
  std::vector<std::string> where;
};

AllTables build(const AuditResult& r, const PublishOptions& p) {
  AllTables all;
  Publisher pub(r, p, &all.where);
  all.tables.push_back(groups_table(r, pub));
  all.tables.push_back(disparities_table(r, pub));
  all.tables.push_back(parities_table(r, pub));
  all.tables.push_back(calibration_table(r, pub));
  all.tables.push_back(identity_table(r, pub));
  all.tables.push_back(representation_table(r, pub));
  return all;
}

std::string one_csv(const AuditResult& r, const PublishOptions& p, std::size_t which) {
  Publisher pub(r, p, nullptr);
  switch (which) {
    case 0:
      return to_csv(groups_table(r, pub));
    case 1:
      return to_csv(disparities_table(r, pub));
    case 3:
      return to_csv(calibration_table(r, pub));
    case 4:
      return to_csv(identity_table(r, pub));
    default:
      return to_csv(representation_table(r, pub));
  }
}

}  // namespace

std::string groups_csv(const AuditResult& r, const PublishOptions& p) { return one_csv(r, p, 0); }
std::string disparities_csv(const AuditResult& r, const PublishOptions& p) {
  return one_csv(r, p, 1);
}
std::string calibration_csv(const AuditResult& r, const PublishOptions& p) {
  return one_csv(r, p, 3);
}
std::string identity_csv(const AuditResult& r, const PublishOptions& p) { return one_csv(r, p, 4); }
std::string representation_csv(const AuditResult& r, const PublishOptions& p) {
  return one_csv(r, p, 5);
}

std::vector<std::string> suppressed_cells(const AuditResult& r, const PublishOptions& p) {
  return build(r, p).where;
}

std::string audit_json(const AuditResult& r, const PublishOptions& p) {
  const AllTables all = build(r, p);
  nlohmann::json j;
  j["source"] = r.source;
  j["rows_read"] = r.rows_read;
  j["people"] = r.people;
  j["has_outcome"] = r.has_outcome;
  j["filters"] = nlohmann::json::array();
  for (const auto& f : r.filters) {
    j["filters"].push_back(
        {{"filter", f.filter}, {"missing", f.missing}, {"rejected", f.rejected}});
  }
  j["notes"] = r.notes;
  nlohmann::json options;
  options["thresholds"] = nlohmann::json::array();
  for (const auto& t : r.options.thresholds) options["thresholds"].push_back(t.label());
  options["reference"] = r.options.reference == ReferenceRule::kMin     ? "min"
                         : r.options.reference == ReferenceRule::kNamed ? "named"
                                                                        : "largest";
  options["tau"] = r.options.tau;
  options["bootstrap"] = r.options.bootstrap;
  options["bootstrap_scheme"] = "stratified by group, flags held fixed";
  options["seed"] = r.options.seed;
  options["level"] = r.options.level;
  options["min_cell"] = p.min_cell;
  j["options"] = options;
  j["suppressed"] = all.where;
  for (const auto& t : all.tables) j[t.name] = to_json(t);
  // Labels are checked to be UTF-8 when read; a path that is not is written with U+FFFD.
  return j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

std::string audit_table(const AuditResult& r, const PublishOptions& p) {
  const AllTables all = build(r, p);
  std::string out = fmt::format("scrutineer scores: {} ({} rows read, {} people audited)\n",
                                r.source, r.rows_read, r.people);
  for (const auto& f : r.filters) {
    out += fmt::format("  filter {}: {} dropped as missing (NA), {} rejected\n", f.filter,
                       f.missing, f.rejected);
  }
  for (const auto& note : r.notes) out += "  note: " + note + "\n";
  const bool o = r.has_outcome;
  out += "\nGroups\n";
  out += render(all.tables[0],
                o ? std::vector<std::string>{"threshold", "attribute", "group", "n", "selected",
                                             "tp", "fp", "tn", "fn", "fpr", "fnr", "precision",
                                             "npv", "pprev", "prev", "accuracy"}
                  : std::vector<std::string>{"threshold", "attribute", "group", "n", "selected",
                                             "pprev", "ppr"});
  out += fmt::format("\nDisparities (ratio to reference; fair when {:.3g} <= ratio <= {:.3g})\n",
                     r.options.tau, 1.0 / r.options.tau);
  Table shown = all.tables[1];
  const std::vector<std::string> keep =
      o ? std::vector<std::string>{"fpr", "fnr", "precision", "pprev"}
        : std::vector<std::string>{"pprev", "ppr"};
  std::erase_if(shown.rows, [&](const std::vector<Cell>& row) {
    return std::find(keep.begin(), keep.end(), row[4].text) == keep.end();
  });
  out += render(
      shown, {"threshold", "attribute", "group", "reference", "metric", "value", "reference_value",
              "ratio", "ratio_lo", "ratio_hi", "p_value", "test", "fair"});
  out += "\nComposite parities\n";
  out +=
      render(all.tables[2], {"threshold", "attribute", "group", "reference", "statistical_parity",
                             "impact_parity", "equalised_odds", "type_i_parity", "type_ii_parity"});
  if (!all.tables[4].rows.empty()) {
    out += "\nChouldechova's identity FPR = p/(1-p) (1-PPV)/PPV (1-FNR)\n";
    out += render(all.tables[4], all.tables[4].columns);
  }
  if (!all.tables[5].rows.empty()) {
    out += "\nRepresentation against benchmarks\n";
    out += render(all.tables[5],
                  {"threshold", "attribute", "group", "benchmark", "listed", "all_listed", "share",
                   "benchmark_share", "ratio", "ratio_lo", "ratio_hi", "p_value"});
  }
  if (!all.where.empty()) {
    out += fmt::format(
        "\n{} cells suppressed (fewer than {} people); see the JSON output for "
        "the list.\n",
        all.where.size(), p.min_cell);
  }
  return out;
}

std::vector<std::filesystem::path> write_audit(const AuditResult& r, const PublishOptions& p,
                                               const std::filesystem::path& dir) {
  std::filesystem::create_directories(dir);
  const std::pair<const char*, std::string> files[] = {
      {"scores_groups.csv", groups_csv(r, p)},
      {"scores_disparities.csv", disparities_csv(r, p)},
      {"scores_calibration.csv", calibration_csv(r, p)},
      {"scores_identity.csv", identity_csv(r, p)},
      {"scores_representation.csv", representation_csv(r, p)},
      {"scores.json", audit_json(r, p)}};
  std::vector<std::filesystem::path> written;
  std::vector<std::pair<std::filesystem::path, std::string>> texts;
  for (const auto& [name, content] : files) {
    texts.emplace_back(dir / name, content);
    written.push_back(dir / name);
  }
  io::write_text_files(texts);  // all of them or none (issue 19, item 5)
  return written;
}

}  // namespace scrutineer::scores

namespace scrutineer::scores {

std::string run_scores(const ScoresCommand& command) {
  if (command.format != "table" && command.format != "csv" && command.format != "json") {
    throw ConfigError(
        fmt::format("--format must be table, csv or json, found '{}'", command.format));
  }
  if (command.publish.min_cell < 0) throw ConfigError("--min-cell must be >= 0");
  const People people = load_people(command.people);
  const AuditResult result = run_audit(people, command.audit);
  std::string printed;
  if (!command.out_dir.empty()) {
    for (const auto& path : write_audit(result, command.publish, command.out_dir)) {
      printed += fmt::format("wrote {}\n", path.string());
    }
  }
  if (command.format == "json") return audit_json(result, command.publish) + printed;
  if (command.format == "csv") return groups_csv(result, command.publish) + printed;
  return audit_table(result, command.publish) + printed;
}

}  // namespace scrutineer::scores
