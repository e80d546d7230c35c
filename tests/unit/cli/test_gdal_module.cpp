// The GDAL support module (include/scrutineer/io/gdal_module.hpp) as the CLI meets it: a command
// that needs it names every path it tried when it cannot load it (exit 74), one that does not
// (--version, a GeoJSON region read natively) never maps libgdal (issue 16).
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <string>

namespace {

namespace fs = std::filesystem;

struct Run {
  int status = -1;
  std::string output;
};

Run run(const std::string& command) {
  Run r;
  FILE* pipe = popen((command + " 2>&1").c_str(), "r");
  if (!pipe) return r;
  char buffer[4096];
  while (std::size_t n = fread(buffer, 1, sizeof buffer, pipe)) r.output.append(buffer, n);
  const int raw = pclose(pipe);
  r.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
  return r;
}

std::string grid_command(const std::string& region, const std::string& out) {
  return std::string(SCRUTINEER_CLI) + " grid --region " + region + " --crs EPSG:32616 -o " + out;
}

TEST(GdalModule, AModuleThatCannotLoadIsAnIoErrorNamingThePath) {
  const auto out = (fs::temp_directory_path() / "scrutineer_gdal_module_cells.geojson").string();
  const auto r = run("SCRUTINEER_GDAL_MODULE=/nonexistent/scrutineer_gdal.so " +
                     grid_command(std::string(SCRUTINEER_TEST_DATA) + "/geo/bowtie.geojson", out));
  EXPECT_EQ(r.status, 74) << r.output;  // IoError
  EXPECT_NE(r.output.find("cannot load the GDAL support module scrutineer_gdal.so"),
            std::string::npos)
      << r.output;
  EXPECT_NE(r.output.find("/nonexistent/scrutineer_gdal.so: no such file"), std::string::npos)
      << r.output;
}

TEST(GdalModule, VersionDoesNotLoadGdal) {
  const auto r = run("LD_DEBUG=files " + std::string(SCRUTINEER_CLI) + " --version");
  EXPECT_EQ(r.status, 0) << r.output;
  EXPECT_EQ(r.output.find("libgdal"), std::string::npos);
  EXPECT_EQ(r.output.find("scrutineer_gdal"), std::string::npos);
}

TEST(GdalModule, GridOnALonLatGeojsonRegionDoesNotLoadGdal) {
  const auto dir = fs::temp_directory_path() / "scrutineer_gdal_module";
  fs::create_directories(dir);
  const auto region = (dir / "square.geojson").string();
  std::FILE* f = std::fopen(region.c_str(), "w");
  ASSERT_NE(f, nullptr);
  std::fputs(R"({"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {},
    "geometry": {"type": "Polygon", "coordinates": [[[-87.6, 41.8], [-87.59, 41.8],
    [-87.59, 41.81], [-87.6, 41.81], [-87.6, 41.8]]]}}]})",
             f);
  std::fclose(f);
  // No output file: writing cells is GDAL's work; reading the region is not.
  const auto r = run("LD_DEBUG=files " + std::string(SCRUTINEER_CLI) + " grid --region " + region +
                     " --crs EPSG:2790");
  EXPECT_EQ(r.status, 0) << r.output;
  EXPECT_EQ(r.output.find("libgdal"), std::string::npos);
}

}  // namespace
