// The study: one set of inputs that every analysis shares (events read, filtered and clipped by one
// rule; the region, grid and validity mask; areas with group counts and the cell x area overlay).
// Every front end (CLI commands, recipe stages, the Python module, sweep tasks) builds its inputs
// with build_study; none re-implements a piece of it (issue 12). Owner: the `study` helper; the
// options below are declared once (with names, help and defaults) by the options declarations.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "scrutineer/ingest/ingest.hpp"

namespace scrutineer::study {

struct StudyOptions {
  // The crime records ("" = a study without events, e.g. disparity of a tool's own flags).
  std::string events;
  ingest::ReadOptions read;  // format, columns, zones; read.target_crs is the study CRS
  std::string category;      // keep only events whose category is this value ("" = all)
  std::string from, to;      // keep events of local dates from <= date < to ("" = open)
  // The region and its grid.
  std::string region;      // polygon layer of the study region ("" = see build_study's rule)
  double cell_size = 150;  // metres
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
};

}  // namespace scrutineer::study
