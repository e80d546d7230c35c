// The Knox test of space-time clustering with a Monte Carlo permutation of the times (Knox 1964;
// Johnson et al. 2007), as the Near Repeat Calculator (Ratcliffe, NRC 1.3) computes it and as its
// labels say (docs/nearrepeat.md).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace scrutineer::nearrepeat {

enum class Distance { kEuclidean, kManhattan };
// nrc: what NRC 1.3 counts: coordinates rounded to single precision (float), "same location" =
//      distance 0, "1 to b" = (0, b), then [b, 2b), ..., "more than nb" = [nb, inf); times
//      "0 to T" = [0, T), [T, 2T), ..., "more than nT" = [nT, inf).
// exact: what the NRC's labels say, as half-open intervals closed on the right: "same location" =
//      distance 0, (0, b], (b, 2b], ..., (nb, inf); times [0, T], (T, 2T], ..., (nT, inf).
enum class Convention { kNrc, kExact };

struct KnoxOptions {
  double spatial_bandwidth = 100;  // metres
  int spatial_bands = 3;
  double temporal_bandwidth = 2;  // days
  int temporal_bands = 2;
  Distance distance = Distance::kEuclidean;
  Convention convention = Convention::kNrc;
  int permutations = 999;
  std::uint64_t seed = 1;
};

// One cell of the table: a spatial band x a temporal band.
struct KnoxCell {
  int space_band = 0, time_band = 0;  // 0 = same location / first time band
  std::int64_t observed = 0;
  double expected_mean = 0, expected_median = 0;
  double sd = 0;          // sample standard deviation (n - 1) of the permuted counts
  double knox_ratio = 0;  // observed / expected_mean (NaN when the mean is 0)
  double p_value = 1;     // (1 + #{permuted >= observed}) / (1 + permutations)
  double z = 0;           // (observed - mean) / sd (NaN when sd is 0)
  std::int64_t perm_min = 0, perm_max = 0;
};

struct KnoxResult {
  KnoxOptions options;
  std::int64_t events = 0;
  std::int64_t pairs = 0;                 // n (n - 1) / 2
  std::int64_t close_pairs = 0;           // pairs within the largest spatial band (enumerated)
  std::vector<std::string> space_labels;  // spatial_bands + 2 rows
  std::vector<std::string> time_labels;   // temporal_bands + 1 columns
  std::vector<KnoxCell> cells;            // row-major: space band, then time band
  const KnoxCell& at(int space_band, int time_band) const {
    return cells[static_cast<std::size_t>(space_band) * time_labels.size() +
                 static_cast<std::size_t>(time_band)];
  }
};

// The band of a spatial distance (0 = same location, spatial_bands + 1 = "more than") and of a
// time difference in days (temporal_bands = "more than") under the options' convention.
int space_band(double distance, const KnoxOptions& options);
int time_band(double days, const KnoxOptions& options);
// Readable labels: nrc: the NRC's own ("Same location", "1 to 100 m", "More than 300 m", "0 to 2
// days", "3 to 4 days", "More than 4 days"); exact: interval notation ("0 m", "(0, 100] m", ...).
std::vector<std::string> space_labels(const KnoxOptions& options);
std::vector<std::string> time_labels(const KnoxOptions& options);

// The Knox test on events at (x, y) (metres) and t (days). Only pairs within the largest spatial
// band are enumerated (a grid of that size); the "more than" row is the pairs of each time band
// (which a permutation of the times does not change) minus those counted. Permutation p uses its
// own seeded stream (seed, p + 1), so results do not depend on the thread count. Throws
// ConfigError for bad options or inputs of different lengths.
KnoxResult knox(const std::vector<double>& x, const std::vector<double>& y,
                const std::vector<double>& t, const KnoxOptions& options);

// knox.csv in long form: space_band,time_band,observed,expected_mean,expected_median,knox_ratio,
// p_value,z (labels as above).
std::string knox_csv(const KnoxResult& result);
// A heat map of the Knox ratios (cells significant at `alpha` outlined and bold), as SVG.
std::string knox_svg(const KnoxResult& result, double alpha = 0.05);
// The NRC-style summary in plain language ("near repeats are over-represented within 1 to 100 m
// for up to 4 days"), significant meaning p <= alpha and Knox ratio > 1.
std::string knox_summary(const KnoxResult& result, double alpha = 0.05);

Distance distance_from_string(const std::string& name);      // euclidean | manhattan
Convention convention_from_string(const std::string& name);  // nrc | exact
std::string to_string(Distance distance);
std::string to_string(Convention convention);

}  // namespace scrutineer::nearrepeat
