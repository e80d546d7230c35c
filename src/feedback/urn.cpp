// Pólya-urn models of predictive policing: Ensign et al. (2018), FAT*, PMLR 81:160-171; the limit
// of the share follows the stochastic-approximation analysis of generalised urns (Renlund 2010).
#include "scrutineer/feedback/urn.hpp"

#include <fmt/format.h>
#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>

#include <algorithm>
#include <cmath>

#include "scrutineer/core/error.hpp"
#include "scrutineer/core/progress.hpp"
#include "scrutineer/core/random.hpp"

namespace scrutineer::feedback {

std::string_view to_string(Replacement replacement) {
  switch (replacement) {
    case Replacement::kFixed:
      return "fixed";
    case Replacement::kBernoulli:
      return "bernoulli";
    case Replacement::kPoisson:
      return "poisson";
  }
  return "?";
}

Replacement replacement_from_string(std::string_view name) {
  if (name == "fixed") return Replacement::kFixed;
  if (name == "bernoulli") return Replacement::kBernoulli;
  if (name == "poisson") return Replacement::kPoisson;
  throw ConfigError(
      fmt::format("replacement: expected fixed, bernoulli or poisson, found '{}'", name));
}

namespace {

void check_rates(const std::vector<double>& rates, std::size_t regions, std::string_view name,
                 Replacement replacement) {
  if (rates.size() != regions)
    throw ConfigError(fmt::format("{}: expected {} values (one per region), found {}", name,
                                  regions, rates.size()));
  for (double rate : rates) {
    if (!(rate >= 0) || !std::isfinite(rate))
      throw ConfigError(fmt::format("{}: expected rates >= 0, found {}", name, rate));
    if (replacement == Replacement::kBernoulli && rate > 1)
      throw ConfigError(fmt::format(
          "{}: a Bernoulli urn needs rates <= 1 (a probability per day), found {}", name, rate));
  }
}

}  // namespace

void validate(const UrnOptions& options) {
  const std::size_t k = options.prior.size();
  if (k < 2) throw ConfigError(fmt::format("urn: expected at least 2 regions, found {}", k));
  for (double n : options.prior)
    if (!(n > 0) || !std::isfinite(n))
      throw ConfigError(fmt::format("prior: expected ball counts > 0, found {}", n));
  check_rates(options.discovery_rate, k, "discovery rate", options.replacement);
  if (!options.report_rate.empty())
    check_rates(options.report_rate, k, "report rate", options.replacement);
  if (!(options.discovered_weight >= 0) || !(options.reported_weight >= 0))
    throw ConfigError("weights: expected discovered and reported weights >= 0");
  if (!(options.decay >= 0 && options.decay < 1))
    throw ConfigError(
        fmt::format("decay: expected a probability in [0, 1), found {}", options.decay));
  if (!(options.floor > 0))
    throw ConfigError(fmt::format("floor: expected > 0 balls, found {}", options.floor));
  if (options.days < 1) throw ConfigError("days: expected at least 1");
  if (options.replicates < 1) throw ConfigError("replicates: expected at least 1");
  if (options.record_every < 1) throw ConfigError("record every: expected at least 1 day");
}

namespace {

// Balls added for `rate` expected incidents (before the weight).
double incidents(Rng& rng, Replacement replacement, double rate) {
  switch (replacement) {
    case Replacement::kFixed:
      return rate;
    case Replacement::kBernoulli:
      return rng.bernoulli(rate) ? 1.0 : 0.0;
    case Replacement::kPoisson:
      return static_cast<double>(rng.poisson(rate));
  }
  return 0;
}

// One day of the urn. The draws happen in a fixed order (visit, discovery, rejection, reports,
// decay) so a replicate's stream is the same whatever the options that skip a step.
std::size_t step(const UrnOptions& o, Rng& rng, std::vector<double>& n) {
  const std::size_t k = n.size();
  double total = 0, smallest = n[0];
  for (double v : n) {
    total += v;
    smallest = std::min(smallest, v);
  }
  double u = rng.uniform() * total;
  std::size_t visit = k - 1;
  for (std::size_t i = 0; i < k; ++i) {
    if (u < n[i]) {
      visit = i;
      break;
    }
    u -= n[i];
  }
  double found = incidents(rng, o.replacement, o.discovery_rate[visit]);
  // Fix: keep with probability p_min / p_visit = n_min / n_visit (Ensign et al. §6).
  if (o.rejection && !(rng.uniform() < smallest / n[visit])) found = 0;
  std::vector<double> added(k, 0.0);
  added[visit] = o.discovered_weight * found;
  if (!o.report_rate.empty())
    for (std::size_t j = 0; j < k; ++j)
      added[j] += o.reported_weight * incidents(rng, o.replacement, o.report_rate[j]);
  for (std::size_t j = 0; j < k; ++j) n[j] += added[j];
  if (o.decay > 0) {
    for (auto& v : n) {
      const double removed =
          o.replacement == Replacement::kFixed
              ? v * o.decay
              : static_cast<double>(rng.binomial(static_cast<std::int64_t>(v), o.decay));
      v = std::max(o.floor, v - removed);
    }
  }
  return visit;
}

std::vector<std::int64_t> recorded_days(const UrnOptions& o) {
  std::vector<std::int64_t> days;
  for (std::int64_t d = 0; d <= o.days; d += o.record_every) days.push_back(d);
  if (days.back() != o.days) days.push_back(o.days);
  return days;
}

// Linear interpolation between order statistics (Hyndman & Fan 1996, type 7).
double quantile(std::vector<double>& values, double q) {
  std::sort(values.begin(), values.end());
  const double h = q * static_cast<double>(values.size() - 1);
  const auto lo = static_cast<std::size_t>(std::floor(h));
  const std::size_t hi = std::min(lo + 1, values.size() - 1);
  return values[lo] + (h - static_cast<double>(lo)) * (values[hi] - values[lo]);
}

}  // namespace

std::vector<std::vector<double>> urn_trajectory(const UrnOptions& options, std::int64_t replicate) {
  validate(options);
  Rng rng(options.seed, static_cast<std::uint64_t>(replicate));
  std::vector<double> n = options.prior;
  std::vector<std::vector<double>> rows{n};
  for (std::int64_t day = 1; day <= options.days; ++day) {
    step(options, rng, n);
    rows.push_back(n);
  }
  return rows;
}

UrnResult run_urn(const UrnOptions& options) {
  validate(options);
  const auto k = static_cast<std::int64_t>(options.prior.size());
  const std::int64_t reps = options.replicates;
  UrnResult result;
  result.regions = k;
  result.replicates = reps;
  result.days = recorded_days(options);
  const auto points = static_cast<std::int64_t>(result.days.size());
  // Trajectories per replicate, [replicate][point * k + region], filled independently per
  // replicate.
  std::vector<std::vector<float>> paths(static_cast<std::size_t>(reps));
  result.final_share.assign(static_cast<std::size_t>(reps * k), 0.0);
  result.visit_share.assign(static_cast<std::size_t>(reps * k), 0.0);
  Progress progress("urn replicates", reps, options.progress);
  tbb::parallel_for(tbb::blocked_range<std::int64_t>(0, reps), [&](const auto& range) {
    for (std::int64_t r = range.begin(); r != range.end(); ++r) {
      Rng rng(options.seed, static_cast<std::uint64_t>(r));
      std::vector<double> n = options.prior;
      std::vector<std::int64_t> visits(static_cast<std::size_t>(k), 0);
      auto& path = paths[static_cast<std::size_t>(r)];
      path.reserve(static_cast<std::size_t>(points * k));
      auto record = [&] {
        double total = 0;
        for (double v : n) total += v;
        for (double v : n) path.push_back(static_cast<float>(v / total));
      };
      record();
      std::size_t next_point = 1;
      for (std::int64_t day = 1; day <= options.days; ++day) {
        ++visits[step(options, rng, n)];
        if (next_point < result.days.size() && result.days[next_point] == day) {
          record();
          ++next_point;
        }
      }
      double total = 0;
      for (double v : n) total += v;
      for (std::int64_t i = 0; i < k; ++i) {
        result.final_share[static_cast<std::size_t>(r * k + i)] = n[i] / total;
        result.visit_share[static_cast<std::size_t>(r * k + i)] =
            static_cast<double>(visits[i]) / static_cast<double>(options.days);
      }
      progress.advance();
    }
  });
  progress.finish();

  // Reductions in replicate order, so sums do not depend on how TBB split the work.
  const auto cells = static_cast<std::size_t>(points * k);
  result.mean_share.assign(cells, 0);
  result.sd_share.assign(cells, 0);
  result.q05_share.assign(cells, 0);
  result.q50_share.assign(cells, 0);
  result.q95_share.assign(cells, 0);
  std::vector<double> column(static_cast<std::size_t>(reps));
  for (std::size_t c = 0; c < cells; ++c) {
    double sum = 0;
    for (std::int64_t r = 0; r < reps; ++r) {
      column[static_cast<std::size_t>(r)] = paths[static_cast<std::size_t>(r)][c];
      sum += column[static_cast<std::size_t>(r)];
    }
    const double mean = sum / static_cast<double>(reps);
    double ss = 0;
    for (double v : column) ss += (v - mean) * (v - mean);
    result.mean_share[c] = mean;
    result.sd_share[c] = reps > 1 ? std::sqrt(ss / static_cast<double>(reps - 1)) : 0.0;
    result.q05_share[c] = quantile(column, 0.05);
    result.q50_share[c] = quantile(column, 0.50);
    result.q95_share[c] = quantile(column, 0.95);
  }
  double rate_total = 0;
  for (double v : options.discovery_rate) rate_total += v;
  for (double v : options.discovery_rate)
    result.true_share.push_back(rate_total > 0 ? v / rate_total : 0.0);
  result.final_mean.assign(static_cast<std::size_t>(k), 0);
  result.final_se.assign(static_cast<std::size_t>(k), 0);
  for (std::int64_t i = 0; i < k; ++i) {
    double sum = 0, ss = 0;
    for (std::int64_t r = 0; r < reps; ++r) sum += result.final_share[r * k + i];
    const double mean = sum / static_cast<double>(reps);
    for (std::int64_t r = 0; r < reps; ++r) {
      const double d = result.final_share[r * k + i] - mean;
      ss += d * d;
    }
    result.final_mean[i] = mean;
    result.final_se[i] =
        reps > 1 ? std::sqrt(ss / static_cast<double>(reps - 1) / static_cast<double>(reps)) : 0.0;
  }
  for (std::int64_t r = 0; r < reps; ++r) {
    const auto first = result.final_share.begin() + r * k;
    if (*std::max_element(first, first + k) > result.runaway_share) ++result.runaway_replicates;
  }
  return result;
}

ReplacementMatrix expected_replacement(const UrnOptions& o) {
  if (o.prior.size() != 2 || o.discovery_rate.size() != 2)
    throw ConfigError("the replacement matrix needs exactly two regions");
  const double ra = o.report_rate.empty() ? 0.0 : o.report_rate[0];
  const double rb = o.report_rate.empty() ? 0.0 : o.report_rate[1];
  const double wd = o.discovered_weight, wr = o.reported_weight;
  return {wd * o.discovery_rate[0] + wr * ra, wr * rb, wr * ra, wd * o.discovery_rate[1] + wr * rb};
}

UrnLimit quadratic_limit(const ReplacementMatrix& m) {
  UrnLimit limit;
  limit.matrix = m;
  // f(x) = E[ΔA] − x E[ΔA + ΔB] with E[ΔA] = x a + (1 − x) c and E[ΔB] = x b + (1 − x) d.
  const double q2 = m.c + m.d - m.a - m.b, q1 = m.a - 2 * m.c - m.d, q0 = m.c;
  const double scale = std::max({std::fabs(m.a), std::fabs(m.b), std::fabs(m.c), std::fabs(m.d)});
  const double eps = 1e-12 * std::max(scale, 1.0);
  auto slope = [&](double x) { return 2 * q2 * x + q1; };
  std::vector<double> zeros;
  if (std::fabs(q2) <= eps) {
    if (std::fabs(q1) <= eps) return limit;  // f ≡ 0 (q0 = c = 0 too): classical Pólya urn
    zeros.push_back(-q0 / q1);
  } else {
    const double disc = q1 * q1 - 4 * q2 * q0;
    if (disc < 0) return limit;
    // Numerically stable roots: q = −(q1 + sign(q1) √disc) / 2, roots q / q2 and q0 / q.
    const double s = std::sqrt(disc);
    const double q = -0.5 * (q1 + (q1 >= 0 ? s : -s));
    zeros.push_back(q / q2);
    if (q != 0) zeros.push_back(q0 / q);
  }
  for (double z : zeros) {
    if (z < -1e-12 || z > 1 + 1e-12) continue;
    z = std::clamp(z, 0.0, 1.0);
    if (std::find(limit.zeros.begin(), limit.zeros.end(), z) != limit.zeros.end()) continue;
    limit.zeros.push_back(z);
    if (slope(z) < 0) limit.stable = z;
  }
  std::sort(limit.zeros.begin(), limit.zeros.end());
  return limit;
}

double drift(const UrnOptions& o, double x) {
  const double ra = o.report_rate.empty() ? 0.0 : o.report_rate[0];
  const double rb = o.report_rate.empty() ? 0.0 : o.report_rate[1];
  // Visit probabilities times the keep probability: x · min(1, (1 − x)/x) = min(x, 1 − x).
  const double visit_a = o.rejection ? std::min(x, 1 - x) : x;
  const double visit_b = o.rejection ? std::min(x, 1 - x) : 1 - x;
  const double gain_a =
      visit_a * o.discovered_weight * o.discovery_rate[0] + o.reported_weight * ra;
  const double gain_b =
      visit_b * o.discovered_weight * o.discovery_rate[1] + o.reported_weight * rb;
  return gain_a - x * (gain_a + gain_b);
}

std::optional<double> drift_limit(const UrnOptions& o) {
  if (o.prior.size() != 2 || o.discovery_rate.size() != 2)
    throw ConfigError("the drift limit needs exactly two regions");
  // Scan (0, 1) for a change of sign from + to − (an attracting zero), then bisect.
  constexpr int kSteps = 4096;
  std::optional<double> found;
  double lo = 1.0 / (2 * kSteps), f_lo = drift(o, lo);
  for (int i = 1; i <= kSteps; ++i) {
    const double hi = (i == kSteps) ? 1 - 1.0 / (2 * kSteps) : static_cast<double>(i) / kSteps;
    const double f_hi = drift(o, hi);
    if (f_lo > 0 && f_hi <= 0) {
      double a = lo, b = hi;
      for (int it = 0; it < 100; ++it) {
        const double mid = 0.5 * (a + b);
        (drift(o, mid) > 0 ? a : b) = mid;
      }
      if (found) return std::nullopt;  // more than one attracting zero: no single limit
      found = 0.5 * (a + b);
    }
    lo = hi;
    f_lo = f_hi;
  }
  // An attracting end point: f < 0 all the way up to 0, or > 0 up to 1.
  if (!found && drift(o, 1.0 / (2 * kSteps)) < 0 && drift(o, 1 - 1.0 / (2 * kSteps)) < 0)
    return 0.0;
  if (!found && drift(o, 1.0 / (2 * kSteps)) > 0 && drift(o, 1 - 1.0 / (2 * kSteps)) > 0)
    return 1.0;
  return found;
}

}  // namespace scrutineer::feedback
