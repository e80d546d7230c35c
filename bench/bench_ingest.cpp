// Ingest speed: parse + validate + local time to UTC + PROJ projection of a generated Chicago
// portal export (Case Number, Date, Block, Primary Type, Latitude, Longitude), in rows/s and
// bytes/s; and the start-up of the open_cp workload (issue 16): read, validate and project the
// Chicago file, clip it to the South Side region and build the 150 m grid.
#include <benchmark/benchmark.h>
#include <fmt/format.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include "scrutineer/core/random.hpp"
#include "scrutineer/ingest/ingest.hpp"
#include "scrutineer/study/study.hpp"

namespace {

// Writes `rows` seeded random rows once per process; the file is removed at exit.
const std::string& chicago_file(std::int64_t rows) {
  static std::string path;
  static std::int64_t made = 0;
  if (made == rows) return path;
  path = (std::filesystem::temp_directory_path() /
          fmt::format("scrutineer_bench_chicago_{}.csv", rows))
             .string();
  static const std::array<const char*, 8> kTypes{
      "BATTERY", "THEFT",    "CRIMINAL DAMAGE",     "NARCOTICS",
      "ASSAULT", "BURGLARY", "MOTOR VEHICLE THEFT", "OTHER OFFENSE"};
  scrutineer::Rng rng(20240601);
  std::ofstream out(path, std::ios::binary);
  out << "Case Number,Date,Block,Primary Type,Latitude,Longitude\n";
  std::string line;
  for (std::int64_t i = 0; i < rows; ++i) {
    const unsigned month = 1 + static_cast<unsigned>(rng.below(12));
    const unsigned day = 1 + static_cast<unsigned>(rng.below(28));
    const unsigned hour = 1 + static_cast<unsigned>(rng.below(12));
    const unsigned minute = static_cast<unsigned>(rng.below(60));
    line = fmt::format(
        "HZ{:06},{:02}/{:02}/2016 {:02}:{:02}:00 {},0{}XX S COTTAGE GROVE AVE,{},"
        "{:.9f},{:.9f}\n",
        i, month, day, hour, minute, rng.bernoulli(0.5) ? "AM" : "PM", rng.below(100),
        kTypes[rng.below(kTypes.size())], rng.uniform(41.64, 42.02), rng.uniform(-87.94, -87.52));
    out << line;
  }
  made = rows;
  std::atexit([] { std::filesystem::remove(path); });
  return path;
}

// Arg 0: rows; arg 1: 1 = parallel chunks (the default), 0 = one chunk (the serial read).
void BM_IngestChicagoPortal(benchmark::State& state) {
  const auto& path = chicago_file(state.range(0));
  const auto bytes = static_cast<double>(std::filesystem::file_size(path));
  scrutineer::ingest::ReadOptions options;
  options.target_crs = "EPSG:2790";
  if (state.range(1) == 0) options.chunk_bytes = std::size_t(1) << 40;
  std::int64_t kept = 0;
  for (auto _ : state) {
    auto result = scrutineer::ingest::read_events(path, options);
    kept = result.report.rows_kept;
    benchmark::DoNotOptimize(result.events.x.data());
  }
  state.counters["rows_per_s"] = benchmark::Counter(static_cast<double>(state.range(0)),
                                                    benchmark::Counter::kIsIterationInvariantRate);
  state.counters["MB_per_s"] =
      benchmark::Counter(bytes / 1e6, benchmark::Counter::kIsIterationInvariantRate);
  state.counters["rows_kept"] = static_cast<double>(kept);
}
BENCHMARK(BM_IngestChicagoPortal)
    ->Args({2'000'000, 1})
    ->Args({2'000'000, 0})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

// The open_cp workload's file: 148,636 Chicago aggravated assaults (generic mapping, EPSG:2790).
void BM_IngestChicagoAssaults(benchmark::State& state) {
  const std::string path =
      std::string(SCRUTINEER_SHARED_DATA) + "/chicago/aggravated_assaults_2010_2019.csv";
  if (!std::filesystem::exists(path)) {
    state.SkipWithError("shared data absent");
    return;
  }
  scrutineer::ingest::ReadOptions options;
  options.columns.time = "date";
  options.columns.lon = "longitude";
  options.columns.lat = "latitude";
  options.time_zone = "America/Chicago";
  options.target_crs = "EPSG:2790";
  std::int64_t rows = 0;
  for (auto _ : state) {
    auto result = scrutineer::ingest::read_events(path, options);
    rows = result.report.rows_read;
    benchmark::DoNotOptimize(result.events.x.data());
  }
  state.counters["rows_per_s"] =
      benchmark::Counter(static_cast<double>(rows), benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(BM_IngestChicagoAssaults)->Unit(benchmark::kMillisecond)->UseRealTime();

// Issue 16's start-up: read, validate and project the 148,636 rows of the open_cp workload's file,
// clip them to the South Side region and build the 150 m grid (study::build_study, as `scrutineer
// backtest` and the recipe call it). In one process PROJ's search for the operation (tens of
// milliseconds, docs/ingest.md) is made once and kept, so the iterations after the first measure
// the start-up without it; scripts/bench's "backtest 1 day naive" measures the whole process.
void BM_StudyStartupChicago(benchmark::State& state) {
  const std::string data = std::string(SCRUTINEER_SHARED_DATA) + "/chicago";
  scrutineer::study::StudyOptions options;
  options.events = data + "/aggravated_assaults_2010_2019.csv";
  options.region = data + "/southside_region.geojson";
  if (!std::filesystem::exists(options.events) || !std::filesystem::exists(options.region)) {
    state.SkipWithError("shared data absent");
    return;
  }
  options.read.columns.time = "date";
  options.read.columns.lon = "longitude";
  options.read.columns.lat = "latitude";
  options.read.time_zone = "America/Chicago";
  options.read.target_crs = "EPSG:2790";
  options.cell_size = 150;
  options.progress = false;
  std::int64_t rows = 0, inside = 0;
  for (auto _ : state) {
    const auto study = scrutineer::study::build_study(options);
    rows = study.counts.rows_read;
    inside = study.counts.inside;
    benchmark::DoNotOptimize(study.grid.valid.data());
  }
  state.counters["events_inside"] = static_cast<double>(inside);
  state.counters["rows_per_s"] =
      benchmark::Counter(static_cast<double>(rows), benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(BM_StudyStartupChicago)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_TimeParserPortal(benchmark::State& state) {
  const scrutineer::ingest::TimeParser parser("%m/%d/%Y %I:%M:%S %p");
  std::int64_t t = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(parser.parse("04/27/2016 01:44:00 PM", t));
    benchmark::DoNotOptimize(t);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_TimeParserPortal);

}  // namespace

BENCHMARK_MAIN();
