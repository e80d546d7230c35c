// Checks a claim about a people-flagging tool ("80 per cent accuracy") against the prevalence where
// it would be deployed: Bayes' rule for PPV, and people flagged per 100,000 (Bayes 1763; the
// base-rate argument of Kahneman & Tversky 1973).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace scrutineer::scores {

struct ClaimGroup {
  std::string name;
  double prevalence = 0.0;
};
// Parses "name:0.02". Throws ConfigError.
ClaimGroup parse_claim_group(std::string_view text);

struct ClaimOptions {
  std::optional<double> accuracy;
  std::optional<double> sensitivity, specificity;
  std::optional<double> prevalence;          // deployment prevalence (overall)
  std::optional<double> claimed_prevalence;  // prevalence of the sample where the claim was made
  std::vector<ClaimGroup> groups;            // deployment prevalence per group
  double population = 100000.0;
};

struct ClaimRow {
  std::string group;  // "all" for the overall prevalence
  double prevalence = 0.0;
  double sensitivity = 0.0, specificity = 0.0;
  double ppv = 0.0, npv = 0.0, accuracy = 0.0;
  // Per `population` people.
  double flagged = 0.0, true_positives = 0.0, false_positives = 0.0, false_negatives = 0.0;
  // With only an accuracy: the PPV range over every (sensitivity, specificity) with that accuracy
  // at this prevalence; the row's own figures assume sensitivity = specificity = accuracy.
  std::optional<double> ppv_min, ppv_max;
  double accuracy_flag_nobody = 0.0;  // 1 − p: what a tool that flags nobody scores
};

struct ClaimResult {
  ClaimOptions options;
  std::vector<ClaimRow> rows;
  std::vector<std::string> warnings;
};

// Throws ConfigError for missing or out-of-range inputs.
ClaimResult check_claim(const ClaimOptions& options);

std::string claim_csv(const ClaimResult& r);
std::string claim_json(const ClaimResult& r);
std::string claim_table(const ClaimResult& r);

// The `scrutineer claim` command: returns the text for standard output in `format` ("table",
// "csv", "json") and writes the same to `output` atomically when it is set.
struct ClaimCommand {
  ClaimOptions claim;
  std::string format = "table";
  std::string output;
};
std::string run_claim(const ClaimCommand& command);

}  // namespace scrutineer::scores
