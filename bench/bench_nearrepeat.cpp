// The Knox test (nearrepeat::knox) on Chicago residential burglary (../shared/data/
// chicago-burglary-nearrepeat): 2014 with 99 permutations (the Python NearRepeat package's
// benchmark: ~6.3 s here) and all 45,319 events of 2014-2017 with 999 permutations.
#include <benchmark/benchmark.h>

#include <filesystem>

#include "scrutineer/core/parallel.hpp"
#include "scrutineer/ingest/ingest.hpp"
#include "scrutineer/nearrepeat/knox.hpp"

namespace {

struct Data {
  std::vector<double> x, y, t;
  bool ok = false;
};

// Events from `year` (0 = all), times in days.
Data load(int year) {
  Data d;
  const std::string path = std::string(SCRUTINEER_SHARED_DATA) +
                           "/chicago-burglary-nearrepeat/chicago_burglary_2014_2017.csv";
  if (!std::filesystem::exists(path)) return d;
  scrutineer::ingest::ReadOptions o;
  o.format = "generic";
  o.columns.x = "x";
  o.columns.y = "y";
  o.columns.time = "date_single";
  o.columns.time_format = "%d/%m/%Y";
  o.source_crs = o.target_crs = "EPSG:26971";
  o.time_zone = "UTC";
  const auto r = scrutineer::ingest::read_events(path, o);
  for (std::size_t i = 0; i < r.events.size(); ++i) {
    const std::int64_t day = r.events.t[i] / 86400;
    // 2014-01-01 is day 16071, 2015-01-01 day 16436
    if (year == 2014 && (day < 16071 || day >= 16436)) continue;
    d.x.push_back(r.events.x[i]);
    d.y.push_back(r.events.y[i]);
    d.t.push_back(static_cast<double>(day));
  }
  d.ok = true;
  return d;
}

// range(0): year (2014 or 0 = all), range(1): permutations, range(2): threads.
void BM_Knox(benchmark::State& state) {
  static const Data y2014 = load(2014), all = load(0);
  const Data& d = state.range(0) == 2014 ? y2014 : all;
  if (!d.ok) {
    state.SkipWithError("chicago-burglary-nearrepeat absent");
    return;
  }
  scrutineer::ThreadLimit limit(static_cast<int>(state.range(2)));
  scrutineer::nearrepeat::KnoxOptions o;  // 100 m x 3, 2 days x 2, nrc, Euclidean
  o.permutations = static_cast<int>(state.range(1));
  std::int64_t close = 0;
  for (auto _ : state) {
    const auto r = scrutineer::nearrepeat::knox(d.x, d.y, d.t, o);
    close = r.close_pairs;
    benchmark::DoNotOptimize(close);
  }
  state.counters["events"] = static_cast<double>(d.x.size());
  state.counters["close_pairs"] = static_cast<double>(close);
}
BENCHMARK(BM_Knox)
    ->Args({2014, 99, 1})
    ->Args({2014, 99, 2})
    ->Args({0, 999, 1})
    ->Args({0, 999, 2})
    ->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
