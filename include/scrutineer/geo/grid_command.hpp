// `scrutineer grid`: region + cell size + origin -> grid cells with the validity mask, the events
// outside the region, and (with areas) the cell x area overlay table.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "scrutineer/geo/areas.hpp"
#include "scrutineer/geo/grid.hpp"
#include "scrutineer/geo/overlay.hpp"
#include "scrutineer/geo/region.hpp"

namespace scrutineer::geo {

struct GridCommandOptions {
  std::string region;       // polygons of the study region (GeoJSON, GeoPackage, Shapefile, ...)
  std::string crs = "utm";  // target CRS: EPSG code, WKT, "utm", or "" to keep the region's
  double cell_size = 150;
  double origin_x = 0, origin_y = 0;
  std::string output;               // grid cells: .gpkg or .geojson ("" = none)
  bool all_cells = false;           // write invalid cells too, with valid = 0
  std::string areas;                // areas file ("" = none)
  std::string id_column;            // the areas' id field
  std::vector<std::string> spread;  // numeric area columns spread to cells and written to `output`
  std::string overlay_output;       // overlay CSV ("" = none)
};

// Events in the grid's CRS, for the outside-the-region report.
struct EventPoints {
  std::vector<double> x, y;
  std::vector<std::int64_t> source_row;  // file line of each point (1 = header); may be empty
};

struct GridCommandResult {
  Region region;
  Grid grid;
  bool has_events = false;
  OutsideReport outside;                   // events outside the region
  std::vector<std::int64_t> outside_rows;  // file lines of the first 10, in file order
  bool has_areas = false;
  Areas areas;
  Overlay overlay;
};

// Runs the command. `load_events`, when set, is called with the grid's CRS and returns the events.
GridCommandResult run_grid(
    const GridCommandOptions& options,
    const std::function<EventPoints(const std::string& crs)>& load_events = {});

// The human-readable summary printed by the CLI.
std::string describe(const GridCommandResult& result, const GridCommandOptions& options);

// One row per (valid cell, area) pair with a shared area: cell,ix,iy,area_id,intersection,
// cell_share,area_share (intersection in square CRS units; shares as in overlay.hpp).
void write_overlay_csv(const std::string& path, const Grid& grid, const Areas& areas,
                       const Overlay& overlay);

}  // namespace scrutineer::geo
