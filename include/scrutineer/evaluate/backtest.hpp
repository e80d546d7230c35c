// Rolling-origin backtest of registered forecast models against the naive and random baselines:
// forecast at each period start, score on the period's events (Chainey, Tompson & Uhlig 2008).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "scrutineer/core/events.hpp"
#include "scrutineer/evaluate/bootstrap.hpp"
#include "scrutineer/evaluate/metrics.hpp"
#include "scrutineer/evaluate/policy.hpp"
#include "scrutineer/geo/grid.hpp"

namespace scrutineer::evaluate {

enum class PeriodUnit { kDay, kWeek, kMonth };
std::string_view to_string(PeriodUnit unit);
PeriodUnit period_unit_from_string(std::string_view name);  // "day", "week", "month"

// What a backtest writes of its operating-point flags (issue 16): every flag as a row of
// flagged.csv (csv, the default), per model and cell the periods flagged and the events caught in
// them as flag_counts.csv (counts: a city-wide decade's 13 M flag rows become one row per cell
// ever flagged), or nothing (none). Results in memory and every other file are the same.
enum class FlagsOutput { kCsv, kCounts, kNone };
std::string_view to_string(FlagsOutput flags);
FlagsOutput flags_output_from_string(std::string_view name);  // "csv", "counts", "none"

// A model to run: registry name, "k=v,..." parameters, and the label used in outputs.
struct ModelSpec {
  std::string name;
  std::string params;
  std::string label;  // empty: name, or name(params)
  bool baseline = false;
};

struct BacktestOptions {
  std::vector<ModelSpec> models;
  // Periods [start, end) in the local calendar of `time_zone` (default: the events' zone), from the
  // local midnight of `first` while the period end is <= `stop` (UTC seconds).
  std::int64_t first = 0;
  std::int64_t stop = 0;
  PeriodUnit period = PeriodUnit::kDay;
  std::string time_zone;
  // Training window: events with train_start <= t < period start (a growing window), or, when
  // window_periods > 0, the `window_periods` periods before the start (a sliding window).
  std::int64_t train_start = INT64_MIN;
  int window_periods = 0;
  // Coverage levels scored in every period (fractions of valid cells; default 1%..20%).
  std::vector<double> coverages;
  // The operating point: the flags kept for exposure and reported first.
  Policy operating_point;
  // Area of each grid cell inside the study region (grid.cells() entries), used by an area policy;
  // empty: every cell counts as the same area.
  std::vector<double> cell_area;
  TieRule tie_rule = TieRule::kRandom;  // for the coverage levels and the curve
  std::uint64_t seed = 1;               // tie keys and bootstrap
  bool add_baselines = true;            // run naive and random too when not listed
  BootstrapOptions bootstrap;
  int chunk = 8;  // periods per sequential task (a model may warm-start within a chunk)
  FlagsOutput flags = FlagsOutput::kCsv;  // which flags file write_backtest_outputs writes
  bool progress = true;
  // One part of a backtest split across processes (`scrutineer sweep`'s [split], docs/sweep.md):
  // part `part` of `parts` runs only its block of whole chunks (contiguous, in order), leaves the
  // other periods' scores empty and does not summarise; summarise_backtest() does that once every
  // part's periods are in. part == parts runs no period at all (the frame a merge fills).
  int part = 0, parts = 1;
};

struct Period {
  std::int64_t start = 0, end = 0;  // UTC seconds
};

// One model in one period.
struct PeriodScore {
  std::int64_t events = 0;                   // all events of the period
  std::int64_t outside = 0;                  // of which outside valid cells
  std::vector<Accuracy> at_coverage;         // one per BacktestOptions::coverages
  Accuracy operating;                        // at the operating point
  std::vector<std::int64_t> flagged;         // operating-point cells, best first
  std::vector<std::int64_t> curve_captured;  // events caught at coverage 0%, 1%, ..., 100%
  double log_likelihood = 0;                 // NaN unless the model gives rates
  double brier = 0;                          // NaN unless the model gives rates
  // Event-level score (Rotaru et al. 2022, evaluate/auc.hpp): Mann-Whitney U of the risk against
  // the cells with events, over (event cell, no-event cell) pairs; auc = u / pairs (NaN if 0).
  double auc_u = 0, auc_pairs = 0, auc = 0;
};

// Pooled results over periods with bootstrap intervals.
struct Summary {
  Interval hit_rate;     // pooled: sum captured / sum events
  Interval pai;          // pooled hit rate / coverage
  Interval pei;          // mean over periods with events
  Interval pei_star;     // mean over periods with events
  Interval wrong_share;  // pooled: sum wrong cells / sum flagged cells
};

struct ModelResult {
  ModelSpec spec;
  std::vector<PeriodScore> periods;
  std::vector<Summary> at_coverage;  // one per coverage level
  Summary operating;
  std::vector<double> curve;  // pooled hit rate at 0%..100%
  // Operating-point hit rate minus the best baseline's, paired bootstrap over periods.
  Interval vs_best_baseline;
  double mean_log_likelihood = 0, mean_brier = 0;  // NaN unless the model gives rates
  // ROC AUC pooled over periods (sum U / sum pairs: same-period pairs only) and its mean over
  // periods, with bootstrap intervals over periods.
  Interval auc_pooled, auc_mean;
  // Per grid cell (grid.cells() entries): the periods it was flagged at the operating point, and
  // the period's events that fell in it while it was flagged (flag_counts.csv, cells.gpkg).
  std::vector<std::int64_t> cell_periods_flagged, cell_hits;
};

struct BacktestResult {
  std::vector<Period> periods;
  std::vector<double> coverages;
  Policy operating_point;
  std::int64_t valid_cells = 0;
  std::string time_zone;
  std::string crs;                        // the grid's CRS (cell centres are in it)
  FlagsOutput flags = FlagsOutput::kCsv;  // BacktestOptions::flags
  std::string best_baseline;  // label of the baseline with the highest operating-point hit rate
  std::vector<ModelResult> models;
};

// The periods of the options in the local calendar of `zone`.
std::vector<Period> make_periods(std::int64_t first, std::int64_t stop, PeriodUnit unit,
                                 const std::string& zone);

// Runs every model over every period, in parallel over chunks of periods (TBB); the results do not
// depend on the thread count. Throws ConfigError for month-only data with daily or weekly periods,
// an unknown model, or no periods.
BacktestResult run_backtest(const EventSet& events, const geo::Grid& grid,
                            const BacktestOptions& options);

// The pooled summaries, curves, each cell's flag and hit counts and the comparison with the best
// baseline, from the per-period scores and flags of every model: the end of run_backtest, and the
// merge of a split backtest.
void summarise_backtest(BacktestResult& result, const EventSet& events, const geo::Grid& grid,
                        const BootstrapOptions& bootstrap);

}  // namespace scrutineer::evaluate
