// `scrutineer claim`: checks an accuracy claim for a people-flagging tool against the prevalence
// where it would be deployed (Bayes' rule).
#include "scrutineer/scores/claim.hpp"

#include <fmt/format.h>

#include "command.hpp"

namespace {

void setup(CLI::App& app) {
  auto command = std::make_shared<scrutineer::scores::ClaimCommand>();
  auto groups = std::make_shared<std::vector<std::string>>();
  auto& c = command->claim;
  auto* sub = app.add_subcommand(
      "claim",
      "Check an accuracy claim: PPV and people wrongly flagged at the deployment's "
      "prevalence");
  sub->add_option("--accuracy", c.accuracy, "Claimed accuracy, in [0, 1]");
  sub->add_option("--sensitivity", c.sensitivity, "Claimed sensitivity (true positive rate)");
  sub->add_option("--specificity", c.specificity, "Claimed specificity (true negative rate)");
  sub->add_option("--prevalence", c.prevalence, "Deployment prevalence, in (0, 1)");
  sub->add_option("--claimed-prevalence", c.claimed_prevalence,
                  "Prevalence of the sample the claim was measured on");
  sub->add_option("--group", *groups, "Deployment prevalence of a group NAME:P (repeatable)");
  sub->add_option("--population", c.population, "Counts per this many people")
      ->capture_default_str();
  sub->add_option("--format", command->format, "table, csv or json")->capture_default_str();
  sub->add_option("--output", command->output, "Also write the result to this file");
  sub->callback([command, groups] {
    for (const auto& g : *groups) {
      command->claim.groups.push_back(scrutineer::scores::parse_claim_group(g));
    }
    fmt::print("{}", scrutineer::scores::run_claim(*command));
  });
}

const bool registered = scrutineer::cli::register_command({"claim", 61, setup});

}  // namespace
