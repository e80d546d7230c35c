// The `scrutineer disparity` run: areas with group counts, the cell x area overlay, flags per
// period, optional recorded crime and reporting rates -> exposure tables, an areas map and a
// summary.
#pragma once

#include <cstdint>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "scrutineer/disparity/exposure.hpp"
#include "scrutineer/disparity/flags.hpp"
#include "scrutineer/study/study.hpp"

namespace scrutineer::disparity {

using study::GroupCounts;

// The options of the disparity stage; the areas, groups, grid and recorded crime come from the
// study (study::build_study): its events, filtered and clipped, are the recorded-crime benchmark.
struct DisparityOptions {
  std::string flags;  // the flags CSV (run_disparity only; the recipe passes flags in memory)
  FlagReadOptions flag_options;
  std::string crime_category;  // benchmark only the study's events of this category ("" = all)
  std::string reporting;       // CSV of reporting (or victimisation) rates by area; optional
  std::string reporting_id = "area";    // its area-id column
  std::string reporting_rate = "rate";  // its rate column, in (0, 1]
  int bootstrap = 1000;
  std::uint64_t seed = 1;
  double level = 0.95;
  std::string out;  // output folder (run_disparity; created)
  bool progress = true;
};

// Per-capita exposure of each area for a map: Σ_c times_flagged(c) · I(c,a) / area(a) when the
// units are grid cells (the population of an area is spread evenly over its surface), the number of
// periods the area was flagged when the units are areas.
struct AreaExposure {
  std::vector<double> exposure;    // [area] person-periods in flagged places
  std::vector<double> per_capita;  // [area] exposure / population (periods)
  // [area] exposure ratio with its bootstrap interval (area_ratios: each area's residents as a
  // group; the residents counted are those living in the units, as for the groups).
  std::vector<AreaRatio> ratios;
};

struct DisparityReport {
  ExposureResult result;
  GroupCounts groups;
  FlagTable flags;
  AreaExposure areas;                // per area, for the map
  bool grid_units = false;           // units are grid cells (else areas)
  std::vector<std::string> notes;    // every caveat, also written to the outputs
  std::vector<std::string> written;  // output paths (write_disparity)
  std::string title;                 // the summary's first line
  std::string summary;               // readable text, as in summary.txt
  nlohmann::json json;               // disparity.json
};

// The audit in memory: the study's areas, groups, grid and events (the recorded-crime benchmark)
// against `flags` (units: the study's grid cells, or its areas for area flags). `flags_name` names
// the flags in the title and disparity.json. ConfigError when the study lacks areas or groups, or
// cell flags come without a grid.
DisparityReport compute_disparity(const study::Study& study, const FlagTable& flags,
                                  const DisparityOptions& options, const std::string& flags_name);

// Writes (atomically) into `folder`: groups.csv, periods.csv, disparity.json, areas.geojson,
// summary.txt; adds the paths to report.written.
void write_disparity(DisparityReport& report, const study::Study& study,
                     const std::filesystem::path& folder);

// The `scrutineer disparity` command: builds the study, reads options.flags, computes and writes
// into options.out. Throws ConfigError, InputError and IoError as the readers do.
DisparityReport run_disparity(const study::StudyOptions& study, const DisparityOptions& options);

// Writers of the tables (also used by tests).
std::string groups_csv(const ExposureResult& result);
std::string periods_csv(const ExposureResult& result);
std::string summary_text(const ExposureResult& result, const std::vector<std::string>& notes,
                         const std::string& title);

}  // namespace scrutineer::disparity
