// Forecast models on the workload: Chicago aggravated assaults on the South Side
// (EPSG:2790, 150 m grid), one forecast at 2017-01-01 trained on 2016 (open_cp takes 0.34 s, 22
// s, 1.5 s, and 111 s for sepp), and sepp on city-wide events (2015-2016, ~28,600 events, and
// 2011-2016, 85,529 events).
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <string>

#include "scrutineer/core/random.hpp"
#include "scrutineer/core/time.hpp"
#include "scrutineer/forecast/model.hpp"
#include "scrutineer/forecast/sepp.hpp"
#include "scrutineer/geo/region.hpp"
#include "scrutineer/ingest/ingest.hpp"

namespace {

using namespace scrutineer;

struct Workload {
  EventSet training;
  geo::Grid grid;
  std::int64_t at = 0;
  bool ok = false;
};

const std::string& chicago_dir() {
  static const std::string dir = std::string(SCRUTINEER_SHARED_DATA) + "/chicago/";
  return dir;
}

const EventSet& chicago_events() {
  static const EventSet events = [] {
    ingest::ReadOptions ro;
    ro.format = "generic";
    ro.columns.time = "date";
    ro.columns.lon = "longitude";
    ro.columns.lat = "latitude";
    ro.columns.category = "loc_cat";
    ro.time_zone = "America/Chicago";
    ro.target_crs = "EPSG:2790";
    return ingest::read_events(chicago_dir() + "aggravated_assaults_2010_2019.csv", ro).events;
  }();
  return events;
}

const Workload& workload() {
  static const Workload w = [] {
    Workload out;
    const auto& dir = chicago_dir();
    if (!std::filesystem::exists(dir + "aggravated_assaults_2010_2019.csv")) return out;
    const auto& events = chicago_events();
    const auto region = geo::read_region(dir + "southside_region.geojson", "EPSG:2790");
    out.grid = geo::make_grid(region, 150);
    const TimeZone zone("America/Chicago");
    const auto from = zone.to_utc(*parse_iso_datetime("2016-01-01"));
    out.at = zone.to_utc(*parse_iso_datetime("2017-01-01"));
    auto year = events.slice_time(from, out.at);
    std::vector<bool> keep(year.size());
    for (std::size_t i = 0; i < year.size(); ++i)
      keep[i] = out.grid.is_valid(out.grid.cell_of(year.x[i], year.y[i]));
    out.training = year.filter(keep);
    out.ok = true;
    return out;
  }();
  return w;
}

// City-wide events of 2015 and 2016 on a 150 m grid over their bounding box, every cell valid.
const Workload& citywide() {
  static const Workload w = [] {
    Workload out;
    if (!std::filesystem::exists(chicago_dir() + "aggravated_assaults_2010_2019.csv")) return out;
    const TimeZone zone("America/Chicago");
    out.at = zone.to_utc(*parse_iso_datetime("2017-01-01"));
    out.training =
        chicago_events().slice_time(zone.to_utc(*parse_iso_datetime("2015-01-01")), out.at);
    const auto [x0, x1] = std::minmax_element(out.training.x.begin(), out.training.x.end());
    const auto [y0, y1] = std::minmax_element(out.training.y.begin(), out.training.y.end());
    out.grid.x0 = *x0;
    out.grid.y0 = *y0;
    out.grid.size = 150;
    out.grid.nx = static_cast<std::int32_t>((*x1 - *x0) / 150) + 1;
    out.grid.ny = static_cast<std::int32_t>((*y1 - *y0) / 150) + 1;
    out.grid.valid.assign(static_cast<std::size_t>(out.grid.cells()), 1);
    out.ok = true;
    return out;
  }();
  return w;
}

// Issue 16's large case: city-wide events of six years, 2011-01-01 to 2017-01-01 (85,529 events;
// 2012-2016 alone are 69,609), the same 150 m grid over their bounding box.
const Workload& citywide_six_years() {
  static const Workload w = [] {
    Workload out;
    if (!std::filesystem::exists(chicago_dir() + "aggravated_assaults_2010_2019.csv")) return out;
    const TimeZone zone("America/Chicago");
    out = citywide();
    out.training =
        chicago_events().slice_time(zone.to_utc(*parse_iso_datetime("2011-01-01")), out.at);
    const auto [x0, x1] = std::minmax_element(out.training.x.begin(), out.training.x.end());
    const auto [y0, y1] = std::minmax_element(out.training.y.begin(), out.training.y.end());
    out.grid.x0 = *x0;
    out.grid.y0 = *y0;
    out.grid.nx = static_cast<std::int32_t>((*x1 - *x0) / 150) + 1;
    out.grid.ny = static_cast<std::int32_t>((*y1 - *y0) / 150) + 1;
    out.grid.valid.assign(static_cast<std::size_t>(out.grid.cells()), 1);
    return out;
  }();
  return w;
}

void run_on(benchmark::State& state, const Workload& w, const char* model, const char* params) {
  if (!w.ok) {
    state.SkipWithError("chicago data absent");
    return;
  }
  for (auto _ : state) {
    auto m = forecast::make_model(model, params);
    benchmark::DoNotOptimize(m->forecast(w.training, w.grid, w.at));
  }
  state.counters["events"] = static_cast<double>(w.training.size());
  state.counters["valid_cells"] = static_cast<double>(w.grid.valid_cells().size());
}

void run(benchmark::State& state, const char* model, const char* params) {
  run_on(state, workload(), model, params);
}

void BM_ProHotspot(benchmark::State& s) { run(s, "prohotspot", ""); }
void BM_Kde(benchmark::State& s) {
  run(s, "kde", "time_kernel=exponential,time_scale=10,bandwidth=50");
}
void BM_SeppGrid(benchmark::State& s) { run(s, "sepp-grid", "window=366d"); }
void BM_Retro(benchmark::State& s) { run(s, "retro", ""); }
void BM_Sepp(benchmark::State& s) { run(s, "sepp", "iterations=40"); }
void BM_SeppCitywide(benchmark::State& s) { run_on(s, citywide(), "sepp", "iterations=40"); }
// The 85,529-event fit (40 iterations; the forecast at the cell centres only, so that the figure is
// the fit's): exact sums and kernel_sums=fast. One iteration each (about a minute and half a
// minute on two idle cores): filter them out (--benchmark_filter=-SeppCitywide85k) for a quick run.
void BM_SeppCitywide85k(benchmark::State& s) {
  run_on(s, citywide_six_years(), "sepp", "iterations=40,cell_risk=centre");
}
void BM_SeppCitywide85kFast(benchmark::State& s) {
  run_on(s, citywide_six_years(), "sepp", "iterations=40,cell_risk=centre,kernel_sums=fast");
}
// kernel_sums=fast on examples/open_cp_sepp's settings.
void BM_SeppOpenCpFast(benchmark::State& s) {
  run(s, "sepp", "iterations=40,compat=open_cp,init_time_scale=6.944444444444445,kernel_sums=fast");
}
// Issue 16's profile: the cost per declustering iteration is the slope over `iterations`; the
// forecast's lattice is the difference between cell_risk=lattice (25 points a cell) and centre.
void BM_SeppIterations(benchmark::State& s) {
  const auto params = "iterations=" + std::to_string(s.range(0));
  run(s, "sepp", params.c_str());
}
void BM_SeppCentre(benchmark::State& s) { run(s, "sepp", "iterations=40,cell_risk=centre"); }
// open_cp's conventions and its Chicago case study's initial bandwidth (examples/open_cp_sepp).
void BM_SeppOpenCp(benchmark::State& s) {
  run(s, "sepp", "iterations=40,compat=open_cp,init_time_scale=6.944444444444445");
}
// sepp's two hot loops on their own, on synthetic triggering offsets shaped like the example's
// (delays exponential with mean 5 days, distances normal with sd 150 m, a fifth of them at one
// place and instant, as same-instant pairs at one block give): the k-th neighbour bandwidths (k =
// 15, a k-d tree), and a 3-D kernel sum of those components at as many query points, exact and
// kernel_sums=fast.
std::vector<double> sepp_offsets(std::size_t n) {
  Rng rng(3);
  std::vector<double> z;
  for (std::size_t i = 0; i < n; ++i) {
    if (rng.uniform() < 0.2) {
      z.insert(z.end(), {0.0, 0.0, 0.0});
      continue;
    }
    z.insert(z.end(), {-5 * std::log(1 - rng.uniform()), 150 * rng.normal(), 150 * rng.normal()});
  }
  return z;
}
void BM_SeppKnnBandwidths(benchmark::State& s) {
  const auto z = sepp_offsets(2000);
  for (auto _ : s) benchmark::DoNotOptimize(forecast::knn_bandwidths(3, z, 15, {0.1, 50, 50}));
}
void BM_SeppKernelSum(benchmark::State& s) {
  const auto z = sepp_offsets(2000);
  const auto sd = forecast::knn_bandwidths(3, z, 15, {0.1, 50, 50});
  const forecast::KernelSum g(3, z, sd, 0.3, 5, s.range(0) == 1);
  for (auto _ : s) {
    double sum = 0;
    for (std::size_t i = 0; i + 3 <= z.size(); i += 3) {
      const double q[3] = {z[i] + 0.5, z[i + 1] + 20, z[i + 2] - 20};
      sum += g(q);
    }
    benchmark::DoNotOptimize(sum);
  }
}
BENCHMARK(BM_ProHotspot)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Kde)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_SeppGrid)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Retro)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Sepp)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_SeppCitywide)->Unit(benchmark::kMillisecond)->Iterations(1);
BENCHMARK(BM_SeppIterations)->Arg(10)->Arg(20)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_SeppCentre)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_SeppOpenCp)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_SeppOpenCpFast)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_SeppKnnBandwidths)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_SeppKernelSum)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond);  // exact, fast
BENCHMARK(BM_SeppCitywide85k)->Unit(benchmark::kMillisecond)->Iterations(1);
BENCHMARK(BM_SeppCitywide85kFast)->Unit(benchmark::kMillisecond)->Iterations(1);

}  // namespace

BENCHMARK_MAIN();
