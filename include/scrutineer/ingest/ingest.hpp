// Ingest of real crime exports (Chicago data portal, data.police.uk, Crime Open Database, ... or a
// generic column mapping; the formats are in scrutineer/ingest/format.hpp): parse, validate,
// convert local times to UTC, project with PROJ, report bad rows.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "scrutineer/core/events.hpp"

namespace scrutineer::ingest {

// Column names of a source. An empty name means "not in this source" (or: use the format's
// default).
struct ColumnMapping {
  std::string time;  // date or date-time column
  std::string
      time_format;  // "auto", or a pattern of %Y %y %m %d %H %I %M %S %p and literal characters
  std::string lon, lat;  // WGS 84 degrees (preferred when both pairs are given and present)
  std::string x, y;      // coordinates in ReadOptions::source_crs (used when lon/lat are empty)
  std::string category;  // offence type; without one every event gets ReadOptions::category_value
  std::string cell;      // integer cell/bin id carried as an attribute (Lum & Isaac's Oakland bins)
};

struct ReadOptions {
  // "auto" (detected from the header where unambiguous) or a format's name (format_names(); the
  // formats are listed in scrutineer/ingest/format.hpp and docs/ingest.md).
  std::string format = "auto";
  ColumnMapping columns;   // overrides the format's default columns, name by name
  std::string source_crs;  // CRS of the x/y columns (lon/lat are always EPSG:4326)
  std::string time_zone;   // IANA zone of local times; default: the format's (see docs/ingest.md)
  std::string target_crs;  // metric CRS of the output; empty = the UTM zone of the median lon/lat
  bool strict = false;     // the first bad row is an InputError naming file, line and column
  bool drop_duplicates = false;           // drop byte-identical repeated rows (always counted)
  std::vector<std::string> keep_columns;  // extra columns carried forward (never by default)
  std::string category_value = "all";  // category of every event when there is no category column
  char delimiter = ',';
  std::size_t max_field_bytes = 1 << 20;  // a longer field drops the row (field_too_long)
  std::size_t example_lines = 5;          // first line numbers kept per reason
  // Bytes per chunk of the parallel read (0: chosen from the file's size). The events, their order
  // and every count and message are the same for any value; tests set it small to check that.
  std::size_t chunk_bytes = 0;
};

// Why a row was dropped. The order is the order of the checks, and of the report.
enum class DropReason {
  kUnterminatedQuote,  // the file ended inside a quoted field
  kFieldTooLong,
  kWrongColumnCount,  // also a truncated last line
  kInvalidUtf8,
  kBadTime,
  kMissingCoordinates,  // empty, not a number, or exactly (0, 0) (a placeholder in many exports)
  kOutOfRangeCoordinates,
  kSwappedLatLon,  // valid only with latitude and longitude exchanged
  kBadCell,        // the cell column is empty, "NA" or not an integer
  kProjectionFailed,
  kDuplicate,  // only with drop_duplicates
};
constexpr std::size_t kDropReasons = 11;
std::string_view to_string(DropReason reason);

struct ReasonCount {
  std::int64_t count = 0;
  std::vector<std::int64_t> first_lines;  // 1-based file lines (line 1 = header)
};

struct ReadReport {
  std::string path;
  std::string format;     // the format used (after detection)
  std::string time_zone;  // zone the local times were read in
  std::string time_column, time_format;
  std::string coordinates;  // e.g. "longitude/latitude (EPSG:4326)"
  std::string target_crs;   // CRS of the events ("" when the source has no coordinates)
  TimeResolution resolution = TimeResolution::kMinute;
  std::int64_t rows_read = 0;  // data rows (the header excluded, blank lines skipped)
  std::int64_t rows_kept = 0;
  std::int64_t rows_dropped = 0;
  std::array<ReasonCount, kDropReasons> dropped{};
  ReasonCount duplicates;  // rows byte-identical to an earlier row (dropped only if asked)
  bool duplicates_dropped = false;
  std::int64_t t_min = 0, t_max = 0;              // UTC seconds of the kept events
  double xmin = 0, ymin = 0, xmax = 0, ymax = 0;  // bbox of the kept events in target_crs
  double lon_min = 0, lat_min = 0, lon_max = 0, lat_max = 0;     // the same in WGS 84 (when known)
  std::vector<std::pair<std::string, std::int64_t>> categories;  // by count, largest first
  std::vector<std::string> columns_used;
  std::vector<std::string> columns_kept;
  std::vector<std::string> columns_not_carried;   // every other column of the header
  std::vector<std::string> personal_identifiers;  // those of them that can identify people/places
};

// An extra column carried forward, aligned with the events.
struct KeptColumn {
  std::string name;
  std::vector<std::string> values;
};

struct ReadResult {
  EventSet events;  // sorted by time; x/y NaN when the source has no coordinates
  ReadReport report;
  std::vector<std::int64_t> cell;  // the cell column when mapped (aligned with events), else empty
  std::vector<KeptColumn> kept;
};

// Reads one CSV export. Throws IoError when the file cannot be read; InputError for an empty file,
// a header without data rows, a missing required column, no usable row, or (strict) the first bad
// row; ConfigError for an unknown format, zone or CRS, or a format that cannot be decided.
ReadResult read_events(const std::string& path, const ReadOptions& options);
// The same, on CSV text in memory (`name` is used in messages).
ReadResult read_events_from_string(const std::string& name, std::string text,
                                   const ReadOptions& options);

// The format of a header: the first format of the list (scrutineer/ingest/format.hpp) whose
// detection fits, else "generic".
std::string detect_format(const std::vector<std::string>& header);

// "auto" and every format's name, in the list's order (the accepted values of --format).
std::vector<std::string> format_names();

// "" when `name` is "auto" or a format's name; otherwise the reason, listing the names:
// "unknown format 'xml': expected auto, events, chicago, ... or generic".
std::string unknown_format_message(std::string_view name);

// True for a column name that can identify a person or a precise place (case numbers, ids, names,
// addresses, blocks, dates of birth): such columns are never carried unless kept by name.
bool is_personal_identifier(std::string_view column);

// A time pattern compiled once and applied to every row without allocation.
class TimeParser {
 public:
  // Throws ConfigError for an unknown directive or a pattern without %Y/%y.
  explicit TimeParser(std::string_view pattern);
  // Wall-clock seconds of the text (as if UTC), or false when the text does not match the pattern
  // or names no real date.
  bool parse(std::string_view text, std::int64_t& local_seconds) const;
  // The finest unit the pattern holds.
  TimeResolution resolution() const { return resolution_; }
  const std::string& pattern() const { return pattern_; }

 private:
  struct Fields {
    std::int64_t year = 0;
    unsigned month = 0, day = 1, hour = 0, minute = 0, second = 0;
    int pm = -1;  // -1 no %p, 0 AM, 1 PM
  };
  bool parse_general(std::string_view text, Fields& f) const;
  bool parse_fixed(std::string_view text, Fields& f) const;
  std::string pattern_;
  std::vector<char> ops_;  // directive letters, or '\0' followed by a literal character
  // The pattern's text when every number has its widest form (%Y 4 digits, the others 2): the
  // usual case, read at fixed offsets; other texts go through ops_.
  struct FixedOp {
    char op;  // directive letter, or '\0' for a literal
    char literal;
    std::uint8_t at;
  };
  std::vector<FixedOp> fixed_;
  std::size_t fixed_size_ = 0;  // 0: no fixed layout
  TimeResolution resolution_;
};

// The first of the built-in patterns that parses every one of `samples` (ignoring empty ones), or
// "" when none does. Throws ConfigError when both a month-first and a day-first pattern fit.
std::string detect_time_format(const std::vector<std::string>& samples);

// Summary of a read, as JSON (one object) and as readable text.
std::string report_json(const ReadReport& report);
std::string report_text(const ReadReport& report);

}  // namespace scrutineer::ingest
