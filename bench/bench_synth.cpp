// Synthetic city generation (branching simulation of Mohler et al. 2015 per cell) and its writer.
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <filesystem>

#include "scrutineer/core/parallel.hpp"
#include "scrutineer/synth/city.hpp"

namespace {

using scrutineer::synth::CityOptions;

// The default 2,500-cell city over range(0) days, with range(1) threads.
void BM_GenerateCity(benchmark::State& state) {
  scrutineer::ThreadLimit limit(static_cast<int>(state.range(1)));
  CityOptions options;
  options.days = static_cast<std::int32_t>(state.range(0));
  std::size_t events = 0;
  for (auto _ : state) {
    const auto city = scrutineer::synth::generate_city(options);
    events = city.truth.size();
    benchmark::DoNotOptimize(events);
  }
  state.counters["true_events"] = static_cast<double>(events);
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(events));
}
BENCHMARK(BM_GenerateCity)
    ->Args({365, 1})
    ->Args({365, 2})
    ->Args({730, 1})
    ->Unit(benchmark::kMillisecond);

// Writing the five files of a one-year city.
void BM_WriteCity(benchmark::State& state) {
  CityOptions options;
  options.days = 365;
  const auto city = scrutineer::synth::generate_city(options);
  const auto folder = std::filesystem::temp_directory_path() /
                      ("scrutineer_bench_synth_" + std::to_string(::getpid()));
  for (auto _ : state) scrutineer::synth::write_city(city, folder);
  std::filesystem::remove_all(folder);
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(city.truth.size()));
}
BENCHMARK(BM_WriteCity)->Unit(benchmark::kMillisecond);

// One cell's process over a year at a hotspot-like rate.
void BM_SimulateCell(benchmark::State& state) {
  scrutineer::Rng rng(1);
  for (auto _ : state) {
    auto p = scrutineer::synth::simulate_cell(0.2, 0.5, 0.2, 365, 60, rng);
    benchmark::DoNotOptimize(p.t.data());
  }
}
BENCHMARK(BM_SimulateCell);

}  // namespace

BENCHMARK_MAIN();
