// Audit of a people-focused tool's outputs by group: confusion matrices, rates, disparities with
// bootstrap intervals and tests, calibration, Chouldechova's identity and a representation audit.
// Definitions follow Aequitas (Saleiro et al. 2018) and Chouldechova (2017, Big Data 5(2)).
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "scrutineer/scores/metrics.hpp"
#include "scrutineer/scores/people.hpp"

namespace scrutineer::scores {

// Who is counted as flagged: score >= value, the k highest scores, or the top x per cent.
struct Threshold {
  enum class Kind { kAtLeast, kTopK, kTopPercent };
  Kind kind = Kind::kAtLeast;
  double value = 1.0;
  std::string label() const;  // "score>=5", "top100", "top20%"
};
// Parses ">=5", "5", "top:100", "top%:20". Throws ConfigError.
Threshold parse_threshold(std::string_view text);

enum class ReferenceRule { kLargest, kNamed, kMin };

// A share of a benchmark population (census, people convicted of the offences) for one group.
struct Benchmark {
  std::string name;       // "population", "convicted"
  std::string attribute;  // group column
  std::string group;
  double share = 0.0;  // in (0, 1]
};
// Parses "population:race:Black=0.13". Throws ConfigError.
Benchmark parse_benchmark(std::string_view text);
// Reads benchmarks from a CSV with columns benchmark, attribute, group, share. Throws InputError.
std::vector<Benchmark> read_benchmarks(const std::string& path);

struct AuditOptions {
  std::vector<Threshold> thresholds;  // empty: flag >= 1 (a flag or list); required for a score
  ReferenceRule reference = ReferenceRule::kLargest;
  std::vector<std::pair<std::string, std::string>> named_reference;  // attribute, group
  double tau = 0.8;      // fair when tau <= ratio <= 1/tau
  int bootstrap = 1000;  // replicates; 0 = none
  std::uint64_t seed = 20160523;
  double level = 0.95;
  int calibration_bins = 10;
  std::vector<Benchmark> benchmarks;
  // The small-cell threshold the outputs will use (PublishOptions::min_cell; the `min_cell` option
  // sets both). With reference = min, a group whose rate for a metric would be suppressed is never
  // that metric's reference: naming it as the lowest would reveal where its hidden rate lies.
  std::int64_t min_cell = 10;
};

struct GroupStats {
  std::string threshold, attribute, group;
  std::int64_t n = 0, selected = 0, all_selected = 0;  // all_selected: over every group
  Confusion confusion;                                 // zero when there is no outcome
};
Fraction group_fraction(Metric metric, const GroupStats& stats);

struct Disparity {
  std::string threshold, attribute, group, reference;
  Metric metric = Metric::kFpr;
  Fraction value, reference_value;
  std::optional<double> ratio, difference;          // value / reference, value − reference
  std::optional<bool> fair;                         // tau <= ratio <= 1/tau
  std::optional<Interval> ratio_ci, difference_ci;  // bootstrap percentile intervals
  std::optional<double> p_value;
  std::string test;  // "z" (two-proportion), "fisher" (any expected count < 5), "" (none)
};

// Composite parities (Aequitas): each holds when all its parts are fair.
struct Parity {
  std::string threshold, attribute, group, reference;
  std::optional<bool> statistical;     // pprev
  std::optional<bool> impact;          // ppr
  std::optional<bool> equalised_odds;  // fpr and tpr (Hardt, Price & Srebro 2016)
  std::optional<bool> type_i;          // fpr and fdr
  std::optional<bool> type_ii;         // fnr and for
};

struct CalibrationBin {
  std::string attribute, group;
  int bin = 0;
  double score_lo = 0.0, score_hi = 0.0;
  std::int64_t n = 0, outcomes = 0;
};

// Chouldechova (2017) eq. (2.6): FPR = p/(1 − p) · (1 − PPV)/PPV · (1 − FNR).
struct IdentityRow {
  std::string threshold, attribute, group;
  std::optional<double> prevalence, ppv, fnr, fpr, fpr_identity;
  // The FPR this group would have with the reference group's PPV and FNR at its own prevalence.
  std::optional<double> fpr_at_reference_ppv_fnr;
};

struct RepresentationRow {
  std::string threshold, attribute, group, benchmark;
  std::int64_t listed = 0, all_listed = 0;
  double share = 0.0, benchmark_share = 0.0, ratio = 0.0;
  Interval share_ci,
      ratio_ci;  // Wilson interval on the share; the ratio's is that over the benchmark
  std::optional<double> p_value;  // score test of share = benchmark share
};

struct AuditResult {
  std::string source;
  std::int64_t rows_read = 0, people = 0;
  bool has_outcome = false;
  std::vector<FilterCount> filters;
  std::vector<std::string> notes;
  AuditOptions options;
  std::vector<GroupStats> groups;
  std::vector<Disparity> disparities;
  std::vector<Parity> parities;
  std::vector<CalibrationBin> calibration;  // every bin of every group, empty ones with n = 0
  std::vector<IdentityRow> identity;
  std::vector<RepresentationRow> representation;
};

// Runs the audit. Throws ConfigError for an impossible request (a threshold on a flag with top-k
// beyond the data, a named reference that does not exist).
AuditResult run_audit(const People& people, const AuditOptions& options);

struct PublishOptions {
  std::int64_t min_cell = 10;  // counts below this are suppressed, with what would reveal them
};
inline constexpr const char* kSuppressed = "suppressed";

// Published outputs with small-cell suppression (Hundepool et al. 2012, ch. 5), replaced by
// kSuppressed (JSON: null) and listed by suppressed_cells():
// - a group's n, selected (or n − selected), or any of tp, fp, tn, fn below min_cell hides that
//   count and every rate built on it (a rate of a hidden count would reveal it: FPR · (fp + tn));
//   a hidden selection hides the confusion matrix too (selected = tp + fp);
// - complementary suppression: when one group of an attribute is hidden, its n would be the people
//   audited minus the others', so the next smallest group is hidden as well (the same for
//   selections and confusion matrices); calibration (every bin for every group, so that which rows
//   exist reveals nothing) hides every bin of a hidden group and completes each group's bins and
//   each bin's groups until none holds a single hidden cell;
// - disparities, identity rows and each composite parity built on a hidden rate are hidden; the
//   reference group's own parities are true by definition and published.
std::string groups_csv(const AuditResult& r, const PublishOptions& p);
std::string disparities_csv(const AuditResult& r, const PublishOptions& p);
std::string calibration_csv(const AuditResult& r, const PublishOptions& p);
std::string identity_csv(const AuditResult& r, const PublishOptions& p);
std::string representation_csv(const AuditResult& r, const PublishOptions& p);
std::string audit_json(const AuditResult& r, const PublishOptions& p);
std::string audit_table(const AuditResult& r, const PublishOptions& p);
// Cells suppressed (one readable line each).
std::vector<std::string> suppressed_cells(const AuditResult& r, const PublishOptions& p);

// Writes scores_groups.csv, scores_disparities.csv, scores_calibration.csv, scores_identity.csv,
// scores_representation.csv and scores.json into `dir` (each atomically). Returns the paths.
std::vector<std::filesystem::path> write_audit(const AuditResult& r, const PublishOptions& p,
                                               const std::filesystem::path& dir);

// The `scrutineer scores` command as one call: load, audit, write files into out_dir (if set) and
// return what goes to standard output in `format` ("table", "csv" = the groups table, "json").
struct ScoresCommand {
  PeopleOptions people;
  AuditOptions audit;
  PublishOptions publish;
  std::string out_dir;
  std::string format = "table";
};
std::string run_scores(const ScoresCommand& command);

}  // namespace scrutineer::scores
