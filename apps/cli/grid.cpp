// `scrutineer grid`: the study grid over a region with its validity mask, events outside the
// region, and the cell x area overlay table (library: study/grid_command.hpp).
#include <fmt/format.h>

#include "command.hpp"
#include "read_options.hpp"
#include "scrutineer/study/grid_command.hpp"

namespace {

struct GridArgs {
  scrutineer::study::StudyOptions study;  // region, grid, events (listed when outside), areas
  scrutineer::study::GridCommandOptions options;
  GridArgs() { study.read.target_crs = "utm"; }
};

void run(const GridArgs& a) {
  using namespace scrutineer;
  const auto result = study::run_grid(a.study, a.options);
  fmt::print("{}", study::describe(result, a.options));
}

void setup(CLI::App& app) {
  auto a = std::make_shared<GridArgs>();
  auto& o = a->options;
  auto& st = a->study;
  auto* sub = app.add_subcommand(
      "grid",
      "Grid over a study region with its validity mask; events outside; cell x area overlay");
  sub->add_option("--region", st.region, "Study region polygons (GeoJSON, GeoPackage, Shapefile)")
      ->required();
  sub->add_option("--crs", st.read.target_crs,
                  "Projected CRS of the grid: EPSG code, 'utm' (zone of the region's centre), "
                  "or '' to keep the region's")
      ->capture_default_str();
  sub->add_option("--cell-size", st.cell_size, "Cell side in CRS units (metres)")
      ->capture_default_str();
  sub->add_option("--origin-x", st.origin_x, "Grid lines pass through this x")
      ->capture_default_str();
  sub->add_option("--origin-y", st.origin_y, "Grid lines pass through this y")
      ->capture_default_str();
  sub->add_option("--output,-o", o.output, "Grid cells: .gpkg or .geojson");
  sub->add_flag("--all-cells", o.all_cells, "Write invalid cells too, with a 'valid' field");
  sub->add_option("--events", st.events, "Events CSV: report those outside the region");
  sub->add_option("--areas", st.areas, "Areas (census tracts, LSOAs, ...) for the overlay");
  sub->add_option("--id", st.area_id, "Id field of the areas");
  sub->add_option("--spread", o.spread,
                  "Numeric area column to spread to cells (by area share) and add to --output; "
                  "repeatable")
      ->delimiter(',');
  sub->add_option("--overlay", o.overlay_output,
                  "Overlay CSV: cell,ix,iy,area_id,intersection,cell_share,area_share");
  scrutineer::cli::add_read_options(*sub, st.read);
  sub->callback([a] { run(*a); });
}

const bool registered = scrutineer::cli::register_command({"grid", 15, setup});

}  // namespace
