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
#include "scrutineer/core/printable.hpp"
#include "scrutineer/io/identifiers.hpp"

namespace scrutineer::scores {

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

std::string printable_list(const std::vector<std::string>& names) {
  std::string list;
  for (const auto& n : names) list += (list.empty() ? "" : ", ") + printable_name(n);
  return list;
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
    throw ConfigError(fmt::format("{}: no column '{}' for the {} (columns: {})", reader.path(),
                                  printable_name(name), role, printable_list(header)));
  }
  for (std::size_t d : column.duplicates) {
    people.notes.push_back(fmt::format(
        "column '{}' appears more than once (columns {} and {}); used column {}, and every row "
        "was checked to hold the same value in both",
        printable_name(name), column.index + 1, d + 1, column.index + 1));
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
                                   "differ on this row: the mapping is ambiguous",
                                   printable_name(column.name), column.index + 1, d + 1));
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
      fmt::format("the {} column '{}' must hold 0 or 1{}", role, printable_name(column.name),
                  value.empty() ? ", found an empty field" : ""));
}

// A group label is written into every output: it must be UTF-8 text without control characters
// (which would be terminal escapes in the readable table).
void check_label(const io::CsvReader& reader, const io::CsvRecord& record, const Column& column,
                 std::string_view label) {
  const char* problem = nullptr;
  if (!io::valid_utf8(label)) {
    problem =
        "is not valid UTF-8 (Latin-1 or another encoding?); convert the file to UTF-8, e.g. "
        "iconv -f latin1 -t utf-8";
  } else if (std::any_of(label.begin(), label.end(), [](char c) {
               return static_cast<unsigned char>(c) < 0x20 || c == 0x7F;
             })) {
    problem = "holds a control character";
  }
  if (problem) {
    throw InputError(
        reader.path(), record.line, record.columns[column.index],
        fmt::format("the value of the group column '{}' {}", printable_name(column.name), problem));
  }
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

bool is_identifier_name(std::string_view column) { return io::identifies_people(column); }

People load_people(const PeopleOptions& options) {
  io::CsvReader reader(options.path);
  return load_people(reader, options);
}

namespace {

// Which columns identify people (by name, or marked) and which the user keeps explicitly.
struct IdentifierRule {
  const PeopleOptions& options;
  bool identifying(const std::string& name) const {
    const auto& marked = options.identifiers;
    return std::find(marked.begin(), marked.end(), name) != marked.end() ||
           is_identifier_name(name);
  }
  bool kept(const std::string& name) const {
    return std::find(options.keep.begin(), options.keep.end(), name) != options.keep.end();
  }
  void refuse(const std::string& name, const char* role) const {
    if (identifying(name) && !kept(name)) {
      throw ConfigError(fmt::format(
          "column '{}' identifies people and cannot be the {} unless kept explicitly (--keep {})",
          name, role, name));
    }
  }
};

// The columns a load reads, resolved against the header.
struct Mapping {
  std::optional<Column> score, flag, outcome;
  std::vector<Column> groups;
  std::vector<RowFilter> filters;
  std::vector<Column> filter_columns;
};

Mapping map_columns(const io::CsvReader& reader, const PeopleOptions& options, People& people) {
  if (options.group_columns.empty()) {
    throw ConfigError("at least one group column is needed (--group)");
  }
  if (!options.score_column.empty() && !options.flag_column.empty()) {
    throw ConfigError("give either a score column or a flag column, not both");
  }
  const IdentifierRule rule{options};
  std::vector<std::string> dropped;
  for (const auto& h : reader.header()) {
    if (rule.identifying(h) && !rule.kept(h)) dropped.push_back(h);
  }
  if (!dropped.empty()) {
    people.notes.push_back(fmt::format(
        "identifier columns dropped (never read into any output): {}", printable_list(dropped)));
  }
  Mapping m;
  if (!options.score_column.empty()) {
    rule.refuse(options.score_column, "score");
    m.score = resolve(reader, options.score_column, "score", people);
    people.score_name = options.score_column;
  } else if (!options.flag_column.empty()) {
    rule.refuse(options.flag_column, "flag");
    m.flag = resolve(reader, options.flag_column, "flag", people);
    people.score_name = options.flag_column;
    people.is_flag = true;
  } else {
    people.is_flag = true;  // a list: everyone in the file is on it
  }
  if (!options.outcome_column.empty()) {
    rule.refuse(options.outcome_column, "outcome");
    m.outcome = resolve(reader, options.outcome_column, "outcome", people);
    people.outcome_mapped = true;
  }
  for (const auto& name : options.group_columns) {
    rule.refuse(name, "group attribute");
    if (rule.kept(name) && rule.identifying(name)) {
      people.notes.push_back(fmt::format("identifier column '{}' kept explicitly", name));
    }
    m.groups.push_back(resolve(reader, name, "group attribute", people));
    people.groups.push_back(GroupColumn{name, {}, {}});
  }
  for (const auto& text : options.where) {
    m.filters.push_back(parse_filter(text));
    m.filter_columns.push_back(resolve(reader, m.filters.back().column, "filter", people));
    people.filters.push_back(FilterCount{text, 0, 0});
  }
  return m;
}

// A record the reader flagged, or one of another width than the header.
void check_record(const io::CsvReader& reader, const io::CsvRecord& record) {
  if (record.unterminated_quote || record.too_long)  // the reader says why (issue 19, item 16)
    throw InputError(reader.path(), record.line, 0, record.problem);
  const std::size_t width = reader.header().size();
  if (record.size() != width) {
    throw InputError(
        reader.path(), record.line, 0,
        fmt::format("expected {} fields as in the header, found {}", width, record.size()));
  }
}

// Applies the filters in order; the first that drops the row counts it, as missing or rejected.
bool passes_filters(const io::CsvReader& reader, const io::CsvRecord& record, const Mapping& m,
                    People& people) {
  for (std::size_t f = 0; f < m.filters.size(); ++f) {
    const RowFilter& filter = m.filters[f];
    const std::string_view value = field(reader, record, m.filter_columns[f]);
    if (value == "NA" || (filter.numeric && value.empty())) {
      ++people.filters[f].missing;
      return false;
    }
    int order = 0;
    if (filter.numeric) {
      const auto x = parse_number(value);
      if (!x) {
        throw InputError(
            reader.path(), record.line, record.columns[m.filter_columns[f].index],
            fmt::format("filter '{}' compares numbers, but column '{}' does not hold a number here",
                        printable_name(people.filters[f].filter), printable_name(filter.column)));
      }
      const double y = *parse_number(filter.value);
      order = *x < y ? -1 : (*x > y ? 1 : 0);
    } else {
      const int c = value.compare(filter.value);
      order = c < 0 ? -1 : (c > 0 ? 1 : 0);
    }
    if (!compare(filter.op, order)) {
      ++people.filters[f].rejected;
      return false;
    }
  }
  return true;
}

using LabelCodes = std::vector<std::map<std::string, std::uint32_t, std::less<>>>;

// Appends the row's person: score (or flag, or 1 for a list), outcome and group codes.
void read_person(const io::CsvReader& reader, const io::CsvRecord& record, const Mapping& m,
                 LabelCodes& code_of, People& people) {
  if (m.score) {
    const std::string_view text = field(reader, record, *m.score);
    const auto x = parse_number(text);
    if (!x) {
      throw InputError(
          reader.path(), record.line, record.columns[m.score->index],
          fmt::format("the score column '{}' must hold a number{}", printable_name(m.score->name),
                      text.empty() ? ", found an empty field" : ""));
    }
    people.score.push_back(*x);
  } else if (m.flag) {
    people.score.push_back(
        parse_binary(reader, record, *m.flag, field(reader, record, *m.flag), "flag"));
  } else {
    people.score.push_back(1.0);
  }
  if (m.outcome) {
    people.outcome.push_back(
        parse_binary(reader, record, *m.outcome, field(reader, record, *m.outcome), "outcome"));
  }
  for (std::size_t g = 0; g < m.groups.size(); ++g) {
    std::string_view label = field(reader, record, m.groups[g]);
    check_label(reader, record, m.groups[g], label);
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

}  // namespace

People load_people(io::CsvReader& reader, const PeopleOptions& options) {
  People people;
  people.source = reader.path();
  const Mapping m = map_columns(reader, options, people);
  LabelCodes code_of(m.groups.size());
  io::CsvRecord record;
  while (reader.next(record)) {
    ++people.rows_read;
    check_record(reader, record);
    if (passes_filters(reader, record, m, people)) read_person(reader, record, m, code_of, people);
  }
  if (people.rows_read == 0) {
    throw InputError(reader.path(), 1, 0, "no rows: the file holds a header line and no data");
  }
  if (people.size() == 0) {
    throw InputError(
        reader.path(), 0, 0,
        fmt::format("no rows left: the filters dropped all {} rows read", people.rows_read));
  }
  return people;
}

}  // namespace scrutineer::scores
