// Issue 17's uncertainty view end to end: a recipe's disparity stage writes each area's exposure
// ratio and interval into areas.geojson, and report.html hatches exactly the areas whose interval
// includes 1, with the area's name and figures on hover.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>

#include "folders.hpp"
#include "scrutineer/io/vector.hpp"
#include "scrutineer/recipe/recipe.hpp"
#include "scrutineer/recipe/run.hpp"
#include "scrutineer/synth/city.hpp"

namespace fs = std::filesystem;
using namespace scrutineer;

TEST(AreaMap, GeojsonCarriesRatiosAndTheReportHatchesThoseIncludingParity) {
  const auto folder = recipe_test::temp_folder();
  synth::CityOptions city_options;
  city_options.neighbourhoods_x = city_options.neighbourhoods_y = 3;
  city_options.cells_per_side = 4;
  city_options.days = 60;
  const auto city = synth::generate_city(city_options);
  synth::write_city(city, folder / "city");
  std::ofstream(folder / "audit.toml") << fmt::format(R"([data]
path = "city/events.csv"
format = "generic"
time_zone = "Europe/London"
source_crs = "EPSG:32630"
crs = "EPSG:32630"
[data.columns]
time = "time"
time_format = "%Y-%m-%d %H:%M"
x = "x"
y = "y"
[grid]
region = "city/region.geojson"
cell_size = 100
origin_x = {}
origin_y = {}
valid = "shares-area"
[areas]
path = "city/areas.geojson"
id = "id"
groups = ["group_a", "group_b", "group_c"]
total = "population"
[[models]]
name = "naive"
[backtest]
from = "2024-02-01"
to = "2024-02-21"
coverages = [10]
operating = "10%"
bootstrap = 0
[disparity]
model = "naive"
bootstrap = 400
)",
                                                      city_options.origin_x, city_options.origin_y);
  recipe::RunOptions options;
  options.out = folder / "results";
  options.progress = false;
  recipe::run_recipe(recipe::parse_recipe(folder / "audit.toml"), options);
  const auto layer =
      io::read_polygons((folder / "results" / "disparity" / "areas.geojson").string());
  const auto column = [&](const std::string& name) -> std::vector<double> {
    for (std::size_t f = 0; f < layer.fields.size(); ++f)
      if (layer.fields[f].name == name) return layer.numbers[f];
    ADD_FAILURE() << "no field " << name;
    return std::vector<double>(layer.geometries.size(), NAN);
  };
  const auto text = [&](const std::string& name) -> std::vector<std::string> {
    for (std::size_t f = 0; f < layer.fields.size(); ++f)
      if (layer.fields[f].name == name) return layer.texts[f];
    ADD_FAILURE() << "no field " << name;
    return std::vector<std::string>(layer.geometries.size());
  };
  ASSERT_EQ(layer.geometries.size(), 9u);
  const auto ratio = column("exposure_ratio"), lo = column("exposure_ratio_lo"),
             hi = column("exposure_ratio_hi"), population = column("population"),
             per_capita = column("exposure_per_capita");
  // Every area lies wholly in the study region: its ratio is its per-capita exposure over the
  // study-wide per-capita exposure Σ E / Σ P, and its interval brackets it.
  double exposure = 0, residents = 0;
  for (std::size_t a = 0; a < 9; ++a) {
    exposure += per_capita[a] * population[a];
    residents += population[a];
  }
  const auto report = recipe_test::slurp(folder / "results" / "report.html");
  int hatched = 0;
  for (std::size_t a = 0; a < 9; ++a) {
    EXPECT_NEAR(ratio[a], per_capita[a] / (exposure / residents), 1e-9) << a;
    EXPECT_LE(lo[a], ratio[a]);
    EXPECT_GE(hi[a], ratio[a]);
    // The area's path, its hover label, then a hatch path only when its interval includes 1.
    // Hover label: the area's name and id (the synthetic city's areas have a `name`).
    const auto id = fmt::format("{} ({})", text("name")[a], text("id")[a]);
    const auto title = report.find(fmt::format("<title>{}: ", id));
    ASSERT_NE(title, std::string::npos) << id;
    const auto end = report.find("</path>", title);
    EXPECT_NE(report.substr(title, end - title)
                  .find(fmt::format("exposure ratio {:.2f} (95% interval {:.2f} to {:.2f})",
                                    ratio[a], lo[a], hi[a])),
              std::string::npos)
        << report.substr(title, end - title);
    const bool includes = lo[a] <= 1 && 1 <= hi[a];
    const bool drawn = report.compare(end + 8, 19, "<path class=\"hatch\"") == 0;
    EXPECT_EQ(drawn, includes) << id << " [" << lo[a] << ", " << hi[a] << "]";
    hatched += includes ? 1 : 0;
  }
  EXPECT_EQ(hatched > 0, report.find("class=\"hatch-legend\"") != std::string::npos);
  fs::remove_all(folder);
}
