// Step 2 of read_events: read every row and check it, in the order of DropReason (the first check
// that fails names the reason); then the checks that need all rows: latitude and longitude
// exchanged, and byte-identical rows.
#include <fmt/format.h>
#include <tbb/enumerable_thread_specific.h>
#include <tbb/parallel_for.h>
#include <tbb/parallel_invoke.h>
#include <tbb/task_arena.h>

#include <algorithm>
#include <array>
#include <bit>
#include <charconv>
#include <cmath>
#include <cstring>
#include <exception>
#include <limits>
#include <optional>

#include "reader.hpp"
#include "scrutineer/core/error.hpp"
#include "scrutineer/core/time.hpp"
#include "scrutineer/io/decimal.hpp"
#include "scrutineer/io/validate.hpp"

namespace scrutineer::ingest::detail {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
// Below this a file is read in one piece: a chunk's set-up would cost more than it saves.
constexpr std::size_t kMinChunkBytes = 1 << 20;

bool parse_double(std::string_view s, double& out) {
  s = trim_blanks(s);
  if (s.empty()) return false;
  if (s.front() == '+') s.remove_prefix(1);
  if (io::plain_decimal(s, out)) return true;
  const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && p == s.data() + s.size() && std::isfinite(out);
}

bool parse_int(std::string_view s, std::int64_t& out) {
  s = trim_blanks(s);
  if (s.empty()) return false;
  const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && p == s.data() + s.size();
}

bool all_ascii(std::string_view s) {
  unsigned char acc = 0;
  for (char c : s) acc |= static_cast<unsigned char>(c);
  return acc < 0x80;
}

// Eight bytes at a time, multiply-xorshift mixing: duplicates are confirmed byte by byte, so the
// hash only needs to spread well and be fast.
std::uint64_t hash_bytes(std::string_view s) {
  constexpr std::uint64_t kMul = 0x9E3779B97F4A7C15ull;
  std::uint64_t h = s.size() * kMul;
  std::size_t i = 0;
  for (; i + 8 <= s.size(); i += 8) {
    std::uint64_t w;
    std::memcpy(&w, s.data() + i, 8);
    h = (h ^ w) * kMul;
    h ^= h >> 29;
  }
  // The last bytes: read as the row's last eight and shifted down when the row has eight (the
  // same value on a little-endian machine, without a store forwarded to a load of another size).
  std::uint64_t tail = 0;
  const std::size_t rest = s.size() - i;
  if (std::endian::native == std::endian::little && rest > 0 && s.size() >= 8) {
    std::memcpy(&tail, s.data() + s.size() - 8, 8);
    tail >>= 8 * (8 - rest);
  } else {
    std::memcpy(&tail, s.data() + i, rest);
  }
  h = (h ^ tail) * kMul;
  return h ^ (h >> 32);
}

std::string_view strip_line_ends(std::string_view s) {
  while (!s.empty() && (s.front() == '\n' || s.front() == '\r')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

// Shortened, printable copy of a field for messages.
std::string shown(std::string_view s) {
  std::string out;
  for (char c : s.substr(0, 60)) out.push_back(static_cast<unsigned char>(c) < 0x20 ? '?' : c);
  if (!io::valid_utf8(out)) out = "(not UTF-8)";
  if (s.size() > 60) out += fmt::format("... ({} bytes)", s.size());
  return "'" + out + "'";
}

double median(std::vector<double> v) {
  const auto mid = v.begin() + static_cast<std::ptrdiff_t>(v.size() / 2);
  std::nth_element(v.begin(), mid, v.end());
  return *mid;
}

// Local wall-clock seconds to UTC, cached per local day: the offset is looked up at both ends of
// the day and reused for the whole day when it is the same at both (true unless a transition falls
// inside it: tzdb's transitions are months apart, so equal ends mean none). A day with a
// transition is looked up second by second.
class ZoneCache {
 public:
  explicit ZoneCache(const std::string& zone)
      : zone_(zone),
        utc_(zone_.name() == "UTC"),
        keys_(kSlots, std::numeric_limits<std::int64_t>::min()),
        offsets_(kSlots, 0) {}
  std::int64_t to_utc(std::int64_t local) {
    if (utc_) return local;
    const std::int64_t day = local >= 0 ? local / kDay : (local - (kDay - 1)) / kDay;
    const std::size_t slot = static_cast<std::size_t>(day) & (kSlots - 1);
    if (keys_[slot] == day) return local - offsets_[slot];
    const std::int64_t start = day * kDay, last = start + kDay - 1;
    const std::int64_t offset = start - zone_.to_utc(start);
    if (last - zone_.to_utc(last) != offset) return zone_.to_utc(local);
    keys_[slot] = day;
    offsets_[slot] = offset;
    return local - offset;
  }

 private:
  static constexpr std::int64_t kDay = 86400;
  static constexpr std::size_t kSlots = 1 << 14;  // 44 years of distinct days
  TimeZone zone_;
  bool utc_;
  std::vector<std::int64_t> keys_;
  std::vector<std::int64_t> offsets_;
};

// The time pattern: named, or detected from the column's first 1,000 values.
std::string time_pattern(const Input& input, const Plan& plan) {
  if (plan.time_format != "auto") return plan.time_format;
  std::string pattern = detect_time_format(input.probe(plan.time, 1000));
  if (pattern.empty())
    throw InputError(input.path(), 2, 0,
                     fmt::format("column '{}': cannot recognise the time format of its first "
                                 "values (e.g. {}): give --time-format",
                                 input.header()[static_cast<std::size_t>(plan.time)],
                                 shown(input.probe(plan.time, 1).front())));
  return pattern;
}

// A row's place as read: lon/lat, else x/y, else none.
struct Place {
  Source source = Source::kNone;
  double a = kNaN, b = kNaN;
};

// Reads the records of one CSV reader (the whole file, or one chunk of it) into Rows.
class RowReader {
 public:
  RowReader(const Input& input, io::CsvReader& csv, const Plan& plan, const TimeParser& parser,
            ZoneCache& cache, const ReadOptions& options, Drops& drops)
      : input_(input),
        csv_(csv),
        plan_(plan),
        options_(options),
        drops_(drops),
        parser_(parser),
        cache_(cache) {}
  // `expected`: the number of rows to reserve room for. `end`/`end_line`: the position and line
  // after the last record read (the start when there is none).
  Rows read(std::size_t expected, std::int64_t& rows_read, std::size_t& end,
            std::int64_t& end_line);

 private:
  void reserve(std::size_t n);
  bool well_formed(const io::CsvRecord& rec, std::string_view raw);
  bool read_time(const io::CsvRecord& rec, std::int64_t& t);
  bool read_pair(const io::CsvRecord& rec, int first, int second, Place& place);
  bool read_place(const io::CsvRecord& rec, Place& place);
  bool read_cell(const io::CsvRecord& rec, std::int64_t& cell);
  void append(const io::CsvRecord& rec, std::int64_t t, const Place& place, std::int64_t cell,
              std::pair<std::size_t, std::size_t> span);
  std::string_view field(const io::CsvRecord& rec, int i) const {
    return rec[static_cast<std::size_t>(i)];
  }

  const Input& input_;
  io::CsvReader& csv_;
  const Plan& plan_;
  const ReadOptions& options_;
  Drops& drops_;
  const TimeParser& parser_;
  ZoneCache& cache_;  // a cache only: any thread's gives the same times
  Rows rows_;
};

// The mean length in bytes of the first data rows (0 when there are none), to size the columns.
double mean_row_bytes(const Input& input) {
  io::CsvReader sample = input.fresh();
  io::CsvRecord r;
  std::size_t n = 0;
  const std::size_t start = sample.position();
  while (n < 1000 && sample.next(r)) ++n;
  const std::size_t used = sample.position() - start;
  return n && used ? std::max(1.0, static_cast<double>(used) / static_cast<double>(n)) : 0.0;
}

std::size_t expected_rows(std::size_t bytes, double row_bytes) {
  return row_bytes > 0 ? static_cast<std::size_t>(static_cast<double>(bytes) / row_bytes * 1.1) + 16
                       : 16;
}

// Reserves room for n rows, so the columns are not copied while growing.
void RowReader::reserve(std::size_t n) {
  rows_.t.reserve(n);
  rows_.line.reserve(n);
  rows_.a.reserve(n);
  rows_.b.reserve(n);
  rows_.source.reserve(n);
  rows_.category.reserve(n);
  rows_.hash.reserve(n);
  rows_.span.reserve(n);
  if (plan_.cell != kNone) rows_.cell.reserve(n);
}

// The record's structure: closed quotes, field lengths, the header's field count, UTF-8.
bool RowReader::well_formed(const io::CsvRecord& rec, std::string_view raw) {
  const std::size_t columns = input_.header().size();
  if (rec.unterminated_quote) {
    const int col = static_cast<int>(rec.size()) - 1;
    drops_.bad_record(DropReason::kUnterminatedQuote, rec,
                      col >= static_cast<int>(columns) ? kNone : col, rec.problem);
    return false;
  }
  if (rec.too_long) {
    int col = kNone;
    for (std::size_t i = 0; i < rec.size() && i < columns; ++i)
      if (rec[i].size() > options_.max_field_bytes) col = static_cast<int>(i);
    drops_.bad_record(DropReason::kFieldTooLong, rec, col, rec.problem);
    return false;
  }
  if (rec.size() != columns) {
    drops_.bad_record(
        DropReason::kWrongColumnCount, rec, kNone,
        fmt::format("expected {} fields as in the header, found {}", columns, rec.size()));
    return false;
  }
  if (!all_ascii(raw) && !io::valid_utf8(raw)) {
    int col = kNone;
    for (std::size_t i = 0; i < rec.size() && col == kNone; ++i)
      if (!io::valid_utf8(rec[i])) col = static_cast<int>(i);
    drops_.bad_record(DropReason::kInvalidUtf8, rec, col, "the text is not valid UTF-8");
    return false;
  }
  return true;
}

bool RowReader::read_time(const io::CsvRecord& rec, std::int64_t& t) {
  std::int64_t local = 0;
  if (!parser_.parse(field(rec, plan_.time), local)) {
    drops_.bad_record(DropReason::kBadTime, rec, plan_.time,
                      fmt::format("expected a time like '{}', found {}", parser_.pattern(),
                                  shown(field(rec, plan_.time))));
    return false;
  }
  t = cache_.to_utc(local);
  if (!valid_time(t)) {  // 9999-12-31 23:00 in Chicago is in year 10000 in UTC
    drops_.bad_record(DropReason::kBadTime, rec, plan_.time,
                      fmt::format("{} is outside years {}..{} once in UTC",
                                  shown(field(rec, plan_.time)), kMinYear, kMaxYear));
    return false;
  }
  return true;
}

bool RowReader::read_pair(const io::CsvRecord& rec, int first, int second, Place& place) {
  if (parse_double(field(rec, first), place.a) && parse_double(field(rec, second), place.b))
    return true;
  drops_.bad_record(DropReason::kMissingCoordinates, rec, first,
                    fmt::format("expected numbers, found {} and {}", shown(field(rec, first)),
                                shown(field(rec, second))));
  return false;
}

// Longitude/latitude when both are given, else x/y when both are given; empty, unreadable, (0, 0)
// or out-of-range coordinates drop the row.
bool RowReader::read_place(const io::CsvRecord& rec, Place& place) {
  const auto given = [&](int first, int second) {
    return first != kNone && !trim_blanks(field(rec, first)).empty() &&
           !trim_blanks(field(rec, second)).empty();
  };
  const int blamed = plan_.lon != kNone ? plan_.lon : plan_.x;
  if (given(plan_.lon, plan_.lat)) {
    place.source = Source::kLonLat;
    if (!read_pair(rec, plan_.lon, plan_.lat, place)) return false;
  } else if (given(plan_.x, plan_.y)) {
    place.source = Source::kXY;
    if (!read_pair(rec, plan_.x, plan_.y, place)) return false;
  } else if (blamed != kNone) {
    drops_.bad_record(DropReason::kMissingCoordinates, rec, blamed, "the coordinates are empty");
    return false;
  }
  if (place.source != Source::kNone && place.a == 0 && place.b == 0) {
    drops_.bad_record(DropReason::kMissingCoordinates, rec, blamed,
                      "the coordinates are (0, 0), a placeholder for a missing location");
    return false;
  }
  if (place.source != Source::kNone &&
      (!io::plausible_coordinate(place.a) || !io::plausible_coordinate(place.b))) {
    const bool lonlat = place.source == Source::kLonLat;
    drops_.bad_record(DropReason::kOutOfRangeCoordinates, rec, blamed,
                      fmt::format("{} and {}: a non-zero coordinate smaller than 1e-300 is not a "
                                  "place but a corrupt number",
                                  shown(field(rec, lonlat ? plan_.lon : plan_.x)),
                                  shown(field(rec, lonlat ? plan_.lat : plan_.y))));
    return false;
  }
  const double a = place.a, b = place.b;
  if (place.source == Source::kLonLat && !(std::abs(a) <= 180 && std::abs(b) <= 90)) {
    const bool swapped = std::abs(b) <= 180 && std::abs(a) <= 90;
    drops_.bad_record(swapped ? DropReason::kSwappedLatLon : DropReason::kOutOfRangeCoordinates,
                      rec, plan_.lat,
                      fmt::format("longitude {} / latitude {}: expected -180..180 / -90..90{}", a,
                                  b, swapped ? " (they fit when exchanged)" : ""));
    return false;
  }
  return true;
}

bool RowReader::read_cell(const io::CsvRecord& rec, std::int64_t& cell) {
  if (plan_.cell == kNone || parse_int(field(rec, plan_.cell), cell)) return true;
  drops_.bad_record(
      DropReason::kBadCell, rec, plan_.cell,
      fmt::format("expected an integer cell id, found {}", shown(field(rec, plan_.cell))));
  return false;
}

void RowReader::append(const io::CsvRecord& rec, std::int64_t t, const Place& place,
                       std::int64_t cell, std::pair<std::size_t, std::size_t> span) {
  const std::string_view category = plan_.category != kNone
                                        ? trim_blanks(field(rec, plan_.category))
                                        : std::string_view(options_.category_value);
  rows_.t.push_back(t);
  rows_.line.push_back(rec.line);
  rows_.a.push_back(place.a);
  rows_.b.push_back(place.b);
  rows_.source.push_back(place.source);
  rows_.category.push_back(rows_.categories.index(category));
  if (plan_.cell != kNone) rows_.cell.push_back(cell);
  rows_.hash.push_back(hash_bytes(strip_line_ends(csv_.text(span.first, span.second))));
  rows_.span.push_back(span);
  if (!plan_.kept.empty()) {
    std::vector<std::string> values;
    values.reserve(plan_.kept.size());
    for (int i : plan_.kept) values.emplace_back(field(rec, i));
    rows_.kept.push_back(std::move(values));
  }
}

Rows RowReader::read(std::size_t expected, std::int64_t& rows_read, std::size_t& end,
                     std::int64_t& end_line) {
  reserve(expected);
  io::CsvRecord rec;
  std::size_t begin = csv_.position();
  end = begin;
  end_line = csv_.line();
  while (csv_.next(rec)) {
    const std::pair<std::size_t, std::size_t> span{begin, csv_.position()};
    begin = end = span.second;
    end_line = csv_.line();
    ++rows_read;
    std::int64_t t = 0, cell = 0;
    Place place;
    if (well_formed(rec, csv_.text(span.first, span.second)) && read_time(rec, t) &&
        read_place(rec, place) && read_cell(rec, cell))
      append(rec, t, place, cell, span);
  }
  return std::move(rows_);
}

// One chunk of a parallel read: the records that start in [begin, stop), read as the whole file
// would read them when `begin` is a record boundary, with the drops logged in order.
struct Chunk {
  std::size_t begin = 0, stop = 0;
  std::int64_t line = 0;  // at begin
  Rows rows;
  DropLog drops;
  std::exception_ptr error;  // a strict read's first bad row, rethrown if the chunk stands
  std::int64_t rows_read = 0;
  std::size_t end = 0;  // after the last record
  std::int64_t end_line = 0;
};

// One zone cache per worker thread, kept from chunk to chunk.
using ZoneCaches = tbb::enumerable_thread_specific<std::optional<ZoneCache>>;

void read_chunk(const Input& input, const Plan& plan, const TimeParser& parser,
                const ReadOptions& options, double row_bytes, ZoneCaches& caches, Chunk& c) {
  auto& cache = caches.local();
  if (!cache) cache.emplace(plan.zone);
  c.rows = Rows();
  c.drops.clear();
  c.error = nullptr;
  c.rows_read = 0;
  c.end = c.begin;
  c.end_line = c.line;
  io::CsvReader csv = input.csv().slice(c.begin, c.stop, c.line);
  Drops drops(input, options, c.drops);
  RowReader reader(input, csv, plan, parser, *cache, options, drops);
  try {
    c.rows = reader.read(expected_rows(c.stop - std::min(c.stop, c.begin), row_bytes), c.rows_read,
                         c.end, c.end_line);
  } catch (...) {
    c.error = std::current_exception();
  }
}

// One column of every chunk into `to`, in order, each chunk's column freed once copied: the peak is
// the rows once plus the columns being joined (about one per thread), not the rows twice.
template <typename T>
void join_column(std::vector<T> Rows::*column, Rows& all, std::vector<Chunk>& chunks,
                 const std::vector<std::size_t>& at) {
  std::vector<T>& to = all.*column;
  to.resize(at.back());
  tbb::parallel_for(std::size_t{0}, chunks.size(), [&](std::size_t k) {
    std::vector<T>& from = chunks[k].rows.*column;
    std::move(from.begin(), from.end(), to.begin() + static_cast<std::ptrdiff_t>(at[k]));
    std::vector<T>().swap(from);
  });
}

// The chunks' rows one after the other, their categories renumbered in order of first use.
Rows concatenate(std::vector<Chunk>& chunks, bool cells) {
  Rows all;
  std::vector<std::size_t> at(chunks.size() + 1, 0);
  for (std::size_t k = 0; k < chunks.size(); ++k) {
    Rows& r = chunks[k].rows;
    at[k + 1] = at[k] + r.size();
    std::vector<std::int32_t> remap;
    for (const auto& name : r.categories.names()) remap.push_back(all.categories.index(name));
    for (auto& c : r.category) c = remap[static_cast<std::size_t>(c)];
  }
  const bool kept = std::any_of(chunks.begin(), chunks.end(),
                                [](const Chunk& c) { return !c.rows.kept.empty(); });
  // The columns side by side too: a new column's pages are touched by the thread that fills it.
  const auto join = [&](auto column) { join_column(column, all, chunks, at); };
  tbb::parallel_invoke([&] { join(&Rows::t); }, [&] { join(&Rows::line); }, [&] { join(&Rows::a); },
                       [&] { join(&Rows::b); }, [&] { join(&Rows::source); },
                       [&] { join(&Rows::category); }, [&] { join(&Rows::hash); },
                       [&] { join(&Rows::span); },
                       [&] {
                         if (cells) join(&Rows::cell);
                       },
                       [&] {
                         if (kept) join(&Rows::kept);
                       });
  return all;
}

// The data rows split into chunks of about `chunk` bytes at line starts. A line start is a
// record boundary unless a quoted field spans it: each chunk is read on the guess that it is, and
// the guess is checked in file order against where the chunk before really ended; a chunk guessed
// wrong is read again from there (a quoted line break across a boundary costs one chunk read
// twice). The records, lines, messages and drops are those of one serial read.
Rows read_parallel(Input& input, const Plan& plan, const TimeParser& parser,
                   const ReadOptions& options, Drops& drops, std::size_t chunk, double row_bytes,
                   std::int64_t& rows_read) {
  const io::CsvReader& csv = input.csv();
  std::vector<Chunk> chunks(1);
  chunks[0].begin = csv.position();
  for (std::size_t p = csv.position() + chunk; p < csv.bytes(); p += chunk) {
    const std::size_t s = csv.next_line_start(p);
    if (s >= csv.bytes()) break;
    if (s > chunks.back().begin) chunks.emplace_back().begin = s;
  }
  for (std::size_t k = 0; k < chunks.size(); ++k)
    chunks[k].stop = k + 1 < chunks.size() ? chunks[k + 1].begin : csv.bytes();
  // Line numbers at the chunk starts: line feeds counted in parallel, then summed.
  std::vector<std::int64_t> feeds(chunks.size(), 0);
  tbb::parallel_for(std::size_t{0}, chunks.size(), [&](std::size_t k) {
    feeds[k] = csv.count_lines(chunks[k].begin, chunks[k].stop);
  });
  chunks[0].line = csv.line();
  for (std::size_t k = 1; k < chunks.size(); ++k)
    chunks[k].line = chunks[k - 1].line + feeds[k - 1];
  ZoneCaches caches;
  tbb::parallel_for(std::size_t{0}, chunks.size(), [&](std::size_t k) {
    read_chunk(input, plan, parser, options, row_bytes, caches, chunks[k]);
  });
  // In file order: a chunk whose guessed start lies inside the record before is read again from
  // that record's end; then its error (strict) or its drops, as the serial read meets them.
  for (std::size_t k = 0; k < chunks.size(); ++k) {
    Chunk& c = chunks[k];
    if (k > 0 && chunks[k - 1].end > c.begin) {
      c.begin = chunks[k - 1].end;
      c.line = chunks[k - 1].end_line;
      read_chunk(input, plan, parser, options, row_bytes, caches, c);
    }
    if (c.error) std::rethrow_exception(c.error);
    for (const auto& [reason, line] : c.drops) drops.count(reason, line);
    rows_read += c.rows_read;
  }
  return concatenate(chunks, plan.cell != kNone);
}

}  // namespace

Rows read_rows(Input& input, Plan& plan, const ReadOptions& options, Drops& drops,
               ReadReport& report) {
  plan.time_format = time_pattern(input, plan);
  const TimeParser parser(plan.time_format);
  report.time_format = parser.pattern();
  report.resolution = plan.resolution.value_or(parser.resolution());
  io::CsvReader& csv = input.csv();
  const double row_bytes = mean_row_bytes(input);
  const std::size_t data = csv.bytes() - csv.position();
  const auto threads = static_cast<std::size_t>(tbb::this_task_arena::max_concurrency());
  const std::size_t chunk = options.chunk_bytes
                                ? options.chunk_bytes
                                : std::max<std::size_t>(kMinChunkBytes, data / (4 * threads) + 1);
  Rows rows;
  if (data > chunk) {
    rows = read_parallel(input, plan, parser, options, drops, chunk, row_bytes, report.rows_read);
  } else {
    ZoneCache cache(plan.zone);
    RowReader reader(input, csv, plan, parser, cache, options, drops);
    std::size_t end = 0;
    std::int64_t end_line = 0;
    rows = reader.read(expected_rows(data, row_bytes), report.rows_read, end, end_line);
  }
  rows.drop.assign(rows.size(), 0);
  return rows;
}

// Swapped latitude/longitude that still lie in range (Chicago's (41.8, -87.6) read as lon 41.8, lat
// -87.6) are found against the data's own centre: far from the median point as given, but within
// 1 degree of it once exchanged. Needs at least 10 located rows to have a centre.
void check_extent(Rows& rows, Drops& drops) {
  const std::size_t n = rows.size();
  const auto part = [n](std::size_t p) { return n * p / kRowParts; };
  // The located rows' coordinates, part by part in parallel, each part's at its offset.
  std::vector<std::size_t> at(kRowParts + 1, 0);
  tbb::parallel_for(std::size_t{0}, kRowParts, [&](std::size_t p) {
    at[p + 1] = static_cast<std::size_t>(std::count(
        rows.source.begin() + part(p), rows.source.begin() + part(p + 1), Source::kLonLat));
  });
  for (std::size_t p = 0; p < kRowParts; ++p) at[p + 1] += at[p];
  if (at.back() < 10) return;
  std::vector<double> lon(at.back()), lat(at.back());
  tbb::parallel_for(std::size_t{0}, kRowParts, [&](std::size_t p) {
    std::size_t k = at[p];
    for (std::size_t i = part(p); i < part(p + 1); ++i)
      if (rows.source[i] == Source::kLonLat) lon[k] = rows.a[i], lat[k++] = rows.b[i];
  });
  double mlon = 0, mlat = 0;
  tbb::parallel_invoke([&] { mlon = median(std::move(lon)); },
                       [&] { mlat = median(std::move(lat)); });
  // Swapped rows found in parallel, then dropped in file order.
  std::vector<std::vector<std::size_t>> swapped(kRowParts);
  tbb::parallel_for(std::size_t{0}, kRowParts, [&](std::size_t p) {
    for (std::size_t i = part(p); i < part(p + 1); ++i) {
      if (rows.source[i] != Source::kLonLat) continue;
      const double a = rows.a[i], b = rows.b[i];
      const double as_given = std::abs(a - mlon) + std::abs(b - mlat);
      const double exchanged = std::abs(b - mlon) + std::abs(a - mlat);
      if (as_given > 5.0 && exchanged < 1.0) swapped[p].push_back(i);
    }
  });
  for (const auto& list : swapped)
    for (const auto i : list) {
      const double a = rows.a[i], b = rows.b[i];
      drops.bad_line(DropReason::kSwappedLatLon, rows.line[i], [&] {
        return fmt::format(
            "longitude {} / latitude {} lie far from the data's centre ({}, {}) but next to it "
            "when exchanged",
            a, b, mlon, mlat);
      });
      rows.mark(i, DropReason::kSwappedLatLon);
    }
}

HashGroups group_by_hash(const std::vector<std::uint64_t>& hash,
                         const std::vector<std::uint8_t>& skip) {
  static_assert(kRowParts == 8);  // the top 3 bits
  const std::size_t n = hash.size();
  const auto part = [n](std::size_t p) { return n * p / kRowParts; };
  const auto group = [&](std::size_t i) { return static_cast<std::size_t>(hash[i] >> 61); };
  const bool all = skip.empty();
  // count[p][g]: the rows of part p in group g; then where each part's rows of each group go.
  std::vector<std::array<std::size_t, kRowParts>> count(kRowParts);
  tbb::parallel_for(std::size_t{0}, kRowParts, [&](std::size_t p) {
    count[p].fill(0);
    for (std::size_t i = part(p); i < part(p + 1); ++i)
      if (all || !skip[i]) ++count[p][group(i)];
  });
  HashGroups out;
  out.start.assign(kRowParts + 1, 0);
  std::size_t at = 0;
  for (std::size_t g = 0; g < kRowParts; ++g) {
    out.start[g] = at;
    for (std::size_t p = 0; p < kRowParts; ++p) {
      const std::size_t c = count[p][g];
      count[p][g] = at;
      at += c;
    }
  }
  out.start[kRowParts] = at;
  out.index.resize(at);
  tbb::parallel_for(std::size_t{0}, kRowParts, [&](std::size_t p) {
    auto& next = count[p];
    for (std::size_t i = part(p); i < part(p + 1); ++i)
      if (all || !skip[i]) out.index[next[group(i)]++] = static_cast<std::uint32_t>(i);
  });
  return out;
}

// Byte-identical rows (after the line end) among the rows kept so far, in file order: a row is a
// duplicate when an earlier kept row has the same bytes. Rows with the same bytes have the same
// hash, so the rows are split by hash into groups that are searched on their own, in parallel:
// each group an open addressing table of row indices keyed by the hash, confirmed by comparing the
// bytes. The counts and first lines are then taken in file order, as one table would give them.
void mark_duplicates(Rows& rows, const Input& input, const ReadOptions& options, Drops& drops,
                     ReadReport& report) {
  const auto text = [&](std::size_t i) {
    return strip_line_ends(input.csv().text(rows.span[i].first, rows.span[i].second));
  };
  const std::size_t n = rows.size();
  const HashGroups groups = group_by_hash(rows.hash, rows.drop);
  std::vector<std::uint8_t> duplicate(n, 0);
  tbb::parallel_for(std::size_t{0}, kRowParts, [&](std::size_t g) {
    // Each group's table from its own count, so no input can fill one (hashes can be made to
    // share their top bits).
    std::size_t slots = 16;
    while (slots < 2 * (groups.start[g + 1] - groups.start[g])) slots *= 2;
    std::vector<std::uint32_t> table(slots, 0);  // 1 + row index, 0 = empty
    for (std::size_t k = groups.start[g]; k < groups.start[g + 1]; ++k) {
      const std::size_t i = groups.index[k];
      const std::uint64_t h = rows.hash[i];
      std::size_t s = static_cast<std::size_t>(h) & (slots - 1);
      bool same = false;
      while (table[s] != 0 && !same) {
        const std::size_t j = table[s] - 1;
        same = rows.hash[j] == h && text(j) == text(i);
        if (!same) s = (s + 1) & (slots - 1);
      }
      if (same)
        duplicate[i] = 1;
      else
        table[s] = static_cast<std::uint32_t>(i + 1);
    }
  });
  report.duplicates_dropped = options.drop_duplicates;
  for (std::size_t i = 0; i < n; ++i) {
    if (!duplicate[i]) continue;
    ++report.duplicates.count;
    if (report.duplicates.first_lines.size() < options.example_lines)
      report.duplicates.first_lines.push_back(rows.line[i]);
    if (options.drop_duplicates) {
      drops.count(DropReason::kDuplicate, rows.line[i]);
      rows.mark(i, DropReason::kDuplicate);
    }
  }
}

std::int32_t Dictionary::index(std::string_view name) {
  if (last_ >= 0 && names_[static_cast<std::size_t>(last_)] == name) return last_;
  auto it = lookup_.find(name);
  if (it == lookup_.end()) {
    it = lookup_.emplace(std::string(name), static_cast<std::int32_t>(names_.size())).first;
    names_.emplace_back(name);
  }
  last_ = it->second;
  return last_;
}

}  // namespace scrutineer::ingest::detail
