// The closed-loop simulator (issue 6): a forecast sends patrols, patrols discover crime, the record
// trains the next forecast (Lum & Isaac 2016, Significance 13(5); Ensign et al. 2018, PMLR 81).
#include "scrutineer/feedback/loop.hpp"

#include <fmt/format.h>
#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>

#include <algorithm>
#include <cmath>
#include <deque>

#include "scrutineer/core/error.hpp"
#include "scrutineer/core/progress.hpp"
#include "scrutineer/core/random.hpp"
#include "scrutineer/evaluate/ranking.hpp"
#include "scrutineer/feedback/measures.hpp"
#include "scrutineer/forecast/model.hpp"

namespace scrutineer::feedback {

namespace {
constexpr std::int64_t kDay = 86400;
constexpr auto kMeasures = static_cast<std::size_t>(Measure::kCount);
}  // namespace

std::string_view to_string(Mitigation mitigation) {
  switch (mitigation) {
    case Mitigation::kNone:
      return "none";
    case Mitigation::kReportedOnly:
      return "reported-only";
    case Mitigation::kRejection:
      return "rejection";
    case Mitigation::kExploration:
      return "exploration";
    case Mitigation::kDownweight:
      return "downweight";
  }
  return "?";
}

Mitigation mitigation_from_string(std::string_view name) {
  for (auto m : {Mitigation::kNone, Mitigation::kReportedOnly, Mitigation::kRejection,
                 Mitigation::kExploration, Mitigation::kDownweight})
    if (to_string(m) == name) return m;
  throw ConfigError(fmt::format(
      "mitigation: expected none, reported-only, rejection, exploration or downweight, found '{}'",
      name));
}

std::vector<Mitigation> mitigations_from_string(std::string_view list) {
  std::vector<Mitigation> out;
  std::size_t start = 0;
  while (start <= list.size()) {
    const auto end = std::min(list.find(',', start), list.size());
    out.push_back(mitigation_from_string(list.substr(start, end - start)));
    start = end + 1;
  }
  return out;
}

std::string_view to_string(Measure measure) {
  switch (measure) {
    case Measure::kTvdArea:
      return "tvd_area";
    case Measure::kTvdGroup:
      return "tvd_group";
    case Measure::kGiniCells:
      return "gini_cells";
    case Measure::kMaxAreaShare:
      return "max_area_share";
    case Measure::kTrueHitRate:
      return "true_hit_rate";
    case Measure::kRecordedHitRate:
      return "recorded_hit_rate";
    case Measure::kRecorded:
      return "recorded";
    case Measure::kDiscovered:
      return "discovered";
    case Measure::kTrainedDiscovered:
      return "trained_discovered";
    case Measure::kCount:
      break;
  }
  return "?";
}

void validate(const LoopOptions& o) {
  forecast::find_model(o.model);
  if (o.days < 1) throw ConfigError("days: expected at least 1 deployed day");
  if (o.history_days < 1) throw ConfigError("history: expected at least 1 day of records");
  if (o.window_days < 1) throw ConfigError("window: expected at least 1 day");
  if (o.refit_every < 1) throw ConfigError("refit-every: expected at least 1 day");
  if (o.presence_days < 1) throw ConfigError("presence-days: expected at least 1 day");
  if (o.equal_reporting > 1)
    throw ConfigError(
        fmt::format("equal reporting: expected a probability, found {}", o.equal_reporting));
  for (double p : {o.discovery, o.discovery_base, o.exploration_share, o.discovered_weight})
    if (!(p >= 0 && p <= 1))
      throw ConfigError(fmt::format("expected a probability in [0, 1], found {}", p));
  if (o.mitigations.empty()) throw ConfigError("mitigations: expected at least one");
  if (o.replicates < 1) throw ConfigError("replicates: expected at least 1");
}

namespace {

struct TrueCrime {
  std::int64_t t;
  double x, y;
  std::int32_t cell;
};

// The world's geography as the loop needs it, shared by every replicate.
struct Context {
  const World& world;
  const LoopOptions& o;
  std::vector<std::int64_t> valid;       // valid cells
  std::vector<std::int32_t> valid_slot;  // cell -> index in `valid`, -1 when invalid
  std::vector<double> area_weight;       // per overlay entry k of cell c: I(c,a) / Σ_a' I(c,a')
  std::vector<double> reporting;         // cell -> reporting rate
  std::vector<std::vector<double>> pop;  // [group][cell] residents, pop_g(a) · I(c,a) / area(a)
  std::vector<double> group_total;
  std::vector<double> true_area, true_group;
  // The policy's tie order of the valid cells (evaluate/ranking.hpp): it depends on the grid, the
  // rule and the seed only, so one serves every day of every replicate.
  std::vector<std::int64_t> ties;
  std::int64_t areas = 0, groups = 0, reference = 0, total_days = 0;
};

// Valid cell c's share of the stationary true crime (rate μ_c / (1 − θ): shares follow μ), split
// between areas by area of intersection and within an area by its residents' groups.
void add_cell(Context& ctx, std::int64_t c) {
  const auto& w = ctx.world;
  const auto& ov = w.overlay;
  for (auto k = static_cast<std::size_t>(ov.start[c]);
       k < static_cast<std::size_t>(ov.start[c + 1]); ++k) {
    const auto a = static_cast<std::size_t>(ov.area[k]);
    ctx.area_weight[k] = ov.intersection[k] / ov.cell_covered[c];
    const double crime = w.mu[c] * ctx.area_weight[k];
    ctx.true_area[a] += crime;
    if (w.total[a] > 0)
      for (std::int64_t g = 0; g < ctx.groups; ++g)
        ctx.true_group[g] += crime * w.population[g][a] / w.total[a];
  }
  for (std::int64_t g = 0; g < ctx.groups; ++g) ctx.group_total[g] += ctx.pop[g][c];
}

Context make_context(const World& world, const LoopOptions& o) {
  Context ctx{world, o, {}, {}, {}, {}, {}, {}, {}, {}, {}, 0, 0, 0, 0};
  const auto& grid = world.grid;
  const auto cells = static_cast<std::size_t>(grid.cells());
  ctx.valid = grid.valid_cells();
  ctx.valid_slot.assign(cells, -1);
  for (std::size_t i = 0; i < ctx.valid.size(); ++i)
    ctx.valid_slot[static_cast<std::size_t>(ctx.valid[i])] = static_cast<std::int32_t>(i);
  ctx.areas = static_cast<std::int64_t>(world.areas.size());
  ctx.groups = static_cast<std::int64_t>(world.groups.size());
  ctx.area_weight.assign(world.overlay.entries(), 0);
  ctx.reporting = cell_reporting(world);
  if (o.equal_reporting >= 0)
    for (auto c : ctx.valid) ctx.reporting[c] = o.equal_reporting;
  ctx.pop = cell_population(world);
  ctx.group_total.assign(static_cast<std::size_t>(ctx.groups), 0);
  ctx.true_area.assign(static_cast<std::size_t>(ctx.areas), 0);
  ctx.true_group.assign(static_cast<std::size_t>(ctx.groups), 0);
  for (auto c : ctx.valid) add_cell(ctx, c);
  ctx.reference =
      std::max_element(ctx.group_total.begin(), ctx.group_total.end()) - ctx.group_total.begin();
  ctx.total_days = o.history_days + o.days;
  ctx.ties = evaluate::tie_order(grid, o.policy.tie_rule, o.policy.seed);
  return ctx;
}

// True crime of one replicate over history + deployment, simulated cell by cell with the world's
// self-exciting process (synth::simulate_cell), sorted by time then cell.
std::vector<TrueCrime> simulate_truth(const Context& ctx, Rng& rng) {
  const auto& w = ctx.world;
  const auto& grid = w.grid;
  std::vector<TrueCrime> out;
  for (auto c : ctx.valid) {
    const auto process = synth::simulate_cell(
        w.mu[c], w.theta, w.omega, static_cast<double>(ctx.total_days), w.burn_in_days, rng);
    const double x0 = grid.centre_x(c) - grid.size / 2, y0 = grid.centre_y(c) - grid.size / 2;
    for (double t : process.t) {
      const auto seconds = static_cast<std::int64_t>(std::floor(t * kDay));
      out.push_back({w.start + seconds, x0 + rng.uniform() * grid.size,
                     y0 + rng.uniform() * grid.size, static_cast<std::int32_t>(c)});
    }
  }
  std::stable_sort(out.begin(), out.end(), [](const TrueCrime& a, const TrueCrime& b) {
    return a.t != b.t ? a.t < b.t : a.cell < b.cell;
  });
  return out;
}

using ReplicateScenario = ReplicateRun;

// The cells flagged today: the policy's top cells, with kExploration's share swapped for cells
// drawn uniformly among the valid cells not already flagged.
std::vector<std::int64_t> choose_flags(const Context& ctx, const forecast::Surface& surface,
                                       Mitigation mitigation, Rng& explore) {
  // evaluate::select_top's cells, ranked on the tie order made once.
  if (static_cast<std::int64_t>(surface.risk.size()) != ctx.world.grid.cells())
    throw InternalError(fmt::format("a model returned {} risks for a grid of {} cells",
                                    surface.risk.size(), ctx.world.grid.cells()));
  auto flags = evaluate::top_cells(surface.risk, ctx.ties, ctx.o.policy);
  if (mitigation != Mitigation::kExploration || flags.empty()) return flags;
  const auto random = std::min<std::int64_t>(
      std::llround(ctx.o.exploration_share * static_cast<double>(flags.size())),
      static_cast<std::int64_t>(ctx.valid.size() - flags.size()));
  flags.resize(flags.size() - static_cast<std::size_t>(random));
  std::vector<std::uint8_t> taken(ctx.valid.size(), 0);
  for (auto c : flags) taken[static_cast<std::size_t>(ctx.valid_slot[c])] = 1;
  for (std::int64_t k = 0; k < random; ++k) {
    std::size_t slot;
    do slot = explore.below(ctx.valid.size());
    while (taken[slot]);
    taken[slot] = 1;
    flags.push_back(ctx.valid[slot]);
  }
  return flags;
}

ReplicateScenario run_scenario(const Context& ctx, const std::vector<TrueCrime>& truth,
                               Mitigation mitigation, std::uint64_t replicate) {
  const auto& o = ctx.o;
  const auto& grid = ctx.world.grid;
  const auto nvalid = ctx.valid.size();
  // Streams shared by all scenarios of a replicate: the same true crime is reported (or found
  // with the same draw) whatever the mitigation.
  Rng report(o.seed, 8 * replicate + 1), discover(o.seed, 8 * replicate + 2);
  Rng keep(o.seed, 8 * replicate + 3), explore(o.seed, 8 * replicate + 4);
  auto model = forecast::make_model(o.model, o.model_params);
  EventSet train;
  train.crs = grid.crs;
  train.time_zone = ctx.world.time_zone;
  train.resolution = TimeResolution::kMinute;

  ReplicateScenario out;
  out.measures.assign(kMeasures, std::vector<float>(static_cast<std::size_t>(o.days), 0));
  out.exposure.assign(static_cast<std::size_t>(ctx.groups),
                      std::vector<float>(static_cast<std::size_t>(o.days), 0));
  out.days_flagged.assign(nvalid, 0);
  std::vector<std::int64_t> flags;
  std::vector<std::uint8_t> flagged(static_cast<std::size_t>(grid.cells()), 0);
  std::vector<std::int32_t> presence(static_cast<std::size_t>(grid.cells()), 0);
  std::deque<std::vector<std::int64_t>> recent;
  std::vector<std::int64_t> count_of{static_cast<std::int64_t>(nvalid)};  // Gini histogram
  const double mean_rate =
      static_cast<double>(o.policy.mode == evaluate::PolicyMode::kCount
                              ? o.policy.count
                              : evaluate::cells_for_coverage(static_cast<std::int64_t>(nvalid),
                                                             o.policy.coverage)) /
      static_cast<double>(nvalid);
  std::size_t next = 0;
  std::int64_t row = 0;
  for (std::int64_t d = 0; d < ctx.total_days; ++d) {
    const std::int64_t day_start = ctx.world.start + d * kDay, j = d - o.history_days;
    const bool deployed = j >= 0;
    if (deployed) {
      if (j % o.refit_every == 0) {
        const auto training = train.slice_time(day_start - o.window_days * kDay, day_start);
        flags = choose_flags(ctx, model->forecast(training, grid, day_start), mitigation, explore);
      }
      for (auto c : flags) flagged[c] = 1;
      recent.push_back(flags);
      for (auto c : flags) ++presence[c];
      if (static_cast<std::int64_t>(recent.size()) > o.presence_days) {
        for (auto c : recent.front()) --presence[c];
        recent.pop_front();
      }
      for (auto c : flags) {
        auto& n = out.days_flagged[static_cast<std::size_t>(ctx.valid_slot[c])];
        --count_of[static_cast<std::size_t>(n)];
        ++n;
        if (count_of.size() <= static_cast<std::size_t>(n)) count_of.resize(n + 1, 0);
        ++count_of[static_cast<std::size_t>(n)];
      }
    }
    const double window = deployed ? static_cast<double>(std::min(o.presence_days, j + 1)) : 1;
    double recorded = 0, recorded_hits = 0, discovered = 0, trained = 0, true_total = 0,
           true_hits = 0;
    for (; next < truth.size() && truth[next].t < day_start + kDay; ++next) {
      const auto& crime = truth[next];
      const double u_report = report.uniform(), u_discover = discover.uniform(),
                   u_keep = keep.uniform();
      const bool reported = u_report < ctx.reporting[crime.cell];
      const double q =
          o.discovery_base + (o.discovery - o.discovery_base) * presence[crime.cell] / window;
      const bool found = !reported && u_discover < q;
      true_total += 1;
      true_hits += flagged[crime.cell];
      if (!reported && !found) continue;
      recorded += 1;
      recorded_hits += flagged[crime.cell];
      bool learn = true;
      if (found) {
        discovered += 1;
        const auto slot = static_cast<std::size_t>(ctx.valid_slot[crime.cell]);
        const double share = deployed ? out.days_flagged[slot] / static_cast<double>(j + 1) : 0.0;
        switch (mitigation) {
          case Mitigation::kReportedOnly:
            learn = false;
            break;
          case Mitigation::kRejection:  // keep with min(1, p_ref / p_c) (Ensign et al. §6)
            learn = share <= 0 || u_keep < std::min(1.0, mean_rate / share);
            break;
          case Mitigation::kDownweight:
            learn = u_keep < o.discovered_weight;
            break;
          default:
            break;
        }
        trained += learn ? 1 : 0;
      }
      if (learn) train.push_back(crime.t, crime.x, crime.y, "crime", ++row);
    }
    if (!deployed) continue;
    // Measures of deployed day j.
    std::vector<double> patrol_area(static_cast<std::size_t>(ctx.areas), 0);
    std::vector<double> exposure(static_cast<std::size_t>(ctx.groups), 0);
    const auto& ov = ctx.world.overlay;
    for (auto c : flags) {
      for (auto k = static_cast<std::size_t>(ov.start[c]);
           k < static_cast<std::size_t>(ov.start[c + 1]); ++k)
        patrol_area[static_cast<std::size_t>(ov.area[k])] += ctx.area_weight[k];
      for (std::int64_t g = 0; g < ctx.groups; ++g) exposure[g] += ctx.pop[g][c];
    }
    const double max_area = *std::max_element(patrol_area.begin(), patrol_area.end()) /
                            std::max<double>(1, static_cast<double>(flags.size()));
    if (out.concentration_day < 0 && max_area > o.concentration_share) out.concentration_day = j;
    const std::array<double, kMeasures> values{
        total_variation(patrol_area, ctx.true_area),
        total_variation(exposure, ctx.true_group),
        gini_of_counts(count_of, static_cast<std::int64_t>(nvalid)),
        max_area,
        true_total > 0 ? true_hits / true_total : std::nan(""),
        recorded > 0 ? recorded_hits / recorded : std::nan(""),
        recorded,
        discovered,
        trained};
    for (std::size_t m = 0; m < kMeasures; ++m)
      out.measures[m][static_cast<std::size_t>(j)] = static_cast<float>(values[m]);
    for (std::int64_t g = 0; g < ctx.groups; ++g)
      out.exposure[g][static_cast<std::size_t>(j)] =
          static_cast<float>(ctx.group_total[g] > 0 ? exposure[g] / ctx.group_total[g] : 0);
    out.final_values.assign(values.begin(), values.end());
    for (auto c : flags) flagged[c] = 0;
  }
  return out;
}

// Mean and 5%/95% quantiles across replicates of one series, NaN values left out.
void summarise(const std::vector<const std::vector<float>*>& series, std::size_t day, double& mean,
               double& q05, double& q95) {
  std::vector<double> values;
  values.reserve(series.size());
  for (const auto* s : series)
    if (!std::isnan((*s)[day])) values.push_back((*s)[day]);
  if (values.empty()) {
    mean = q05 = q95 = std::nan("");
    return;
  }
  double sum = 0;
  for (double v : values) sum += v;
  mean = sum / static_cast<double>(values.size());
  q05 = quantile(values, 0.05);
  q95 = quantile(values, 0.95);
}

}  // namespace

LoopResult run_loop(const synth::City& city, const LoopOptions& options) {
  validate(options);
  return run_loop(world_from_city(city), options);
}

std::vector<std::vector<ReplicateRun>> run_replicates(const World& world,
                                                      const LoopOptions& options,
                                                      std::int64_t first, std::int64_t last) {
  validate(options);
  validate(world);
  if (first < 0 || last > options.replicates || first > last)
    throw InternalError(fmt::format("replicates [{}, {}) of {}", first, last, options.replicates));
  const Context ctx = make_context(world, options);
  const auto scenarios = options.mitigations.size();
  std::vector<std::vector<ReplicateScenario>> runs(static_cast<std::size_t>(last - first),
                                                   std::vector<ReplicateScenario>(scenarios));
  Progress progress("feedback loop", (last - first) * static_cast<std::int64_t>(scenarios),
                    options.progress);
  tbb::parallel_for(tbb::blocked_range<std::int64_t>(first, last, 1), [&](const auto& range) {
    for (std::int64_t r = range.begin(); r != range.end(); ++r) {
      Rng truth_rng(options.seed, 8 * static_cast<std::uint64_t>(r));
      const auto truth = simulate_truth(ctx, truth_rng);
      for (std::size_t s = 0; s < scenarios; ++s) {
        runs[r - first][s] =
            run_scenario(ctx, truth, options.mitigations[s], static_cast<std::uint64_t>(r));
        progress.advance();
      }
    }
  });
  progress.finish();
  return runs;
}

LoopResult run_loop(const World& world, const LoopOptions& options) {
  return summarise_loop(world, options, run_replicates(world, options, 0, options.replicates));
}

LoopResult summarise_loop(const World& world, const LoopOptions& options,
                          std::vector<std::vector<ReplicateRun>> runs) {
  validate(options);
  validate(world);
  const Context ctx = make_context(world, options);
  const auto reps = options.replicates;
  const auto scenarios = options.mitigations.size();
  if (static_cast<std::int64_t>(runs.size()) != reps)
    throw InternalError(fmt::format("{} replicates' runs for {}", runs.size(), reps));
  LoopResult result;
  result.areas = world.areas;
  result.groups = world.groups;
  result.notes = world.notes;
  result.reference_group = ctx.reference;
  result.true_area_share = ctx.true_area;
  result.true_group_share = ctx.true_group;
  for (auto* shares : {&result.true_area_share, &result.true_group_share}) {
    double total = 0;
    for (double v : *shares) total += v;
    for (double& v : *shares) v = total > 0 ? v / total : 0;
  }
  result.days = options.days;
  result.replicates = reps;
  const auto days = static_cast<std::size_t>(options.days);
  for (std::size_t s = 0; s < scenarios; ++s) {
    ScenarioResult sr;
    sr.mitigation = options.mitigations[s];
    sr.mean.assign(kMeasures, std::vector<double>(days));
    sr.q05 = sr.q95 = sr.mean;
    for (std::size_t m = 0; m < kMeasures; ++m) {
      std::vector<const std::vector<float>*> series;
      for (const auto& run : runs) series.push_back(&run[s].measures[m]);
      for (std::size_t d = 0; d < days; ++d)
        summarise(series, d, sr.mean[m][d], sr.q05[m][d], sr.q95[m][d]);
    }
    // Ratio of mean per-capita exposures (reference = the largest group).
    sr.exposure_ratio.assign(static_cast<std::size_t>(ctx.groups), std::vector<double>(days));
    for (std::size_t d = 0; d < days; ++d) {
      std::vector<double> mean(static_cast<std::size_t>(ctx.groups), 0);
      for (std::int64_t g = 0; g < ctx.groups; ++g)
        for (const auto& run : runs) mean[g] += run[s].exposure[g][d];
      for (std::int64_t g = 0; g < ctx.groups; ++g)
        sr.exposure_ratio[g][d] =
            mean[ctx.reference] > 0 ? mean[g] / mean[ctx.reference] : std::nan("");
    }
    for (auto& run : runs) {
      sr.final_values.push_back(run[s].final_values);
      sr.concentration_day.push_back(run[s].concentration_day);
      sr.days_flagged.push_back(std::move(run[s].days_flagged));
    }
    result.scenarios.push_back(std::move(sr));
  }
  return result;
}

}  // namespace scrutineer::feedback
