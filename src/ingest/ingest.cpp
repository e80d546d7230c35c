// Reading crime exports into an EventSet: format detection, row validation, local time to UTC,
// projection in batches with PROJ, duplicate detection and the read report.
#include "scrutineer/ingest/ingest.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstring>
#include <functional>
#include <limits>
#include <memory>
#include <numeric>
#include <optional>
#include <unordered_map>

#include "scrutineer/core/error.hpp"
#include "scrutineer/core/time.hpp"
#include "scrutineer/geo/crs.hpp"
#include "scrutineer/io/csv.hpp"
#include "scrutineer/io/validate.hpp"

namespace scrutineer::ingest {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr int kNone = -1;

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if ((a[i] | 0x20) != (b[i] | 0x20)) return false;
  return true;
}

// Column index by name: exact match first, then ignoring ASCII case.
int find_column(const std::vector<std::string>& header, std::string_view name) {
  if (name.empty()) return kNone;
  for (std::size_t i = 0; i < header.size(); ++i)
    if (header[i] == name) return static_cast<int>(i);
  for (std::size_t i = 0; i < header.size(); ++i)
    if (iequals(header[i], name)) return static_cast<int>(i);
  return kNone;
}

// The first of several names that the header holds, or "".
std::string first_present(const std::vector<std::string>& header,
                          std::initializer_list<std::string_view> names) {
  for (auto n : names) {
    const int i = find_column(header, n);
    if (i != kNone) return header[static_cast<std::size_t>(i)];
  }
  return "";
}

bool has(const std::vector<std::string>& header, std::string_view name) {
  return find_column(header, name) != kNone;
}

bool parse_double(std::string_view s, double& out) {
  s = trim(s);
  if (s.empty()) return false;
  if (s.front() == '+') s.remove_prefix(1);
  const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && p == s.data() + s.size() && std::isfinite(out);
}

bool parse_int(std::string_view s, std::int64_t& out) {
  s = trim(s);
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

// The Crime Open Database's cities (Ashby 2019, Table 1) and their zones, for its `city_name`.
std::string code_city_zone(std::string_view city) {
  static const std::array<std::pair<std::string_view, std::string_view>, 18> kZones{{
      {"Austin", "America/Chicago"},
      {"Boston", "America/New_York"},
      {"Chicago", "America/Chicago"},
      {"Colorado Springs", "America/Denver"},
      {"Detroit", "America/Detroit"},
      {"Fort Worth", "America/Chicago"},
      {"Kansas City", "America/Chicago"},
      {"Los Angeles", "America/Los_Angeles"},
      {"Louisville", "America/Kentucky/Louisville"},
      {"Memphis", "America/Chicago"},
      {"Mesa", "America/Phoenix"},
      {"Nashville", "America/Chicago"},
      {"New York", "America/New_York"},
      {"San Francisco", "America/Los_Angeles"},
      {"Seattle", "America/Los_Angeles"},
      {"St Louis", "America/Chicago"},
      {"Tucson", "America/Phoenix"},
      {"Virginia Beach", "America/New_York"},
  }};
  for (const auto& [name, zone] : kZones)
    if (iequals(name, trim(city))) return std::string(zone);
  return "";
}

// Local wall-clock seconds to UTC, cached per local hour: the offset is looked up once per hour and
// reused when it is the same at both ends of the hour (true unless a transition falls inside it).
class ZoneCache {
 public:
  explicit ZoneCache(const TimeZone& zone)
      : zone_(zone),
        utc_(zone.name() == "UTC"),
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
  const TimeZone& zone_;
  bool utc_;
  std::vector<std::int64_t> keys_;
  std::vector<std::int64_t> offsets_;
};

// Dictionary of categories; remembers the last one because exports come in runs of one type.
class Dictionary {
 public:
  std::int32_t index(std::string_view name) {
    if (last_ >= 0 && names_[static_cast<std::size_t>(last_)] == name) return last_;
    auto it = lookup_.find(name);
    if (it == lookup_.end()) {
      it = lookup_.emplace(std::string(name), static_cast<std::int32_t>(names_.size())).first;
      names_.emplace_back(name);
    }
    last_ = it->second;
    return last_;
  }
  std::vector<std::string>& names() { return names_; }

 private:
  std::vector<std::string> names_;
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  std::unordered_map<std::string, std::int32_t, Hash, std::equal_to<>> lookup_;
  std::int32_t last_ = -1;
};

// Stable LSD radix sort of row indices by time, 16 bits a pass over (t - min t): a year of
// seconds needs two passes, so it beats a comparison sort on millions of unordered rows.
void radix_sort_by_time(std::vector<std::size_t>& order, const std::vector<std::int64_t>& t) {
  std::int64_t lo = t[order.front()], hi = lo;
  for (auto i : order) lo = std::min(lo, t[i]), hi = std::max(hi, t[i]);
  const auto span = static_cast<std::uint64_t>(hi) - static_cast<std::uint64_t>(lo);
  std::vector<std::pair<std::uint64_t, std::size_t>> a(order.size()), b(order.size());
  for (std::size_t k = 0; k < order.size(); ++k)
    a[k] = {static_cast<std::uint64_t>(t[order[k]]) - static_cast<std::uint64_t>(lo), order[k]};
  for (unsigned shift = 0; shift < 64 && (span >> shift) != 0; shift += 16) {
    std::vector<std::size_t> count(65537, 0);
    for (const auto& e : a) ++count[((e.first >> shift) & 0xFFFF) + 1];
    for (std::size_t d = 1; d < count.size(); ++d) count[d] += count[d - 1];
    for (const auto& e : a) b[count[(e.first >> shift) & 0xFFFF]++] = e;
    a.swap(b);
  }
  for (std::size_t k = 0; k < order.size(); ++k) order[k] = a[k].second;
}

enum class Source : std::uint8_t { kNone, kLonLat, kXY };

// Resolved columns and settings of one read.
struct Plan {
  std::string format;
  int time = kNone, lon = kNone, lat = kNone, x = kNone, y = kNone, category = kNone, cell = kNone;
  std::vector<int> kept;
  std::string time_format, zone, source_crs, target_crs;
  std::string event_zone;  // zone of the study's local days, when it differs from `zone`
  TimeResolution resolution_override = TimeResolution::kSecond;
  bool has_resolution_override = false;
};

// Every kept row, column by column, before projection and sorting.
struct Rows {
  std::vector<std::int64_t> t, line, cell;
  std::vector<double> a, b;  // lon/lat or x/y, as read
  std::vector<Source> source;
  std::vector<std::int32_t> category;
  std::vector<std::uint64_t> hash;
  std::vector<std::pair<std::size_t, std::size_t>> span;  // raw bytes, for duplicate checks
  std::vector<std::vector<std::string>> kept;
  std::vector<std::uint8_t> drop;  // 0 = kept, else 1 + DropReason
  std::size_t size() const { return t.size(); }
};

using ReaderFactory = std::function<io::CsvReader()>;

class Reader {
 public:
  Reader(ReaderFactory factory, const ReadOptions& options)
      : factory_(std::move(factory)), csv_(factory_()), options_(options) {}
  ReadResult run();

 private:
  std::vector<std::string> probe(int column, std::size_t n) const;
  void plan();
  void read_rows();
  void check_extent();
  void project(ReadResult& result);
  void mark_duplicates();
  ReadResult assemble(ReadResult result);
  void drop(DropReason reason, std::int64_t line);
  [[noreturn]] void fail(std::int64_t line, std::int64_t column, const std::string& message) const;
  void bad(DropReason reason, const io::CsvRecord& rec, int column, const std::string& what);
  std::string describe(int column) const;

  ReaderFactory factory_;
  io::CsvReader csv_;
  const ReadOptions& options_;
  Plan plan_;
  Rows rows_;
  Dictionary categories_;
  ReadReport report_;
};

void Reader::drop(DropReason reason, std::int64_t line) {
  auto& r = report_.dropped[static_cast<std::size_t>(reason)];
  ++r.count;
  if (r.first_lines.size() < options_.example_lines) r.first_lines.push_back(line);
}

void Reader::fail(std::int64_t line, std::int64_t column, const std::string& message) const {
  throw InputError(csv_.path(), line, column, message);
}

std::string Reader::describe(int column) const {
  return column == kNone
             ? std::string("the row")
             : fmt::format("column '{}'", csv_.header()[static_cast<std::size_t>(column)]);
}

// A bad row: an InputError when strict, else counted.
void Reader::bad(DropReason reason, const io::CsvRecord& rec, int column, const std::string& what) {
  if (options_.strict) {
    std::int64_t col = 0;
    if (column != kNone && static_cast<std::size_t>(column) < rec.columns.size())
      col = rec.columns[static_cast<std::size_t>(column)];
    fail(rec.line, col, fmt::format("{} ({}): {}", to_string(reason), describe(column), what));
  }
  drop(reason, rec.line);
}

// Shortened, printable copy of a field for messages.
std::string shown(std::string_view s) {
  std::string out;
  for (char c : s.substr(0, 60)) out.push_back(static_cast<unsigned char>(c) < 0x20 ? '?' : c);
  if (!io::valid_utf8(out)) out = "(not UTF-8)";
  if (s.size() > 60) out += fmt::format("... ({} bytes)", s.size());
  return "'" + out + "'";
}

void Reader::plan() {
  const auto& header = csv_.header();
  const auto& m = options_.columns;
  std::string format = options_.format.empty() ? "auto" : options_.format;
  if (format == "auto") format = detect_format(header);
  static const std::array<std::string_view, 5> kFormats{"chicago", "police-uk", "code", "generic",
                                                        "events"};
  if (std::find(kFormats.begin(), kFormats.end(), format) == kFormats.end())
    throw ConfigError(fmt::format(
        "unknown format '{}': expected auto, chicago, police-uk, code, generic or events", format));
  plan_.format = format;

  // The format's defaults; the mapping's names override them one by one.
  ColumnMapping d;
  std::string zone, crs;
  if (format == "chicago") {
    d = {"Date",         "%m/%d/%Y %I:%M:%S %p", "Longitude",    "Latitude",
         "X Coordinate", "Y Coordinate",         "Primary Type", ""};
    zone = "America/Chicago";
    crs = "EPSG:3435";  // NAD83 / Illinois East (ftUS), the portal's X/Y Coordinate
  } else if (format == "police-uk") {
    d.time = "Month";
    d.time_format = "%Y-%m";
    // data.police.uk publishes Longitude/Latitude; some copies hold only British National Grid x/y.
    if (has(header, "Longitude") || !has(header, "x_bng")) {
      d.lon = "Longitude";
      d.lat = "Latitude";
    }
    d.category = first_present(header, {"Crime type", "Crime.type", "crime_type", "type"});
    if (has(header, "x_bng") && has(header, "y_bng")) {
      d.x = first_present(header, {"x_bng"});
      d.y = first_present(header, {"y_bng"});
    }
    zone = "Europe/London";
    crs = "EPSG:27700";
  } else if (format == "code") {
    d.time = "date_single";
    d.time_format = "auto";
    d.lon = "longitude";
    d.lat = "latitude";
    d.category = first_present(header, {"offense_type"});
  } else if (format == "events") {
    // Written by `scrutineer ingest`: times in UTC, x/y already projected into the `crs` column's
    // CRS.
    d = {"time_utc", "%Y-%m-%dT%H:%M:%SZ", "", "", "x", "y", "category", ""};
    if (has(header, "cell")) d.cell = "cell";
    zone = "UTC";
    const int crs_column = find_column(header, "crs");
    if (crs_column != kNone) crs = std::string(trim(probe(crs_column, 1).front()));
    const int zone_column = find_column(header, "time_zone");
    if (zone_column != kNone) plan_.event_zone = std::string(trim(probe(zone_column, 1).front()));
    const int res_column = find_column(header, "resolution");
    if (res_column != kNone) {
      const std::string res(trim(probe(res_column, 1).front()));
      if (!res.empty()) {
        plan_.resolution_override = time_resolution_from_string(res);
        plan_.has_resolution_override = true;
      }
    }
  }
  auto pick = [](const std::string& given, const std::string& fallback) {
    return given.empty() ? fallback : given;
  };
  // Explicit coordinates replace the format's pair entirely, so a user's x/y is not shadowed by a
  // default lon/lat pair.
  const bool user_lonlat = !m.lon.empty() || !m.lat.empty();
  const bool user_xy = !m.x.empty() || !m.y.empty();
  ColumnMapping c;
  c.time = pick(m.time, d.time);
  c.time_format = pick(m.time_format, d.time_format.empty() ? "auto" : d.time_format);
  c.lon = user_lonlat ? m.lon : (user_xy ? "" : d.lon);
  c.lat = user_lonlat ? m.lat : (user_xy ? "" : d.lat);
  c.x = user_xy ? m.x : (user_lonlat ? "" : d.x);
  c.y = user_xy ? m.y : (user_lonlat ? "" : d.y);
  c.category = pick(m.category, d.category);
  c.cell = pick(m.cell, d.cell);

  auto require = [&](const std::string& name, std::string_view role) {
    if (name.empty()) return kNone;
    const int i = find_column(header, name);
    if (i != kNone) return i;
    std::string have;
    for (const auto& h : header) have += (have.empty() ? "" : ", ") + h;
    const std::string hint = csv_.delimiter_hint();
    fail(1, 0,
         fmt::format("missing required column '{}' for the {} (format {}; the header has: {}){}",
                     name, role, format, have, hint));
  };
  if (c.time.empty())
    throw ConfigError(fmt::format(
        "{}: format {} needs the time column: give --time COLUMN (the header has {} columns)",
        csv_.path(), format, header.size()));
  plan_.time = require(c.time, "time");
  if (c.lon.empty() != c.lat.empty() || c.x.empty() != c.y.empty())
    throw ConfigError("give both coordinate columns: --lon with --lat, --x with --y");
  plan_.lon = require(c.lon, "longitude");
  plan_.lat = require(c.lat, "latitude");
  // The format's fallback x/y pair is optional (the portal export may leave it out).
  const bool xy_optional = !user_xy;
  if (xy_optional && (find_column(header, c.x) == kNone || find_column(header, c.y) == kNone)) {
    c.x.clear();
    c.y.clear();
  }
  plan_.x = require(c.x, "x coordinate");
  plan_.y = require(c.y, "y coordinate");
  plan_.category = require(c.category, "category");
  plan_.cell = require(c.cell, "cell id");

  plan_.source_crs = options_.source_crs.empty() ? crs : options_.source_crs;
  if (plan_.x != kNone && plan_.source_crs.empty())
    throw ConfigError(fmt::format(
        "{}: the x/y columns '{}'/'{}' need their CRS: give --source-crs (e.g. EPSG:27700)",
        csv_.path(), c.x, c.y));

  plan_.zone = options_.time_zone.empty() ? zone : options_.time_zone;
  if (plan_.zone.empty() && format == "code") {
    // Every row of a CODE file names its city; the first data row decides the zone.
    const int city = find_column(header, "city_name");
    if (city != kNone) plan_.zone = code_city_zone(probe(city, 1).front());
  }
  if (plan_.zone.empty())
    throw ConfigError(fmt::format(
        "{}: the times of a {} file are local clock times in an unknown zone: give --time-zone "
        "(an IANA name such as America/New_York, or UTC)",
        csv_.path(), format));

  plan_.time_format = c.time_format;
  for (const auto& name : options_.keep_columns) {
    const int i = find_column(header, name);
    if (i == kNone)
      throw ConfigError(fmt::format("--keep {}: no such column in {}", name, csv_.path()));
    plan_.kept.push_back(i);
    report_.columns_kept.push_back(header[static_cast<std::size_t>(i)]);
  }

  report_.format = format;
  report_.time_zone = plan_.zone;
  report_.time_column = c.time;
  for (int i : {plan_.time, plan_.lon, plan_.lat, plan_.x, plan_.y, plan_.category, plan_.cell})
    if (i != kNone) report_.columns_used.push_back(header[static_cast<std::size_t>(i)]);
  if (plan_.lon != kNone) report_.coordinates = fmt::format("{}/{} (EPSG:4326)", c.lon, c.lat);
  if (plan_.x != kNone)
    report_.coordinates += fmt::format("{}{}/{} ({})", report_.coordinates.empty() ? "" : ", else ",
                                       c.x, c.y, plan_.source_crs);
  for (std::size_t i = 0; i < header.size(); ++i) {
    const auto& h = header[i];
    const bool used = std::find(report_.columns_used.begin(), report_.columns_used.end(), h) !=
                      report_.columns_used.end();
    const bool kept = std::find(report_.columns_kept.begin(), report_.columns_kept.end(), h) !=
                      report_.columns_kept.end();
    if (used || kept) continue;
    report_.columns_not_carried.push_back(h);
    if (is_personal_identifier(h)) report_.personal_identifiers.push_back(h);
  }
}

void Reader::read_rows() {
  const std::size_t columns = csv_.header().size();
  // The time pattern: named, or detected from the first 1,000 values.
  if (plan_.time_format == "auto") {
    plan_.time_format = detect_time_format(probe(plan_.time, 1000));
    if (plan_.time_format.empty())
      fail(2, 0,
           fmt::format("column '{}': cannot recognise the time format of its first values "
                       "(e.g. {}): give --time-format",
                       csv_.header()[static_cast<std::size_t>(plan_.time)],
                       shown(probe(plan_.time, 1).front())));
  }
  const TimeParser parser(plan_.time_format);
  report_.time_format = parser.pattern();
  report_.resolution =
      plan_.has_resolution_override ? plan_.resolution_override : parser.resolution();
  const TimeZone zone(plan_.zone);
  ZoneCache cache(zone);

  io::CsvRecord rec;
  std::size_t begin = csv_.position();
  // Reserve from the mean length of the first rows, so the columns are not copied while growing.
  {
    io::CsvReader sample = factory_();
    io::CsvRecord r;
    std::size_t n = 0;
    const std::size_t start = sample.position();
    while (n < 1000 && sample.next(r)) ++n;
    const std::size_t used = sample.position() - start;
    const std::size_t estimate =
        n && used ? (csv_.bytes() / std::max<std::size_t>(1, used / n)) * 11 / 10 + 16 : 16;
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
  while (csv_.next(rec)) {
    const std::size_t end = csv_.position();
    const std::pair<std::size_t, std::size_t> span{begin, end};
    begin = end;
    ++report_.rows_read;
    if (rec.unterminated_quote) {
      const int col = static_cast<int>(rec.size()) - 1;
      bad(DropReason::kUnterminatedQuote, rec, col >= static_cast<int>(columns) ? kNone : col,
          rec.problem);
      continue;
    }
    if (rec.too_long) {
      int col = kNone;
      for (std::size_t i = 0; i < rec.size() && i < columns; ++i)
        if (rec[i].size() > options_.max_field_bytes) col = static_cast<int>(i);
      bad(DropReason::kFieldTooLong, rec, col, rec.problem);
      continue;
    }
    if (rec.size() != columns) {
      bad(DropReason::kWrongColumnCount, rec, kNone,
          fmt::format("expected {} fields as in the header, found {}", columns, rec.size()));
      continue;
    }
    if (!all_ascii(csv_.text(span.first, span.second)) &&
        !io::valid_utf8(csv_.text(span.first, span.second))) {
      int col = kNone;
      for (std::size_t i = 0; i < rec.size() && col == kNone; ++i)
        if (!io::valid_utf8(rec[i])) col = static_cast<int>(i);
      bad(DropReason::kInvalidUtf8, rec, col, "the text is not valid UTF-8");
      continue;
    }
    const auto field = [&](int i) { return rec[static_cast<std::size_t>(i)]; };

    std::int64_t local = 0;
    if (!parser.parse(field(plan_.time), local)) {
      bad(DropReason::kBadTime, rec, plan_.time,
          fmt::format("expected a time like '{}', found {}", parser.pattern(),
                      shown(field(plan_.time))));
      continue;
    }
    const std::int64_t t = cache.to_utc(local);
    if (!valid_time(t)) {  // 9999-12-31 23:00 in Chicago is in year 10000 in UTC
      bad(DropReason::kBadTime, rec, plan_.time,
          fmt::format("{} is outside years {}..{} once in UTC", shown(field(plan_.time)), kMinYear,
                      kMaxYear));
      continue;
    }

    Source source = Source::kNone;
    double a = kNaN, b = kNaN;
    if (plan_.lon != kNone && !trim(field(plan_.lon)).empty() && !trim(field(plan_.lat)).empty()) {
      source = Source::kLonLat;
      if (!parse_double(field(plan_.lon), a) || !parse_double(field(plan_.lat), b)) {
        bad(DropReason::kMissingCoordinates, rec, plan_.lon,
            fmt::format("expected numbers, found {} and {}", shown(field(plan_.lon)),
                        shown(field(plan_.lat))));
        continue;
      }
    } else if (plan_.x != kNone && !trim(field(plan_.x)).empty() && !trim(field(plan_.y)).empty()) {
      source = Source::kXY;
      if (!parse_double(field(plan_.x), a) || !parse_double(field(plan_.y), b)) {
        bad(DropReason::kMissingCoordinates, rec, plan_.x,
            fmt::format("expected numbers, found {} and {}", shown(field(plan_.x)),
                        shown(field(plan_.y))));
        continue;
      }
    } else if (plan_.lon != kNone || plan_.x != kNone) {
      bad(DropReason::kMissingCoordinates, rec, plan_.lon != kNone ? plan_.lon : plan_.x,
          "the coordinates are empty");
      continue;
    }
    if (source != Source::kNone && a == 0 && b == 0) {
      bad(DropReason::kMissingCoordinates, rec, plan_.lon != kNone ? plan_.lon : plan_.x,
          "the coordinates are (0, 0), a placeholder for a missing location");
      continue;
    }
    if (source != Source::kNone && (!io::plausible_coordinate(a) || !io::plausible_coordinate(b))) {
      bad(DropReason::kOutOfRangeCoordinates, rec, plan_.lon != kNone ? plan_.lon : plan_.x,
          fmt::format("{} and {}: a non-zero coordinate smaller than 1e-300 is not a place but a "
                      "corrupt number",
                      shown(field(plan_.lon != kNone ? plan_.lon : plan_.x)),
                      shown(field(plan_.lon != kNone ? plan_.lat : plan_.y))));
      continue;
    }
    if (source == Source::kLonLat && !(std::abs(a) <= 180 && std::abs(b) <= 90)) {
      const bool swapped = std::abs(b) <= 180 && std::abs(a) <= 90;
      bad(swapped ? DropReason::kSwappedLatLon : DropReason::kOutOfRangeCoordinates, rec, plan_.lat,
          fmt::format("longitude {} / latitude {}: expected -180..180 / -90..90{}", a, b,
                      swapped ? " (they fit when exchanged)" : ""));
      continue;
    }
    std::int64_t cell = 0;
    if (plan_.cell != kNone && !parse_int(field(plan_.cell), cell)) {
      bad(DropReason::kBadCell, rec, plan_.cell,
          fmt::format("expected an integer cell id, found {}", shown(field(plan_.cell))));
      continue;
    }
    const std::string_view name = plan_.category != kNone
                                      ? trim(field(plan_.category))
                                      : std::string_view(options_.category_value);

    rows_.t.push_back(t);
    rows_.line.push_back(rec.line);
    rows_.a.push_back(a);
    rows_.b.push_back(b);
    rows_.source.push_back(source);
    rows_.category.push_back(categories_.index(name));
    if (plan_.cell != kNone) rows_.cell.push_back(cell);
    const std::string_view raw = strip_line_ends(csv_.text(span.first, span.second));
    rows_.hash.push_back(hash_bytes(raw));
    rows_.span.emplace_back(span.first, span.second);
    if (!plan_.kept.empty()) {
      std::vector<std::string> values;
      values.reserve(plan_.kept.size());
      for (int i : plan_.kept) values.emplace_back(field(i));
      rows_.kept.push_back(std::move(values));
    }
  }
  rows_.drop.assign(rows_.size(), 0);
}

std::vector<std::string> Reader::probe(int column, std::size_t n) const {
  std::vector<std::string> values;
  io::CsvReader reader = factory_();
  io::CsvRecord rec;
  while (values.size() < n && reader.next(rec))
    if (static_cast<std::size_t>(column) < rec.size() && !rec.unterminated_quote && !rec.too_long)
      values.emplace_back(rec[static_cast<std::size_t>(column)]);
  if (values.empty()) values.emplace_back();
  return values;
}

double median(std::vector<double> v) {
  const auto mid = v.begin() + static_cast<std::ptrdiff_t>(v.size() / 2);
  std::nth_element(v.begin(), mid, v.end());
  return *mid;
}

// Swapped latitude/longitude that still lie in range (Chicago's (41.8, -87.6) read as lon 41.8, lat
// -87.6) are found against the data's own centre: far from the median point as given, but within
// 1 degree of it once exchanged. Needs at least 10 located rows to have a centre.
void Reader::check_extent() {
  std::vector<double> lon, lat;
  for (std::size_t i = 0; i < rows_.size(); ++i)
    if (rows_.source[i] == Source::kLonLat) {
      lon.push_back(rows_.a[i]);
      lat.push_back(rows_.b[i]);
    }
  if (lon.size() < 10) return;
  const double mlon = median(std::move(lon)), mlat = median(std::move(lat));
  for (std::size_t i = 0; i < rows_.size(); ++i) {
    if (rows_.source[i] != Source::kLonLat) continue;
    const double a = rows_.a[i], b = rows_.b[i];
    const double as_given = std::abs(a - mlon) + std::abs(b - mlat);
    const double exchanged = std::abs(b - mlon) + std::abs(a - mlat);
    if (as_given > 5.0 && exchanged < 1.0) {
      if (options_.strict)
        fail(rows_.line[i], 0,
             fmt::format("swapped_lat_lon: longitude {} / latitude {} lie far from the data's "
                         "centre ({}, {}) but next to it when exchanged",
                         a, b, mlon, mlat));
      drop(DropReason::kSwappedLatLon, rows_.line[i]);
      rows_.drop[i] = 1 + static_cast<std::uint8_t>(DropReason::kSwappedLatLon);
    }
  }
}

void Reader::project(ReadResult& result) {
  std::vector<std::size_t> lonlat, xy;
  for (std::size_t i = 0; i < rows_.size(); ++i) {
    if (rows_.drop[i]) continue;
    if (rows_.source[i] == Source::kLonLat) lonlat.push_back(i);
    if (rows_.source[i] == Source::kXY) xy.push_back(i);
  }
  if (lonlat.empty() && xy.empty()) return;  // a source without coordinates (Oakland bins)

  // Longitude/latitude of the x/y rows (rare: portal rows without Latitude, BNG-only files), for
  // the default UTM zone and the WGS 84 bbox.
  std::vector<double> xy_lon, xy_lat;
  if (!xy.empty()) {
    for (auto i : xy) xy_lon.push_back(rows_.a[i]), xy_lat.push_back(rows_.b[i]);
    geo::Transformer(plan_.source_crs, "EPSG:4326").transform(xy_lon, xy_lat);
  }

  std::string target = options_.target_crs;
  if (target.empty() && lonlat.empty()) {
    const auto source = geo::crs_info(plan_.source_crs);
    if (source.projected && source.metres_per_unit == 1.0) target = plan_.source_crs;
  }
  if (target.empty()) {
    std::vector<double> mlon, mlat;
    for (auto i : lonlat) mlon.push_back(rows_.a[i]), mlat.push_back(rows_.b[i]);
    for (std::size_t k = 0; k < xy.size(); ++k)
      if (std::isfinite(xy_lon[k])) mlon.push_back(xy_lon[k]), mlat.push_back(xy_lat[k]);
    if (mlon.empty()) throw InputError(csv_.path(), 0, 0, "no row has coordinates PROJ can read");
    target = geo::utm_crs_for(median(std::move(mlon)), median(std::move(mlat)));
  }
  const auto info = geo::crs_info(target);
  if (!info.projected || std::abs(info.metres_per_unit - 1.0) > 1e-12)
    throw ConfigError(fmt::format(
        "target CRS {} ({}) is not a projected CRS in metres: the engine measures cells and "
        "distances in metres (e.g. EPSG:2790 for Chicago, EPSG:27700 for Great Britain)",
        target, info.name));
  result.events.crs = target;
  report_.target_crs = target;

  bool first = true;
  auto extend = [&](double lon, double lat) {
    if (first) {
      report_.lon_min = report_.lon_max = lon;
      report_.lat_min = report_.lat_max = lat;
      first = false;
    }
    report_.lon_min = std::min(report_.lon_min, lon);
    report_.lon_max = std::max(report_.lon_max, lon);
    report_.lat_min = std::min(report_.lat_min, lat);
    report_.lat_max = std::max(report_.lat_max, lat);
  };
  // In chunks that stay in cache: gather, one proj_trans_generic call, scatter.
  constexpr std::size_t kChunk = 1 << 14;
  std::vector<double> x(kChunk), y(kChunk);
  auto run = [&](const std::vector<std::size_t>& which, const std::string& from, bool geographic) {
    if (which.empty()) return;
    geo::Transformer transformer(from, target);
    for (std::size_t k0 = 0; k0 < which.size(); k0 += kChunk) {
      const std::size_t n = std::min(kChunk, which.size() - k0);
      for (std::size_t k = 0; k < n; ++k)
        x[k] = rows_.a[which[k0 + k]], y[k] = rows_.b[which[k0 + k]];
      transformer.transform(x.data(), y.data(), n);
      for (std::size_t k = 0; k < n; ++k) {
        const auto i = which[k0 + k];
        if (std::isnan(x[k])) {
          if (options_.strict)
            fail(rows_.line[i], 0,
                 fmt::format("projection_failed: PROJ cannot take ({}, {}) from {} to {}",
                             rows_.a[i], rows_.b[i], from, target));
          drop(DropReason::kProjectionFailed, rows_.line[i]);
          rows_.drop[i] = 1 + static_cast<std::uint8_t>(DropReason::kProjectionFailed);
          continue;
        }
        if (geographic)
          extend(rows_.a[i], rows_.b[i]);
        else if (std::isfinite(xy_lon[k0 + k]))
          extend(xy_lon[k0 + k], xy_lat[k0 + k]);
        rows_.a[i] = x[k];
        rows_.b[i] = y[k];
      }
    }
  };
  run(lonlat, "EPSG:4326", true);
  run(xy, plan_.source_crs, false);
}

// Byte-identical rows (after the line end) among the rows kept so far, in file order: an open
// addressing table of row indices keyed by the row's hash, confirmed by comparing the bytes.
void Reader::mark_duplicates() {
  std::size_t slots = 16;
  while (slots < 2 * rows_.size()) slots *= 2;
  std::vector<std::uint32_t> table(slots, 0);  // 1 + row index, 0 = empty
  report_.duplicates_dropped = options_.drop_duplicates;
  for (std::size_t i = 0; i < rows_.size(); ++i) {
    if (rows_.drop[i]) continue;
    const std::uint64_t h = rows_.hash[i];
    const std::string_view text =
        strip_line_ends(csv_.text(rows_.span[i].first, rows_.span[i].second));
    std::size_t s = static_cast<std::size_t>(h) & (slots - 1);
    bool duplicate = false;
    while (table[s] != 0) {
      const std::size_t j = table[s] - 1;
      if (rows_.hash[j] == h &&
          strip_line_ends(csv_.text(rows_.span[j].first, rows_.span[j].second)) == text) {
        duplicate = true;
        break;
      }
      s = (s + 1) & (slots - 1);
    }
    if (!duplicate) {
      table[s] = static_cast<std::uint32_t>(i + 1);
      continue;
    }
    ++report_.duplicates.count;
    if (report_.duplicates.first_lines.size() < options_.example_lines)
      report_.duplicates.first_lines.push_back(rows_.line[i]);
    if (options_.drop_duplicates) {
      drop(DropReason::kDuplicate, rows_.line[i]);
      rows_.drop[i] = 1 + static_cast<std::uint8_t>(DropReason::kDuplicate);
    }
  }
}

ReadResult Reader::run() {
  report_.path = csv_.path();
  plan();
  read_rows();
  if (report_.rows_read == 0)
    fail(2, 0, "no data rows after the header: expected at least one record");
  check_extent();
  ReadResult result;
  project(result);
  mark_duplicates();

  std::vector<std::size_t> order;
  order.reserve(rows_.size());
  for (std::size_t i = 0; i < rows_.size(); ++i)
    if (!rows_.drop[i]) order.push_back(i);
  for (const auto& r : report_.dropped) report_.rows_dropped += r.count;
  report_.rows_kept = static_cast<std::int64_t>(order.size());
  if (order.empty()) {
    std::string why;
    for (std::size_t k = 0; k < kDropReasons; ++k)
      if (report_.dropped[k].count)
        why += fmt::format("{}{} {} (first at line {})", why.empty() ? "" : ", ",
                           report_.dropped[k].count, to_string(static_cast<DropReason>(k)),
                           report_.dropped[k].first_lines.front());
    fail(0, 0, fmt::format("none of the {} data rows could be used: {}", report_.rows_read, why));
  }
  // By time, then file order among equal times (so the order never depends on the sort
  // algorithm); exports that are already in time order are left as they are.
  const auto earlier = [&](std::size_t i, std::size_t j) {
    return rows_.t[i] != rows_.t[j] ? rows_.t[i] < rows_.t[j] : i < j;
  };
  if (!std::is_sorted(order.begin(), order.end(), earlier)) radix_sort_by_time(order, rows_.t);

  // Categories of the kept events only, renumbered in order of first use.
  const auto& names = categories_.names();
  std::vector<std::int32_t> remap(names.size(), -1);
  std::vector<std::int64_t> counts;
  EventSet& ev = result.events;
  ev.reserve(order.size());
  const bool located = !report_.target_crs.empty();
  for (auto i : order) {
    auto& c = remap[static_cast<std::size_t>(rows_.category[i])];
    if (c < 0) {
      c = static_cast<std::int32_t>(ev.categories.size());
      ev.categories.push_back(names[static_cast<std::size_t>(rows_.category[i])]);
      counts.push_back(0);
    }
    ++counts[static_cast<std::size_t>(c)];
    ev.t.push_back(rows_.t[i]);
    ev.x.push_back(located ? rows_.a[i] : kNaN);
    ev.y.push_back(located ? rows_.b[i] : kNaN);
    ev.category.push_back(c);
    ev.source_row.push_back(rows_.line[i]);
    if (!rows_.cell.empty()) result.cell.push_back(rows_.cell[i]);
  }
  for (std::size_t k = 0; k < plan_.kept.size(); ++k) {
    KeptColumn column{report_.columns_kept[k], {}};
    column.values.reserve(order.size());
    for (auto i : order) column.values.push_back(std::move(rows_.kept[i][k]));
    result.kept.push_back(std::move(column));
  }
  ev.resolution = report_.resolution;
  // An events CSV holds UTC times but keeps the zone of the original source's local days.
  ev.time_zone = plan_.event_zone.empty() ? plan_.zone : plan_.event_zone;

  report_.t_min = ev.t.front();
  report_.t_max = ev.t.back();
  if (located) {
    report_.xmin = *std::min_element(ev.x.begin(), ev.x.end());
    report_.xmax = *std::max_element(ev.x.begin(), ev.x.end());
    report_.ymin = *std::min_element(ev.y.begin(), ev.y.end());
    report_.ymax = *std::max_element(ev.y.begin(), ev.y.end());
  }
  for (std::size_t c = 0; c < counts.size(); ++c)
    report_.categories.emplace_back(ev.categories[c], counts[c]);
  std::stable_sort(report_.categories.begin(), report_.categories.end(),
                   [](const auto& p, const auto& q) {
                     return p.second != q.second ? p.second > q.second : p.first < q.first;
                   });
  result.report = std::move(report_);
  return result;
}

}  // namespace

std::string_view to_string(DropReason reason) {
  static constexpr std::array<std::string_view, kDropReasons> kNames{"unterminated_quote",
                                                                     "field_too_long",
                                                                     "wrong_column_count",
                                                                     "invalid_utf8",
                                                                     "bad_time",
                                                                     "missing_coordinates",
                                                                     "out_of_range_coordinates",
                                                                     "swapped_lat_lon",
                                                                     "bad_cell",
                                                                     "projection_failed",
                                                                     "duplicate"};
  return kNames[static_cast<std::size_t>(reason)];
}

std::string detect_format(const std::vector<std::string>& header) {
  if (has(header, "time_utc") && has(header, "x") && has(header, "y") && has(header, "crs"))
    return "events";
  if (has(header, "Primary Type") && has(header, "Date") &&
      (has(header, "Latitude") || has(header, "X Coordinate")))
    return "chicago";
  if (has(header, "date_single") && has(header, "longitude") && has(header, "latitude"))
    return "code";
  if (has(header, "Month") &&
      !first_present(header, {"Crime type", "Crime.type", "crime_type", "type"}).empty() &&
      ((has(header, "Longitude") && has(header, "Latitude")) || has(header, "x_bng")))
    return "police-uk";
  return "generic";
}

bool is_personal_identifier(std::string_view column) {
  std::string n;
  for (char c : column)
    if (c != ' ' && c != '_' && c != '.' && c != '-') n.push_back(static_cast<char>(c | 0x20));
  static const std::array<std::string_view, 14> kExact{
      "id",   "uid",   "casenumber", "caseno", "case", "block",          "dob",
      "name", "phone", "ssn",        "email",  "rdno", "incidentnumber", "reportnumber"};
  if (std::find(kExact.begin(), kExact.end(), n) != kExact.end()) return true;
  for (std::string_view part : {"birth", "address", "firstname", "lastname", "surname", "fullname",
                                "victimname", "suspectname", "offendername", "officername"})
    if (n.find(part) != std::string::npos) return true;
  return false;
}

ReadResult read_events(const std::string& path, const ReadOptions& options) {
  const io::CsvOptions csv{options.delimiter, '"', options.max_field_bytes};
  Reader reader([path, csv] { return io::CsvReader(path, csv); }, options);
  return reader.run();
}

ReadResult read_events_from_string(const std::string& name, std::string text,
                                   const ReadOptions& options) {
  const io::CsvOptions csv{options.delimiter, '"', options.max_field_bytes};
  auto shared = std::make_shared<const std::string>(std::move(text));
  Reader reader([name, shared, csv] { return io::CsvReader::from_string(name, *shared, csv); },
                options);
  return reader.run();
}

}  // namespace scrutineer::ingest
