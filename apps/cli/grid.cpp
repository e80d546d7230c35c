// `scrutineer grid`: the study grid over a region with its validity mask, events outside the
// region, and the cell x area overlay table (library: geo/grid_command.hpp).
#include <fmt/format.h>

#include "command.hpp"
#include "read_options.hpp"
#include "scrutineer/geo/grid_command.hpp"
#include "scrutineer/ingest/ingest.hpp"

namespace {

struct GridArgs {
  scrutineer::geo::GridCommandOptions options;
  std::string events;
  scrutineer::ingest::ReadOptions read;
};

void run(const GridArgs& a) {
  using namespace scrutineer;
  std::function<geo::EventPoints(const std::string&)> load;
  if (!a.events.empty())
    load = [&a](const std::string& crs) {
      auto read = a.read;
      read.target_crs = crs;  // events go into the grid's CRS
      auto result = ingest::read_events(a.events, read);
      return geo::EventPoints{std::move(result.events.x), std::move(result.events.y),
                              std::move(result.events.source_row)};
    };
  const auto result = geo::run_grid(a.options, load);
  fmt::print("{}", geo::describe(result, a.options));
}

void setup(CLI::App& app) {
  auto a = std::make_shared<GridArgs>();
  auto& o = a->options;
  auto* sub = app.add_subcommand(
      "grid",
      "Grid over a study region with its validity mask; events outside; cell x area overlay");
  sub->add_option("--region", o.region, "Study region polygons (GeoJSON, GeoPackage, Shapefile)")
      ->required();
  sub->add_option("--crs", o.crs,
                  "Projected CRS of the grid: EPSG code, 'utm' (zone of the region's centre), "
                  "or '' to keep the region's")
      ->capture_default_str();
  sub->add_option("--cell-size", o.cell_size, "Cell side in CRS units (metres)")
      ->capture_default_str();
  sub->add_option("--origin-x", o.origin_x, "Grid lines pass through this x")
      ->capture_default_str();
  sub->add_option("--origin-y", o.origin_y, "Grid lines pass through this y")
      ->capture_default_str();
  sub->add_option("--output,-o", o.output, "Grid cells: .gpkg or .geojson");
  sub->add_flag("--all-cells", o.all_cells, "Write invalid cells too, with a 'valid' field");
  sub->add_option("--events", a->events, "Events CSV: report those outside the region");
  sub->add_option("--areas", o.areas, "Areas (census tracts, LSOAs, ...) for the overlay");
  sub->add_option("--id", o.id_column, "Id field of the areas");
  sub->add_option("--spread", o.spread,
                  "Numeric area column to spread to cells (by area share) and add to --output; "
                  "repeatable")
      ->delimiter(',');
  sub->add_option("--overlay", o.overlay_output,
                  "Overlay CSV: cell,ix,iy,area_id,intersection,cell_share,area_share");
  scrutineer::cli::add_read_options(*sub, a->read);
  sub->callback([a] { run(*a); });
}

const bool registered = scrutineer::cli::register_command({"grid", 15, setup});

}  // namespace
