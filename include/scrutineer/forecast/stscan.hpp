// Prospective space-time scan as a forecasting model, as open_cp's stscan.STSTrainer (stscan2.
// STScanNumpy) finds clusters and STSResult.grid_prediction turns them into a grid risk: Kulldorff
// et al. (2005), PLoS Medicine 2(3) e59; Adepeju, Rosser & Cheng (2016), IJGIS 30(11).
#pragma once

#include <cstdint>
#include <vector>

#include "scrutineer/geo/grid.hpp"

namespace scrutineer::forecast {

struct StScanOptions {
  double radius = 3000;  // metres: the largest disc radius (open_cp geographic_radius_limit)
  std::int64_t window = 12 * 7 * 86400;  // seconds: the longest time window (time_max_interval)
  double space_fraction = 0.5;           // a disc holds at most this fraction of the events
  double time_fraction = 0.5;            // a time window holds at most this fraction of the events
  // Order among equal statistics: false = open_cp's scan order (centres in input order, then
  // radius, then window); true = the order numpy's argsort(-statistic) gives them (its default
  // introsort, numpy 1.24), which is what open_cp's run returns.
  bool numpy_ties = false;
};

// One cluster: a disc centred on an event, of radius the distance to another event, and a time
// window ending at the prediction time.
struct StScanCluster {
  double x = 0, y = 0;        // centre (an event's coordinates)
  double radius = 0;          // sqrt of the squared distance to the farthest event inside
  double max_radius = 0;      // open_cp maximise_clusters: distance to the nearest event outside
  std::int64_t age = 0;       // the window holds the events with age <= this (seconds)
  std::int64_t space = 0;     // events in the disc, all times (n_z)
  std::int64_t time = 0;      // events in the window, everywhere (n_d)
  std::int64_t observed = 0;  // events in the cylinder (c)
  double expected = 0;        // n_z n_d / N (mu)
  double statistic = 0;       // the log-likelihood ratio
};

// The clusters open_cp's STSTrainer.predict returns, most likely first: every cylinder (disc
// centred on an event with squared radius one of the events' squared distances, at most
// radius^2; window of ages <= one of the events' ages, at most `window`) with n_z > 1, n_z <=
// space_fraction N, n_d <= time_fraction N, c > 1 and c > mu is scored with
//   LLR = c (ln c - ln mu) + (N - c) (ln(N - c) - ln(N - mu)),
// then the best is taken and every cylinder whose disc meets it is dropped, until none is left.
// Equal statistics are ordered as `numpy_ties` says.
// `age[i]` is event i's age at the prediction time (>= 0), in any consistent unit of seconds.
std::vector<StScanCluster> stscan_clusters(const std::vector<double>& x,
                                           const std::vector<double>& y,
                                           const std::vector<std::int64_t>& age,
                                           const StScanOptions& options);

// The permutation numpy.argsort(v) returns with its default kind (quicksort): numpy's introsort
// (median-of-3 quicksort, insertion sort below 16 elements, heapsort past 2 floor(log2 n) levels),
// whose order among equal values is its own; exposed for its test against numpy.
std::vector<std::size_t> numpy_argsort(const std::vector<double>& v);

// open_cp STSResult.grid_prediction: cluster n of K gives the cells whose centre lies within its
// radius (max_radius when `maximal`) risk (K - n - 1) + (i + 1) / m, i = 0..m-1 over its m cells
// from the farthest to the nearest (equal distances in row-major order); later clusters overwrite.
// Invalid cells hold 0.
std::vector<double> stscan_grid_risk(const std::vector<StScanCluster>& clusters,
                                     const geo::Grid& grid, bool maximal);

}  // namespace scrutineer::forecast
