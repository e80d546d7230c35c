// Declarations of the score audit's options (scores/options.hpp).
#include "scrutineer/scores/options.hpp"

#include <fmt/format.h>

#include "scrutineer/core/error.hpp"

namespace scrutineer::scores {

namespace {

std::string threshold_text(const Threshold& t) {
  switch (t.kind) {
    case Threshold::Kind::kTopK:
      return fmt::format("top:{}", t.value);
    case Threshold::Kind::kTopPercent:
      return fmt::format("top%:{}", t.value);
    case Threshold::Kind::kAtLeast:
      break;
  }
  return fmt::format(">={}", t.value);
}

std::vector<std::string> reference_texts(const AuditOptions& a) {
  switch (a.reference) {
    case ReferenceRule::kLargest:
      return {"largest"};
    case ReferenceRule::kMin:
      return {"min"};
    case ReferenceRule::kNamed:
      break;
  }
  std::vector<std::string> out;
  for (const auto& [attribute, group] : a.named_reference) out.push_back(attribute + "=" + group);
  return out;
}

void set_references(AuditOptions& a, const std::vector<std::string>& texts) {
  a.reference = ReferenceRule::kLargest;
  a.named_reference.clear();
  for (const auto& r : texts) {
    if (r == "largest") {
      a.reference = ReferenceRule::kLargest;
    } else if (r == "min") {
      a.reference = ReferenceRule::kMin;
    } else {
      const auto eq = r.find('=');
      if (eq == std::string::npos)
        throw ConfigError(fmt::format("expected largest, min or ATTRIBUTE=GROUP, found '{}'", r));
      a.reference = ReferenceRule::kNamed;
      a.named_reference.emplace_back(r.substr(0, eq), r.substr(eq + 1));
    }
  }
}

}  // namespace

const OptionSet<ScoresCommand>& scores_option_set() {
  static const auto set = [] {
    OptionSet<ScoresCommand> s("scores", "Audit of a people-scoring tool's outputs");
    s.field(
         "path", [](auto& c) -> auto& { return c.people.path; }, "CSV with one row per person")
        .path()
        .required();
    s.field(
         "score", [](auto& c) -> auto& { return c.people.score_column; },
         "Column holding the tool's numeric score")
        .example("decile_score");
    s.field(
        "flag", [](auto& c) -> auto& { return c.people.flag_column; },
        "Column holding the tool's 0/1 flag");
    s.field(
        "outcome", [](auto& c) -> auto& { return c.people.outcome_column; },
        "Column holding the 0/1 outcome");
    s.field(
         "groups", [](auto& c) -> auto& { return c.people.group_columns; },
         "Group attribute columns")
        .alias("group")
        .required()
        .example("race,sex");
    s.field(
         "where", [](auto& c) -> auto& { return c.people.where; },
         "Row filters 'column op value' (op: == != < <= > >=), joined with AND")
        .example("age>=18")
        .check([](const OptionValue& v) {
          for (const auto& w : std::get<std::vector<std::string>>(v)) (void)parse_filter(w);
        });
    s.field(
         "identifiers", [](auto& c) -> auto& { return c.people.identifiers; },
         "Columns marked as identifying people (never output)")
        .alias("identifier");
    s.field(
        "keep", [](auto& c) -> auto& { return c.people.keep; },
        "Identifier columns kept explicitly");
    s.custom(
         "thresholds", OptionType::kTexts,
         [](const ScoresCommand& c) {
           std::vector<std::string> out;
           for (const auto& t : c.audit.thresholds) out.push_back(threshold_text(t));
           return OptionValue(out);
         },
         [](ScoresCommand& c, const OptionValue& v) {
           c.audit.thresholds.clear();
           for (const auto& t : std::get<std::vector<std::string>>(v))
             c.audit.thresholds.push_back(parse_threshold(t));
         },
         "Flagged when score >= VALUE, or top:K, or top%:X (one audit per threshold)")
        .alias("threshold")
        .example(">=5,top:100");
    s.custom(
         "reference", OptionType::kTexts,
         [](const ScoresCommand& c) { return OptionValue(reference_texts(c.audit)); },
         [](ScoresCommand& c, const OptionValue& v) {
           set_references(c.audit, std::get<std::vector<std::string>>(v));
         },
         "Reference group: largest, min (lowest per metric), or ATTRIBUTE=GROUP (one per "
         "attribute)")
        .example("race=Caucasian");
    s.field(
         "tau", [](auto& c) -> auto& { return c.audit.tau; }, "Fair when tau <= ratio <= 1/tau")
        .above(0)
        .at_most(1);
    s.field(
         "bootstrap", [](auto& c) -> auto& { return c.audit.bootstrap; },
         "Bootstrap replicates (0 = none)")
        .at_least(0)
        .example("200");
    s.field(
         "seed", [](auto& c) -> auto& { return c.audit.seed; }, "Bootstrap seed")
        .at_least(0);
    s.field(
         "level", [](auto& c) -> auto& { return c.audit.level; },
         "Interval level (also Wilson's interval)")
        .above(0)
        .below(1)
        .example("0.9");
    s.field(
         "calibration_bins", [](auto& c) -> auto& { return c.audit.calibration_bins; },
         "Score bins for calibration")
        .at_least(1);
    s.custom(
         "benchmarks", OptionType::kTexts,
         [](const ScoresCommand& c) {
           std::vector<std::string> out;
           for (const auto& b : c.audit.benchmarks)
             out.push_back(fmt::format("{}:{}:{}={}", b.name, b.attribute, b.group, b.share));
           return OptionValue(out);
         },
         [](ScoresCommand& c, const OptionValue& v) {
           for (const auto& b : std::get<std::vector<std::string>>(v))
             c.audit.benchmarks.push_back(parse_benchmark(b));
         },
         "Benchmark shares NAME:ATTRIBUTE:GROUP=SHARE")
        .alias("benchmark")
        .example("population:race:Black=0.13");
    s.custom(
        "benchmarks_file", OptionType::kPath,
        [](const ScoresCommand&) { return OptionValue(std::string()); },
        [](ScoresCommand& c, const OptionValue& v) {
          const auto& path = std::get<std::string>(v);
          if (path.empty()) return;
          for (auto& b : read_benchmarks(path)) c.audit.benchmarks.push_back(std::move(b));
        },
        "CSV of benchmarks: columns benchmark, attribute, group, share (added to benchmarks)");
    s.custom(
         "min_cell", OptionType::kInteger,
         [](const ScoresCommand& c) { return OptionValue(c.publish.min_cell); },
         [](ScoresCommand& c, const OptionValue& v) {  // the outputs and the min-reference rule
           c.publish.min_cell = c.audit.min_cell = std::get<std::int64_t>(v);
         },
         "Counts and rate denominators below this are suppressed")
        .at_least(0);
    return s;
  }();
  return set;
}

}  // namespace scrutineer::scores
