// The clip of issue 16's start-up: geo::inside_region of the 148,636 Chicago aggravated assaults
// (projected to EPSG:2790) against the South Side region (23,925 inside), by the classification
// grid (the default) and point by point (the path before it), on all the events or a few of them.
#include <benchmark/benchmark.h>
#include <sys/resource.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <memory>
#include <string>

#include "scrutineer/core/parallel.hpp"
#include "scrutineer/geo/region.hpp"
#include "scrutineer/ingest/ingest.hpp"

namespace {

using namespace scrutineer;

struct Workload {
  geo::Region region;
  std::vector<double> x, y;
};

// Loaded once: reading and projecting is not part of the clip being measured.
const Workload* chicago() {
  static std::unique_ptr<Workload> w = []() -> std::unique_ptr<Workload> {
    const std::string dir = std::string(SCRUTINEER_SHARED_DATA) + "/chicago/";
    if (!std::filesystem::exists(dir + "aggravated_assaults_2010_2019.csv")) return nullptr;
    ingest::ReadOptions read;
    read.columns.time = "date";
    read.columns.lon = "longitude";
    read.columns.lat = "latitude";
    read.time_zone = "America/Chicago";
    read.target_crs = "EPSG:2790";
    auto input = ingest::read_events(dir + "aggravated_assaults_2010_2019.csv", read);
    auto out = std::make_unique<Workload>();
    out->region = geo::read_region(dir + "southside_region.geojson", "EPSG:2790");
    out->x = std::move(input.events.x);
    out->y = std::move(input.events.y);
    return out;
  }();
  return w.get();
}

// Every k-th event, so that a few points still spread over the city.
void subset(const Workload& w, std::int64_t points, std::vector<double>& x,
            std::vector<double>& y) {
  const std::size_t n = w.x.size(), want = static_cast<std::size_t>(points);
  const std::size_t stride = want >= n ? 1 : n / want;
  for (std::size_t i = 0; i < n && x.size() < want; i += stride) {
    x.push_back(w.x[i]);
    y.push_back(w.y[i]);
  }
}

// User + system CPU of the whole process (every thread), in milliseconds.
double process_cpu_ms() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  const auto ms = [](const timeval& t) { return t.tv_sec * 1e3 + t.tv_usec / 1e3; };
  return ms(u.ru_utime) + ms(u.ru_stime);
}

// The least of the repetitions: on a shared machine the mean and median carry other work.
double least(const std::vector<double>& v) { return *std::min_element(v.begin(), v.end()); }

using Clip = std::vector<std::uint8_t> (*)(const geo::Region&, const std::vector<double>&,
                                           const std::vector<double>&);

void BM_InsideRegion(benchmark::State& state, Clip clip) {
  const Workload* w = chicago();
  if (!w) return state.SkipWithError("../shared/data/chicago absent");
  std::vector<double> x, y;
  subset(*w, state.range(0) == 0 ? static_cast<std::int64_t>(w->x.size()) : state.range(0), x, y);
  ThreadLimit limit(static_cast<int>(state.range(1)));
  std::int64_t inside = 0;
  const double cpu_before = process_cpu_ms();
  for (auto _ : state) {
    const auto in = clip(w->region, x, y);
    inside = 0;
    for (const auto v : in) inside += v;
  }
  state.counters["cpu_ms_all_threads"] =
      (process_cpu_ms() - cpu_before) / static_cast<double>(state.iterations());
  state.counters["inside"] = static_cast<double>(inside);
  state.counters["points_per_s"] = benchmark::Counter(
      static_cast<double>(x.size()), benchmark::Counter::kIsIterationInvariantRate);
}

// The grid of cells alone, nx x ny set by arg 0 (cells along x), all the events.
void BM_InsideRegionCells(benchmark::State& state) {
  const Workload* w = chicago();
  if (!w) return state.SkipWithError("../shared/data/chicago absent");
  const auto& b = w->region.bbox;
  const auto nx = state.range(0);
  const auto ny = static_cast<std::int64_t>(
      std::ceil(static_cast<double>(nx) * (b.ymax - b.ymin) / (b.xmax - b.xmin)));
  const auto grid = geo::detail::clip_grid(w->region, nx, ny);
  ThreadLimit limit(static_cast<int>(state.range(1)));
  for (auto _ : state)
    benchmark::DoNotOptimize(geo::detail::inside_region_by_cells(w->region, grid, w->x, w->y));
  state.counters["cells"] = static_cast<double>(nx * ny);
}

// Args: points (0 = all 148,636; else every k-th event, about a quarter of them in the bounding
// box), threads. 2,000 points (about 540 in the box): the per-point test, too few for the grid.
BENCHMARK_CAPTURE(BM_InsideRegion, cells, geo::inside_region)
    ->Args({0, 1})
    ->Args({0, 2})
    ->Args({12000, 2})
    ->Args({8000, 2})
    ->Args({2000, 2})
    ->Unit(benchmark::kMillisecond)
    ->ComputeStatistics("min", least)
    ->UseRealTime();
BENCHMARK_CAPTURE(BM_InsideRegion, per_point, geo::detail::inside_region_per_point)
    ->Args({0, 1})
    ->Args({0, 2})
    ->Args({12000, 2})
    ->Args({8000, 2})
    ->Args({2000, 2})
    ->Unit(benchmark::kMillisecond)
    ->ComputeStatistics("min", least)
    ->UseRealTime();
// Args: cells along x (the default grid has about 130 on this workload), threads.
BENCHMARK(BM_InsideRegionCells)
    ->Args({32, 1})
    ->Args({64, 1})
    ->Args({128, 1})
    ->Args({256, 1})
    ->Args({512, 1})
    ->Unit(benchmark::kMillisecond)
    ->ComputeStatistics("min", least)
    ->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
