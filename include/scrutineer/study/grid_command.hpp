// `scrutineer grid`: the study's region, grid and validity mask, the events outside the region,
// and (with areas) the cell x area overlay table, all built by study::build_study.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "scrutineer/geo/areas.hpp"
#include "scrutineer/geo/grid.hpp"
#include "scrutineer/geo/overlay.hpp"
#include "scrutineer/study/study.hpp"

namespace scrutineer::study {

// The command's outputs; the region, grid, events and areas are the study's options.
struct GridCommandOptions {
  std::string output;               // grid cells: .gpkg or .geojson ("" = none)
  bool all_cells = false;           // write invalid cells too, with valid = 0
  std::vector<std::string> spread;  // numeric area columns spread to cells and written to `output`
  std::string overlay_output;       // overlay CSV ("" = none)
};

struct GridCommandResult {
  Study study;                             // region, grid, events (counted), areas, overlay
  std::vector<std::int64_t> outside_rows;  // file lines of the first 10 events outside, in order
};

// Builds the study (a region and a cell size are required; events outside the region are counted
// and listed, never written) and writes the outputs asked for. ConfigError for a missing region,
// --overlay or --spread without areas, or an unknown output extension (before any work).
GridCommandResult run_grid(const StudyOptions& study, const GridCommandOptions& options);

// The human-readable summary printed by the CLI.
std::string describe(const GridCommandResult& result, const GridCommandOptions& options);

// One row per (valid cell, area) pair with a shared area: cell,ix,iy,area_id,intersection,
// cell_share,area_share (intersection in square CRS units; shares as in geo/overlay.hpp).
void write_overlay_csv(const std::string& path, const geo::Grid& grid, const geo::Areas& areas,
                       const geo::Overlay& overlay);

}  // namespace scrutineer::study
