// Stops and searches (stops/): reading the Met's September 2022 records (12,447 rows, ../shared/
// data/stop-search), the veil of darkness on them (two NOAA solar events per stop in the window
// and a year of dusks for the window), and the exact rate-ratio interval at their counts.
#include <benchmark/benchmark.h>

#include <filesystem>

#include "scrutineer/stops/analysis.hpp"
#include "scrutineer/stops/records.hpp"
#include "scrutineer/stops/stats.hpp"

namespace {

const std::string kMet =
    std::string(SCRUTINEER_SHARED_DATA) + "/stop-search/2022-09-metropolitan-stop-and-search.csv";

void BM_ReadStops(benchmark::State& state) {
  if (!std::filesystem::exists(kMet)) {
    state.SkipWithError("stop-search data absent");
    return;
  }
  for (auto _ : state) {
    const auto r = scrutineer::stops::read_stops({kMet}, {});
    benchmark::DoNotOptimize(r.stops.size());
  }
}
BENCHMARK(BM_ReadStops)->Unit(benchmark::kMillisecond);

void BM_VeilOfDarkness(benchmark::State& state) {
  if (!std::filesystem::exists(kMet)) {
    state.SkipWithError("stop-search data absent");
    return;
  }
  const auto r = scrutineer::stops::read_stops({kMet}, {});
  for (auto _ : state) {
    const auto v = scrutineer::stops::veil_of_darkness(r, "White", 0.95, "Europe/London");
    benchmark::DoNotOptimize(v.light);
  }
}
BENCHMARK(BM_VeilOfDarkness)->Unit(benchmark::kMillisecond);

void BM_RateRatioInterval(benchmark::State& state) {
  for (auto _ : state) {
    const auto i = scrutineer::stops::rate_ratio_interval(4585, 1397932, 5047, 4680557, 0.95);
    benchmark::DoNotOptimize(i.low);
  }
}
BENCHMARK(BM_RateRatioInterval)->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
