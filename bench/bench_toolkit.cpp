// The analyst's toolkit hot loops (issue 13): the grid SEPP EM with the exact and the as-coded
// (Lum & Isaac's predpol.py) E-step, Getis-Ord Gi* on a large grid, and the backtest's ROC AUC.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cmath>

#include "scrutineer/core/random.hpp"
#include "scrutineer/evaluate/auc.hpp"
#include "scrutineer/forecast/gistar.hpp"
#include "scrutineer/forecast/lum_isaac.hpp"
#include "scrutineer/forecast/sepp_grid.hpp"

namespace {

using namespace scrutineer;

// 661 bins (Oakland's) with whole-day event times over a 180-day window, 0 to ~60 events each:
// about Lum & Isaac's busiest windows (7,000+ records).
const std::vector<std::vector<double>>& bins() {
  static const auto data = [] {
    Rng rng(3);
    std::vector<std::vector<double>> out(661);
    for (auto& cell : out) {
      const int n = static_cast<int>(std::floor(std::pow(rng.uniform(), 3) * 60));
      for (int k = 0; k < n; ++k) cell.push_back(std::floor(rng.uniform(0, 180)));
      std::sort(cell.begin(), cell.end());
    }
    return out;
  }();
  return data;
}

void fit(benchmark::State& state, forecast::SeppGridEStep e_step) {
  auto o = forecast::lum_isaac_em_options();
  o.e_step = e_step;
  o.stop = forecast::SeppGridStop::kAll;  // a fixed amount of work: every test must pass
  o.max_iterations = 50;
  for (auto _ : state) benchmark::DoNotOptimize(forecast::fit_sepp_grid(bins(), 180, o));
}

void BM_SeppGridExact(benchmark::State& state) { fit(state, forecast::SeppGridEStep::kExact); }
void BM_SeppGridAsCoded(benchmark::State& state) { fit(state, forecast::SeppGridEStep::kAsCoded); }

geo::Grid square(std::int32_t side) {
  geo::Grid g;
  g.size = 150;
  g.nx = g.ny = side;
  g.valid.assign(static_cast<std::size_t>(side) * side, 1);
  return g;
}

// Gi* on a side x side grid of random counts, neighbourhood distance d = state.range(1).
void BM_GiStar(benchmark::State& state) {
  const auto g = square(static_cast<std::int32_t>(state.range(0)));
  Rng rng(9);
  std::vector<double> counts(static_cast<std::size_t>(g.cells()));
  for (auto& c : counts) c = std::floor(std::pow(rng.uniform(), 4) * 10);
  forecast::GiStarOptions o;
  o.distance = static_cast<int>(state.range(1));
  for (auto _ : state) benchmark::DoNotOptimize(forecast::getis_ord_gistar(counts, g, o));
  state.SetItemsProcessed(state.iterations() * g.cells());
}

// AUC of a random surface against ~5% event cells on a side x side grid.
void BM_Auc(benchmark::State& state) {
  const auto g = square(static_cast<std::int32_t>(state.range(0)));
  Rng rng(4);
  std::vector<double> risk(static_cast<std::size_t>(g.cells()));
  std::vector<std::int32_t> counts(risk.size());
  for (std::size_t c = 0; c < risk.size(); ++c) {
    risk[c] = std::floor(rng.uniform(0, 50));  // many ties
    counts[c] = rng.uniform() < 0.05 ? 1 : 0;
  }
  for (auto _ : state) benchmark::DoNotOptimize(evaluate::mann_whitney_auc(risk, counts, g));
  state.SetItemsProcessed(state.iterations() * g.cells());
}

}  // namespace

BENCHMARK(BM_SeppGridExact)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_SeppGridAsCoded)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_GiStar)->Args({50, 1})->Args({250, 1})->Args({250, 5})->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Auc)->Arg(50)->Arg(250)->Unit(benchmark::kMillisecond);

BENCHMARK_MAIN();
