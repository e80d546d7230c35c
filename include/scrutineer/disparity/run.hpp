// The `scrutineer disparity` run: areas with group counts, the cell x area overlay, flags per
// period, optional recorded crime and reporting rates -> exposure tables, an areas map and a
// summary.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "scrutineer/disparity/exposure.hpp"
#include "scrutineer/disparity/flags.hpp"
#include "scrutineer/disparity/groups.hpp"
#include "scrutineer/ingest/ingest.hpp"

namespace scrutineer::disparity {

struct DisparityOptions {
  std::string areas;    // polygon layer with group counts (GeoJSON, GeoPackage, Shapefile)
  std::string area_id;  // its id column
  std::vector<std::string> groups;  // "name=col+col" or "col"
  std::string total;                // total-population column ("" = the sum of the groups)
  std::vector<std::string> ethnicity_columns;  // override of the Hispanic/Latino name rule
  std::string reference;                       // reference group ("" = the largest)
  std::string crs = "utm";  // study CRS: EPSG code, "utm", or "" to keep the areas' CRS
  // The grid (as the backtest's): cell size in metres, origin; its region is the union of the
  // areas unless `region` names another polygon layer. Not needed for area flags.
  double cell_size = 0;
  double origin_x = 0, origin_y = 0;
  std::string region;
  std::string flags;  // the flags CSV
  FlagReadOptions flag_options;
  std::string events;  // recorded crime (any format `scrutineer ingest` reads); optional
  ingest::ReadOptions events_read;    // how to read it (its target CRS is the study's)
  std::string crime_category;         // keep only events of this category ("" = all)
  std::string reporting;              // CSV of reporting (or victimisation) rates by area; optional
  std::string reporting_id = "area";  // its area-id column
  std::string reporting_rate = "rate";  // its rate column, in (0, 1]
  int bootstrap = 1000;
  std::uint64_t seed = 1;
  double level = 0.95;
  std::string out;  // output folder (created)
  bool progress = true;
};

struct DisparityReport {
  ExposureResult result;
  GroupCounts groups;
  FlagTable flags;
  std::vector<std::string> notes;    // every caveat, also written to the outputs
  std::vector<std::string> written;  // output paths
  std::string summary;               // readable text, as in summary.txt
};

// Runs the whole audit and writes (atomically) into `out`: groups.csv, periods.csv, disparity.json,
// areas.geojson, summary.txt. Throws ConfigError, InputError and IoError as the readers do.
DisparityReport run_disparity(const DisparityOptions& options);

// Per-capita exposure of each area for a map: Σ_c times_flagged(c) · I(c,a) / area(a) when the
// units are grid cells (the population of an area is spread evenly over its surface), the number of
// periods the area was flagged when the units are areas.
struct AreaExposure {
  std::vector<double> exposure;    // [area] person-periods in flagged places
  std::vector<double> per_capita;  // [area] exposure / population (periods)
};

// Writers of the tables (also used by tests).
std::string groups_csv(const ExposureResult& result);
std::string periods_csv(const ExposureResult& result);
std::string summary_text(const ExposureResult& result, const std::vector<std::string>& notes,
                         const std::string& title);

}  // namespace scrutineer::disparity
