// Simulated cell-days per second of the closed feedback loop (issue 6) on the default synthetic
// city (2,500 cells of 100 m), with prohotspot and sepp-grid refitted daily in the loop, on the
// city and on a World fitted to the city's recorded crime (sepp-grid, Mohler et al. 2015).
// study_s extrapolates to 1,000 replicates x 365 days x 2,500 cells at the measured rate.
#include <benchmark/benchmark.h>

#include "scrutineer/core/random.hpp"
#include "scrutineer/feedback/loop.hpp"
#include "scrutineer/feedback/urn.hpp"
#include "scrutineer/feedback/world.hpp"
#include "scrutineer/forecast/sepp_grid.hpp"

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
// The opt-in modes (issue 16): fast arithmetic, and with SQUAREM as well (docs/forecast.md).
void BM_FittedLoopSeppGridFast(benchmark::State& state) {
  run(state, "sepp-grid", "window=60d,warm_start=true,arithmetic=fast", true);
}
void BM_FittedLoopSeppGridFastSquarem(benchmark::State& state) {
  run(state, "sepp-grid", "window=60d,warm_start=true,arithmetic=fast,accelerate=squarem", true);
}

// The loop's hot spot alone (issue 16): EM iterations of sepp-grid (Mohler et al. 2015) on one
// 60-day window of the city's true crime thinned by its reporting rates, about what a daily refit
// of the fitted-world loop sees (most cells empty or with one event). The tolerances never pass, so
// each fit runs exactly 40 iterations from the city's theta and omega; iteration_ns is the time of
// one iteration. Argument 0: arithmetic=exact, 1: arithmetic=fast.
void BM_SeppGridLoopWindow(benchmark::State& state) {
  const auto world = feedback::world_from_city(city());
  const auto reporting = feedback::cell_reporting(world);
  Rng rng(16);
  std::vector<std::vector<double>> cells(world.mu.size());
  std::size_t events = 0;
  for (auto c : world.grid.valid_cells()) {
    const auto process =
        synth::simulate_cell(world.mu[c], world.theta, world.omega, 60.0, world.burn_in_days, rng);
    for (double t : process.t)
      if (rng.uniform() < reporting[c]) cells[static_cast<std::size_t>(c)].push_back(t);
    events += cells[static_cast<std::size_t>(c)].size();
  }
  forecast::SeppGridOptions o;
  o.tol_theta = o.tol_omega = o.tol_mu = -1;
  o.max_iterations = 40;
  o.log_likelihood = false;
  o.theta0 = world.theta;
  o.omega0 = world.omega;
  if (state.range(0) == 1) o.arithmetic = forecast::SeppGridArithmetic::kFast;
  for (auto _ : state) benchmark::DoNotOptimize(forecast::fit_sepp_grid(cells, 60.0, o));
  state.counters["events"] = static_cast<double>(events);
  state.counters["iteration_ns"] =
      benchmark::Counter(static_cast<double>(state.iterations()) * o.max_iterations * 1e-9,
                         benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
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
BENCHMARK(BM_FittedLoopSeppGridFast)->Arg(30)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_FittedLoopSeppGridFastSquarem)->Arg(30)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_SeppGridLoopWindow)->Arg(0)->Arg(1)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_Urn)->Arg(1000)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK_MAIN();
