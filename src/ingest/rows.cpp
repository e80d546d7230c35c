// Step 2 of read_events: read every row and check it, in the order of DropReason (the first check
// that fails names the reason); then the checks that need all rows: latitude and longitude
// exchanged, and byte-identical rows.
#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstring>
#include <limits>

#include "reader.hpp"
#include "scrutineer/core/error.hpp"
#include "scrutineer/core/time.hpp"
#include "scrutineer/io/validate.hpp"

namespace scrutineer::ingest::detail {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

bool parse_double(std::string_view s, double& out) {
  s = trim_blanks(s);
  if (s.empty()) return false;
  if (s.front() == '+') s.remove_prefix(1);
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
  std::uint64_t tail = 0;
  std::memcpy(&tail, s.data() + i, s.size() - i);
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

// Local wall-clock seconds to UTC, cached per local hour: the offset is looked up once per hour and
// reused when it is the same at both ends of the hour (true unless a transition falls inside it).
class ZoneCache {
 public:
  explicit ZoneCache(const std::string& zone)
      : zone_(zone),
        utc_(zone_.name() == "UTC"),
        keys_(kSlots, std::numeric_limits<std::int64_t>::min()),
        offsets_(kSlots, 0) {}
  std::int64_t to_utc(std::int64_t local) {
    if (utc_) return local;
    const std::int64_t hour = local >= 0 ? local / 3600 : (local - 3599) / 3600;
    const std::size_t slot = static_cast<std::size_t>(hour) & (kSlots - 1);
    if (keys_[slot] == hour) return local - offsets_[slot];
    const std::int64_t start = hour * 3600, last = start + 3599;
    const std::int64_t offset = start - zone_.to_utc(start);
    if (last - zone_.to_utc(last) != offset) return zone_.to_utc(local);
    keys_[slot] = hour;
    offsets_[slot] = offset;
    return local - offset;
  }

 private:
  static constexpr std::size_t kSlots = 1 << 16;  // 7.5 years of distinct hours
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

class RowReader {
 public:
  RowReader(Input& input, const Plan& plan, const ReadOptions& options, Drops& drops)
      : input_(input),
        plan_(plan),
        options_(options),
        drops_(drops),
        parser_(plan.time_format),
        cache_(plan.zone) {}
  const TimeParser& parser() const { return parser_; }
  Rows read(std::int64_t& rows_read);

 private:
  void reserve();
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

  Input& input_;
  const Plan& plan_;
  const ReadOptions& options_;
  Drops& drops_;
  const TimeParser parser_;
  ZoneCache cache_;
  Rows rows_;
};

// Reserves from the mean length of the first rows, so the columns are not copied while growing.
void RowReader::reserve() {
  io::CsvReader sample = input_.fresh();
  io::CsvRecord r;
  std::size_t n = 0;
  const std::size_t start = sample.position();
  while (n < 1000 && sample.next(r)) ++n;
  const std::size_t used = sample.position() - start;
  const std::size_t estimate =
      n && used ? (input_.csv().bytes() / std::max<std::size_t>(1, used / n)) * 11 / 10 + 16 : 16;
  rows_.t.reserve(estimate);
  rows_.line.reserve(estimate);
  rows_.a.reserve(estimate);
  rows_.b.reserve(estimate);
  rows_.source.reserve(estimate);
  rows_.category.reserve(estimate);
  rows_.hash.reserve(estimate);
  rows_.span.reserve(estimate);
  if (plan_.cell != kNone) rows_.cell.reserve(estimate);
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
  rows_.hash.push_back(hash_bytes(strip_line_ends(input_.csv().text(span.first, span.second))));
  rows_.span.push_back(span);
  if (!plan_.kept.empty()) {
    std::vector<std::string> values;
    values.reserve(plan_.kept.size());
    for (int i : plan_.kept) values.emplace_back(field(rec, i));
    rows_.kept.push_back(std::move(values));
  }
}

Rows RowReader::read(std::int64_t& rows_read) {
  reserve();
  io::CsvReader& csv = input_.csv();
  io::CsvRecord rec;
  std::size_t begin = csv.position();
  while (csv.next(rec)) {
    const std::pair<std::size_t, std::size_t> span{begin, csv.position()};
    begin = span.second;
    ++rows_read;
    std::int64_t t = 0, cell = 0;
    Place place;
    if (well_formed(rec, csv.text(span.first, span.second)) && read_time(rec, t) &&
        read_place(rec, place) && read_cell(rec, cell))
      append(rec, t, place, cell, span);
  }
  rows_.drop.assign(rows_.size(), 0);
  return std::move(rows_);
}

}  // namespace

Rows read_rows(Input& input, Plan& plan, const ReadOptions& options, Drops& drops,
               ReadReport& report) {
  plan.time_format = time_pattern(input, plan);
  RowReader reader(input, plan, options, drops);
  report.time_format = reader.parser().pattern();
  report.resolution = plan.resolution.value_or(reader.parser().resolution());
  return reader.read(report.rows_read);
}

// Swapped latitude/longitude that still lie in range (Chicago's (41.8, -87.6) read as lon 41.8, lat
// -87.6) are found against the data's own centre: far from the median point as given, but within
// 1 degree of it once exchanged. Needs at least 10 located rows to have a centre.
void check_extent(Rows& rows, Drops& drops) {
  std::vector<double> lon, lat;
  for (std::size_t i = 0; i < rows.size(); ++i)
    if (rows.source[i] == Source::kLonLat) {
      lon.push_back(rows.a[i]);
      lat.push_back(rows.b[i]);
    }
  if (lon.size() < 10) return;
  const double mlon = median(std::move(lon)), mlat = median(std::move(lat));
  for (std::size_t i = 0; i < rows.size(); ++i) {
    if (rows.source[i] != Source::kLonLat) continue;
    const double a = rows.a[i], b = rows.b[i];
    const double as_given = std::abs(a - mlon) + std::abs(b - mlat);
    const double exchanged = std::abs(b - mlon) + std::abs(a - mlat);
    if (as_given > 5.0 && exchanged < 1.0) {
      drops.bad_line(DropReason::kSwappedLatLon, rows.line[i], [&] {
        return fmt::format(
            "longitude {} / latitude {} lie far from the data's centre ({}, {}) but next to it "
            "when exchanged",
            a, b, mlon, mlat);
      });
      rows.mark(i, DropReason::kSwappedLatLon);
    }
  }
}

// Byte-identical rows (after the line end) among the rows kept so far, in file order: an open
// addressing table of row indices keyed by the row's hash, confirmed by comparing the bytes.
void mark_duplicates(Rows& rows, const Input& input, const ReadOptions& options, Drops& drops,
                     ReadReport& report) {
  const auto text = [&](std::size_t i) {
    return strip_line_ends(input.csv().text(rows.span[i].first, rows.span[i].second));
  };
  std::size_t slots = 16;
  while (slots < 2 * rows.size()) slots *= 2;
  std::vector<std::uint32_t> table(slots, 0);  // 1 + row index, 0 = empty
  report.duplicates_dropped = options.drop_duplicates;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    if (rows.drop[i]) continue;
    const std::uint64_t h = rows.hash[i];
    std::size_t s = static_cast<std::size_t>(h) & (slots - 1);
    bool duplicate = false;
    while (table[s] != 0 && !duplicate) {
      const std::size_t j = table[s] - 1;
      duplicate = rows.hash[j] == h && text(j) == text(i);
      if (!duplicate) s = (s + 1) & (slots - 1);
    }
    if (!duplicate) {
      table[s] = static_cast<std::uint32_t>(i + 1);
      continue;
    }
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
