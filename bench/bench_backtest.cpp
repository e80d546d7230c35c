// Benchmarks of the open_cp scripted backtest (Chicago South Side, 92 daily forecasts, coverages
// 1%..100%) per model; open_cp takes 60 s (naive), 30 s (retro) and 19 s (prohotspot).
#include <benchmark/benchmark.h>

#include <filesystem>
#include <memory>
#include <string>

#include "scrutineer/core/time.hpp"
#include "scrutineer/evaluate/backtest.hpp"
#include "scrutineer/geo/region.hpp"
#include "scrutineer/ingest/ingest.hpp"

namespace {

using namespace scrutineer;

struct Study {
  EventSet events;
  geo::Grid grid;
};

// Loaded once: reading and projecting is not part of the backtest being measured.
const Study* study() {
  static std::unique_ptr<Study> s = [] {
    const std::string dir = std::string(SCRUTINEER_SHARED_DATA) + "/chicago/";
    if (!std::filesystem::exists(dir + "aggravated_assaults_2010_2019.csv"))
      return std::unique_ptr<Study>();
    ingest::ReadOptions read;
    read.columns.time = "date";
    read.columns.lon = "longitude";
    read.columns.lat = "latitude";
    read.time_zone = "America/Chicago";
    read.target_crs = "EPSG:2790";
    auto input = ingest::read_events(dir + "aggravated_assaults_2010_2019.csv", read);
    const auto region = geo::read_region(dir + "southside_region.geojson", "EPSG:2790");
    auto out = std::make_unique<Study>();
    out->grid = geo::make_grid(region, 150, 0, 0);
    const auto inside = geo::inside_region(region, input.events.x, input.events.y);
    out->events = input.events.filter(std::vector<bool>(inside.begin(), inside.end()));
    return out;
  }();
  return s.get();
}

void open_cp_backtest(benchmark::State& state, const std::string& model) {
  const Study* s = study();
  if (!s) {
    state.SkipWithError("../shared/data/chicago absent");
    return;
  }
  const TimeZone zone("America/Chicago");
  evaluate::BacktestOptions o;
  o.models = {{model, "", model, false}};
  o.add_baselines = false;
  o.first = zone.to_utc(*parse_iso_datetime("2016-10-01"));
  o.stop = zone.to_utc(*parse_iso_datetime("2017-01-01"));
  o.train_start = zone.to_utc(*parse_iso_datetime("2016-01-01"));
  for (int p = 1; p <= 100; ++p) o.coverages.push_back(p / 100.0);
  o.tie_rule = evaluate::TieRule::kOpenCp;
  o.operating_point.tie_rule = evaluate::TieRule::kOpenCp;
  o.bootstrap.replicates = 1;  // the model runs and the scoring, not the intervals
  o.progress = false;
  for (auto _ : state) benchmark::DoNotOptimize(evaluate::run_backtest(s->events, s->grid, o));
  state.SetItemsProcessed(state.iterations() * 92);
}

void BM_OpenCpBacktestNaive(benchmark::State& state) { open_cp_backtest(state, "naive"); }
void BM_OpenCpBacktestRetro(benchmark::State& state) { open_cp_backtest(state, "retro"); }
void BM_OpenCpBacktestProhotspot(benchmark::State& state) { open_cp_backtest(state, "prohotspot"); }

BENCHMARK(BM_OpenCpBacktestNaive)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_OpenCpBacktestRetro)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_OpenCpBacktestProhotspot)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
