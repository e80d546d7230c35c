// Reading polygon layers (issue 16): the native GeoJSON reader (io/geojson.hpp) against the GDAL
// path on the shared data's region and area files, projected as the open_cp and disparity
// workloads ask (EPSG:2790 for Chicago, UTM 18N for New York). Both give the same layer bit for
// bit (tests/unit/geo/data_test_geojson.cpp); the GDAL module is loaded before timing.
#include <benchmark/benchmark.h>

#include <filesystem>
#include <string>

#include "scrutineer/io/geojson.hpp"

namespace {

using namespace scrutineer;

void BM_ReadGeojson(benchmark::State& state, const char* file, const char* crs, bool native) {
  const std::string path = std::string(SCRUTINEER_SHARED_DATA) + "/" + file;
  if (!std::filesystem::exists(path)) {
    state.SkipWithError("shared data absent");
    return;
  }
  io::ReadPolygonsOptions options;
  options.target_crs = crs;
  benchmark::DoNotOptimize(io::read_polygons_gdal(path, options));  // module and PROJ warm
  for (auto _ : state) {
    if (native)
      benchmark::DoNotOptimize(io::read_geojson_native(path, options));
    else
      benchmark::DoNotOptimize(io::read_polygons_gdal(path, options));
  }
}

BENCHMARK_CAPTURE(BM_ReadGeojson, southside_native, "chicago/southside_region.geojson", "EPSG:2790",
                  true)
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_ReadGeojson, southside_gdal, "chicago/southside_region.geojson", "EPSG:2790",
                  false)
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_ReadGeojson, community_areas_native, "chicago/community_areas_acs2014.geojson",
                  "EPSG:2790", true)
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_ReadGeojson, community_areas_gdal, "chicago/community_areas_acs2014.geojson",
                  "EPSG:2790", false)
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_ReadGeojson, nyc_tracts_native, "nyc/tracts_acs2008_2012.geojson",
                  "EPSG:32618", true)
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_ReadGeojson, nyc_tracts_gdal, "nyc/tracts_acs2008_2012.geojson", "EPSG:32618",
                  false)
    ->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
