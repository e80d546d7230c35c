// `scrutineer nearrepeat`: events read and filtered by the study set-up (build_study, no grid),
// their local days, the Knox test, and its outputs in a results folder (knox.csv, knox.svg,
// summary.txt) built under a temporary name and moved into place (io::OutputFolder).
#pragma once

#include <string>

#include "scrutineer/nearrepeat/knox.hpp"
#include "scrutineer/study/study.hpp"

namespace scrutineer::nearrepeat {

struct NearRepeatOptions {
  study::StudyOptions study;  // events, reading, category and dates; no region or grid needed
  KnoxOptions knox;
  double alpha = 0.05;   // significance level of the summary and the heat map
  std::string output;    // results folder ("" = write nothing)
  bool replace = false;  // write into a folder holding other files (never deleting them)
};

struct NearRepeatRun {
  study::Study study;
  KnoxResult result;
  std::string summary;  // knox_summary, after the study's description
};

// Times are the events' local calendar time in days (local seconds / 86400; whole days for
// day-resolution data), so a daylight-saving change never shifts a pair across a band.
NearRepeatRun run_nearrepeat(const NearRepeatOptions& options);

}  // namespace scrutineer::nearrepeat
