// Exposure by group with bootstrap intervals over periods (disparity::compute_exposure) on a
// synthetic city-sized grid: 200 x 200 cells, 4 groups, 365 daily periods of 2% coverage.
#include <benchmark/benchmark.h>

#include "scrutineer/core/random.hpp"
#include "scrutineer/disparity/exposure.hpp"

namespace {

using namespace scrutineer::disparity;

struct Setup {
  UnitPopulation pop;
  std::vector<Period> periods;
  std::vector<double> crime;
};

Setup make_setup() {
  Setup s;
  constexpr std::size_t kCells = 200 * 200;
  scrutineer::Rng rng(7);
  s.pop.groups = {"a", "b", "c", "d"};
  s.pop.by_group.assign(4, std::vector<double>(kCells));
  s.pop.total.assign(kCells, 0.0);
  s.crime.resize(kCells);
  for (std::size_t c = 0; c < kCells; ++c) {
    for (std::size_t g = 0; g < 4; ++g) {
      s.pop.by_group[g][c] = rng.uniform(0, 50);
      s.pop.total[c] += s.pop.by_group[g][c];
    }
    s.crime[c] = static_cast<double>(rng.poisson(2.0));
  }
  for (int p = 0; p < 365; ++p) {
    Period period{p * 86400LL, {}};
    for (int k = 0; k < 800; ++k)
      period.units.push_back(static_cast<std::int64_t>(rng.below(kCells)));
    s.periods.push_back(std::move(period));
  }
  return s;
}

void BM_ComputeExposure(benchmark::State& state) {
  static const Setup s = make_setup();
  ExposureOptions options;
  options.bootstrap = static_cast<int>(state.range(0));
  for (auto _ : state) {
    auto r = compute_exposure(s.pop, s.periods, s.crime, {}, options);
    benchmark::DoNotOptimize(r.total_exposure);
  }
}
BENCHMARK(BM_ComputeExposure)->Arg(0)->Arg(1000)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
