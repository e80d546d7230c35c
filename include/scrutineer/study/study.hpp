// The study: one set of inputs that every analysis shares (events read, filtered and clipped by one
// rule; the region, grid and validity mask; areas with group counts and the cell x area overlay).
// Every front end (CLI commands, recipe stages, the Python module, sweep tasks) builds its inputs
// with build_study; none re-implements a piece of it (issue 12). Owner: the `study` helper; the
// options below are declared once (with names, help and defaults) by the options declarations.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "scrutineer/core/events.hpp"
#include "scrutineer/geo/areas.hpp"
#include "scrutineer/geo/grid.hpp"
#include "scrutineer/geo/overlay.hpp"
#include "scrutineer/geo/region.hpp"
#include "scrutineer/ingest/ingest.hpp"
#include "scrutineer/study/groups.hpp"

namespace scrutineer::study {

struct StudyOptions {
  // The crime records ("" = a study without events, e.g. disparity of a tool's own flags).
  std::string events;
  ingest::ReadOptions read;  // format, columns, zones; read.target_crs is the study CRS
  std::string category;      // keep only events whose category is this value ("" = all)
  std::string from, to;      // keep events of local dates from <= date < to ("" = open)
  // The region and its grid.
  std::string region;      // polygon layer of the study region ("" = see build_study's rule)
  double cell_size = 150;  // metres; 0 = no grid (a study of areas only, e.g. area flags)
  double origin_x = 0, origin_y = 0;
  bool clip = true;  // drop events outside the region (counted and reported)
  // Which cells are valid: "touches" (a cell touching the region: open_cp's
  // mask_grid_by_intersection) or "shares-area" (a positive area inside it: open_cp's
  // grid_intersection).
  std::string valid = "touches";
  // Areas with group counts ("" = none).
  std::string areas, area_id;
  std::vector<std::string> groups;             // "name=col+col" or "col"
  std::string total;                           // total-population column ("" = sum of groups)
  std::string reference;                       // reference group ("" = the largest)
  std::vector<std::string> ethnicity_columns;  // override of the Hispanic/Latino name rule
  bool progress = true;
  // Also compute each cell's area inside the region (GEOS; an area:X% policy needs it). Always
  // computed when valid = "shares-area".
  bool cell_areas = false;
};

// Rows and events at each step of the set-up, reported by every front end.
struct StudyCounts {
  std::int64_t rows_read = 0, rows_kept = 0, rows_dropped = 0;  // the reader's (ingest)
  std::int64_t after_category = 0, after_dates = 0;             // events left after each filter
  std::int64_t inside = 0;   // events inside the region (all of them without a region)
  std::int64_t outside = 0;  // outside it: dropped when clipping, else kept
  bool clipped = false;      // whether the outside events were dropped
};

// The inputs every analysis shares, built by build_study.
struct Study {
  StudyOptions options;  // what it was built from
  bool has_events = false;
  EventSet events;          // sorted by time, in `crs`, after the filters and the clip
  ingest::ReadReport read;  // how the events were read
  StudyCounts counts;
  std::string crs;  // the study CRS (projected, metres)
  bool has_region = false;
  geo::Region region;         // the region file, or the union of the areas (see build_study)
  std::string region_source;  // which rule gave the region, in words
  bool has_grid = false;
  geo::Grid grid;
  std::vector<double> cell_area;  // [cell] area inside the region (empty unless asked for)
  bool has_areas = false;
  geo::Areas areas;
  geo::Overlay overlay;            // valid cells x areas (when there is a grid)
  GroupCounts groups;              // group counts per area (when groups are given)
  std::vector<std::string> notes;  // caveats, said by every front end

  // One line per step: rows read/kept/dropped, the filters, the region, inside/outside, the grid.
  std::string describe() const;
};

// Builds the study (docs/study.md):
//  1. events: read (ingest), keep `category`, keep local dates [from, to) in the events' zone;
//  2. region: `region` when given, else the union of the areas when given, else none;
//  3. grid: over the region (a cell is valid by `valid`), else over the events' bounding box with
//     every cell valid; none when cell_size is 0;
//  4. clip: with a region and `clip`, events outside it are dropped (else kept and counted);
//  5. areas with their group counts, and the cell x area overlay.
// The study CRS is the events' (read.target_crs; "" or "utm" = the UTM zone of their median
// point); without events, read.target_crs applied to the region and areas ("utm" = the UTM zone
// of their centre, "" = their own CRS). Throws ConfigError (bad option, no event left), InputError
// and IoError as the readers do.
Study build_study(const StudyOptions& options);

// Which events have the category `category`, compared ignoring ASCII case ("BURGLARY" keeps
// "Burglary"). Throws ConfigError "WHAT: no event has the category ..." listing the categories
// present with their counts, most frequent first, when none matches.
std::vector<bool> keep_category(const EventSet& events, const std::string& category,
                                const std::string& what);

}  // namespace scrutineer::study
