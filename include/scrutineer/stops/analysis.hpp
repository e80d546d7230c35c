// The stop audits: disproportionality against a population (stops per 1,000 by group, rate ratios
// to a reference group with exact conditional intervals, by month), the outcome test (Becker 1957;
// Knowles, Persico & Todd 2001) and the veil of darkness (Grogger & Ridgeway 2006).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "scrutineer/stops/records.hpp"
#include "scrutineer/stops/stats.hpp"

namespace scrutineer::stops {

// "E09000002..E09000033" -> the 32 codes (same prefix, numeric suffix of the same width); other
// items as they are.
std::vector<std::string> expand_area_codes(const std::vector<std::string>& items);

// A population table: one row per area, an id column and one numeric column per group (as the
// 2021 Census file LAD,LAD_code,Asian,Black,Mixed,Other,White).
struct Population {
  std::string source;
  std::vector<std::string> groups;  // the numeric columns, in file order
  std::map<std::string, double> totals;
  std::int64_t areas = 0;  // rows summed
};
// Sums the rows whose id is in `areas` (all rows when empty). Throws InputError for a bad number
// and ConfigError when a listed area is not in the table.
Population read_population(const std::string& path, const std::string& id_column,
                           const std::vector<std::string>& areas);

struct GroupRate {
  std::string group;
  std::int64_t stops = 0;
  double population = 0;
  double per_1000 = 0;         // 1000 stops / population
  Interval per_1000_interval;  // Garwood's exact Poisson interval of the count, per 1,000
  double ratio = 0;            // per_1000 / the reference's per_1000
  Interval ratio_interval;
};
struct RateTable {
  std::string reference;
  std::vector<GroupRate> rows;  // the groups both in the stops and the population
  // Population groups with no stop group (officer-defined ethnicity has no Mixed): not in any
  // denominator, listed with their size.
  std::vector<std::pair<std::string, double>> excluded;
  std::vector<std::string> no_population;  // stop groups the table lacks (not rated)
};
// Rates of `stops` (by the records' groups) per 1,000 of `population`, ratio to `reference`
// with the exact conditional (Breslow & Day) interval at `level`.
RateTable rate_table(const std::vector<std::string>& groups, const std::vector<std::int64_t>& stops,
                     const Population& population, const std::string& reference, double level);

// Stops by group of the records with a group (index as records.groups).
std::vector<std::int64_t> stops_by_group(const StopRecords& records);
// The same by local month "YYYY-MM".
std::map<std::string, std::vector<std::int64_t>> stops_by_month(const StopRecords& records);

// The outcome test: among searches, the hit rate = linked true / (true + false) by group, with
// Clopper-Pearson intervals and Pearson's chi-squared test of equal hit rates. Searches with a
// blank "outcome linked" are excluded and counted.
struct HitRate {
  std::string group;
  std::int64_t searches = 0, hits = 0, misses = 0, blank = 0;
  double hit_rate = 0;
  Interval interval;
};
struct OutcomeTest {
  std::vector<HitRate> rows;
  ChiSquared test;
  std::int64_t blank = 0;          // searches with no linked outcome, excluded
  std::int64_t missing_group = 0;  // searches with linked outcome but no group
};
OutcomeTest outcome_test(const StopRecords& records, double level);

// The veil of darkness (Grogger & Ridgeway 2006): within the inter-twilight window (the local
// clock times between the earliest and the latest end of civil twilight of the year, at the
// records' mean location), stops before sunset are in daylight and stops after civil dusk in
// darkness (their own date and place); stops in between (twilight) are set aside. For each group
// against the reference, the odds ratio (g_light ref_dark) / (ref_light g_dark) with Woolf's
// interval: above 1, the group is a larger share of stops when officers can see who they stop.
struct VeilRow {
  std::string group;
  std::int64_t light = 0, dark = 0;
  double share_light = 0, share_dark = 0;  // of all light (dark) stops with a group
  OddsRatio odds;
};
struct VeilResult {
  double lat = 0, lon = 0;  // where the window was computed
  int year = 0;
  double window_start = 0, window_end = 0;  // local clock minutes after midnight
  std::int64_t usable = 0;                  // stops with a time, a location and a group
  std::int64_t in_window = 0, light = 0, dark = 0, twilight = 0;
  std::vector<VeilRow> rows;
};
// Clock times are local to `time_zone` (the records' own).
VeilResult veil_of_darkness(const StopRecords& records, const std::string& reference, double level,
                            const std::string& time_zone);

}  // namespace scrutineer::stops
