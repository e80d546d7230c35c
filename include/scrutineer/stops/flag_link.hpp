// The link to the forecast audits: stops inside and outside the grid cells a hotspot model flagged
// (the flags read by the disparity audit's reader, disparity/flags.hpp), by group.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "scrutineer/disparity/flags.hpp"
#include "scrutineer/geo/grid.hpp"
#include "scrutineer/stops/records.hpp"
#include "scrutineer/stops/stats.hpp"

namespace scrutineer::stops {

struct FlagLinkOptions {
  std::string flags;  // flags CSV ("" = no link)
  disparity::FlagReadOptions read;
  std::string region;       // the forecast's study region (polygons)
  std::string crs = "utm";  // the grid's CRS ("utm" = the UTM zone of the region's centre)
  double cell_size = 150;   // metres, as the forecast's grid
  double origin_x = 0, origin_y = 0;
};

struct FlagLinkRow {
  std::string group;
  std::int64_t inside = 0, outside = 0;        // stops in flagged cells / in other grid cells
  double share_inside = 0, share_outside = 0;  // of all stops with a group inside (outside)
  OddsRatio odds;                              // (g_inside ref_outside) / (ref_inside g_outside)
};

struct FlagLink {
  std::string flags, model;
  std::int64_t periods = 0, flagged_cells = 0;  // flag periods, distinct cells ever flagged
  std::int64_t used = 0;         // stops with a group and a location, in a flag period, on the grid
  std::int64_t no_location = 0;  // stops with a group but no usable location
  std::int64_t outside_periods = 0;  // before the first flag date or after the last period
  std::int64_t outside_grid = 0;     // off the grid's extent
  std::vector<FlagLinkRow> rows;
};

// A stop at local wall-clock time t (flag dates are local, as a backtest writes its periods)
// belongs to the flag period with the latest start <= t; a period lasts until
// the next one starts (the last as long as the one before it; one day when there is a single
// period). Its cell is that of its location projected to the grid's CRS.
FlagLink link_flags(const StopRecords& records, const geo::Grid& grid,
                    const disparity::FlagTable& flags, const std::string& reference, double level);

// Reads the region, lays the grid (geo::make_grid, as the study does) and the flags
// (disparity::read_flags), then link_flags.
FlagLink link_flags(const StopRecords& records, const FlagLinkOptions& options,
                    const std::string& reference, double level);

// flag_link.csv: group,inside,outside,share_inside,share_outside,odds_ratio,odds_ratio_low,
// odds_ratio_high (counts 1..min_cell-1 suppressed).
std::string flag_link_csv(const FlagLink& link, std::int64_t min_cell);

}  // namespace scrutineer::stops
