// Patrol exposure by population group: on which communities do the flagged places fall
// (DESIGN.md "Disparity"; Lum & Isaac 2016, Significance 13(5); The Markup 2021 PredPol analysis).
#pragma once

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

namespace scrutineer::disparity {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// Population of each group in each unit that flags fall on (grid cells, or areas when a tool flags
// whole areas). `total` is the denominator population of each unit: the total-population column
// when one is given, else the sum of the groups (which must then partition the population).
struct UnitPopulation {
  std::vector<std::string> groups;
  std::vector<std::vector<double>> by_group;  // [group][unit]
  std::vector<double> total;                  // [unit]
  std::size_t units() const { return total.size(); }
};

// The units flagged in one period (each at most once; duplicates are ignored).
struct Period {
  std::int64_t start = 0;  // UTC seconds; only used to order periods and for trends per year
  std::vector<std::int64_t> units;
};

struct Interval {
  double lo = kNaN, hi = kNaN;
};

// Least-squares slope of a per-period ratio against time in years (periods without a defined ratio
// are left out), with a bootstrap interval over periods.
struct Trend {
  double slope_per_year = kNaN;
  Interval slope_ci;
  int periods = 0;  // periods used in the fit
};

struct GroupExposure {
  std::string name;
  double population = 0;           // pop_g = Σ_u pop_g(u)
  double population_share = 0;     // pop_g / Σ_u total(u)
  double exposure = 0;             // E_g = Σ_p Σ_{u flagged in p} pop_g(u)
  double exposure_share = kNaN;    // E_g / Σ_p Σ_{u flagged in p} total(u)
  double disparity_ratio = kNaN;   // exposure share / population share (1 = proportional)
  double per_capita = kNaN;        // E_g / pop_g: periods a member of g spent in a flagged unit
  double per_capita_ratio = kNaN;  // per_capita_g / per_capita_reference
  double crime_share = kNaN;       // Σ_u crime(u) pop_g(u)/total(u) / Σ_u crime(u)
  double crime_ratio = kNaN;       // exposure share / crime share
  double true_crime_share = kNaN;  // the same with estimated true crime (recorded / reporting rate)
  double true_crime_ratio = kNaN;
  Interval exposure_share_ci, disparity_ratio_ci, per_capita_ratio_ci, crime_ratio_ci,
      true_crime_ratio_ci;
  Trend disparity_trend, per_capita_ratio_trend;
};

// One group in one period.
struct PeriodExposure {
  double exposure = 0;
  double exposure_share = kNaN;
  double disparity_ratio = kNaN;
  double per_capita_ratio = kNaN;
};

struct ExposureOptions {
  std::string reference;   // reference group for per-capita ratios; "" = the largest group
  int bootstrap = 1000;    // replicates over periods; 0 = no intervals
  std::uint64_t seed = 1;  // replicate r draws from Rng(seed, r)
  double level = 0.95;     // interval coverage (percentile bootstrap)
  bool progress = false;   // progress bar for the bootstrap on stderr
};

struct ExposureResult {
  std::vector<GroupExposure> groups;
  int reference = -1;                                  // index into groups
  std::vector<std::int64_t> period_starts;             // [period]
  std::vector<double> period_total_exposure;           // [period] Σ_{u flagged} total(u)
  std::vector<std::vector<PeriodExposure>> by_period;  // [period][group]
  double total_population = 0;
  double total_exposure = 0;
  double unattributed_crime_share = kNaN;  // recorded crime in units with no residents
  std::vector<std::int64_t>
      times_flagged;  // [unit] number of periods in which the unit was flagged
};

// Validates shapes (ConfigError on mismatch or out-of-range units) and computes everything.
// `crime` and `true_crime` are per-unit counts (empty = not given).
ExposureResult compute_exposure(const UnitPopulation& population,
                                const std::vector<Period>& periods,
                                const std::vector<double>& crime,
                                const std::vector<double>& true_crime,
                                const ExposureOptions& options);

// Exposure ratio of each area (issue 17's uncertainty view): the area treated as a group of its
// own residents, as in the group ratios above (Lum & Isaac 2016). `split` gives the residents of
// each unit by the area they live in (rows (unit, area, population), pop_a(u)). Then
//   E_a = Σ_p Σ_{u ∈ F_p} pop_a(u),  P_a = Σ_u pop_a(u),
//   ratio_a = (E_a / Σ_b E_b) / (P_a / Σ_b P_b)
// (the area's share of exposure over its share of residents; equivalently its per-capita exposure
// over the study-wide one; 1 = parity). The interval is the percentile bootstrap over periods of
// compute_exposure, with the same replicates: periods in time order, replicate r draws them with
// Rng(seed, r). NaN where P_a = 0 (no residents, or an area outside the study region).
struct UnitAreaPopulation {
  std::int64_t unit;
  std::int64_t area;
  double population;
};
struct AreaRatio {
  double population = 0;  // P_a
  double exposure = 0;    // E_a
  double ratio = kNaN;
  Interval ci;
  // The interval holds 1: no evidence that the area's exposure differs from its population share.
  bool includes_parity() const { return ci.lo <= 1 && 1 <= ci.hi; }
};
// ConfigError on a unit or area out of range, or a level outside (0, 1).
std::vector<AreaRatio> area_ratios(std::size_t areas, std::size_t units,
                                   const std::vector<UnitAreaPopulation>& split,
                                   const std::vector<Period>& periods,
                                   const ExposureOptions& options);

// Estimated true crime per unit: Σ_a crime(u) · share(u, a) / rate(a), where share(u, a) is the
// share of unit u lying in area a (rows of `unit_area_share` are (unit, area, share) triples).
// Units with no area share keep their recorded crime. ConfigError on a rate outside (0, 1].
struct UnitAreaShare {
  std::int64_t unit;
  std::int64_t area;
  double share;
};
std::vector<double> estimate_true_crime(const std::vector<double>& crime,
                                        const std::vector<UnitAreaShare>& unit_area_share,
                                        const std::vector<double>& reporting_rate);

// Least-squares slope of y on x (NaN with fewer than two distinct x).
double least_squares_slope(const std::vector<double>& x, const std::vector<double>& y);

// Percentile (linear interpolation between order statistics, Hyndman & Fan type 7) of the finite
// values; NaN when there are none.
double percentile(std::vector<double> values, double q);

}  // namespace scrutineer::disparity
