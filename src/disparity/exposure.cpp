// Patrol exposure by group, its benchmarks (population, recorded and estimated true crime), trends
// and bootstrap intervals over periods (DESIGN.md "Disparity"; Efron & Tibshirani 1993 for the
// bootstrap).
#include "scrutineer/disparity/exposure.hpp"

#include <fmt/format.h>
#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>

#include <algorithm>
#include <cmath>

#include "scrutineer/core/error.hpp"
#include "scrutineer/core/progress.hpp"
#include "scrutineer/core/random.hpp"

namespace scrutineer::disparity {

namespace {

constexpr double kSecondsPerYear = 365.2425 * 86400.0;

double ratio(double a, double b) { return b != 0 ? a / b : kNaN; }

// The statistics that the bootstrap recomputes, from exposures summed over a set of periods.
struct Summary {
  std::vector<double> exposure_share, disparity, per_capita_ratio, crime_ratio, true_crime_ratio;
};

class Calculator {
 public:
  Calculator(const std::vector<double>& population, double total_population, int reference,
             const std::vector<double>& crime_share, const std::vector<double>& true_crime_share)
      : population_(population),
        total_population_(total_population),
        reference_(reference),
        crime_share_(crime_share),
        true_crime_share_(true_crime_share) {}

  // exposure[g] = E_g summed over the chosen periods, total = Σ total(u) over the same flags.
  Summary summarize(const std::vector<double>& exposure, double total) const {
    const std::size_t groups = exposure.size();
    Summary s;
    s.exposure_share.resize(groups);
    s.disparity.resize(groups);
    s.per_capita_ratio.resize(groups);
    s.crime_ratio.resize(groups);
    s.true_crime_ratio.resize(groups);
    const double reference_per_capita = ratio(exposure[reference_], population_[reference_]);
    for (std::size_t g = 0; g < groups; ++g) {
      s.exposure_share[g] = ratio(exposure[g], total);
      s.disparity[g] = ratio(s.exposure_share[g], ratio(population_[g], total_population_));
      s.per_capita_ratio[g] = ratio(ratio(exposure[g], population_[g]), reference_per_capita);
      s.crime_ratio[g] = crime_share_.empty() ? kNaN : ratio(s.exposure_share[g], crime_share_[g]);
      s.true_crime_ratio[g] =
          true_crime_share_.empty() ? kNaN : ratio(s.exposure_share[g], true_crime_share_[g]);
    }
    return s;
  }

 private:
  const std::vector<double>& population_;
  double total_population_;
  int reference_;
  const std::vector<double>& crime_share_;
  const std::vector<double>& true_crime_share_;
};

// Crime share of each group: Σ_u c(u) pop_g(u)/total(u) / Σ_{u: total(u) > 0} c(u). Crime in units
// with no residents is attributed to no group and left out of the denominator.
std::vector<double> crime_shares(const UnitPopulation& pop, const std::vector<double>& crime,
                                 double* unattributed) {
  std::vector<double> share(pop.groups.size(), 0.0);
  double attributed = 0, all = 0;
  for (std::size_t u = 0; u < pop.units(); ++u) {
    all += crime[u];
    if (pop.total[u] <= 0) continue;
    attributed += crime[u];
    for (std::size_t g = 0; g < share.size(); ++g)
      share[g] += crime[u] * pop.by_group[g][u] / pop.total[u];
  }
  for (auto& s : share) s = ratio(s, attributed);
  if (unattributed != nullptr) *unattributed = ratio(all - attributed, all);
  return share;
}

void check_shapes(const UnitPopulation& pop, const std::vector<double>& crime,
                  const std::vector<double>& true_crime) {
  if (pop.groups.empty()) throw ConfigError("disparity: no population groups were given");
  if (pop.by_group.size() != pop.groups.size())
    throw InternalError("disparity: group names and group counts differ in number");
  for (std::size_t g = 0; g < pop.groups.size(); ++g) {
    if (pop.by_group[g].size() != pop.units())
      throw InternalError(fmt::format("disparity: group '{}' has {} units, expected {}",
                                      pop.groups[g], pop.by_group[g].size(), pop.units()));
  }
  if (!crime.empty() && crime.size() != pop.units())
    throw InternalError("disparity: crime counts and population differ in number of units");
  if (!true_crime.empty() && true_crime.size() != pop.units())
    throw InternalError("disparity: true-crime estimates and population differ in number of units");
}

int choose_reference(const UnitPopulation& pop, const std::vector<double>& population,
                     const std::string& name) {
  if (!name.empty()) {
    const auto it = std::find(pop.groups.begin(), pop.groups.end(), name);
    if (it == pop.groups.end())
      throw ConfigError(fmt::format("disparity: reference group '{}' is not among the groups ({})",
                                    name, fmt::join(pop.groups, ", ")));
    return static_cast<int>(it - pop.groups.begin());
  }
  // The largest group; the first of equals, so the choice is deterministic.
  return static_cast<int>(std::max_element(population.begin(), population.end()) -
                          population.begin());
}

// The periods in order of start (stable): the order every bootstrap replicate draws from.
std::vector<Period> by_start(const std::vector<Period>& periods_in) {
  std::vector<Period> periods = periods_in;
  std::stable_sort(periods.begin(), periods.end(),
                   [](const Period& a, const Period& b) { return a.start < b.start; });
  return periods;
}

// A period's flagged units, each once, in increasing order; ConfigError for a unit that does not
// exist.
std::vector<std::int64_t> distinct_units(const Period& period, std::size_t units) {
  std::vector<std::int64_t> flagged = period.units;
  std::sort(flagged.begin(), flagged.end());
  flagged.erase(std::unique(flagged.begin(), flagged.end()), flagged.end());
  for (const auto u : flagged)
    if (u < 0 || static_cast<std::size_t>(u) >= units)
      throw ConfigError(
          fmt::format("disparity: flagged unit {} does not exist (there are {})", u, units));
  return flagged;
}

Interval interval(std::vector<double> values, double level) {
  const double alpha = 1.0 - level;
  return {percentile(values, alpha / 2), percentile(std::move(values), 1.0 - alpha / 2)};
}

}  // namespace

double percentile(std::vector<double> values, double q) {
  values.erase(
      std::remove_if(values.begin(), values.end(), [](double v) { return !std::isfinite(v); }),
      values.end());
  if (values.empty()) return kNaN;
  std::sort(values.begin(), values.end());
  const double h = (static_cast<double>(values.size()) - 1.0) * q;
  const auto lo = static_cast<std::size_t>(std::floor(h));
  if (lo + 1 >= values.size()) return values.back();
  return values[lo] + (h - static_cast<double>(lo)) * (values[lo + 1] - values[lo]);
}

double least_squares_slope(const std::vector<double>& x, const std::vector<double>& y) {
  const std::size_t n = std::min(x.size(), y.size());
  if (n < 2) return kNaN;
  double mx = 0, my = 0;
  for (std::size_t i = 0; i < n; ++i) {
    mx += x[i];
    my += y[i];
  }
  mx /= static_cast<double>(n);
  my /= static_cast<double>(n);
  double sxy = 0, sxx = 0;
  for (std::size_t i = 0; i < n; ++i) {
    sxy += (x[i] - mx) * (y[i] - my);
    sxx += (x[i] - mx) * (x[i] - mx);
  }
  return sxx > 0 ? sxy / sxx : kNaN;
}

std::vector<double> estimate_true_crime(const std::vector<double>& crime,
                                        const std::vector<UnitAreaShare>& unit_area_share,
                                        const std::vector<double>& reporting_rate) {
  for (std::size_t a = 0; a < reporting_rate.size(); ++a) {
    const double r = reporting_rate[a];
    if (!(r > 0 && r <= 1))
      throw ConfigError(
          fmt::format("disparity: reporting rate of area {} must be in (0, 1], found {}", a, r));
  }
  std::vector<double> covered(crime.size(), 0.0), estimate(crime.size(), 0.0);
  for (const auto& s : unit_area_share) {
    if (s.unit < 0 || static_cast<std::size_t>(s.unit) >= crime.size() || s.area < 0 ||
        static_cast<std::size_t>(s.area) >= reporting_rate.size())
      throw InternalError(
          "disparity: unit-area share refers to a unit or area that does not exist");
    estimate[s.unit] += crime[s.unit] * s.share / reporting_rate[s.area];
    covered[s.unit] += s.share;
  }
  // The part of a unit outside every area keeps its recorded crime (no rate is known there).
  for (std::size_t u = 0; u < crime.size(); ++u)
    estimate[u] += crime[u] * std::max(0.0, 1.0 - covered[u]);
  return estimate;
}

ExposureResult compute_exposure(const UnitPopulation& pop, const std::vector<Period>& periods_in,
                                const std::vector<double>& crime,
                                const std::vector<double>& true_crime,
                                const ExposureOptions& options) {
  check_shapes(pop, crime, true_crime);
  if (!(options.level > 0 && options.level < 1))
    throw ConfigError(
        fmt::format("disparity: interval level must be in (0, 1), found {}", options.level));
  const std::size_t groups = pop.groups.size(), units = pop.units();
  ExposureResult result;

  // Periods in time order (stable, so equal starts keep the caller's order).
  const std::vector<Period> periods = by_start(periods_in);
  const std::size_t n_periods = periods.size();

  // e[p][g] = Σ_{u flagged in p} pop_g(u); T[p] = Σ_{u flagged in p} total(u).
  std::vector<std::vector<double>> e(n_periods, std::vector<double>(groups, 0.0));
  std::vector<double> t(n_periods, 0.0);
  result.times_flagged.assign(units, 0);
  for (std::size_t p = 0; p < n_periods; ++p) {
    for (const auto u : distinct_units(periods[p], units)) {
      for (std::size_t g = 0; g < groups; ++g) e[p][g] += pop.by_group[g][u];
      t[p] += pop.total[u];
      ++result.times_flagged[u];
    }
    result.period_starts.push_back(periods[p].start);
  }
  result.period_total_exposure = t;

  std::vector<double> population(groups, 0.0);
  for (std::size_t g = 0; g < groups; ++g)
    for (std::size_t u = 0; u < units; ++u) population[g] += pop.by_group[g][u];
  for (std::size_t u = 0; u < units; ++u) result.total_population += pop.total[u];
  result.reference = choose_reference(pop, population, options.reference);

  std::vector<double> crime_share, true_crime_share;
  if (!crime.empty()) crime_share = crime_shares(pop, crime, &result.unattributed_crime_share);
  if (!true_crime.empty()) true_crime_share = crime_shares(pop, true_crime, nullptr);
  const Calculator calc(population, result.total_population, result.reference, crime_share,
                        true_crime_share);

  // Point estimates over all periods.
  std::vector<double> exposure(groups, 0.0);
  for (std::size_t p = 0; p < n_periods; ++p) {
    for (std::size_t g = 0; g < groups; ++g) exposure[g] += e[p][g];
    result.total_exposure += t[p];
  }
  const Summary all = calc.summarize(exposure, result.total_exposure);
  result.groups.resize(groups);
  for (std::size_t g = 0; g < groups; ++g) {
    auto& r = result.groups[g];
    r.name = pop.groups[g];
    r.population = population[g];
    r.population_share = ratio(population[g], result.total_population);
    r.exposure = exposure[g];
    r.exposure_share = all.exposure_share[g];
    r.disparity_ratio = all.disparity[g];
    r.per_capita = ratio(exposure[g], population[g]);
    r.per_capita_ratio = all.per_capita_ratio[g];
    if (!crime_share.empty()) r.crime_share = crime_share[g];
    r.crime_ratio = all.crime_ratio[g];
    if (!true_crime_share.empty()) r.true_crime_share = true_crime_share[g];
    r.true_crime_ratio = all.true_crime_ratio[g];
  }

  // Per period, and the time axis of the trends (years since the first period).
  std::vector<Summary> per_period(n_periods);
  result.by_period.assign(n_periods, std::vector<PeriodExposure>(groups));
  std::vector<double> years(n_periods, 0.0);
  for (std::size_t p = 0; p < n_periods; ++p) {
    per_period[p] = calc.summarize(e[p], t[p]);
    years[p] = static_cast<double>(periods[p].start - periods.front().start) / kSecondsPerYear;
    for (std::size_t g = 0; g < groups; ++g)
      result.by_period[p][g] = {e[p][g], per_period[p].exposure_share[g],
                                per_period[p].disparity[g], per_period[p].per_capita_ratio[g]};
  }
  // Slope over the periods listed in `pick` (with repeats), skipping undefined ratios.
  const auto slope = [&](const std::vector<std::size_t>& pick, std::size_t g, bool per_capita) {
    std::vector<double> x, y;
    for (const auto p : pick) {
      const double v = per_capita ? per_period[p].per_capita_ratio[g] : per_period[p].disparity[g];
      if (!std::isfinite(v)) continue;
      x.push_back(years[p]);
      y.push_back(v);
    }
    return least_squares_slope(x, y);
  };
  std::vector<std::size_t> identity(n_periods);
  for (std::size_t p = 0; p < n_periods; ++p) identity[p] = p;
  for (std::size_t g = 0; g < groups; ++g) {
    auto& r = result.groups[g];
    r.disparity_trend.slope_per_year = slope(identity, g, false);
    r.per_capita_ratio_trend.slope_per_year = slope(identity, g, true);
    for (std::size_t p = 0; p < n_periods; ++p) {
      r.disparity_trend.periods += std::isfinite(per_period[p].disparity[g]) ? 1 : 0;
      r.per_capita_ratio_trend.periods += std::isfinite(per_period[p].per_capita_ratio[g]) ? 1 : 0;
    }
  }

  // Bootstrap over periods: replicate r resamples the periods with replacement using Rng(seed, r),
  // so results do not depend on the thread count.
  const int replicates = n_periods > 0 ? std::max(0, options.bootstrap) : 0;
  if (replicates == 0) return result;
  constexpr int kStats = 7;  // share, disparity, per-capita ratio, crime, true crime, 2 slopes
  std::vector<std::vector<std::vector<double>>> draws(
      kStats, std::vector<std::vector<double>>(groups, std::vector<double>(replicates, kNaN)));
  Progress progress("disparity bootstrap", replicates, options.progress);
  tbb::parallel_for(tbb::blocked_range<int>(0, replicates),
                    [&](const tbb::blocked_range<int>& range) {
                      std::vector<std::size_t> pick(n_periods);
                      std::vector<double> sum(groups);
                      for (int rep = range.begin(); rep != range.end(); ++rep) {
                        Rng rng(options.seed, static_cast<std::uint64_t>(rep));
                        std::fill(sum.begin(), sum.end(), 0.0);
                        double total = 0;
                        for (auto& p : pick) {
                          p = static_cast<std::size_t>(rng.below(n_periods));
                          for (std::size_t g = 0; g < groups; ++g) sum[g] += e[p][g];
                          total += t[p];
                        }
                        const Summary s = calc.summarize(sum, total);
                        for (std::size_t g = 0; g < groups; ++g) {
                          draws[0][g][rep] = s.exposure_share[g];
                          draws[1][g][rep] = s.disparity[g];
                          draws[2][g][rep] = s.per_capita_ratio[g];
                          draws[3][g][rep] = s.crime_ratio[g];
                          draws[4][g][rep] = s.true_crime_ratio[g];
                          draws[5][g][rep] = slope(pick, g, false);
                          draws[6][g][rep] = slope(pick, g, true);
                        }
                      }
                      progress.advance(static_cast<std::int64_t>(range.size()));
                    });
  progress.finish();
  for (std::size_t g = 0; g < groups; ++g) {
    auto& r = result.groups[g];
    r.exposure_share_ci = interval(draws[0][g], options.level);
    r.disparity_ratio_ci = interval(draws[1][g], options.level);
    r.per_capita_ratio_ci = interval(draws[2][g], options.level);
    r.crime_ratio_ci = interval(draws[3][g], options.level);
    r.true_crime_ratio_ci = interval(draws[4][g], options.level);
    r.disparity_trend.slope_ci = interval(draws[5][g], options.level);
    r.per_capita_ratio_trend.slope_ci = interval(draws[6][g], options.level);
  }
  return result;
}

std::vector<AreaRatio> area_ratios(std::size_t n_areas, std::size_t units,
                                   const std::vector<UnitAreaPopulation>& split,
                                   const std::vector<Period>& periods_in,
                                   const ExposureOptions& options) {
  if (!(options.level > 0 && options.level < 1))
    throw ConfigError(
        fmt::format("disparity: interval level must be in (0, 1), found {}", options.level));
  // The split as lists by unit.
  std::vector<std::vector<std::pair<std::size_t, double>>> by_unit(units);
  std::vector<AreaRatio> out(n_areas);
  for (const auto& s : split) {
    if (s.unit < 0 || static_cast<std::size_t>(s.unit) >= units || s.area < 0 ||
        static_cast<std::size_t>(s.area) >= n_areas)
      throw ConfigError(
          fmt::format("disparity: unit {} or area {} does not exist", s.unit, s.area));
    by_unit[static_cast<std::size_t>(s.unit)].emplace_back(static_cast<std::size_t>(s.area),
                                                           s.population);
    out[static_cast<std::size_t>(s.area)].population += s.population;
  }
  double population = 0;
  for (const auto& a : out) population += a.population;

  // The periods in compute_exposure's order, so replicate r picks the same periods there and here.
  const std::vector<Period> periods = by_start(periods_in);
  const std::size_t n_periods = periods.size();
  std::vector<std::vector<double>> e(n_periods, std::vector<double>(n_areas, 0.0));  // [p][a]
  for (std::size_t p = 0; p < n_periods; ++p) {
    for (const auto u : distinct_units(periods[p], units)) {
      for (const auto& [a, pop] : by_unit[static_cast<std::size_t>(u)]) e[p][a] += pop;
    }
  }
  // ratio_a from exposures summed over a set of periods.
  const auto ratios = [&](const std::vector<double>& exposure, std::vector<double>& r) {
    double total = 0;
    for (const double x : exposure) total += x;
    for (std::size_t a = 0; a < n_areas; ++a)
      r[a] = ratio(ratio(exposure[a], total), ratio(out[a].population, population));
  };
  std::vector<double> exposure(n_areas, 0.0), point(n_areas);
  for (std::size_t p = 0; p < n_periods; ++p)
    for (std::size_t a = 0; a < n_areas; ++a) exposure[a] += e[p][a];
  ratios(exposure, point);
  for (std::size_t a = 0; a < n_areas; ++a) {
    out[a].exposure = exposure[a];
    out[a].ratio = point[a];
  }

  const int replicates = n_periods > 0 ? std::max(0, options.bootstrap) : 0;
  if (replicates == 0) return out;
  std::vector<std::vector<double>> draws(n_areas, std::vector<double>(replicates, kNaN));
  tbb::parallel_for(tbb::blocked_range<int>(0, replicates),
                    [&](const tbb::blocked_range<int>& range) {
                      std::vector<double> sum(n_areas), r(n_areas);
                      for (int rep = range.begin(); rep != range.end(); ++rep) {
                        Rng rng(options.seed, static_cast<std::uint64_t>(rep));
                        std::fill(sum.begin(), sum.end(), 0.0);
                        for (std::size_t k = 0; k < n_periods; ++k) {
                          const auto p = static_cast<std::size_t>(rng.below(n_periods));
                          for (std::size_t a = 0; a < n_areas; ++a) sum[a] += e[p][a];
                        }
                        ratios(sum, r);
                        for (std::size_t a = 0; a < n_areas; ++a) draws[a][rep] = r[a];
                      }
                    });
  for (std::size_t a = 0; a < n_areas; ++a)
    if (std::isfinite(out[a].ratio)) out[a].ci = interval(std::move(draws[a]), options.level);
  return out;
}

}  // namespace scrutineer::disparity
