// Stop and search records: data.police.uk's monthly stop-and-search CSVs (15 standard columns) or
// any CSV through a column mapping (the Stanford Open Policing Project's layout by default), with
// ethnicity mapped to census groups by an editable table. Rows with problems are counted by reason.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace scrutineer::stops {

// Category -> census group. A category mapped to "" means "not stated" (counted as missing).
struct EthnicityMap {
  std::string source;  // "built-in officer-defined", or the CSV's path
  std::vector<std::pair<std::string, std::string>> rows;
  std::vector<std::string> groups() const;  // distinct non-empty groups, in table order
  const std::string* find(const std::string& category) const;
};

// The built-in tables (docs/stops.md): "officer" (data.police.uk officer-defined: White, Black,
// Asian, Other), "self" (the 2011 Census 18+1 categories data.police.uk uses, collapsed to White,
// Mixed, Asian, Black, Other; "Other ethnic group - Not stated" is missing) and "opp" (Stanford
// Open Policing subject_race: white, black, hispanic, asian/pacific islander, other; unknown is
// missing).
EthnicityMap builtin_ethnicity_map(const std::string& name);
// A CSV with columns category,group (group may be empty). Throws InputError on a bad table.
EthnicityMap read_ethnicity_map(const std::string& path);

struct ReadOptions {
  std::string layout = "police-uk";         // police-uk | generic
  std::string ethnicity = "officer";        // police-uk: officer | self (which column is mapped)
  std::string ethnicity_map;                // CSV category,group ("" = the built-in for the column)
  std::vector<double> bounds;               // min_lon,min_lat,max_lon,max_lat (empty = not checked)
  std::string time_zone = "Europe/London";  // months and clock times are local to it
  // generic layout: the columns (Stanford Open Policing names by default); a "" column is absent.
  std::string date_column = "date";  // YYYY-MM-DD, or an ISO date-time with an offset
  std::string time_column = "time";  // HH:MM[:SS] local ("" = none: no veil of darkness)
  std::string lat_column = "lat";
  std::string lon_column = "lng";
  std::string ethnicity_column = "subject_race";
  std::string search_column = "search_conducted";  // "" = every row is a search
  std::string hit_column = "contraband_found";     // the search found what it was for
};

struct Stop {
  std::int64_t utc = 0;    // the instant (seconds since 1970, UTC)
  std::int64_t local = 0;  // the same as wall-clock seconds in the time zone
  bool has_time = true;    // a time of day is known
  bool has_location = false;
  double lat = 0, lon = 0;
  int group = -1;        // index into StopRecords::groups; -1 = missing or unmapped ethnicity
  bool searched = true;  // a search (generic layout: search_column true)
  int linked = -1;  // outcome linked to the object of search / contraband found: 1, 0, -1 blank
};

struct StopRecords {
  std::vector<std::string> files;
  std::string ethnicity_source;     // which map
  std::vector<std::string> groups;  // census groups of the map
  std::vector<Stop> stops;          // rows kept (every row with a readable date)
  std::int64_t rows_read = 0;
  // Counts by reason. Dropped: "bad date", "unreadable record", "wrong number of fields". Kept
  // with the field set aside: "missing ethnicity", "unknown ethnicity category", "no coordinates",
  // "bad coordinates", "outside bounds", "bad outcome linked", "bad search flag".
  std::map<std::string, std::int64_t> problems;
  std::map<std::string, std::int64_t> unknown_categories;  // the unmapped texts and their counts
  std::map<std::string, std::string> first_problem;        // reason -> "FILE:LINE:COL: what"
  std::int64_t dropped() const;
};

// Reads every CSV named (a folder stands for its *.csv files in name order). Throws InputError
// for a file without the layout's columns, ConfigError for inconsistent options.
StopRecords read_stops(const std::vector<std::string>& paths, const ReadOptions& options);

// problems.csv: reason,count,kept,example.
std::string problems_csv(const StopRecords& records);

}  // namespace scrutineer::stops
