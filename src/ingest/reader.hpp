// The steps of read_events, shared by its files (not installed):
//   plan.cpp     the format and its columns: which column is the time, the coordinates, ...
//   rows.cpp     read every row and check it; swapped coordinates; duplicates
//   project.cpp  coordinates into the target CRS with PROJ
//   ingest.cpp   the steps in order, then the events sorted by time and the report
#pragma once

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "scrutineer/ingest/format.hpp"
#include "scrutineer/ingest/ingest.hpp"
#include "scrutineer/io/csv.hpp"

namespace scrutineer::ingest::detail {

constexpr int kNone = -1;  // no such column

// Column index by name: exact match first, then ignoring ASCII case; kNone when absent or empty.
int find_column(const Header& header, std::string_view name);

// The file being read: a reader positioned at the first data row, and fresh readers for looking
// ahead (the time pattern, a format's first values, the size estimate).
class Input {
 public:
  using Factory = std::function<io::CsvReader()>;
  explicit Input(Factory factory) : factory_(std::move(factory)), csv_(factory_()) {}
  io::CsvReader& csv() { return csv_; }
  const io::CsvReader& csv() const { return csv_; }
  io::CsvReader fresh() const { return factory_(); }
  const std::string& path() const { return csv_.path(); }
  const Header& header() const { return csv_.header(); }
  // The first n values of a column among well-formed records; one "" when there is none.
  std::vector<std::string> probe(int column, std::size_t n) const;

 private:
  Factory factory_;  // declared before csv_, which it makes
  io::CsvReader csv_;
};

// Rows dropped by one chunk of a parallel read, in file order: counted once the chunk is known to
// stand.
using DropLog = std::vector<std::pair<DropReason, std::int64_t>>;

// Rows dropped: counted by reason with their first line numbers (or logged, for one chunk) or,
// when strict, the first one is an InputError naming the file, line and column.
class Drops {
 public:
  Drops(const Input& input, const ReadOptions& options, ReadReport& report)
      : input_(input), options_(options), report_(&report) {}
  Drops(const Input& input, const ReadOptions& options, DropLog& log)
      : input_(input), options_(options), log_(&log) {}
  // A bad record, blamed on a column (kNone: the row).
  void bad_record(DropReason reason, const io::CsvRecord& rec, int column, const std::string& what);
  // A row found bad after reading (by line): `what` is built only when strict.
  void bad_line(DropReason reason, std::int64_t line, const std::function<std::string()>& what);
  void count(DropReason reason, std::int64_t line);
  [[noreturn]] void fail(std::int64_t line, std::int64_t column, const std::string& message) const;

 private:
  const Input& input_;
  const ReadOptions& options_;
  ReadReport* report_ = nullptr;
  DropLog* log_ = nullptr;
};

// The resolved columns and settings of one read.
struct Plan {
  const Format* format = nullptr;
  int time = kNone, lon = kNone, lat = kNone, x = kNone, y = kNone, category = kNone, cell = kNone;
  std::vector<int> kept;
  std::string time_format, zone, source_crs;
  std::string event_zone;  // zone of the study's local days, when it differs from `zone`
  std::optional<TimeResolution> resolution;  // replaces the time pattern's
};

// Chooses the format, resolves its columns against the header and fills the report's columns,
// format, zone and time column. Throws ConfigError or InputError (line 1) as read_events does.
Plan make_plan(const Input& input, const ReadOptions& options, ReadReport& report);

// Category names in order of first use; remembers the last one because exports come in runs.
class Dictionary {
 public:
  std::int32_t index(std::string_view name);
  const std::vector<std::string>& names() const { return names_; }

 private:
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  std::vector<std::string> names_;
  std::unordered_map<std::string, std::int32_t, Hash, std::equal_to<>> lookup_;
  std::int32_t last_ = -1;
};

// The row-parallel steps after the parse (check_extent, the projection's write-back and its
// distinct points) split their work into this many parts, whatever the number of threads, and take
// what the parts found in part order, so results never depend on the threads.
constexpr std::size_t kRowParts = 8;

// Positions 0..n-1 split into kRowParts groups by the top 3 bits of their hash, each group in
// increasing order: group g is `index[start[g]]`..`index[start[g + 1] - 1]`. A stable counting
// sort whose counts and scatter run over kRowParts consecutive parts in parallel, so the result
// never depends on the threads. Positions whose `skip` is non-zero are left out (`skip` empty:
// none).
struct HashGroups {
  std::vector<std::uint32_t> index;
  std::vector<std::size_t> start;
};
HashGroups group_by_hash(const std::vector<std::uint64_t>& hash,
                         const std::vector<std::uint8_t>& skip);

enum class Source : std::uint8_t { kNone, kLonLat, kXY };

// Every row that passed the checks while reading, column by column, before projection and sort.
struct Rows {
  std::vector<std::int64_t> t, line, cell;
  std::vector<double> a, b;  // lon/lat or x/y, as read; after project(), x/y in the target CRS
  std::vector<Source> source;
  std::vector<std::int32_t> category;
  std::vector<std::uint64_t> hash;
  std::vector<std::pair<std::size_t, std::size_t>> span;  // raw bytes, for duplicate checks
  std::vector<std::vector<std::string>> kept;
  std::vector<std::uint8_t> drop;  // 0 = kept, else 1 + DropReason
  Dictionary categories;
  std::size_t size() const { return t.size(); }
  void mark(std::size_t i, DropReason reason) { drop[i] = 1 + static_cast<std::uint8_t>(reason); }
};

// Reads and checks every data row (the report's time pattern, resolution and rows_read too).
Rows read_rows(Input& input, Plan& plan, const ReadOptions& options, Drops& drops,
               ReadReport& report);
// Drops rows whose latitude and longitude are exchanged yet in range (found against the centre).
void check_extent(Rows& rows, Drops& drops);
// Counts rows byte-identical to an earlier kept row; drops them when asked.
void mark_duplicates(Rows& rows, const Input& input, const ReadOptions& options, Drops& drops,
                     ReadReport& report);

// Projects the kept rows' coordinates into the target CRS (rows failing are dropped) and fills the
// report's CRS and WGS 84 bounding box. Returns the target CRS, "" for a source without
// coordinates.
std::string project(Rows& rows, const Plan& plan, const ReadOptions& options, Drops& drops,
                    const std::string& path, ReadReport& report);

}  // namespace scrutineer::ingest::detail
