// `scrutineer scores`: audits a people-focused tool's outputs by group. It never scores a person.
#include <fmt/format.h>

#include "command.hpp"
#include "scrutineer/core/error.hpp"
#include "scrutineer/io/atomic_file.hpp"
#include "scrutineer/scores/audit.hpp"

namespace {

struct ScoresArgs {
  scrutineer::scores::ScoresCommand command;
  std::vector<std::string> thresholds, references, benchmarks;
  std::string benchmark_file;
};

void setup(CLI::App& app) {
  auto args = std::make_shared<ScoresArgs>();
  auto& c = args->command;
  auto* sub = app.add_subcommand(
      "scores",
      "Audit a people-scoring tool's outputs by group: error rates, disparities, calibration, "
      "representation. It never scores a person.");
  sub->add_option("input", c.people.path, "CSV with one row per person")->required();
  sub->add_option("--score", c.people.score_column, "Column holding the tool's numeric score");
  sub->add_option("--flag", c.people.flag_column, "Column holding the tool's 0/1 flag");
  sub->add_option("--outcome", c.people.outcome_column, "Column holding the 0/1 outcome");
  sub->add_option("--group", c.people.group_columns, "Group attribute column (repeatable)")
      ->required();
  sub->add_option("--where", c.people.where,
                  "Row filter 'column op value' (op: == != < <= > >=); repeat to AND them");
  sub->add_option("--identifier", c.people.identifiers,
                  "Mark a column as identifying people (never output)");
  sub->add_option("--keep", c.people.keep, "Keep an identifier column explicitly");
  sub->add_option("--threshold", args->thresholds,
                  "Flagged when score >= VALUE, or top:K, or top%:X (repeatable)");
  sub->add_option("--reference", args->references,
                  "Reference group: 'largest' (default), 'min' (lowest per metric), or "
                  "ATTRIBUTE=GROUP (repeatable)");
  sub->add_option("--tau", c.audit.tau, "Fair when tau <= ratio <= 1/tau")->capture_default_str();
  sub->add_option("--bootstrap", c.audit.bootstrap, "Bootstrap replicates (0 = none)")
      ->capture_default_str();
  sub->add_option("--seed", c.audit.seed, "Bootstrap seed")->capture_default_str();
  sub->add_option("--level", c.audit.level, "Interval level")->capture_default_str();
  sub->add_option("--calibration-bins", c.audit.calibration_bins, "Score bins for calibration")
      ->capture_default_str();
  sub->add_option("--benchmark", args->benchmarks,
                  "Benchmark share NAME:ATTRIBUTE:GROUP=SHARE (repeatable)");
  sub->add_option("--benchmarks", args->benchmark_file,
                  "CSV of benchmarks: columns benchmark, attribute, group, share");
  sub->add_option("--min-cell", c.publish.min_cell,
                  "Suppress counts and rate denominators below this")
      ->capture_default_str();
  sub->add_option("--out", c.out_dir, "Folder for the CSV and JSON outputs");
  sub->add_option("--format", c.format, "Standard output: table, csv or json")
      ->capture_default_str();
  sub->callback([args] {
    using namespace scrutineer::scores;
    auto& cmd = args->command;
    scrutineer::io::check_outputs_distinct(
        {{"input", cmd.people.path}, {"--benchmarks", args->benchmark_file}},
        {{"--out", cmd.out_dir}});
    for (const auto& t : args->thresholds) cmd.audit.thresholds.push_back(parse_threshold(t));
    for (const auto& b : args->benchmarks) cmd.audit.benchmarks.push_back(parse_benchmark(b));
    if (!args->benchmark_file.empty()) {
      for (auto& b : read_benchmarks(args->benchmark_file)) cmd.audit.benchmarks.push_back(b);
    }
    for (const auto& r : args->references) {
      if (r == "largest") {
        cmd.audit.reference = ReferenceRule::kLargest;
      } else if (r == "min") {
        cmd.audit.reference = ReferenceRule::kMin;
      } else {
        const auto eq = r.find('=');
        if (eq == std::string::npos) {
          throw scrutineer::ConfigError(
              fmt::format("--reference '{}': expected largest, min or ATTRIBUTE=GROUP", r));
        }
        cmd.audit.reference = ReferenceRule::kNamed;
        cmd.audit.named_reference.emplace_back(r.substr(0, eq), r.substr(eq + 1));
      }
    }
    fmt::print("{}", run_scores(cmd));
  });
}

const bool registered = scrutineer::cli::register_command({"scores", 60, setup});

}  // namespace
