// `scrutineer stops` and the recipe's [stops] stage: stop records read (stops/records.hpp), the
// disproportionality against a population and an optional alternative benchmark, its monthly
// trend, the outcome test and the veil of darkness (stops/analysis.hpp), written as CSV and SVG
// files with a plain-language summary. One function computes; both front ends call it.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "scrutineer/stops/analysis.hpp"
#include "scrutineer/stops/flag_link.hpp"
#include "scrutineer/stops/records.hpp"

namespace scrutineer::stops {

struct StopsOptions {
  std::vector<std::string> records;          // CSV files or folders of them
  std::vector<std::string> outcome_records;  // for the outcome test (empty = records)
  ReadOptions read;
  std::string population;  // CSV: an id column and a column per group
  std::string population_id = "LAD_code";
  std::vector<std::string> areas;  // ids to sum (ranges A..B; empty = every row)
  std::string benchmark;           // an alternative denominator, same layout
  std::string benchmark_id = "LAD_code";
  std::vector<std::string> benchmark_areas;  // empty = areas
  std::string reference = "White";
  double level = 0.95;
  std::int64_t min_cell = 10;  // published counts 1..min_cell-1 are suppressed
  bool veil = true;            // the veil of darkness, for records with times and locations
  FlagLinkOptions flag_link;   // stops inside and outside a forecast's flagged cells
};

struct StopsResult {
  StopRecords records;
  std::optional<StopRecords> outcome_records;  // when read apart from `records`
  std::optional<Population> population, benchmark;
  std::optional<RateTable> rates, benchmark_rates;
  std::map<std::string, RateTable> trend;  // by local month, against `population`
  OutcomeTest outcome;
  std::optional<VeilResult> veil;
  std::optional<FlagLink> flag_link;
  std::string summary;
  // The files, name -> text (disproportionality.csv, trend.csv, outcome_test.csv, ...).
  std::vector<std::pair<std::string, std::string>> files;
};

// Validates the options (ConfigError) and computes everything.
StopsResult run_stops(const StopsOptions& options);
// Writes result.files into `folder` as one group (all or none).
void write_stops(const StopsResult& result, const std::filesystem::path& folder);

// The SVG chart of values with intervals by label (rates per 1,000, hit rates).
std::string interval_chart(const std::string& title, const std::vector<std::string>& labels,
                           const std::vector<double>& values, const std::vector<Interval>& bounds,
                           const std::string& unit);

}  // namespace scrutineer::stops
