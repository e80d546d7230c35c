// Loading a people-focused tool's output (one row per person) for audit: columns mapped by name,
// identifier columns refused, row filters with R's NA semantics. Never scores a person.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "scrutineer/io/csv.hpp"

namespace scrutineer::scores {

// One row filter "column op value" (op: == != < <= > >=); several are joined with AND.
struct RowFilter {
  enum class Op { kEq, kNe, kLt, kLe, kGt, kGe };
  std::string column;
  Op op = Op::kEq;
  std::string value;     // unquoted text
  bool numeric = false;  // the value parses as a number: compare numbers
};

// Parses "days_b_screening_arrest>=-30" or "score_text != 'N/A'". Throws ConfigError.
RowFilter parse_filter(std::string_view text);

struct PeopleOptions {
  std::string path;
  std::string score_column;    // numeric score; or
  std::string flag_column;     // a 0/1 flag; or neither: every row is on the list (representation)
  std::string outcome_column;  // optional 0/1 outcome
  std::vector<std::string> group_columns;  // at least one
  std::vector<std::string> where;          // filters, joined with AND
  std::vector<std::string> identifiers;    // extra columns the user marks as identifying
  std::vector<std::string> keep;           // identifier columns the user keeps explicitly
};

struct GroupColumn {
  std::string name;
  std::vector<std::string> labels;   // distinct values in first-seen order
  std::vector<std::uint32_t> codes;  // per person, index into labels
};

struct FilterCount {
  std::string filter;
  std::int64_t missing = 0;   // rows dropped because the column was empty or NA
  std::int64_t rejected = 0;  // rows dropped because the comparison was false
};

struct People {
  std::vector<double> score;         // the score, or 0/1 for a flag, or 1 for a list
  std::vector<std::int8_t> outcome;  // 0/1; empty when no outcome column
  std::vector<GroupColumn> groups;
  bool outcome_mapped = false;  // an outcome column was given
  bool has_outcome() const { return outcome_mapped; }
  std::size_t size() const { return score.size(); }

  std::string source;
  std::string score_name;  // column used, or "" for a list
  bool is_flag = false;    // score holds a 0/1 flag (or 1 for a list)
  std::int64_t rows_read = 0;
  std::vector<FilterCount> filters;
  std::vector<std::string> notes;  // duplicate headers resolved, identifiers dropped
};

// True for a column that names or identifies a person: io::identifies_people (word by word:
// victim_phone, DateOfBirth, "Last Name", case_number; not phonetic_code).
bool is_identifier_name(std::string_view column);

// Reads the file. Throws InputError (file, line, column) for a malformed value, ConfigError for a
// missing column, an identifier used without --keep, or a contradictory mapping.
People load_people(const PeopleOptions& options);
People load_people(io::CsvReader& reader, const PeopleOptions& options);

}  // namespace scrutineer::scores
