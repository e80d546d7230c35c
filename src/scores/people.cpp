// Loading a tool's per-person output for audit: name-mapped columns, duplicate headers, identifier
// refusal and row filters with R's NA semantics (read.csv reads "NA" and empty numbers as NA).
#include "scrutineer/scores/people.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <map>
#include <optional>

#include "scrutineer/core/error.hpp"

namespace scrutineer::scores {

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& ch : out) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return out;
}

std::optional<double> parse_number(std::string_view s) {
  s = trim(s);
  if (s.empty()) return std::nullopt;
  if (s.front() == '+') s.remove_prefix(1);
  double value = 0.0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
  if (ec != std::errc() || end != s.data() + s.size() || !std::isfinite(value)) return std::nullopt;
  return value;
}

// A mapped column: the first of its name, with any duplicates checked row by row.
struct Column {
  std::string name;
  std::size_t index = 0;
  std::vector<std::size_t> duplicates;
};

Column resolve(const io::CsvReader& reader, const std::string& name, const char* role,
               People& people) {
  Column column{name, 0, {}};
  bool found = false;
  const auto& header = reader.header();
  for (std::size_t i = 0; i < header.size(); ++i) {
    if (trim(header[i]) != name) continue;
    if (!found) {
      column.index = i;
      found = true;
    } else {
      column.duplicates.push_back(i);
    }
  }
  if (!found) {
    std::string names;
    for (const auto& h : header) names += (names.empty() ? "" : ", ") + h;
    throw ConfigError(fmt::format("{}: no column '{}' for the {} (columns: {})", reader.path(),
                                  name, role, names));
  }
  for (std::size_t d : column.duplicates) {
    people.notes.push_back(fmt::format(
        "column '{}' appears more than once (columns {} and {}); used column {}, and every row "
        "was checked to hold the same value in both",
        name, column.index + 1, d + 1, column.index + 1));
  }
  return column;
}

std::string_view field(const io::CsvReader& reader, const io::CsvRecord& record,
                       const Column& column) {
  const std::string_view value = trim(record[column.index]);
  for (std::size_t d : column.duplicates) {
    if (trim(record[d]) != value) {
      throw InputError(reader.path(), record.line, record.columns[d],
                       fmt::format("column '{}' appears twice (columns {} and {}) and the two "
                                   "differ on this row ('{}' and '{}'): the mapping is ambiguous",
                                   column.name, column.index + 1, d + 1, value, trim(record[d])));
    }
  }
  return value;
}

std::int8_t parse_binary(const io::CsvReader& reader, const io::CsvRecord& record,
                         const Column& column, std::string_view value, const char* role) {
  if (value == "0") return 0;
  if (value == "1") return 1;
  throw InputError(
      reader.path(), record.line, record.columns[column.index],
      fmt::format("the {} column '{}' must hold 0 or 1, found '{}'", role, column.name, value));
}

bool compare(RowFilter::Op op, int order) {
  switch (op) {
    case RowFilter::Op::kEq:
      return order == 0;
    case RowFilter::Op::kNe:
      return order != 0;
    case RowFilter::Op::kLt:
      return order < 0;
    case RowFilter::Op::kLe:
      return order <= 0;
    case RowFilter::Op::kGt:
      return order > 0;
    case RowFilter::Op::kGe:
      return order >= 0;
  }
  return false;
}

}  // namespace

RowFilter parse_filter(std::string_view text) {
  const std::size_t at = text.find_first_of("<>!=");
  if (at == std::string_view::npos || at == 0) {
    throw ConfigError(fmt::format(
        "filter '{}': expected 'column op value' with op one of == != < <= > >=", text));
  }
  RowFilter filter;
  filter.column = std::string(trim(text.substr(0, at)));
  std::string_view rest = text.substr(at);
  static const std::pair<std::string_view, RowFilter::Op> kOps[] = {
      {">=", RowFilter::Op::kGe}, {"<=", RowFilter::Op::kLe}, {"!=", RowFilter::Op::kNe},
      {"==", RowFilter::Op::kEq}, {">", RowFilter::Op::kGt},  {"<", RowFilter::Op::kLt},
      {"=", RowFilter::Op::kEq}};
  bool matched = false;
  for (const auto& [symbol, op] : kOps) {
    if (rest.substr(0, symbol.size()) == symbol) {
      filter.op = op;
      rest.remove_prefix(symbol.size());
      matched = true;
      break;
    }
  }
  std::string_view value = trim(rest);
  if (!matched || filter.column.empty() || value.empty()) {
    throw ConfigError(fmt::format(
        "filter '{}': expected 'column op value' with op one of == != < <= > >=", text));
  }
  const bool quoted = value.size() >= 2 && (value.front() == '\'' || value.front() == '"') &&
                      value.back() == value.front();
  if (quoted) value = value.substr(1, value.size() - 2);
  filter.value = std::string(value);
  filter.numeric = !quoted && parse_number(value).has_value();
  return filter;
}

bool is_identifier_name(std::string_view column) {
  static const char* const kNames[] = {
      "id",        "name",          "first",      "last",        "first_name", "last_name",
      "firstname", "lastname",      "full_name",  "fullname",    "surname",    "forename",
      "dob",       "date_of_birth", "birth_date", "birthdate",   "ssn",        "address",
      "phone",     "email",         "person_id",  "case_number", "case_no"};
  const std::string name = lower(trim(column));
  for (const char* candidate : kNames) {
    if (name == candidate) return true;
  }
  return name.find("case_number") != std::string::npos ||
         name.find("case_num") != std::string::npos || name.find("casenumber") != std::string::npos;
}

People load_people(const PeopleOptions& options) {
  io::CsvReader reader(options.path);
  return load_people(reader, options);
}

People load_people(io::CsvReader& reader, const PeopleOptions& options) {
  People people;
  people.source = reader.path();
  if (options.group_columns.empty()) {
    throw ConfigError("at least one group column is needed (--group)");
  }
  if (!options.score_column.empty() && !options.flag_column.empty()) {
    throw ConfigError("give either a score column or a flag column, not both");
  }
  auto identifying = [&](const std::string& name) {
    const bool marked = std::find(options.identifiers.begin(), options.identifiers.end(), name) !=
                        options.identifiers.end();
    return marked || is_identifier_name(name);
  };
  auto kept = [&](const std::string& name) {
    return std::find(options.keep.begin(), options.keep.end(), name) != options.keep.end();
  };
  std::vector<std::string> dropped;
  for (const auto& h : reader.header()) {
    if (identifying(h) && !kept(h)) dropped.push_back(h);
  }
  if (!dropped.empty()) {
    std::string list;
    for (const auto& d : dropped) list += (list.empty() ? "" : ", ") + d;
    people.notes.push_back(
        fmt::format("identifier columns dropped (never read into any output): {}", list));
  }
  auto check_not_identifier = [&](const std::string& name, const char* role) {
    if (identifying(name) && !kept(name)) {
      throw ConfigError(fmt::format(
          "column '{}' identifies people and cannot be the {} unless kept explicitly (--keep {})",
          name, role, name));
    }
  };

  std::optional<Column> score, flag, outcome;
  if (!options.score_column.empty()) {
    check_not_identifier(options.score_column, "score");
    score = resolve(reader, options.score_column, "score", people);
    people.score_name = options.score_column;
  } else if (!options.flag_column.empty()) {
    check_not_identifier(options.flag_column, "flag");
    flag = resolve(reader, options.flag_column, "flag", people);
    people.score_name = options.flag_column;
    people.is_flag = true;
  } else {
    people.is_flag = true;  // a list: everyone in the file is on it
  }
  if (!options.outcome_column.empty()) {
    check_not_identifier(options.outcome_column, "outcome");
    outcome = resolve(reader, options.outcome_column, "outcome", people);
    people.outcome_mapped = true;
  }
  std::vector<Column> groups;
  for (const auto& name : options.group_columns) {
    check_not_identifier(name, "group attribute");
    if (kept(name) && identifying(name)) {
      people.notes.push_back(fmt::format("identifier column '{}' kept explicitly", name));
    }
    groups.push_back(resolve(reader, name, "group attribute", people));
    people.groups.push_back(GroupColumn{name, {}, {}});
  }
  std::vector<RowFilter> filters;
  std::vector<Column> filter_columns;
  for (const auto& text : options.where) {
    filters.push_back(parse_filter(text));
    filter_columns.push_back(resolve(reader, filters.back().column, "filter", people));
    people.filters.push_back(FilterCount{text, 0, 0});
  }
  std::vector<std::map<std::string, std::uint32_t, std::less<>>> code_of(groups.size());

  io::CsvRecord record;
  const std::size_t width = reader.header().size();
  while (reader.next(record)) {
    ++people.rows_read;
    if (record.unterminated_quote || record.too_long)  // the reader says why (issue 19, item 16)
      throw InputError(reader.path(), record.line, 0, record.problem);
    if (record.size() != width) {
      throw InputError(
          reader.path(), record.line, 0,
          fmt::format("expected {} fields as in the header, found {}", width, record.size()));
    }
    bool keep_row = true;
    for (std::size_t f = 0; f < filters.size() && keep_row; ++f) {
      const RowFilter& filter = filters[f];
      const std::string_view value = field(reader, record, filter_columns[f]);
      const bool na = value == "NA" || (filter.numeric && value.empty());
      if (na) {
        ++people.filters[f].missing;
        keep_row = false;
        break;
      }
      int order = 0;
      if (filter.numeric) {
        const auto x = parse_number(value);
        if (!x) {
          throw InputError(reader.path(), record.line, record.columns[filter_columns[f].index],
                           fmt::format("filter '{}' compares numbers, but column '{}' holds '{}'",
                                       people.filters[f].filter, filter.column, value));
        }
        const double y = *parse_number(filter.value);
        order = *x < y ? -1 : (*x > y ? 1 : 0);
      } else {
        const int c = value.compare(filter.value);
        order = c < 0 ? -1 : (c > 0 ? 1 : 0);
      }
      if (!compare(filter.op, order)) {
        ++people.filters[f].rejected;
        keep_row = false;
      }
    }
    if (!keep_row) continue;

    if (score) {
      const std::string_view text = field(reader, record, *score);
      const auto x = parse_number(text);
      if (!x) {
        throw InputError(
            reader.path(), record.line, record.columns[score->index],
            fmt::format("the score column '{}' must hold a number, found '{}'", score->name, text));
      }
      people.score.push_back(*x);
    } else if (flag) {
      people.score.push_back(
          parse_binary(reader, record, *flag, field(reader, record, *flag), "flag"));
    } else {
      people.score.push_back(1.0);
    }
    if (outcome) {
      people.outcome.push_back(
          parse_binary(reader, record, *outcome, field(reader, record, *outcome), "outcome"));
    }
    for (std::size_t g = 0; g < groups.size(); ++g) {
      std::string_view label = field(reader, record, groups[g]);
      if (label.empty() || label == "NA") label = "(missing)";
      auto& codes = code_of[g];
      auto it = codes.find(label);
      if (it == codes.end()) {
        it = codes.emplace(std::string(label), static_cast<std::uint32_t>(codes.size())).first;
        people.groups[g].labels.emplace_back(label);
      }
      people.groups[g].codes.push_back(it->second);
    }
  }
  return people;
}

}  // namespace scrutineer::scores
