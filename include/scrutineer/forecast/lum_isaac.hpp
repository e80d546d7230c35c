// Lum & Isaac's (2016, Significance 13(5)) PredPol run on Oakland drug crimes, reproduced: a grid
// SEPP (Mohler et al. 2015) refitted each day on the previous 180 days of each bin's records.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "scrutineer/forecast/sepp_grid.hpp"

namespace scrutineer::forecast {

// Their EM settings: theta = omega = mu = 1 at the start, tolerances 1e-5, 1e-5, 1e-4, stop as soon
// as ANY test passes, plain M-step (predpol.py).
SeppGridOptions lum_isaac_em_options();

struct LumIsaacOptions {
  std::string
      crimes_csv;  // drug_crimes_with_bins.csv: "", bin (1..661 or NA), OCCURRED (mm/dd/yy), LAG
  std::string first_date = "2010-12-28";  // first prediction date D
  std::string last_date = "2011-12-30";   // last prediction date (inclusive)
  int window_days = 180;                  // events with D - window <= day < D; T = window
  int top_k = 20;
  int bins = 0;  // rows of the output; 0 = the largest bin in the file (661)
  SeppGridOptions em = lum_isaac_em_options();
};

struct LumIsaacDay {
  std::string date;  // YYYY-MM-DD
  double theta = 0, omega = 0;
  int iterations = 0;
  bool converged = false;
  std::int64_t events = 0;  // in the window
  std::vector<int> top;     // bins, highest intensity first
};

struct LumIsaacResult {
  std::vector<LumIsaacDay> days;
  std::vector<std::vector<double>> intensity;       // [bin - 1][day]: lambda_n(D), 0 if no event
  std::vector<std::vector<std::int64_t>> observed;  // [bin - 1][day]: records dated D
  std::int64_t rows = 0;                            // data rows read
  std::int64_t rows_na_bin = 0;  // rows whose bin is NA (dropped, as the authors did)
};

// One record of drug_crimes_with_bins.csv: its bin and the day it occurred.
struct OaklandRecord {
  int bin = 0;           // 1-based
  std::int64_t day = 0;  // days since 1970-01-01
};

struct OaklandRecords {
  std::vector<OaklandRecord> records;  // sorted by day (stable: file order within a day)
  std::int64_t rows = 0;               // data rows read
  std::int64_t rows_na_bin = 0;  // rows whose bin is NA or empty (left out, as the authors did)
  int max_bin = 0;               // the largest bin number (661 in the authors' file)
};

// Reads drug_crimes_with_bins.csv (columns bin and OCCURRED, mm/dd/yy read as strptime's %y).
// Throws IoError / InputError (file, line, column) for an unreadable file or a malformed row.
OaklandRecords read_oakland_records(const std::string& crimes_csv);

// Throws IoError / InputError (file, line, column) for an unreadable file or a malformed row.
LumIsaacResult run_lum_isaac(const LumIsaacOptions& options);

// Writes oakland_intensities.csv (bin, one column per date), oakland_params.csv (date, theta,
// omega, iterations, converged, events), oakland_top.csv (date, rank, bin, intensity) and
// oakland_observed.csv (the authors' predpol_drug_observed.csv layout) into `out_dir`.
void write_lum_isaac(const LumIsaacResult& result, const std::string& out_dir);

}  // namespace scrutineer::forecast
