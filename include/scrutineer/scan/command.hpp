// `scrutineer stscan`: events read and filtered by the study set-up (build_study), their local
// days, the space-time scan (scan.hpp) and its outputs in a results folder (clusters.csv,
// clusters.geojson, summary.txt) built under a temporary name and moved into place.
#pragma once

#include <string>

#include "scrutineer/scan/scan.hpp"
#include "scrutineer/study/study.hpp"

namespace scrutineer::scan {

struct StScanCommandOptions {
  study::StudyOptions study;  // events, reading, category, dates, region; cell_size: Poisson cells
  ScanOptions scan;
  // Poisson: a polygon layer of census counts (SaTScan's population file, one census time) and
  // its count field; each valid cell gets the areas' counts by area share (geo/overlay.hpp).
  // "" = equal population per cell.
  std::string population, population_field;
  double alpha = 0.05;   // clusters with p <= alpha are listed (1 = every cluster found)
  std::string output;    // results folder ("" = write nothing)
  bool replace = false;  // write into a folder holding other files (never deleting them)
};

struct StScanRun {
  study::Study study;
  ScanResult result;
  std::vector<ScanCluster> listed;  // the clusters with p <= alpha
  std::string summary;
};

// Days are the events' local calendar days. The permutation model's locations are the events'
// coordinates; the Poisson model's are the valid cells of the study grid (cell_size), of equal
// population or of the population apportioned from `population`, with every event moved to its
// cell's centre.
StScanRun run_stscan(const StScanCommandOptions& options);

// clusters.csv: rank,x,y,radius,locations,start,end,observed,expected,relative_risk,llr,p (dates
// YYYY-MM-DD; `first_day` is the day number of the data's first day, days since 1970-01-01).
std::string clusters_csv(const std::vector<ScanCluster>& clusters);
// clusters.geojson: each cluster's disc as a 64-gon in `crs`, its fields as properties.
std::string clusters_geojson(const std::vector<ScanCluster>& clusters, const std::string& crs);

}  // namespace scrutineer::scan
