// Claim check for a people-flagging tool: from accuracy or sensitivity/specificity and the
// deployment prevalence, Bayes' rule gives PPV = s·p / (s·p + (1 − c)(1 − p)), and the counts per
// 100,000 follow. Accuracy a = s·p + c·(1 − p) alone leaves s free: the PPV range is reported.
#include "scrutineer/scores/claim.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>

#include "scrutineer/core/error.hpp"
#include "scrutineer/io/atomic_file.hpp"

namespace scrutineer::scores {

namespace {

void check_unit(std::optional<double> x, const char* name, bool open) {
  if (!x) return;
  const bool ok = open ? (*x > 0.0 && *x < 1.0) : (*x >= 0.0 && *x <= 1.0);
  if (!ok) {
    throw ConfigError(
        fmt::format("{} must lie in {}, found {}", name, open ? "(0, 1)" : "[0, 1]", *x));
  }
}

ClaimRow compute(const std::string& group, double p, double s, double c, double population) {
  ClaimRow row;
  row.group = group;
  row.prevalence = p;
  row.sensitivity = s;
  row.specificity = c;
  const double tp = s * p, fn = (1.0 - s) * p, fp = (1.0 - c) * (1.0 - p), tn = c * (1.0 - p);
  row.ppv = tp + fp > 0.0 ? tp / (tp + fp) : NAN;
  row.npv = tn + fn > 0.0 ? tn / (tn + fn) : NAN;
  row.accuracy = tp + tn;
  row.flagged = (tp + fp) * population;
  row.true_positives = tp * population;
  row.false_positives = fp * population;
  row.false_negatives = fn * population;
  row.accuracy_flag_nobody = 1.0 - p;
  return row;
}

// PPV over every sensitivity s with accuracy a at prevalence p: the specificity is
// c = (a − s·p)/(1 − p), which must lie in [0, 1], so s ∈ [max(0, (a − 1 + p)/p), min(1, a/p)].
// PPV(s) = s·p / (2·s·p + 1 − p − a) is monotone in s, so the ends give the range; points where
// nobody is flagged (PPV undefined) are skipped by sampling just inside the ends.
std::pair<double, double> ppv_range(double a, double p) {
  const double lo = std::max(0.0, (a - 1.0 + p) / p), hi = std::min(1.0, a / p);
  double best_lo = INFINITY, best_hi = -INFINITY;
  constexpr int kSteps = 1000;
  for (int i = 0; i <= kSteps; ++i) {
    const double s = lo + (hi - lo) * i / kSteps;
    const double flagged = 2.0 * s * p + 1.0 - p - a;
    if (flagged <= 1e-12) continue;
    const double ppv = s * p / flagged;
    best_lo = std::min(best_lo, ppv);
    best_hi = std::max(best_hi, ppv);
  }
  return {best_lo, best_hi};
}

std::string percent(double x) { return fmt::format("{:.2f}%", 100.0 * x); }

}  // namespace

ClaimGroup parse_claim_group(std::string_view text) {
  const auto colon = text.rfind(':');
  if (colon == std::string_view::npos || colon == 0) {
    throw ConfigError(fmt::format("group '{}': expected NAME:PREVALENCE, e.g. a:0.02", text));
  }
  ClaimGroup g{std::string(text.substr(0, colon)), 0.0};
  const std::string value(text.substr(colon + 1));
  std::size_t used = 0;
  try {
    g.prevalence = std::stod(value, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (value.empty() || used != value.size()) {
    throw ConfigError(fmt::format("group '{}': the prevalence must be a number", text));
  }
  check_unit(g.prevalence, "a group's prevalence", true);
  return g;
}

ClaimResult check_claim(const ClaimOptions& o) {
  ClaimResult r;
  r.options = o;
  const bool rates = o.sensitivity.has_value() || o.specificity.has_value();
  if (rates && !(o.sensitivity && o.specificity)) {
    throw ConfigError("give both --sensitivity and --specificity, or --accuracy");
  }
  if (!rates && !o.accuracy) {
    throw ConfigError("give --accuracy, or --sensitivity and --specificity");
  }
  if (!o.prevalence && o.groups.empty()) {
    throw ConfigError(
        "give the deployment prevalence (--prevalence, or --group NAME:PREVALENCE): without it "
        "no claim about flagged people can be checked");
  }
  check_unit(o.accuracy, "accuracy", false);
  check_unit(o.sensitivity, "sensitivity", false);
  check_unit(o.specificity, "specificity", false);
  check_unit(o.prevalence, "prevalence", true);
  check_unit(o.claimed_prevalence, "the claimed prevalence", true);
  if (!(o.population > 0.0)) throw ConfigError("the population must be positive");

  std::vector<std::pair<std::string, double>> settings;
  if (o.prevalence) settings.emplace_back("all", *o.prevalence);
  for (const auto& g : o.groups) settings.emplace_back(g.name, g.prevalence);

  if (o.accuracy && !o.claimed_prevalence) {
    r.warnings.push_back(fmt::format(
        "accuracy {} is claimed without the prevalence of the sample it was measured on: accuracy "
        "depends on prevalence, and a test sample with half positives says little about a "
        "deployment where few people are positive",
        percent(*o.accuracy)));
  }
  for (const auto& [name, p] : settings) {
    if (o.claimed_prevalence && std::fabs(*o.claimed_prevalence - p) > 1e-12) {
      r.warnings.push_back(fmt::format(
          "the claim was made at prevalence {} but the deployment prevalence ({}) is {}: the PPV "
          "and the number of people wrongly flagged follow the deployment's prevalence, not the "
          "claim's",
          percent(*o.claimed_prevalence), name, percent(p)));
    }
    if (o.accuracy && *o.accuracy <= std::max(p, 1.0 - p)) {
      r.warnings.push_back(fmt::format(
          "at prevalence {} ({}), a tool that flags nobody scores accuracy {}, no less than the "
          "claimed {}",
          percent(p), name, percent(1.0 - p), percent(*o.accuracy)));
    }
  }
  if (o.accuracy && rates && o.claimed_prevalence) {
    const double implied =
        *o.sensitivity * *o.claimed_prevalence + *o.specificity * (1.0 - *o.claimed_prevalence);
    if (std::fabs(implied - *o.accuracy) > 0.005) {
      r.warnings.push_back(fmt::format(
          "the claimed accuracy {} does not match the claimed sensitivity and specificity at the "
          "claimed prevalence (they give {})",
          percent(*o.accuracy), percent(implied)));
    }
  }
  for (const auto& [name, p] : settings) {
    if (rates) {
      r.rows.push_back(compute(name, p, *o.sensitivity, *o.specificity, o.population));
    } else {
      // Sensitivity = specificity = accuracy: the one case where accuracy does not move with
      // prevalence; the range below covers every other split.
      ClaimRow row = compute(name, p, *o.accuracy, *o.accuracy, o.population);
      const auto [lo, hi] = ppv_range(*o.accuracy, p);
      if (std::isfinite(lo)) {
        row.ppv_min = lo;
        row.ppv_max = hi;
      }
      r.rows.push_back(row);
    }
  }
  if (!rates) {
    for (const auto& row : r.rows) {
      if (row.ppv_min) {
        r.warnings.push_back(fmt::format(
            "accuracy alone does not fix sensitivity and specificity: at prevalence {} ({}) any "
            "PPV from {} to {} is consistent with accuracy {} (figures assume sensitivity = "
            "specificity = accuracy)",
            percent(row.prevalence), row.group, percent(*row.ppv_min), percent(*row.ppv_max),
            percent(*o.accuracy)));
      }
    }
  }
  return r;
}

namespace {
std::string num(double x) { return std::isnan(x) ? "" : fmt::format("{:.10g}", x); }
std::string num(std::optional<double> x) { return x ? num(*x) : ""; }
}  // namespace

std::string claim_csv(const ClaimResult& r) {
  std::string out =
      "group,prevalence,sensitivity,specificity,accuracy,ppv,ppv_min,ppv_max,npv,population,"
      "flagged,true_positives,false_positives,false_negatives,accuracy_flag_nobody\n";
  for (const auto& row : r.rows) {
    out += fmt::format("{},{},{},{},{},{},{},{},{},{},{},{},{},{},{}\n", row.group,
                       num(row.prevalence), num(row.sensitivity), num(row.specificity),
                       num(row.accuracy), num(row.ppv), num(row.ppv_min), num(row.ppv_max),
                       num(row.npv), num(r.options.population), num(row.flagged),
                       num(row.true_positives), num(row.false_positives), num(row.false_negatives),
                       num(row.accuracy_flag_nobody));
  }
  return out;
}

std::string claim_json(const ClaimResult& r) {
  nlohmann::json j;
  auto opt = [](std::optional<double> x) -> nlohmann::json {
    if (!x || std::isnan(*x)) return nullptr;
    return *x;
  };
  j["population"] = r.options.population;
  j["claim"] = {{"accuracy", opt(r.options.accuracy)},
                {"sensitivity", opt(r.options.sensitivity)},
                {"specificity", opt(r.options.specificity)},
                {"claimed_prevalence", opt(r.options.claimed_prevalence)}};
  j["rows"] = nlohmann::json::array();
  for (const auto& row : r.rows) {
    j["rows"].push_back({{"group", row.group},
                         {"prevalence", row.prevalence},
                         {"sensitivity", row.sensitivity},
                         {"specificity", row.specificity},
                         {"accuracy", row.accuracy},
                         {"ppv", opt(row.ppv)},
                         {"ppv_min", opt(row.ppv_min)},
                         {"ppv_max", opt(row.ppv_max)},
                         {"npv", opt(row.npv)},
                         {"flagged", row.flagged},
                         {"true_positives", row.true_positives},
                         {"false_positives", row.false_positives},
                         {"false_negatives", row.false_negatives},
                         {"accuracy_flag_nobody", row.accuracy_flag_nobody}});
  }
  j["warnings"] = r.warnings;
  return j.dump(2) + "\n";
}

std::string claim_table(const ClaimResult& r) {
  std::string out = fmt::format("{:<12} {:>10} {:>6} {:>6} {:>8} {:>17} {:>10} {:>10} {:>10}\n",
                                "group", "prevalence", "sens", "spec", "PPV", "PPV range",
                                "flagged", "true pos", "false pos");
  for (const auto& row : r.rows) {
    const std::string range =
        row.ppv_min ? fmt::format("{:.4f}-{:.4f}", *row.ppv_min, *row.ppv_max) : "-";
    out += fmt::format(
        "{:<12} {:>10.4f} {:>6.3f} {:>6.3f} {:>8.4f} {:>17} {:>10.0f} {:>10.0f} "
        "{:>10.0f}\n",
        row.group, row.prevalence, row.sensitivity, row.specificity, row.ppv, range, row.flagged,
        row.true_positives, row.false_positives);
  }
  out += fmt::format("(counts per {:.0f} people)\n", r.options.population);
  for (const auto& w : r.warnings) out += "warning: " + w + "\n";
  return out;
}

}  // namespace scrutineer::scores

namespace scrutineer::scores {

std::string run_claim(const ClaimCommand& command) {
  const ClaimResult result = check_claim(command.claim);
  std::string text;
  if (command.format == "table") {
    text = claim_table(result);
  } else if (command.format == "csv") {
    text = claim_csv(result);
  } else if (command.format == "json") {
    text = claim_json(result);
  } else {
    throw ConfigError(
        fmt::format("--format must be table, csv or json, found '{}'", command.format));
  }
  if (!command.output.empty()) io::write_text_file(command.output, text);
  return text;
}

}  // namespace scrutineer::scores
