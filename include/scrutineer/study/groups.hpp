// Population groups built from numeric area columns combined by name
// ("black=BlkAfrican+BlkCaribbean+ OtherBlk"), with the US rule that Hispanic counts overlap race
// counts and are never added to them.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace scrutineer::study {

// One group: its name and the columns whose counts add up to it.
struct GroupSpec {
  std::string name;
  std::vector<std::string> columns;
};

// Parses "name=col+col+..." or a bare "col" (the group is named after the column). Spaces around
// names are ignored. ConfigError on an empty name or column.
GroupSpec parse_group(std::string_view text);

// True for a column that counts an ethnicity of any race (US Census "Hispanic or Latino"): its name
// contains "hisp" or "latin", in any case.
bool is_ethnicity_column(std::string_view column);

struct GroupOptions {
  std::string total_column;  // total population; "" = the sum of the groups (must then partition)
  // Columns that overlap the race counts; empty = every column for which is_ethnicity_column().
  std::vector<std::string> ethnicity_columns;
};

// Counts per group and area, ready to be spread to cells.
struct GroupCounts {
  std::vector<std::string> names;
  std::vector<std::vector<double>> by_group;  // [group][area]
  std::vector<double> total;                  // [area]: the denominator population
  std::string total_source;                   // the total column, or "sum of the groups"
  bool overlapping = false;                   // the groups do not partition the population
  std::vector<std::string> notes;             // said in every output
};

// Builds the groups from the numeric columns (`names[k]` holds `columns[k][area]`; NaN = no value,
// counted as 0 and noted). ConfigError for an unknown column, a column in two groups, a group that
// adds an ethnicity column to race columns, duplicate group names, overlapping groups without a
// total column, or a negative count.
GroupCounts combine_groups(const std::vector<GroupSpec>& specs,
                           const std::vector<std::string>& names,
                           const std::vector<std::vector<double>>& columns,
                           const GroupOptions& options);

}  // namespace scrutineer::study
