// Rolling-origin backtest (forecast at each period start from the events before it, score on the
// period): hit rate, PAI, PEI, PEI* per period and pooled, bootstrap intervals over periods.
#include "scrutineer/evaluate/backtest.hpp"

#include <fmt/format.h>
#include <tbb/parallel_for.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>

#include "scrutineer/core/error.hpp"
#include "scrutineer/core/progress.hpp"
#include "scrutineer/core/random.hpp"
#include "scrutineer/core/time.hpp"
#include "scrutineer/evaluate/auc.hpp"
#include "scrutineer/evaluate/ranking.hpp"
#include "scrutineer/forecast/model.hpp"

namespace scrutineer::evaluate {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// Local midnight `days` days after the local day number `day` (days since 1970-01-01), in UTC.
std::int64_t local_midnight(const TimeZone& zone, std::int64_t day) {
  return zone.to_utc(day * kSecondsPerDay);
}

std::int64_t local_day_number(const TimeZone& zone, std::int64_t utc) {
  const std::int64_t local = zone.to_local(utc);
  return local / kSecondsPerDay - (local % kSecondsPerDay < 0 ? 1 : 0);
}

// First local day of the month `months` after the month of local day `day`.
std::int64_t month_start_day(std::int64_t day, std::int64_t months) {
  const auto c = civil_from_seconds(day * kSecondsPerDay);
  std::int64_t m = c.year * 12 + (c.month - 1) + months;
  const std::int64_t year = m >= 0 ? m / 12 : (m - 11) / 12;
  return days_from_civil(year, static_cast<unsigned>(m - year * 12 + 1), 1);
}

std::vector<ModelSpec> models_to_run(const BacktestOptions& options) {
  std::vector<ModelSpec> list = options.models;
  auto has = [&](const std::string& name) {
    return std::any_of(list.begin(), list.end(),
                       [&](const ModelSpec& m) { return m.name == name; });
  };
  if (options.add_baselines) {
    if (!has("naive")) list.push_back({"naive", "", "naive", true});
    if (!has("random"))
      list.push_back({"random", fmt::format("seed={}", options.seed), "random", true});
  }
  for (auto& m : list) {
    forecast::find_model(m.name);  // ConfigError naming the known models
    if (m.name == "naive" || m.name == "random") m.baseline = true;
    if (m.label.empty()) m.label = m.params.empty() ? m.name : m.name + "(" + m.params + ")";
  }
  if (list.empty()) throw ConfigError("backtest: no model to run (name at least one model)");
  return list;
}

std::vector<double> default_coverages() {
  std::vector<double> out;
  for (int p = 1; p <= 20; ++p) out.push_back(p / 100.0);
  return out;
}

// Scores one forecast surface against one period's counts.
PeriodScore score_period(const forecast::Surface& surface, const PeriodCounts& counts,
                         const std::vector<std::int64_t>& oracle, const geo::Grid& grid,
                         const BacktestOptions& options, const std::vector<double>& coverages,
                         const std::vector<std::int64_t>& ties, std::uint64_t tie_seed,
                         std::int64_t period_seconds) {
  if (static_cast<std::int64_t>(surface.risk.size()) != grid.cells())
    throw InternalError(fmt::format("a model returned {} risks for a grid of {} cells",
                                    surface.risk.size(), grid.cells()));
  PeriodScore s;
  s.events = counts.total;
  s.outside = counts.outside;
  // One ranking per surface (evaluate/ranking.hpp): the curve, the operating point and the AUC
  // all read it. `ties` is the period's tie order of options.tie_rule, shared by the models.
  const auto ranking = rank_by_risk(surface.risk, ties);
  const auto curve = capture_curve(ranking, counts.per_cell);
  const auto valid = static_cast<std::int64_t>(ranking.size());
  for (const double c : coverages)
    s.at_coverage.push_back(accuracy_at(cells_for_coverage(valid, c), curve, oracle, counts.total));
  s.curve_captured.reserve(101);
  for (int p = 0; p <= 100; ++p)
    s.curve_captured.push_back(
        curve.captured[static_cast<std::size_t>(cells_for_coverage(valid, p / 100.0))]);

  const auto& op = options.operating_point;
  const bool same_order = op.tie_rule == options.tie_rule;
  const auto op_ranking =
      same_order ? ranking : rank_cells(surface.risk, grid, op.tie_rule, tie_seed);
  const auto k = cells_for_policy(op_ranking, op, options.cell_area);
  s.operating = accuracy_at(k, same_order ? curve : capture_curve(op_ranking, counts.per_cell),
                            oracle, counts.total);
  s.flagged.assign(op_ranking.begin(), op_ranking.begin() + k);

  const auto auc = auc_from_ranking(ranking, surface.risk, counts.per_cell);
  s.auc_u = auc.u;
  s.auc_pairs = auc.pairs;
  s.auc = auc.auc();

  s.log_likelihood = s.brier = kNaN;
  if (surface.is_rate && surface.rate_period_seconds > 0) {
    // Rates are per rate_period_seconds; the period may be longer (a week, a month).
    const double scale =
        static_cast<double>(period_seconds) / static_cast<double>(surface.rate_period_seconds);
    std::vector<double> rate(surface.risk.size());
    for (std::size_t i = 0; i < rate.size(); ++i) rate[i] = surface.risk[i] * scale;
    s.log_likelihood = poisson_log_likelihood(rate, counts.per_cell, grid);
    s.brier = brier_score(rate, counts.per_cell, grid);
  }
  return s;
}

Interval point(double estimate) { return {estimate, kNaN, kNaN}; }

double pooled(const std::vector<double>& num, const std::vector<double>& den) {
  double n = 0, d = 0;
  for (std::size_t i = 0; i < num.size(); ++i) {
    n += num[i];
    d += den[i];
  }
  return d == 0 ? kNaN : n / d;
}

double mean_finite(const std::vector<double>& v) {
  double sum = 0;
  std::int64_t n = 0;
  for (const double x : v)
    if (!std::isnan(x)) {
      sum += x;
      ++n;
    }
  return n == 0 ? kNaN : sum / static_cast<double>(n);
}

// Summary of one flag set over periods; intervals only when `intervals` (they cost replicates x
// periods each).
Summary summarise(const std::vector<const Accuracy*>& acc, const BootstrapOptions& bootstrap,
                  bool intervals) {
  const std::size_t n = acc.size();
  std::vector<double> captured(n), events(n), area_events(n), pei(n), pei_star(n), wrong(n),
      flagged(n);
  for (std::size_t i = 0; i < n; ++i) {
    const Accuracy& a = *acc[i];
    captured[i] = static_cast<double>(a.captured);
    events[i] = static_cast<double>(a.events);
    // Pooled PAI = sum n / sum (N a / A): equal to (sum n / sum N) / (a / A) when a is fixed.
    area_events[i] = a.valid_cells == 0
                         ? 0.0
                         : static_cast<double>(a.events) * static_cast<double>(a.flagged) /
                               static_cast<double>(a.valid_cells);
    pei[i] = a.events > 0 ? a.pei : kNaN;
    pei_star[i] = a.events > 0 ? a.pei_star : kNaN;
    wrong[i] = static_cast<double>(a.wrong_cells);
    flagged[i] = static_cast<double>(a.flagged);
  }
  Summary s;
  if (intervals) {
    s.hit_rate = bootstrap_pooled_ratio(captured, events, bootstrap);
    s.pai = bootstrap_pooled_ratio(captured, area_events, bootstrap);
    s.pei = bootstrap_mean(pei, bootstrap);
    s.pei_star = bootstrap_mean(pei_star, bootstrap);
    s.wrong_share = bootstrap_pooled_ratio(wrong, flagged, bootstrap);
  } else {
    s.hit_rate = point(pooled(captured, events));
    s.pai = point(pooled(captured, area_events));
    s.pei = point(mean_finite(pei));
    s.pei_star = point(mean_finite(pei_star));
    s.wrong_share = point(pooled(wrong, flagged));
  }
  return s;
}

void summarise_model(ModelResult& m, const BacktestResult& r, const BootstrapOptions& bootstrap) {
  const std::size_t np = m.periods.size();
  std::vector<const Accuracy*> acc(np);
  for (std::size_t c = 0; c < r.coverages.size(); ++c) {
    for (std::size_t i = 0; i < np; ++i) acc[i] = &m.periods[i].at_coverage[c];
    Summary s = summarise(acc, bootstrap, false);
    std::vector<double> num(np), den(np);
    for (std::size_t i = 0; i < np; ++i) {
      num[i] = static_cast<double>(acc[i]->captured);
      den[i] = static_cast<double>(acc[i]->events);
    }
    if (bootstrap.replicates > 0) s.hit_rate = bootstrap_pooled_ratio(num, den, bootstrap);
    m.at_coverage.push_back(s);
  }
  for (std::size_t i = 0; i < np; ++i) acc[i] = &m.periods[i].operating;
  m.operating = summarise(acc, bootstrap, bootstrap.replicates > 0);  // 0 replicates: no intervals
  double events = 0;
  for (const auto& p : m.periods) events += static_cast<double>(p.events);
  m.curve.assign(101, kNaN);
  for (int q = 0; q <= 100; ++q) {
    double caught = 0;
    for (const auto& p : m.periods) caught += static_cast<double>(p.curve_captured[q]);
    m.curve[q] = events == 0 ? kNaN : caught / events;
  }
  std::vector<double> ll(np), brier(np);
  for (std::size_t i = 0; i < np; ++i) {
    ll[i] = m.periods[i].log_likelihood;
    brier[i] = m.periods[i].brier;
  }
  m.mean_log_likelihood = mean_finite(ll);
  m.mean_brier = mean_finite(brier);
  std::vector<double> u(np), pairs(np), auc(np);
  for (std::size_t i = 0; i < np; ++i) {
    u[i] = m.periods[i].auc_u;
    pairs[i] = m.periods[i].auc_pairs;
    auc[i] = m.periods[i].auc;
  }
  if (bootstrap.replicates > 0) {
    m.auc_pooled = bootstrap_pooled_ratio(u, pairs, bootstrap);
    m.auc_mean = bootstrap_mean(auc, bootstrap);
  } else {
    m.auc_pooled = point(pooled(u, pairs));
    m.auc_mean = point(mean_finite(auc));
  }
}

// Per cell: periods flagged at the operating point and the events caught there while flagged
// (events located by grid.cell_of, as count_events does; flagged cells are valid).
void count_cell_flags(ModelResult& m, const BacktestResult& r, const EventSet& events,
                      const geo::Grid& grid) {
  const auto cells = static_cast<std::size_t>(grid.cells());
  m.cell_periods_flagged.assign(cells, 0);
  m.cell_hits.assign(cells, 0);
  std::vector<std::uint8_t> on(cells, 0);
  for (std::size_t i = 0; i < r.periods.size(); ++i) {
    const auto& flagged = m.periods[i].flagged;
    for (const auto c : flagged) {
      on[static_cast<std::size_t>(c)] = 1;
      ++m.cell_periods_flagged[static_cast<std::size_t>(c)];
    }
    const auto lo = std::lower_bound(events.t.begin(), events.t.end(), r.periods[i].start);
    const auto hi = std::lower_bound(lo, events.t.end(), r.periods[i].end);
    for (auto k = static_cast<std::size_t>(lo - events.t.begin());
         k < static_cast<std::size_t>(hi - events.t.begin()); ++k) {
      const auto c = grid.cell_of(events.x[k], events.y[k]);
      if (c >= 0 && on[static_cast<std::size_t>(c)]) ++m.cell_hits[static_cast<std::size_t>(c)];
    }
    for (const auto c : flagged) on[static_cast<std::size_t>(c)] = 0;
  }
}

void compare_with_baselines(BacktestResult& r, const BootstrapOptions& bootstrap) {
  const ModelResult* best = nullptr;
  for (const auto& m : r.models)
    if (m.spec.baseline && !std::isnan(m.operating.hit_rate.estimate) &&
        (!best || m.operating.hit_rate.estimate > best->operating.hit_rate.estimate))
      best = &m;
  if (!best) {
    for (auto& m : r.models) m.vs_best_baseline = {kNaN, kNaN, kNaN};
    return;
  }
  r.best_baseline = best->spec.label;
  const std::size_t np = r.periods.size();
  auto columns = [&](const ModelResult& m, std::vector<double>& num, std::vector<double>& den) {
    num.resize(np);
    den.resize(np);
    for (std::size_t i = 0; i < np; ++i) {
      num[i] = static_cast<double>(m.periods[i].operating.captured);
      den[i] = static_cast<double>(m.periods[i].operating.events);
    }
  };
  std::vector<double> bn, bd;
  columns(*best, bn, bd);
  for (auto& m : r.models) {
    std::vector<double> mn, md;
    columns(m, mn, md);
    m.vs_best_baseline = bootstrap.replicates > 0
                             ? bootstrap_pooled_ratio_difference(mn, md, bn, bd, bootstrap)
                             : point(pooled(mn, md) - pooled(bn, bd));
  }
}

}  // namespace

std::string_view to_string(PeriodUnit unit) {
  switch (unit) {
    case PeriodUnit::kDay:
      return "day";
    case PeriodUnit::kWeek:
      return "week";
    case PeriodUnit::kMonth:
      return "month";
  }
  return "?";
}

PeriodUnit period_unit_from_string(std::string_view name) {
  if (name == "day") return PeriodUnit::kDay;
  if (name == "week") return PeriodUnit::kWeek;
  if (name == "month") return PeriodUnit::kMonth;
  throw ConfigError(fmt::format("unknown period '{}' (expected day, week or month)", name));
}

std::string_view to_string(FlagsOutput flags) {
  switch (flags) {
    case FlagsOutput::kCsv:
      return "csv";
    case FlagsOutput::kCounts:
      return "counts";
    case FlagsOutput::kNone:
      return "none";
  }
  return "?";
}

FlagsOutput flags_output_from_string(std::string_view name) {
  if (name == "csv") return FlagsOutput::kCsv;
  if (name == "counts") return FlagsOutput::kCounts;
  if (name == "none") return FlagsOutput::kNone;
  throw ConfigError(fmt::format("unknown flags output '{}' (expected csv, counts or none)", name));
}

std::vector<Period> make_periods(std::int64_t first, std::int64_t stop, PeriodUnit unit,
                                 const std::string& zone_name) {
  const TimeZone zone(zone_name.empty() ? "UTC" : zone_name);
  const std::int64_t day0 = local_day_number(zone, first);
  std::vector<Period> out;
  for (std::int64_t k = 0;; ++k) {
    std::int64_t a, b;
    switch (unit) {
      case PeriodUnit::kDay:
        a = day0 + k;
        b = a + 1;
        break;
      case PeriodUnit::kWeek:
        a = day0 + 7 * k;
        b = a + 7;
        break;
      case PeriodUnit::kMonth:
      default:
        // Monthly periods run from the first of the month holding `first`.
        a = month_start_day(day0, k);
        b = month_start_day(day0, k + 1);
        break;
    }
    const Period p{local_midnight(zone, a), local_midnight(zone, b)};
    if (p.end > stop) break;
    out.push_back(p);
  }
  return out;
}

BacktestResult run_backtest(const EventSet& events, const geo::Grid& grid,
                            const BacktestOptions& options) {
  if (options.period != PeriodUnit::kMonth)
    events.require_resolution(TimeResolution::kDay,
                              fmt::format("a backtest by {}", to_string(options.period)));
  if (options.window_periods < 0)
    throw ConfigError(fmt::format("window must be >= 0 periods, found {}", options.window_periods));
  BacktestResult r;
  r.time_zone = !options.time_zone.empty()  ? options.time_zone
                : !events.time_zone.empty() ? events.time_zone
                                            : "UTC";
  r.periods = make_periods(options.first, options.stop, options.period, r.time_zone);
  if (r.periods.empty())
    throw ConfigError(fmt::format("backtest: no whole {} between {} and {}",
                                  to_string(options.period), format_iso_utc(options.first),
                                  format_iso_utc(options.stop)));
  r.coverages = options.coverages.empty() ? default_coverages() : options.coverages;
  for (const double c : r.coverages) cells_for_coverage(0, c);  // ConfigError outside [0, 1]
  r.operating_point = options.operating_point;
  r.crs = grid.crs;
  r.flags = options.flags;
  if (!options.cell_area.empty() &&
      static_cast<std::int64_t>(options.cell_area.size()) != grid.cells())
    throw InternalError(fmt::format("cell_area has {} values for a grid of {} cells",
                                    options.cell_area.size(), grid.cells()));
  r.valid_cells = grid.valid_count();
  const auto specs = models_to_run(options);
  // Training starts: for a sliding window, the start of the period `window_periods` earlier.
  std::vector<std::int64_t> train_from(r.periods.size(), options.train_start);
  if (options.window_periods > 0) {
    const TimeZone zone(r.time_zone);
    const std::int64_t day0 = local_day_number(zone, r.periods.front().start);
    for (std::size_t i = 0; i < r.periods.size(); ++i) {
      const auto back = static_cast<std::int64_t>(i) - options.window_periods;
      std::int64_t day;
      if (options.period == PeriodUnit::kMonth)
        day = month_start_day(day0, back);
      else
        day = day0 + back * (options.period == PeriodUnit::kWeek ? 7 : 1);
      train_from[i] = std::max(options.train_start, local_midnight(zone, day));
    }
  }

  r.models.resize(specs.size());
  for (std::size_t m = 0; m < specs.size(); ++m) {
    r.models[m].spec = specs[m];
    r.models[m].periods.resize(r.periods.size());
  }
  const auto np = static_cast<std::int64_t>(r.periods.size());
  const std::int64_t chunk = std::max(1, options.chunk);
  const std::int64_t chunks = (np + chunk - 1) / chunk;
  Progress progress("backtest", np * static_cast<std::int64_t>(specs.size()), options.progress);
  const auto lower = [&](std::int64_t t) {
    return static_cast<std::size_t>(std::lower_bound(events.t.begin(), events.t.end(), t) -
                                    events.t.begin());
  };
  if (options.parts < 1 || options.part < 0 || options.part > options.parts)
    throw InternalError(fmt::format("backtest part {} of {}", options.part, options.parts));
  // A part's block of whole chunks (a chunk's periods are never divided: docs/sweep.md).
  const std::int64_t c0 = chunks * options.part / options.parts;
  const std::int64_t c1 = chunks * std::min(options.part + 1, options.parts) / options.parts;
  tbb::parallel_for(std::int64_t{0}, chunks, [&](std::int64_t c) {
    if (c < c0 || c >= c1) return;  // another part's periods
    // Fresh models per chunk: a chunk's results depend only on its periods, never on scheduling.
    std::vector<std::unique_ptr<forecast::Model>> models;
    for (const auto& s : specs) models.push_back(forecast::make_model(s.name, s.params));
    for (std::int64_t i = c * chunk; i < std::min(np, (c + 1) * chunk); ++i) {
      const auto& period = r.periods[static_cast<std::size_t>(i)];
      const auto counts =
          count_events(events.x, events.y, lower(period.start), lower(period.end), grid);
      const auto oracle = oracle_curve(counts.per_cell, grid);
      const auto training = events.slice_time(
          std::max(train_from[static_cast<std::size_t>(i)], INT64_MIN + 1), period.start);
      const std::uint64_t tie_seed = Rng(options.seed, static_cast<std::uint64_t>(i)).next();
      const auto ties = tie_order(grid, options.tie_rule, tie_seed);
      for (std::size_t m = 0; m < specs.size(); ++m) {
        const auto surface = models[m]->forecast(training, grid, period.start);
        r.models[m].periods[static_cast<std::size_t>(i)] =
            score_period(surface, counts, oracle, grid, options, r.coverages, ties, tie_seed,
                         period.end - period.start);
        progress.advance();
      }
    }
  });
  progress.finish();
  if (options.parts == 1 && options.part == 0)
    summarise_backtest(r, events, grid, options.bootstrap);
  return r;
}

void summarise_backtest(BacktestResult& r, const EventSet& events, const geo::Grid& grid,
                        const BootstrapOptions& bootstrap) {
  for (auto& m : r.models) {
    summarise_model(m, r, bootstrap);
    count_cell_flags(m, r, events, grid);
  }
  compare_with_baselines(r, bootstrap);
}

}  // namespace scrutineer::evaluate
