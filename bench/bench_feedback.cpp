// Simulated cell-days per second of the closed feedback loop (issue 6) on the default synthetic
// city (2,500 cells of 100 m), with prohotspot and sepp-grid refitted daily in the loop.
#include <benchmark/benchmark.h>

#include "scrutineer/feedback/loop.hpp"
#include "scrutineer/feedback/urn.hpp"

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

void run(benchmark::State& state, const std::string& model, const std::string& params) {
  feedback::LoopOptions o;
  o.model = model;
  o.model_params = params;
  o.days = state.range(0);
  o.history_days = 60;
  o.window_days = 60;
  o.replicates = 2;
  o.progress = false;
  for (auto _ : state) benchmark::DoNotOptimize(feedback::run_loop(city(), o));
  const double cell_days = static_cast<double>(o.replicates * (o.days + o.history_days)) *
                           static_cast<double>(city().grid.cells());
  state.counters["cell_days_per_s"] = benchmark::Counter(
      cell_days * static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}

void BM_LoopProhotspot(benchmark::State& state) { run(state, "prohotspot", ""); }
void BM_LoopSeppGrid(benchmark::State& state) {
  run(state, "sepp-grid", "window=60d,warm_start=true");
}
void BM_LoopNaive(benchmark::State& state) { run(state, "naive", ""); }

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
BENCHMARK(BM_Urn)->Arg(1000)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK_MAIN();
