// The closed-loop simulator: true crime -> recording (reports + discovery by patrols) -> forecast
// -> patrols -> recording, on a World: the synthetic city or a model fitted to real records (issue
// 6; Ensign et al. 2018, PMLR 81; Lum & Isaac 2016, Significance 13(5)).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "scrutineer/evaluate/policy.hpp"
#include "scrutineer/feedback/world.hpp"
#include "scrutineer/synth/city.hpp"

namespace scrutineer::feedback {

// What keeps the loop from feeding on itself.
enum class Mitigation {
  kNone,
  kReportedOnly,  // train on victim-reported crime only; discovered crime is recorded, not learnt
  kRejection,     // Ensign et al.'s fix, adapted to top-k patrols (see LoopOptions::rejection)
  kExploration,   // a share of the flagged cells drawn at random among the other cells
  kDownweight,    // discovered crime enters training with weight `discovered_weight`
};
std::string_view to_string(Mitigation mitigation);
Mitigation mitigation_from_string(std::string_view name);  // ConfigError when unknown
// Comma-separated list, e.g. "none,reported-only,rejection,exploration,downweight".
std::vector<Mitigation> mitigations_from_string(std::string_view list);

struct LoopOptions {
  std::string model = "prohotspot";  // any registered forecast model
  std::string model_params;          // "k=v,..."
  evaluate::Policy policy{evaluate::PolicyMode::kCount, 0.05, 20, evaluate::TieRule::kRandom, 0};
  std::int64_t days = 365;          // days with the tool deployed
  std::int64_t history_days = 180;  // recorded by reports alone before deployment
  std::int64_t window_days = 180;   // training window (events in [day − window, day))
  std::int64_t refit_every = 1;     // days between forecasts; flags persist in between
  // Recording. A true crime is reported with its area's reporting rate (or
  // `equal_reporting` everywhere when >= 0); a crime that is not reported is discovered with
  // probability q = discovery_base + (discovery − discovery_base) · presence, where presence is
  // the share of the last `presence_days` days (today included) on which its cell was patrolled.
  double equal_reporting = -1;
  double discovery = 0.3;
  double discovery_base = 0.0;
  std::int64_t presence_days = 1;
  std::vector<Mitigation> mitigations{Mitigation::kNone};
  double exploration_share = 0.2;  // kExploration: share of the flagged cells drawn at random
  double discovered_weight = 0.5;  // kDownweight: keep probability of a discovered record
  // Days-to-concentration threshold: first deployed day on which one area holds more than
  // this share of that day's flags.
  double concentration_share = 0.5;
  std::int64_t replicates = 20;
  std::uint64_t seed = 1;
  bool progress = true;
};

void validate(const LoopOptions& options);

// Per-day measures of one replicate (index = deployed day).
enum class Measure {
  kTvdArea,            // ½ Σ_a |patrol share_a − true-crime share_a| over areas (daily flags)
  kTvdGroup,           // the same over groups: exposure share vs share of true crime where g lives
  kGiniCells,          // Gini of cumulative days flagged per valid cell
  kMaxAreaShare,       // largest share of the day's flags in one area
  kTrueHitRate,        // share of the day's true crimes that happen in flagged cells
  kRecordedHitRate,    // share of the day's recorded crimes recorded in flagged cells: above
                       // kTrueHitRate when patrols record more where they are sent
  kRecorded,           // crimes recorded that day
  kDiscovered,         // of which discovered by patrols
  kTrainedDiscovered,  // discovered records that entered the training data that day
  kCount
};
std::string_view to_string(Measure measure);

struct ScenarioResult {
  Mitigation mitigation = Mitigation::kNone;
  // [measure][day]: mean, 5% and 95% quantiles across replicates.
  std::vector<std::vector<double>> mean, q05, q95;
  // [group][day]: mean per-capita exposure of each group divided by the reference group's.
  std::vector<std::vector<double>> exposure_ratio;
  // Per replicate: the measures on the last day, and the day of concentration (-1 = never).
  std::vector<std::vector<double>> final_values;  // [replicate][measure]
  std::vector<std::int64_t> concentration_day;
  // Per replicate, per valid cell (order of grid.valid_cells()): days flagged.
  std::vector<std::vector<std::int32_t>> days_flagged;
};

struct LoopResult {
  std::vector<std::string> areas;    // area names
  std::vector<std::string> groups;   // population groups
  std::int64_t reference_group = 0;  // the largest group
  std::vector<double> true_area_share, true_group_share;
  std::vector<ScenarioResult> scenarios;  // order of options.mitigations
  std::int64_t days = 0, replicates = 0;
  std::vector<std::string> notes;  // the world's caveats (World::notes)
};

// One replicate of one scenario, before the summary across replicates.
struct ReplicateRun {
  std::vector<std::vector<float>> measures;  // [measure][day]
  std::vector<std::vector<float>> exposure;  // [group][day] per-capita exposure
  std::vector<double> final_values;          // the measures on the last day
  std::int64_t concentration_day = -1;
  std::vector<std::int32_t> days_flagged;  // per valid cell
};

// Replicates [first, last) of every scenario, runs[r - first][scenario]: what run_loop summarises.
// Replicate r's streams depend only on the seed and r, so one loop split across processes by
// replicate ranges (`scrutineer sweep`'s [split], docs/sweep.md) gives the same runs.
std::vector<std::vector<ReplicateRun>> run_replicates(const World& world,
                                                      const LoopOptions& options,
                                                      std::int64_t first, std::int64_t last);

// The summary across replicates of runs[r][scenario] (all options.replicates, in order): the end
// of run_loop, and the merge of a split loop.
LoopResult summarise_loop(const World& world, const LoopOptions& options,
                          std::vector<std::vector<ReplicateRun>> runs);

// Runs every mitigation on the same replicates: replicate r simulates the world's true crime afresh
// from Rng(seed, r)-derived streams shared by all scenarios (common random numbers), so the
// scenarios differ only through the loop. TBB over replicates; results do not depend on threads.
// Areas are the world's; a cell's patrols, true crime and residents are split between the areas
// it overlaps by area of intersection (geo::Overlay). ConfigError for bad options or world.
LoopResult run_loop(const World& world, const LoopOptions& options);

// The same on the synthetic city: run_loop(world_from_city(city), options).
LoopResult run_loop(const synth::City& city, const LoopOptions& options);

}  // namespace scrutineer::feedback
