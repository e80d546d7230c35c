// Grid mask and cell x area overlay (GEOS) on the real city layers in ../shared/data: Chicago
// (77 community areas, 150 m and 250 m grids, EPSG:2790) and New York (2,166 tracts, UTM 18N).
#include <benchmark/benchmark.h>

#include <filesystem>
#include <map>
#include <string>

#include "scrutineer/core/parallel.hpp"
#include "scrutineer/geo/overlay.hpp"
#include "scrutineer/geo/region.hpp"

namespace {

using namespace scrutineer;

struct City {
  geo::Region region;
  geo::Areas areas;
};

const City* load(const std::string& file, const std::string& id, const std::string& crs) {
  const std::string path = std::string(SCRUTINEER_SHARED_DATA) + "/" + file;
  if (!std::filesystem::exists(path)) return nullptr;
  static std::map<std::string, City> cache;
  auto it = cache.find(path);
  if (it == cache.end())
    it = cache.emplace(path, City{geo::read_region(path, crs), geo::read_areas(path, id, crs)})
             .first;
  return &it->second;
}

const City* chicago() {
  return load("chicago/community_areas_acs2014.geojson", "area_id", "EPSG:2790");
}
const City* new_york() {
  return load("nyc/tracts_acs2008_2012.geojson", "tract_geoid", "EPSG:32618");
}

void BM_MakeGrid(benchmark::State& state, const City* (*city)()) {
  const City* c = city();
  if (!c) return state.SkipWithError("data absent");
  ThreadLimit limit(static_cast<int>(state.range(1)));
  for (auto _ : state) {
    auto grid = geo::make_grid(c->region, static_cast<double>(state.range(0)));
    state.counters["cells"] = static_cast<double>(grid.cells());
    state.counters["valid"] = static_cast<double>(grid.valid_count());
  }
}

void BM_Overlay(benchmark::State& state, const City* (*city)()) {
  const City* c = city();
  if (!c) return state.SkipWithError("data absent");
  const auto grid = geo::make_grid(c->region, static_cast<double>(state.range(0)));
  ThreadLimit limit(static_cast<int>(state.range(1)));
  for (auto _ : state) {
    auto overlay = geo::make_overlay(grid, c->areas);
    state.counters["entries"] = static_cast<double>(overlay.entries());
  }
  state.counters["valid"] = static_cast<double>(grid.valid_count());
}

// Args: cell size (m), threads.
BENCHMARK_CAPTURE(BM_MakeGrid, chicago, chicago)
    ->Args({150, 1})
    ->Args({150, 2})
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Overlay, chicago, chicago)
    ->Args({150, 1})
    ->Args({150, 2})
    ->Args({250, 2})
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_MakeGrid, new_york, new_york)->Args({250, 2})->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Overlay, new_york, new_york)
    ->Args({150, 2})
    ->Args({250, 2})
    ->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
