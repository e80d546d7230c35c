// Group audit of a tool's outputs: confusion matrices and rates (Aequitas names), disparities to a
// reference with stratified bootstrap intervals and tests, composite parities, calibration,
// Chouldechova's (2017) identity and a representation audit against benchmarks.
#include "scrutineer/scores/audit.hpp"

#include <fmt/format.h>
#include <tbb/parallel_for.h>

#include <algorithm>
#include <cmath>
#include <numeric>

#include "scrutineer/core/error.hpp"
#include "scrutineer/core/progress.hpp"
#include "scrutineer/core/random.hpp"
#include "suppression.hpp"

namespace scrutineer::scores {

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return s;
}

double parse_double(std::string_view text, std::string_view what) {
  const std::string copy(trim(text));
  std::size_t used = 0;
  double value = 0.0;
  try {
    value = std::stod(copy, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (copy.empty() || used != copy.size() || !std::isfinite(value)) {
    throw ConfigError(fmt::format("{}: expected a number, found '{}'", what, text));
  }
  return value;
}

// Per threshold, 1 for each person counted as flagged.
std::vector<std::uint8_t> select(const People& people, const Threshold& t) {
  const std::size_t n = people.size();
  std::vector<std::uint8_t> selected(n, 0);
  if (t.kind == Threshold::Kind::kAtLeast) {
    for (std::size_t i = 0; i < n; ++i) selected[i] = people.score[i] >= t.value ? 1 : 0;
    return selected;
  }
  // Top k: highest scores first; ties broken by file order (earlier rows first), so the cut is
  // deterministic. Top x%: k = round(x / 100 · n), halves rounded up.
  std::int64_t k = t.kind == Threshold::Kind::kTopK
                       ? static_cast<std::int64_t>(t.value)
                       : static_cast<std::int64_t>(std::floor(t.value / 100.0 * n + 0.5));
  k = std::clamp<std::int64_t>(k, 0, static_cast<std::int64_t>(n));
  std::vector<std::size_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return people.score[a] > people.score[b]; });
  for (std::int64_t i = 0; i < k; ++i) selected[order[i]] = 1;
  return selected;
}

void add(Confusion& c, bool selected, bool outcome) {
  if (selected) {
    outcome ? ++c.tp : ++c.fp;
  } else {
    outcome ? ++c.fn : ++c.tn;
  }
}

std::optional<double> ratio_of(const std::optional<double>& a, const std::optional<double>& b) {
  if (!a || !b || *b == 0.0) return std::nullopt;
  return *a / *b;
}

bool fair_ratio(double ratio, double tau) { return ratio >= tau && ratio <= 1.0 / tau; }

// Sample quantile with linear interpolation between order statistics (R's default, type 7).
double quantile(std::vector<double>& sorted, double q) {
  const double h = (static_cast<double>(sorted.size()) - 1.0) * q;
  const auto lo = static_cast<std::size_t>(std::floor(h));
  const std::size_t hi = std::min(lo + 1, sorted.size() - 1);
  return sorted[lo] + (h - static_cast<double>(lo)) * (sorted[hi] - sorted[lo]);
}

std::optional<Interval> percentile_interval(std::vector<double> values, double level) {
  if (values.size() < 2) return std::nullopt;
  std::sort(values.begin(), values.end());
  const double alpha = (1.0 - level) / 2.0;
  return Interval{quantile(values, alpha), quantile(values, 1.0 - alpha)};
}

// Test of a rate's equality between two groups: Fisher's exact test when any expected count of the
// 2×2 table is below 5 (Cochran's rule, Agresti 2013 §3.5), else the pooled two-proportion z-test.
void test_rates(const Fraction& a, const Fraction& b, Disparity& d) {
  if (a.denominator == 0 || b.denominator == 0) return;
  const std::int64_t n = a.denominator + b.denominator;
  const std::int64_t successes = a.numerator + b.numerator;
  const double min_expected = static_cast<double>(std::min(a.denominator, b.denominator)) *
                              static_cast<double>(std::min(successes, n - successes)) /
                              static_cast<double>(n);
  if (min_expected < 5.0) {
    d.p_value = fisher_exact_p(a.numerator, a.denominator - a.numerator, b.numerator,
                               b.denominator - b.numerator);
    d.test = "fisher";
  } else {
    d.p_value = two_proportion_z_p(a.numerator, a.denominator, b.numerator, b.denominator);
    if (d.p_value) d.test = "z";
  }
}

}  // namespace

std::string Threshold::label() const {
  switch (kind) {
    case Kind::kAtLeast:
      return fmt::format("score>={}", value);
    case Kind::kTopK:
      return fmt::format("top{}", static_cast<std::int64_t>(value));
    case Kind::kTopPercent:
      return fmt::format("top{}%", value);
  }
  return "";
}

Threshold parse_threshold(std::string_view text) {
  text = trim(text);
  Threshold t;
  if (text.substr(0, 5) == "top%:" || text.substr(0, 5) == "top%=") {
    t.kind = Threshold::Kind::kTopPercent;
    t.value = parse_double(text.substr(5), "threshold top%");
    if (!(t.value > 0.0 && t.value <= 100.0)) {
      throw ConfigError(fmt::format("threshold '{}': top% must lie in (0, 100]", text));
    }
  } else if (text.substr(0, 4) == "top:" || text.substr(0, 4) == "top=") {
    t.kind = Threshold::Kind::kTopK;
    t.value = parse_double(text.substr(4), "threshold top");
    if (!(t.value >= 1.0) || t.value != std::floor(t.value)) {
      throw ConfigError(fmt::format("threshold '{}': top k must be a whole number >= 1", text));
    }
  } else {
    if (text.substr(0, 2) == ">=") text.remove_prefix(2);
    t.kind = Threshold::Kind::kAtLeast;
    t.value = parse_double(text, "threshold (expected >=VALUE, top:K or top%:X)");
  }
  return t;
}

Benchmark parse_benchmark(std::string_view text) {
  const auto c1 = text.find(':');
  const auto c2 = c1 == std::string_view::npos ? c1 : text.find(':', c1 + 1);
  const auto eq = text.rfind('=');
  if (c1 == std::string_view::npos || c2 == std::string_view::npos ||
      eq == std::string_view::npos || eq < c2) {
    throw ConfigError(fmt::format(
        "benchmark '{}': expected NAME:ATTRIBUTE:GROUP=SHARE, e.g. population:race:Black=0.13",
        text));
  }
  Benchmark b{std::string(trim(text.substr(0, c1))),
              std::string(trim(text.substr(c1 + 1, c2 - c1 - 1))),
              std::string(trim(text.substr(c2 + 1, eq - c2 - 1))),
              parse_double(text.substr(eq + 1), "benchmark share")};
  if (!(b.share > 0.0 && b.share <= 1.0)) {
    throw ConfigError(fmt::format("benchmark '{}': the share must lie in (0, 1]", text));
  }
  return b;
}

std::vector<Benchmark> read_benchmarks(const std::string& path) {
  io::CsvReader reader(path);
  const std::size_t name = reader.require_column("benchmark");
  const std::size_t attribute = reader.require_column("attribute");
  const std::size_t group = reader.require_column("group");
  const std::size_t share = reader.require_column("share");
  std::vector<Benchmark> out;
  io::CsvRecord record;
  while (reader.next(record)) {
    if (record.size() != reader.header().size()) {
      throw InputError(path, record.line, 0,
                       fmt::format("expected {} fields as in the header, found {}",
                                   reader.header().size(), record.size()));
    }
    Benchmark b{std::string(trim(record[name])), std::string(trim(record[attribute])),
                std::string(trim(record[group])), 0.0};
    try {
      b.share = parse_double(record[share], "benchmark share");
    } catch (const ConfigError&) {
      b.share = -1.0;
    }
    if (!(b.share > 0.0 && b.share <= 1.0)) {
      throw InputError(path, record.line, record.columns[share],
                       "the share must be a number in (0, 1]");
    }
    out.push_back(std::move(b));
  }
  return out;
}

Fraction group_fraction(Metric metric, const GroupStats& s) {
  if (metric == Metric::kPprev) return {s.selected, s.n};
  if (metric == Metric::kPpr) return {s.selected, s.all_selected};
  return metric_fraction(metric, s.confusion, s.all_selected);
}

namespace {

// Checks the options that do not depend on the data. Throws ConfigError.
void check_options(const AuditOptions& options) {
  if (!(options.tau > 0.0 && options.tau <= 1.0)) {
    throw ConfigError(fmt::format("tau must lie in (0, 1], found {}", options.tau));
  }
  if (!(options.level > 0.0 && options.level < 1.0)) {
    throw ConfigError(
        fmt::format("the interval level must lie in (0, 1), found {}", options.level));
  }
  if (options.bootstrap < 0) throw ConfigError("the number of bootstrap replicates must be >= 0");
}

// The thresholds asked for; a flag or a list without one is flagged at >= 1.
std::vector<Threshold> thresholds_of(const People& people, const AuditOptions& options) {
  if (!options.thresholds.empty()) return options.thresholds;
  if (!people.is_flag) {
    throw ConfigError("a score needs at least one threshold (--threshold >=5, top:100, top%:20)");
  }
  return {Threshold{Threshold::Kind::kAtLeast, 1.0}};
}

// The people of each group of one attribute.
struct AttributeGroups {
  std::size_t attribute = 0;
  std::vector<std::vector<std::size_t>> members;  // per group, person indices
};

std::vector<AttributeGroups> group_members(const People& people) {
  std::vector<AttributeGroups> attributes;
  for (std::size_t a = 0; a < people.groups.size(); ++a) {
    AttributeGroups ag{a, std::vector<std::vector<std::size_t>>(people.groups[a].labels.size())};
    for (std::size_t i = 0; i < people.size(); ++i)
      ag.members[people.groups[a].codes[i]].push_back(i);
    attributes.push_back(std::move(ag));
  }
  return attributes;
}

// --- Tabulation: who is flagged, and each group's counts and confusion matrix. ---

// stats[t][a][g]: threshold t, attribute a, group g.
using StatsCube = std::vector<std::vector<std::vector<GroupStats>>>;

struct Tabulation {
  const People& people;
  std::vector<Threshold> thresholds;
  std::vector<std::vector<std::uint8_t>> selected;  // [t][person]
  std::vector<AttributeGroups> attributes;
  StatsCube stats;
};

// The counts of each group of `ag` at threshold t, over `members` (the data, or a resample).
std::vector<GroupStats> count_groups(const Tabulation& tab, std::size_t t,
                                     const AttributeGroups& ag,
                                     const std::vector<std::vector<std::size_t>>& members) {
  const GroupColumn& column = tab.people.groups[ag.attribute];
  const bool outcome = tab.people.has_outcome();
  std::vector<GroupStats> out(members.size());
  std::int64_t all = 0;
  for (std::size_t g = 0; g < members.size(); ++g) {
    GroupStats& s = out[g];
    s.threshold = tab.thresholds[t].label();
    s.attribute = column.name;
    s.group = column.labels[g];
    s.n = static_cast<std::int64_t>(members[g].size());
    for (std::size_t i : members[g]) {
      s.selected += tab.selected[t][i];
      if (outcome) add(s.confusion, tab.selected[t][i] != 0, tab.people.outcome[i] != 0);
    }
    all += s.selected;
  }
  for (auto& s : out) s.all_selected = all;
  return out;
}

Tabulation tabulate(const People& people, std::vector<Threshold> thresholds) {
  Tabulation tab{people, std::move(thresholds), {}, group_members(people), {}};
  for (const auto& t : tab.thresholds) tab.selected.push_back(select(people, t));
  tab.stats.resize(tab.thresholds.size());
  for (std::size_t t = 0; t < tab.thresholds.size(); ++t) {
    for (const auto& ag : tab.attributes)
      tab.stats[t].push_back(count_groups(tab, t, ag, ag.members));
  }
  return tab;
}

// --- Reference groups. ---

// Per attribute: the named group, else the largest (the first of equal sizes). Throws ConfigError
// for a named group or attribute that does not occur.
std::vector<std::size_t> reference_groups(const Tabulation& tab, const AuditOptions& options) {
  const auto& groups = tab.people.groups;
  std::vector<std::size_t> reference(tab.attributes.size(), 0);
  for (std::size_t a = 0; a < tab.attributes.size(); ++a) {
    const auto& members = tab.attributes[a].members;
    for (std::size_t g = 1; g < members.size(); ++g) {
      if (members[g].size() > members[reference[a]].size()) reference[a] = g;
    }
    if (options.reference != ReferenceRule::kNamed) continue;
    const auto& name = groups[a].name;
    auto it = std::find_if(options.named_reference.begin(), options.named_reference.end(),
                           [&](const auto& p) { return p.first == name; });
    if (it == options.named_reference.end()) continue;  // largest for unnamed attributes
    const auto& labels = groups[a].labels;
    auto found = std::find(labels.begin(), labels.end(), it->second);
    if (found == labels.end()) {
      throw ConfigError(
          fmt::format("reference group '{}' does not occur in column '{}'", it->second, name));
    }
    reference[a] = static_cast<std::size_t>(found - labels.begin());
  }
  for (const auto& [attribute, group] : options.named_reference) {
    const std::string& column = attribute;  // clang 14 cannot capture a structured binding
    if (std::none_of(groups.begin(), groups.end(),
                     [&](const GroupColumn& c) { return c.name == column; })) {
      throw ConfigError(fmt::format("reference '{}={}': '{}' is not a group column", attribute,
                                    group, attribute));
    }
  }
  return reference;
}

// Aequitas "min_metric": the group with the lowest defined value of the metric (`fallback` when
// none is defined).
// The group with the lowest rate of m among those whose rate is published: a group whose rate is
// suppressed is never named as the lowest (that would reveal where its hidden rate lies).
std::size_t lowest_group(Metric m, const std::vector<GroupStats>& groups, std::size_t fallback,
                         const SuppressionPlan& plan) {
  std::size_t ref = fallback;
  std::optional<double> best;
  for (std::size_t g = 0; g < groups.size(); ++g) {
    if (plan.rate_hidden(groups[g], m)) continue;
    const auto v = group_fraction(m, groups[g]).value();
    if (v && (!best || *v < *best)) {
      best = v;
      ref = g;
    }
  }
  return ref;
}

// --- Disparities: ratios, differences, tests and bootstrap intervals. ---

// Where a disparity row comes from, so the bootstrap can recompute it.
struct DisparityKey {
  std::size_t t, a, g, ref;
  Metric metric;
};

std::vector<Metric> audited_metrics(bool outcome) {
  std::vector<Metric> metrics;
  for (Metric m : kAllMetrics) {
    if (outcome || !metric_needs_outcome(m)) metrics.push_back(m);
  }
  return metrics;
}

Disparity compare_groups(const GroupStats& group, const GroupStats& reference, Metric m,
                         double tau) {
  Disparity d;
  d.threshold = group.threshold;
  d.attribute = group.attribute;
  d.group = group.group;
  d.reference = reference.group;
  d.metric = m;
  d.value = group_fraction(m, group);
  d.reference_value = group_fraction(m, reference);
  const auto v = d.value.value(), rv = d.reference_value.value();
  d.ratio = ratio_of(v, rv);
  if (v && rv) d.difference = *v - *rv;
  if (d.ratio) d.fair = fair_ratio(*d.ratio, tau);
  // ppr shares one denominator across groups, so a two-sample test does not apply.
  if (m != Metric::kPpr) test_rates(d.value, d.reference_value, d);
  return d;
}

// Every group against its reference, for every metric; the keys are in the rows' order.
std::vector<DisparityKey> add_disparities(const Tabulation& tab,
                                          const std::vector<std::size_t>& reference,
                                          const AuditOptions& options, AuditResult& r) {
  const SuppressionPlan plan(r, options.min_cell);  // r.groups only: bins come later
  std::vector<DisparityKey> keys;
  for (std::size_t t = 0; t < tab.thresholds.size(); ++t) {
    for (std::size_t a = 0; a < tab.attributes.size(); ++a) {
      const auto& groups = tab.stats[t][a];
      for (Metric m : audited_metrics(tab.people.has_outcome())) {
        const std::size_t ref = options.reference == ReferenceRule::kMin
                                    ? lowest_group(m, groups, reference[a], plan)
                                    : reference[a];
        for (std::size_t g = 0; g < groups.size(); ++g) {
          if (g == ref) continue;
          r.disparities.push_back(compare_groups(groups[g], groups[ref], m, options.tau));
          keys.push_back(DisparityKey{t, a, g, ref, m});
        }
      }
    }
  }
  return keys;
}

// Each group's people resampled with replacement (group sizes kept), tabulated at every threshold.
StatsCube resample(const Tabulation& tab, Rng& rng) {
  StatsCube boot(tab.thresholds.size());
  for (auto& per_t : boot) per_t.resize(tab.attributes.size());
  for (std::size_t a = 0; a < tab.attributes.size(); ++a) {
    const auto& members = tab.attributes[a].members;
    std::vector<std::vector<std::size_t>> resampled(members.size());
    for (std::size_t g = 0; g < resampled.size(); ++g) {
      const auto& m = members[g];
      resampled[g].resize(m.size());
      for (auto& i : resampled[g]) i = m[rng.below(m.size())];
    }
    for (std::size_t t = 0; t < tab.thresholds.size(); ++t) {
      boot[t][a] = count_groups(tab, t, tab.attributes[a], resampled);
    }
  }
  return boot;
}

std::vector<double> defined_values(const std::vector<double>& xs) {
  std::vector<double> out;
  for (double x : xs) {
    if (!std::isnan(x)) out.push_back(x);
  }
  return out;
}

// Bootstrap stratified by group: each group's people are resampled with replacement, keeping the
// group sizes and each person's flag (the tool's decision is data, not re-derived). Replicate b
// uses its own stream Rng(seed, b), so results do not depend on the thread count.
void add_bootstrap_intervals(const Tabulation& tab, const std::vector<DisparityKey>& keys,
                             const AuditOptions& options, std::vector<Disparity>& disparities) {
  if (options.bootstrap <= 0 || keys.empty()) return;
  const int replicates = options.bootstrap;
  std::vector<std::vector<double>> ratios(keys.size(), std::vector<double>(replicates, NAN));
  std::vector<std::vector<double>> diffs(keys.size(), std::vector<double>(replicates, NAN));
  Progress progress("bootstrap", replicates);
  tbb::parallel_for(0, replicates, [&](int b) {
    Rng rng(options.seed, static_cast<std::uint64_t>(b));
    const StatsCube boot = resample(tab, rng);
    for (std::size_t k = 0; k < keys.size(); ++k) {
      const DisparityKey& key = keys[k];
      const auto v = group_fraction(key.metric, boot[key.t][key.a][key.g]).value();
      const auto rv = group_fraction(key.metric, boot[key.t][key.a][key.ref]).value();
      if (const auto ratio = ratio_of(v, rv)) ratios[k][b] = *ratio;
      if (v && rv) diffs[k][b] = *v - *rv;
    }
    progress.advance();
  });
  progress.finish();
  for (std::size_t k = 0; k < keys.size(); ++k) {
    if (disparities[k].ratio) {
      disparities[k].ratio_ci = percentile_interval(defined_values(ratios[k]), options.level);
    }
    if (disparities[k].difference) {
      disparities[k].difference_ci = percentile_interval(defined_values(diffs[k]), options.level);
    }
  }
}

// --- Composite parities. ---

// Whether group g is fair on metric m: its disparity row's verdict, true when it is the reference
// for m (equal to itself), nullopt otherwise.
std::optional<bool> fair_on(const std::vector<DisparityKey>& keys,
                            const std::vector<Disparity>& disparities, std::size_t t, std::size_t a,
                            std::size_t g, Metric m) {
  for (std::size_t k = 0; k < keys.size(); ++k) {
    if (keys[k].t == t && keys[k].a == a && keys[k].g == g && keys[k].metric == m) {
      return disparities[k].fair;
    }
  }
  const bool is_reference = std::any_of(keys.begin(), keys.end(), [&](const DisparityKey& key) {
    return key.t == t && key.a == a && key.ref == g && key.metric == m;
  });
  return is_reference ? std::optional<bool>(true) : std::nullopt;
}

std::optional<bool> both(std::optional<bool> f1, std::optional<bool> f2) {
  if (!f1 || !f2) return std::nullopt;
  return *f1 && *f2;
}

void add_parities(const Tabulation& tab, const std::vector<std::size_t>& reference,
                  const std::vector<DisparityKey>& keys, const AuditOptions& options,
                  AuditResult& r) {
  const bool outcome = tab.people.has_outcome();
  for (std::size_t t = 0; t < tab.thresholds.size(); ++t) {
    for (std::size_t a = 0; a < tab.attributes.size(); ++a) {
      for (std::size_t g = 0; g < tab.stats[t][a].size(); ++g) {
        const auto fair = [&](Metric m) { return fair_on(keys, r.disparities, t, a, g, m); };
        const auto& s = tab.stats[t][a][g];
        Parity p;
        p.threshold = s.threshold;
        p.attribute = s.attribute;
        p.group = s.group;
        p.reference = options.reference == ReferenceRule::kMin
                          ? std::string("lowest per metric")
                          : tab.stats[t][a][reference[a]].group;
        p.statistical = fair(Metric::kPprev);
        p.impact = fair(Metric::kPpr);
        if (outcome) {
          p.equalised_odds = both(fair(Metric::kFpr), fair(Metric::kTpr));
          p.type_i = both(fair(Metric::kFpr), fair(Metric::kFdr));
          p.type_ii = both(fair(Metric::kFnr), fair(Metric::kFor));
        }
        r.parities.push_back(p);
      }
    }
  }
}

// --- Chouldechova's identity. ---

// Chouldechova (2017) eq. (2.6): FPR = p/(1 − p) · (1 − PPV)/PPV · (1 − FNR).
std::optional<double> identity_fpr(std::optional<double> p, std::optional<double> ppv,
                                   std::optional<double> fnr) {
  if (!p || !ppv || !fnr || *p >= 1.0 || *ppv <= 0.0) return std::nullopt;
  return *p / (1.0 - *p) * (1.0 - *ppv) / *ppv * (1.0 - *fnr);
}

IdentityRow identity_row(const GroupStats& s, const GroupStats& ref) {
  IdentityRow row;
  row.threshold = s.threshold;
  row.attribute = s.attribute;
  row.group = s.group;
  row.prevalence = group_fraction(Metric::kPrev, s).value();
  row.ppv = group_fraction(Metric::kPpv, s).value();
  row.fnr = group_fraction(Metric::kFnr, s).value();
  row.fpr = group_fraction(Metric::kFpr, s).value();
  row.fpr_identity = identity_fpr(row.prevalence, row.ppv, row.fnr);
  row.fpr_at_reference_ppv_fnr =
      identity_fpr(row.prevalence, group_fraction(Metric::kPpv, ref).value(),
                   group_fraction(Metric::kFnr, ref).value());
  return row;
}

void add_identity(const Tabulation& tab, const std::vector<std::size_t>& reference,
                  AuditResult& r) {
  if (!tab.people.has_outcome()) return;
  for (std::size_t t = 0; t < tab.thresholds.size(); ++t) {
    for (std::size_t a = 0; a < tab.attributes.size(); ++a) {
      if (tab.stats[t][a].empty()) continue;  // no people: no reference group
      const auto& ref = tab.stats[t][a][reference[a]];
      for (const auto& s : tab.stats[t][a]) r.identity.push_back(identity_row(s, ref));
    }
  }
}

// --- Calibration. ---

// Score bins: bin(x) = number of cuts below x; lo and hi are the scores seen in each bin.
struct ScoreBins {
  std::vector<double> cuts, lo, hi;
  std::size_t count() const { return cuts.size() + 1; }
  std::size_t of(double x) const {
    return static_cast<std::size_t>(std::lower_bound(cuts.begin(), cuts.end(), x) - cuts.begin());
  }
};

// A score with at most `bins` distinct values gets one bin per value; otherwise bins cut at the
// type-7 quantiles of all scores, ties kept in one bin. `scores` is not empty.
ScoreBins score_bins(const std::vector<double>& scores, int bins) {
  std::vector<double> sorted = scores;
  std::sort(sorted.begin(), sorted.end());
  std::vector<double> distinct = sorted;
  distinct.erase(std::unique(distinct.begin(), distinct.end()), distinct.end());
  ScoreBins out;
  if (distinct.size() <= static_cast<std::size_t>(bins)) {
    out.cuts.assign(distinct.begin(), distinct.end() - 1);
  } else {
    for (int i = 1; i < bins; ++i) {
      out.cuts.push_back(quantile(sorted, static_cast<double>(i) / bins));
    }
    out.cuts.erase(std::unique(out.cuts.begin(), out.cuts.end()), out.cuts.end());
  }
  out.lo.assign(out.count(), INFINITY);
  out.hi.assign(out.count(), -INFINITY);
  for (double x : scores) {
    const std::size_t b = out.of(x);
    out.lo[b] = std::min(out.lo[b], x);
    out.hi[b] = std::max(out.hi[b], x);
  }
  return out;
}

// Outcome rate per score bin and group: every group gets every bin, an empty one with n = 0.
void add_calibration(const Tabulation& tab, const AuditOptions& options, AuditResult& r) {
  const People& people = tab.people;
  if (!people.has_outcome() || people.is_flag || options.calibration_bins <= 0 ||
      people.size() == 0) {
    return;
  }
  const ScoreBins bins = score_bins(people.score, options.calibration_bins);
  for (const auto& ag : tab.attributes) {
    const GroupColumn& column = people.groups[ag.attribute];
    for (std::size_t g = 0; g < ag.members.size(); ++g) {
      std::vector<CalibrationBin> rows(bins.count());
      for (std::size_t b = 0; b < bins.count(); ++b) {
        rows[b] = CalibrationBin{
            column.name, column.labels[g], static_cast<int>(b + 1), bins.lo[b], bins.hi[b], 0, 0};
      }
      for (std::size_t i : ag.members[g]) {
        auto& row = rows[bins.of(people.score[i])];
        ++row.n;
        row.outcomes += people.outcome[i];
      }
      r.calibration.insert(r.calibration.end(), rows.begin(), rows.end());
    }
  }
}

// --- Representation against benchmarks. ---

// Share of the list held by a group, over its benchmark share, with Wilson's interval on the share
// and the score test of share = benchmark.
RepresentationRow represent(const Benchmark& b, const std::string& threshold,
                            const std::vector<GroupStats>& groups, double level) {
  RepresentationRow row;
  row.threshold = threshold;
  row.attribute = b.attribute;
  row.group = b.group;
  row.benchmark = b.name;
  row.benchmark_share = b.share;
  for (const auto& s : groups) {
    row.all_listed = s.all_selected;
    if (s.group == b.group) row.listed = s.selected;
  }
  if (row.all_listed > 0) {
    row.share = static_cast<double>(row.listed) / static_cast<double>(row.all_listed);
    row.ratio = row.share / b.share;
    const double z = normal_quantile(1.0 - (1.0 - level) / 2.0);
    row.share_ci = wilson_interval(row.listed, row.all_listed, z);
    row.ratio_ci = Interval{row.share_ci.lo / b.share, row.share_ci.hi / b.share};
    if (b.share < 1.0) {
      const double se = std::sqrt(b.share * (1.0 - b.share) / row.all_listed);
      row.p_value = std::erfc(std::fabs(row.share - b.share) / se / std::sqrt(2.0));
    }
  }
  return row;
}

void add_representation(const Tabulation& tab, const AuditOptions& options, AuditResult& r) {
  const auto& groups = tab.people.groups;
  for (const auto& b : options.benchmarks) {
    auto attr = std::find_if(groups.begin(), groups.end(),
                             [&](const GroupColumn& c) { return c.name == b.attribute; });
    if (attr == groups.end()) {
      throw ConfigError(
          fmt::format("benchmark '{}': '{}' is not a group column", b.name, b.attribute));
    }
    const auto a = static_cast<std::size_t>(attr - groups.begin());
    for (std::size_t t = 0; t < tab.thresholds.size(); ++t) {
      r.representation.push_back(
          represent(b, tab.thresholds[t].label(), tab.stats[t][a], options.level));
    }
  }
}

}  // namespace

AuditResult run_audit(const People& people, const AuditOptions& options) {
  AuditResult r;
  r.source = people.source;
  r.rows_read = people.rows_read;
  r.people = static_cast<std::int64_t>(people.size());
  r.has_outcome = people.has_outcome();
  r.filters = people.filters;
  r.notes = people.notes;
  r.options = options;
  check_options(options);
  r.options.thresholds = thresholds_of(people, options);

  const Tabulation tab = tabulate(people, r.options.thresholds);
  for (const auto& per_t : tab.stats) {
    for (const auto& per_a : per_t) r.groups.insert(r.groups.end(), per_a.begin(), per_a.end());
  }
  const std::vector<std::size_t> reference = reference_groups(tab, options);
  const std::vector<DisparityKey> keys = add_disparities(tab, reference, options, r);
  add_bootstrap_intervals(tab, keys, options, r.disparities);
  add_parities(tab, reference, keys, options, r);
  add_identity(tab, reference, r);
  add_calibration(tab, options, r);
  add_representation(tab, options, r);
  return r;
}

}  // namespace scrutineer::scores
