// Space-time scan statistics with Monte Carlo p-values, as SaTScan's space-time models: the
// space-time permutation scan (Kulldorff, Heffernan, Hartman, Assuncao & Mostashari 2005, PLoS
// Medicine 2(3) e59) and the Poisson space-time scan (Kulldorff 2001, JRSS A 164(1)).
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

namespace scrutineer::scan {

enum class ScanModel { kPermutation, kPoisson };
std::string_view to_string(ScanModel m);
ScanModel scan_model_from_string(std::string_view s);  // ConfigError when unknown

struct ScanOptions {
  ScanModel model = ScanModel::kPermutation;
  double max_radius = 1000;         // metres: the largest circle
  double max_space_fraction = 0.5;  // a circle holds at most this fraction of the cases
                                    // (permutation) or of the population (Poisson; of the
                                    // locations when they have equal populations)
  std::int64_t max_days = 30;       // the longest window, in days
  double max_time_fraction = 0.5;   // a window holds at most this fraction of the cases
                                    // (permutation) or of the days (Poisson)
  bool prospective = false;         // windows end on the last day (prospective surveillance)
  std::int64_t min_cases = 2;       // a cluster holds at least this many cases
  int replications = 999;           // Monte Carlo replications
  std::uint64_t seed = 1;
};

// Cases at locations (x, y: SaTScan's coordinates file; events at equal coordinates share a
// location) on whole days (day: any integer day number). For the Poisson model the locations are
// the `locations` given (e.g. a grid's valid cells), with the populations `lpop` (SaTScan's
// population file, one census time: constant over the study period), or equal populations when
// `lpop` is empty; every case must sit on one of them, and on one of positive population. For the
// permutation model `lx`/`ly` may be empty (locations = the distinct event coordinates).
struct ScanInput {
  std::vector<double> x, y;
  std::vector<std::int64_t> day;
  std::vector<double> lx, ly;  // Poisson: all locations at risk
  std::vector<double> lpop;    // Poisson: their populations (empty = equal populations)
};

struct ScanCluster {
  double x = 0, y = 0;  // centre location
  double radius = 0;    // distance to the farthest location inside
  std::int64_t locations = 0;
  std::int64_t start = 0, end = 0;  // first and last day (inclusive)
  std::int64_t observed = 0;        // c
  double expected = 0;              // mu
  double relative_risk = 0;         // (c / mu) / ((C - c) / (C - mu))
  double llr = 0;                   // c ln(c/mu) + (C - c) ln((C - c)/(C - mu))
  double p = 1;                     // (1 + #{replicate max LLR >= llr}) / (1 + replications)
};

struct ScanResult {
  std::vector<ScanCluster> clusters;  // the most likely cluster, then secondary clusters that
                                      // share no location with an earlier one, by LLR
  std::int64_t cases = 0, locations = 0, days = 0, first_day = 0;
  std::vector<double> replicate_max;  // each replication's largest LLR, in replication order
};

// The log-likelihood ratio of a cylinder with c cases where mu were expected out of C (Kulldorff
// 2001, eq. 2; Kulldorff et al. 2005, eq. 3); 0 when c <= mu.
double scan_llr(double c, double mu, double total);

// Throws ConfigError for options out of range or a case off every Poisson location.
// Replication r draws from its own stream Rng(seed, r + 1): results do not depend on threads.
ScanResult space_time_scan(const ScanInput& input, const ScanOptions& options);

}  // namespace scrutineer::scan
