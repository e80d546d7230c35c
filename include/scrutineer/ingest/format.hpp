// The input formats ingest reads. Each format is one file (src/ingest/format_*.cpp) that declares
// its name, how to detect it from a header and its column defaults; src/ingest/formats.cpp holds
// the one list. read_events, `--format auto`, the CLI's --format check, the recipe's [data] format
// check and the table in docs/ingest.md all come from that list.
#pragma once

#include <functional>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "scrutineer/core/events.hpp"
#include "scrutineer/ingest/ingest.hpp"

namespace scrutineer::ingest {

using Header = std::vector<std::string>;

// The first value of a column in the file being read ("" when the column or a row is missing), for
// defaults that depend on the data (a CODE file's city, an events file's CRS).
using FirstValue = std::function<std::string(std::string_view column)>;

// What a format supplies for one file. The user's column names override these one by one.
struct FormatDefaults {
  // Default column names ("" = none). time_format "" means auto. The x/y pair is a fallback: it is
  // used only when the header holds both columns.
  ColumnMapping columns;
  std::string time_zone;   // IANA zone of the local times; "" = the user must give one
  std::string source_crs;  // CRS of columns.x/columns.y
  std::optional<TimeResolution> resolution;  // replaces the time pattern's own resolution
  std::string event_zone;  // zone of the study's local days, when it differs from time_zone
};

// The cells of the format's row in docs/ingest.md (Markdown).
struct FormatDocs {
  std::string_view detected_when;  // the header columns detect() looks for
  std::string_view time;           // time column (pattern) and resolution
  std::string_view coordinates;
  std::string_view category;
  std::string_view zone;
};

struct Format {
  std::string_view name;         // the value of --format and of a recipe's [data] format
  std::string_view description;  // one line: whose exports these are
  // True when a header is this format's; nullptr for a format used only when named.
  bool (*detect)(const Header& header) = nullptr;
  FormatDefaults (*defaults)(const Header& header, const FirstValue& first) = nullptr;
  // Columns of the format that identify people or precise places: listed in the read report with
  // those is_personal_identifier finds, and (like every column not used) never carried.
  std::vector<std::string_view> identifiers;
  FormatDocs docs;
};

// Every format, in the order `auto` tries them (the first whose detect() says yes wins; generic,
// the fallback, is last).
const std::vector<Format>& formats();

// The format of that name, or nullptr.
const Format* find_format(std::string_view name);

// The table of formats of docs/ingest.md, generated from the list (Markdown, ending in '\n').
std::string formats_markdown();

// Helpers for the formats' files. Column names match exactly first, then ignoring ASCII case.
bool header_has(const Header& header, std::string_view name);
// The header's spelling of the first of `names` that it holds, or "".
std::string first_present(const Header& header, std::initializer_list<std::string_view> names);
// Equal ignoring ASCII case.
bool ascii_iequals(std::string_view a, std::string_view b);
// Without leading and trailing spaces and tabs (inline: ingest calls it for every field it reads).
inline std::string_view trim_blanks(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace scrutineer::ingest
