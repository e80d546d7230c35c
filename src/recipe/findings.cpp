// The findings summary of a report (issue 17): sentences from the numbers and their intervals.
// Accuracy against the baselines (Chainey, Tompson & Uhlig 2008), exposure against population and
// crime, the feedback loop (Ensign et al. 2018) and the score audit's parities (Saleiro et al.
// 2018, Aequitas).
#include "scrutineer/recipe/findings.hpp"

#include <fmt/format.h>

#include <cmath>
#include <map>

#include "scrutineer/io/csv.hpp"

namespace scrutineer::recipe {

namespace {

std::string pct(double share) { return fmt::format("{:.1f}%", share * 100); }
std::string num(double v) { return fmt::format("{:.3f}", v); }
std::string signed_num(double v) { return fmt::format("{:+.3f}", v); }
std::string level_text(double level) { return fmt::format("{:g}%", level * 100); }

std::string label(const evaluate::ModelResult& m) {
  return m.spec.label.empty() ? m.spec.name : m.spec.label;
}

const evaluate::ModelResult* find_label(const evaluate::BacktestResult& b, const std::string& l) {
  for (const auto& m : b.models)
    if (label(m) == l) return &m;
  return nullptr;
}

report::Finding model_vs_baseline(const evaluate::ModelResult& m, const evaluate::ModelResult& best,
                                  double level) {
  const auto& d = m.vs_best_baseline;
  const auto rates = fmt::format("hit rate {} against {}", num(m.operating.hit_rate.estimate),
                                 num(best.operating.hit_rate.estimate));
  const auto interval =
      fmt::format("{} interval {} to {}", level_text(level), signed_num(d.lo), signed_num(d.hi));
  std::string text;
  switch (judge(d.lo, d.hi, 0)) {
    case Verdict::kAbove:
      text = fmt::format("{} beats the best baseline, {}: {}, a difference of {} ({}).", label(m),
                         label(best), rates, signed_num(d.estimate), interval);
      break;
    case Verdict::kBelow:
      text = fmt::format("{} does worse than the best baseline, {}: {}, a difference of {} ({}).",
                         label(m), label(best), rates, signed_num(d.estimate), interval);
      break;
    default:
      text = fmt::format(
          "No evidence that {} beats the best baseline, {}: {}, a difference of {} whose {} "
          "includes 0.",
          label(m), label(best), rates, signed_num(d.estimate), interval);
  }
  return {text, "accuracy", "accuracy table and method"};
}

report::Finding wrong_share(const evaluate::BacktestResult& b, const evaluate::ModelResult& m,
                            const std::string& period, double level) {
  const auto& w = m.operating.wrong_share;
  std::string baselines;
  for (const auto& other : b.models)
    if (other.spec.baseline)
      baselines += fmt::format("{}{} {}", baselines.empty() ? "" : ", ", label(other),
                               pct(other.operating.wrong_share.estimate));
  return {fmt::format("{} of the cell-{}s flagged by {} saw no recorded crime ({} interval {} to "
                      "{}); for the baselines' flags: {}. Most flagged cells are empty whenever "
                      "crime is rare, so this share means something only next to the "
                      "baselines'.",
                      pct(w.estimate), period, label(m), level_text(level), pct(w.lo), pct(w.hi),
                      baselines.empty() ? "none run" : baselines),
          "accuracy", "accuracy table and method"};
}

std::string verdict_against(Verdict v, const std::string& what) {
  switch (v) {
    case Verdict::kAbove:
      return "more than its share of " + what;
    case Verdict::kBelow:
      return "less than its share of " + what;
    case Verdict::kIncludes:
      return "no evidence of a difference from its share of " + what;
    default:
      return "no interval (bootstrap off), so not judged";
  }
}

std::string ratio_part(double share, const std::string& what, double ratio,
                       const disparity::Interval& ci, double level) {
  const auto v = judge(ci.lo, ci.hi, 1);
  const auto interval =
      v == Verdict::kUnknown
          ? std::string()
          : fmt::format(", {} interval {} to {}", level_text(level), num(ci.lo), num(ci.hi));
  return fmt::format("{} of {} (ratio {}{}): {}", pct(share), what, num(ratio), interval,
                     verdict_against(v, what));
}

double mean_of(const std::vector<double>& v) {
  double s = 0;
  for (double x : v) s += x;
  return v.empty() ? NAN : s / static_cast<double>(v.size());
}

// Column `name` of a CSV record, "" when absent.
std::string field(const std::map<std::string, std::size_t>& at, const io::CsvRecord& r,
                  const std::string& name) {
  const auto i = at.find(name);
  return i == at.end() || i->second >= r.fields.size() ? "" : std::string(r.fields[i->second]);
}

bool as_number(const std::string& text, double& v) {
  if (text.empty()) return false;
  char* end = nullptr;
  v = std::strtod(text.c_str(), &end);
  return end != nullptr && *end == '\0' && std::isfinite(v);
}

const std::map<std::string, std::string>& metric_names() {
  static const std::map<std::string, std::string> names = {
      {"fpr", "false positive rate (flagged among those without the outcome)"},
      {"fnr", "false negative rate (not flagged among those with the outcome)"},
      {"precision", "precision (PPV: outcome among those flagged)"},
      {"pprev", "selection rate (share flagged)"}};
  return names;
}

std::string p_text(double p) {
  return p < 0.001 ? std::string("p < 0.001") : fmt::format("p = {:.3f}", p);
}

// The `fair` rule (tau <= ratio <= 1/tau; Aequitas) and the test of equality at 1 - level say
// different things; both are reported, and a disagreement is explained.
std::string fair_and_test(bool fair, bool has_p, double p, double tau, double level) {
  const auto rule = fmt::format("{:g} to {:g}", tau, 1 / tau);
  const double alpha = 1 - level;
  if (!has_p)
    return fair ? fmt::format("inside the {} rule (no test)", rule)
                : fmt::format("outside the {} rule (no test)", rule);
  if (fair && p < alpha)
    return fmt::format(
        "inside the {} rule, so `fair`, but the test rejects equality ({}): the difference is "
        "real, and smaller than the rule tolerates",
        rule, p_text(p));
  if (fair)
    return fmt::format("inside the {} rule, and the test finds no difference ({})", rule,
                       p_text(p));
  if (p < alpha)
    return fmt::format("outside the {} rule, and the test rejects equality ({})", rule, p_text(p));
  return fmt::format(
      "outside the {} rule, but the test cannot tell it from equality ({}: too few people to be "
      "sure)",
      rule, p_text(p));
}

}  // namespace

Verdict judge(double lo, double hi, double none) {
  if (!std::isfinite(lo) || !std::isfinite(hi)) return Verdict::kUnknown;
  if (lo > none) return Verdict::kAbove;
  if (hi < none) return Verdict::kBelow;
  return Verdict::kIncludes;
}

std::vector<report::Finding> accuracy_findings(const evaluate::BacktestResult& b,
                                               const std::string& period, double level) {
  std::vector<report::Finding> out;
  const auto* best = find_label(b, b.best_baseline);
  for (const auto& m : b.models) {
    if (m.spec.baseline) continue;
    if (best != nullptr) out.push_back(model_vs_baseline(m, *best, level));
    out.push_back(wrong_share(b, m, period, level));
  }
  return out;
}

std::vector<report::Finding> disparity_findings(const disparity::ExposureResult& r,
                                                const std::string& model, double level) {
  std::vector<report::Finding> out;
  for (const auto& g : r.groups) {
    if (!std::isfinite(g.exposure_share)) continue;
    auto text = fmt::format("{} ({} flags): {} of patrol exposure against {}", g.name, model,
                            pct(g.exposure_share),
                            ratio_part(g.population_share, "the residents", g.disparity_ratio,
                                       g.disparity_ratio_ci, level));
    if (std::isfinite(g.crime_share))
      text += "; against " +
              ratio_part(g.crime_share, "recorded crime", g.crime_ratio, g.crime_ratio_ci, level);
    out.push_back({text + ".", "disparity", "exposure table and method"});
  }
  return out;
}

std::vector<report::Finding> feedback_findings(const feedback::LoopResult& loop,
                                               const feedback::LoopOptions& o) {
  std::vector<report::Finding> out;
  const auto at = [](feedback::Measure m) { return static_cast<std::size_t>(m); };
  for (const auto& sc : loop.scenarios) {
    std::int64_t reached = 0;
    for (auto day : sc.concentration_day) reached += day >= 0 ? 1 : 0;
    const double tvd = mean_of(sc.mean[at(feedback::Measure::kTvdArea)]);
    const double discovered = mean_of(sc.mean[at(feedback::Measure::kDiscovered)]);
    auto text = fmt::format(
        "Feedback with mitigation '{}': one area held over {} of a day's flags in {} of {} "
        "replicates; patrols differed from true crime by a total variation distance of {} over "
        "areas (mean over {} days; 0 = patrols in proportion to true crime).",
        feedback::to_string(sc.mitigation), pct(o.concentration_share), reached, loop.replicates,
        num(tvd), loop.days);
    text += discovered < 0.005
                ? fmt::format(
                      " Patrols discovered almost no crime that victims did not report ({:.2f} a "
                      "day), so this run shows little feedback from discoveries.",
                      discovered)
                : fmt::format(
                      " Patrols discovered {:.2f} crimes a day that victims did not report; {:.2f} "
                      "a day of those records trained the next forecast.",
                      discovered, mean_of(sc.mean[at(feedback::Measure::kTrainedDiscovered)]));
    out.push_back({text, "feedback", "loop measures and method"});
  }
  return out;
}

std::vector<report::Finding> scores_findings(const std::string& csv, double tau, double level) {
  std::vector<report::Finding> out;
  auto reader = io::CsvReader::from_string("disparities", csv);
  std::map<std::string, std::size_t> at;
  for (std::size_t i = 0; i < reader.header().size(); ++i) at[reader.header()[i]] = i;
  io::CsvRecord r;
  while (reader.next(r)) {
    const auto metric = metric_names().find(field(at, r, "metric"));
    if (metric == metric_names().end()) continue;
    double value = 0, reference = 0, ratio = 0, lo = NAN, hi = NAN, p = NAN;
    // A suppressed value (small cell) has no number: nothing is said about it.
    if (!as_number(field(at, r, "value"), value) ||
        !as_number(field(at, r, "reference_value"), reference) ||
        !as_number(field(at, r, "ratio"), ratio))
      continue;
    as_number(field(at, r, "ratio_lo"), lo);
    as_number(field(at, r, "ratio_hi"), hi);
    const bool has_p = as_number(field(at, r, "p_value"), p);
    const bool fair = field(at, r, "fair") == "true";
    const auto interval =
        std::isfinite(lo) && std::isfinite(hi)
            ? fmt::format(", {} interval {} to {}", level_text(level), num(lo), num(hi))
            : std::string();
    out.push_back({fmt::format("{} = {}: {} {} against {} for the reference group {} (ratio "
                               "{}{}): {}.",
                               field(at, r, "attribute"), field(at, r, "group"), metric->second,
                               num(value), num(reference), field(at, r, "reference"), num(ratio),
                               interval, fair_and_test(fair, has_p, p, tau, level)),
                   "scores", "disparity table and method"});
  }
  return out;
}

}  // namespace scrutineer::recipe
