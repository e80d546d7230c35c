// Getis-Ord Gi* hot spots on grid counts: Getis & Ord (1992), Geographical Analysis 24(3); Ord &
// Getis (1995), Geographical Analysis 27(4) (the standardised G*_i), with Benjamini & Hochberg's
// (1995) false-discovery-rate correction.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "scrutineer/geo/grid.hpp"

namespace scrutineer::forecast {

struct GiStarOptions {
  // Neighbourhood of cell i: the valid cells j within Chebyshev distance `distance` cells of i
  // (queen contiguity of order d, i itself included), binary weights w_ij = 1.
  int distance = 1;
  double alpha = 0.05;  // significance level (of the q-values with fdr, of the p-values without)
  bool fdr = true;      // Benjamini-Hochberg over the valid cells
};

enum class HotSpot : std::int8_t { kCold = -1, kNone = 0, kHot = 1 };

struct GiStarResult {
  std::vector<double> z;     // grid.cells() entries; 0 for invalid cells (and when undefined)
  std::vector<double> p;     // two-sided p-value 2 (1 - Phi(|z|)); 1 for invalid cells
  std::vector<double> q;     // Benjamini-Hochberg adjusted p (equal to p without fdr)
  std::vector<HotSpot> hot;  // significant (q or p <= alpha) with z > 0: kHot, z < 0: kCold
  std::int64_t n = 0;        // valid cells
  double mean = 0, sd = 0;   // X-bar and S over the valid cells
};

// G*_i (Ord & Getis 1995, eq. 14 with binary weights, S1_i = W_i):
//   z_i = (sum_j w_ij x_j - X-bar W_i) / (S sqrt((n W_i - W_i^2) / (n - 1))),
//   X-bar = sum_j x_j / n, S = sqrt(sum_j x_j^2 / n - X-bar^2), W_i = sum_j w_ij,
// over the n valid cells; z_i = 0 where the denominator is 0 (all counts equal, or a
// neighbourhood holding every valid cell). O(cells) through summed-area tables.
// Throws ConfigError for a negative distance, alpha outside (0, 1) or counts of the wrong size.
GiStarResult getis_ord_gistar(const std::vector<double>& counts, const geo::Grid& grid,
                              const GiStarOptions& options);

// Benjamini & Hochberg (1995) adjusted p-values: q_(k) = min_{m >= k} min(1, p_(m) n / m) over the
// p-values sorted ascending; returned in the input order.
std::vector<double> benjamini_hochberg(const std::vector<double>& p);

// Mann-Kendall trend test (Mann 1945; Kendall 1975) of a series x_1..x_n:
//   S = sum_{i<j} sgn(x_j - x_i), Var S = (n (n-1) (2n+5) - sum_g t_g (t_g-1) (2 t_g+5)) / 18
// (t_g: sizes of groups of tied values), Z = (S - sgn S) / sqrt(Var S), two-sided p = 2 (1 -
// Phi(|Z|)). Z = 0 and p = 1 when Var S = 0 (fewer than two distinct values).
struct MannKendall {
  double s = 0, var = 0, z = 0, p = 1;
};
MannKendall mann_kendall(const std::vector<double>& series);

// The emerging hot-spot classes of ArcGIS's Emerging Hot Spot Analysis ("How Emerging Hot Spot
// Analysis works"), per cell from Gi* in consecutive time slices (oldest first).
enum class EmergingClass : std::int8_t {
  kNone,
  kNewHot,
  kConsecutiveHot,
  kIntensifyingHot,
  kPersistentHot,
  kDiminishingHot,
  kSporadicHot,
  kOscillatingHot,
  kHistoricalHot,
  kNewCold,
  kConsecutiveCold,
  kIntensifyingCold,
  kPersistentCold,
  kDiminishingCold,
  kSporadicCold,
  kOscillatingCold,
  kHistoricalCold
};
std::string_view to_string(EmergingClass c);

// With n slices, a cell hot in the final slice is: new (hot in no earlier slice), consecutive
// (one uninterrupted final run of >= 2 hot slices, hot nowhere before it, < 90% of slices hot),
// intensifying / diminishing / persistent (>= 90% of slices hot, Mann-Kendall trend of its z
// series significant at `trend_alpha` upward / downward / not significant), oscillating (< 90%
// hot and cold in some earlier slice) or sporadic (< 90% hot, never cold). A cell not hot in the
// final slice but hot in >= 90% of them is historical. Cold classes mirror these (intensifying
// cold: z trending down). Slices must all have the grid's size; ConfigError otherwise.
std::vector<EmergingClass> classify_emerging(const std::vector<GiStarResult>& slices,
                                             double trend_alpha = 0.05);

}  // namespace scrutineer::forecast
