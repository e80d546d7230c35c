// Space-time scans (issue 13): open_cp's prospective scan as the stscan model finds its clusters
// (one forecast of the open_cp backtest's size), and Kulldorff's permutation scan with Monte Carlo
// replications.
#include <benchmark/benchmark.h>

#include <cmath>

#include "scrutineer/core/random.hpp"
#include "scrutineer/forecast/stscan.hpp"
#include "scrutineer/scan/scan.hpp"

namespace {

using namespace scrutineer;

// n events over a 12 km x 15 km area (the South Side's), a third of them in 30 hot spots of
// 300 m, ages uniform over 300 days: about one day of the open_cp backtest (1,700-2,300 events).
void BM_StScanModelClusters(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  Rng rng(11);
  std::vector<double> hx(30), hy(30);
  for (std::size_t k = 0; k < 30; ++k) {
    hx[k] = rng.uniform(0, 12000);
    hy[k] = rng.uniform(0, 15000);
  }
  std::vector<double> x(n), y(n);
  std::vector<std::int64_t> age(n);
  for (std::size_t i = 0; i < n; ++i) {
    if (i % 3 == 0) {
      const auto k = rng.below(30);
      x[i] = hx[k] + rng.normal() * 300;
      y[i] = hy[k] + rng.normal() * 300;
    } else {
      x[i] = rng.uniform(0, 12000);
      y[i] = rng.uniform(0, 15000);
    }
    age[i] = static_cast<std::int64_t>(rng.uniform(0, 300 * 86400.0));
  }
  forecast::StScanOptions o;
  o.radius = 500;
  o.window = 21 * 86400;
  for (auto _ : state) benchmark::DoNotOptimize(forecast::stscan_clusters(x, y, age, o));
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(n));
}

// The permutation scan: n cases on a 40 x 40 lattice of 100 m over 90 days, radius 300 m, windows
// up to 14 days, 99 replications.
void BM_SpaceTimeScan(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  Rng rng(5);
  scan::ScanInput in;
  for (std::size_t i = 0; i < n; ++i) {
    in.x.push_back(100.0 * static_cast<double>(rng.below(40)));
    in.y.push_back(100.0 * static_cast<double>(rng.below(40)));
    in.day.push_back(static_cast<std::int64_t>(rng.below(90)));
  }
  scan::ScanOptions o;
  o.max_radius = 300;
  o.max_days = 14;
  o.replications = 99;
  for (auto _ : state) benchmark::DoNotOptimize(scan::space_time_scan(in, o));
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(n));
}

}  // namespace

BENCHMARK(BM_StScanModelClusters)->Arg(2000)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_SpaceTimeScan)->Arg(2000)->Unit(benchmark::kMillisecond);
BENCHMARK_MAIN();
