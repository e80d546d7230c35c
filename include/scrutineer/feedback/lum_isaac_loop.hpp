// Lum & Isaac's (2016, "To predict and serve?", Significance 13(5)) feedback loop on Oakland drug
// crimes: each day the 20 bins flagged by the grid SEPP (Mohler et al. 2015) gain
// Binomial(records there that day + 1, p) extra records dated that day, which the next fits see.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "scrutineer/forecast/sepp_grid.hpp"

namespace scrutineer::feedback {

struct LumIsaacLoopOptions {
  int window_days = 180;  // fit on records with D − window <= day < D
  int top_k = 20;         // bins flagged per day
  double p = 0.2;         // the paper's share of extra records per flagged bin and day
  std::int64_t replicates = 20;
  std::uint64_t seed = 1;
  bool progress = true;
  forecast::SeppGridOptions em;  // default: forecast::lum_isaac_em_options()
  LumIsaacLoopOptions();
};

// Records per bin per day: counts[bin − 1][day], day 0 = the first prediction date − window.
struct BinDays {
  std::vector<std::vector<std::int64_t>> counts;
  std::vector<std::string> dates;  // the prediction dates (days window .. end of counts)
};

// The Oakland records from drug_crimes_with_bins.csv for the prediction dates first..last and the
// window before them (forecast::read_oakland_records); rows with an NA bin are left out, as the
// authors did. ConfigError for a bad date or window.
BinDays read_oakland_bin_days(const std::string& crimes_csv, const std::string& first_date,
                              const std::string& last_date, int window_days);

// Per-day series of one run.
struct LumIsaacRun {
  std::vector<std::vector<int>> top;         // [day]: flagged bins (1-based), best first
  std::vector<double> added;                 // [day]: extra records added that day
  std::vector<double> flagged_records;       // [day]: records (incl. added) in flagged bins
  std::vector<double> window_share_flagged;  // [day]: share of the fit window's records that
                                             //        lie in the day's flagged bins
  std::vector<double> gini_days_flagged;     // [day]: Gini over bins of days flagged so far
  std::vector<double> distinct_bins;         // [day]: bins flagged at least once so far
  std::vector<std::int32_t> days_flagged;    // [bin − 1]: over the whole run
};

struct LumIsaacLoopResult {
  std::vector<std::string> dates;
  LumIsaacRun plain;              // p = 0: the published (open-loop) run
  std::vector<LumIsaacRun> runs;  // one per replicate, with feedback p
  double p = 0;
};

// One run from `data` (copied: the added records stay in the copy). p = 0 gives the plain run.
// Ranking: intensity λ_n(D) decreasing, equal intensities the higher bin first (predpol.py's
// reversed sort of (rate, bin) pairs); bins without records in the window are never flagged.
LumIsaacRun lum_isaac_run(BinDays data, const LumIsaacLoopOptions& options, double p,
                          std::uint64_t replicate);

// The plain run plus options.replicates feedback runs (TBB over replicates; replicate r draws from
// Rng(seed, r), so results do not depend on the thread count).
LumIsaacLoopResult run_lum_isaac_loop(const BinDays& data, const LumIsaacLoopOptions& options);

}  // namespace scrutineer::feedback
