// Simulated cell-days per second of the closed feedback loop (issue 6) on the default synthetic
// city (2,500 cells of 100 m), with prohotspot and sepp-grid refitted daily in the loop, on the
// city and on a World fitted to the city's recorded crime (sepp-grid, Mohler et al. 2015).
// study_s extrapolates to 1,000 replicates x 365 days x 2,500 cells at the measured rate.
#include <benchmark/benchmark.h>

#include "scrutineer/feedback/loop.hpp"
#include "scrutineer/feedback/urn.hpp"
#include "scrutineer/feedback/world.hpp"

namespace {

using namespace scrutineer;

const synth::City& city() {
  static const synth::City c = [] {
    synth::CityOptions o;
    o.days = 10;  // the loop simulates its own truth; the city gives layout and rates
    return synth::generate_city(o);
  }();
  return c;
}

// The city's recorded crime fitted back (truth from a model fitted to data), with the city's
// reporting rates by neighbourhood, on the same grid and neighbourhoods.
const feedback::World& fitted() {
  static const feedback::World w = [] {
    const auto& c = city();
    const auto base = feedback::world_from_city(c);
    std::vector<io::MultiPolygon> squares;
    study::GroupCounts counts;
    counts.names = c.groups;
    counts.by_group = base.population;
    counts.total = base.total;
    for (const auto& n : c.neighbourhoods)
      squares.push_back({io::Polygon{
          {io::Ring{{n.x0, n.x1, n.x1, n.x0, n.x0}, {n.y0, n.y0, n.y1, n.y1, n.y0}}}}});
    return feedback::fit_world(c.recorded, c.grid, geo::make_areas(squares, c.grid.crs), counts,
                               base.reporting, feedback::FitWorldOptions().em);
  }();
  return w;
}

void run(benchmark::State& state, const std::string& model, const std::string& params,
         bool fitted_world = false) {
  feedback::LoopOptions o;
  o.model = model;
  o.model_params = params;
  o.days = state.range(0);
  o.history_days = 60;
  o.window_days = 60;
  o.replicates = 2;
  o.progress = false;
  const auto world = fitted_world ? fitted() : feedback::world_from_city(city());
  for (auto _ : state) benchmark::DoNotOptimize(feedback::run_loop(world, o));
  const double cell_days = static_cast<double>(o.replicates * (o.days + o.history_days)) *
                           static_cast<double>(world.grid.cells());
  state.counters["cell_days_per_s"] = benchmark::Counter(
      cell_days * static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
  // Seconds for 1,000 replicates x 365 days x 2,500 cells at this rate (history days included in
  // the rate, not in the study: a lower bound on a study with history).
  constexpr double kStudy = 1000.0 * 365.0 * 2500.0;
  state.counters["study_s"] =
      benchmark::Counter(cell_days * static_cast<double>(state.iterations()) / kStudy,
                         benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}

void BM_LoopProhotspot(benchmark::State& state) { run(state, "prohotspot", ""); }
void BM_LoopSeppGrid(benchmark::State& state) {
  run(state, "sepp-grid", "window=60d,warm_start=true");
}
void BM_LoopNaive(benchmark::State& state) { run(state, "naive", ""); }
void BM_FittedLoopProhotspot(benchmark::State& state) { run(state, "prohotspot", "", true); }
void BM_FittedLoopSeppGrid(benchmark::State& state) {
  run(state, "sepp-grid", "window=60d,warm_start=true", true);
}

void BM_Urn(benchmark::State& state) {
  feedback::UrnOptions o;
  o.prior = {609, 379};
  o.discovery_rate = {0.3, 0.3};
  o.report_rate = {0.1, 0.1};
  o.days = 1000;
  o.replicates = state.range(0);
  o.record_every = 10;
  o.progress = false;
  for (auto _ : state) benchmark::DoNotOptimize(feedback::run_urn(o));
  state.counters["draws_per_s"] = benchmark::Counter(
      static_cast<double>(o.days * o.replicates) * static_cast<double>(state.iterations()),
      benchmark::Counter::kIsRate);
}

}  // namespace

BENCHMARK(BM_LoopNaive)->Arg(30)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_LoopProhotspot)->Arg(30)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_LoopSeppGrid)->Arg(30)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_FittedLoopProhotspot)->Arg(30)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_FittedLoopSeppGrid)->Arg(30)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_Urn)->Arg(1000)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK_MAIN();
