// Step 1 of read_events: the format and its columns. Chooses the format (named, or detected from
// the header), takes its default columns, lets the user's names replace them one by one, finds each
// column in the header, and settles the zone and CRS of the source.
#include <fmt/format.h>

#include <algorithm>
#include <array>

#include "reader.hpp"
#include "scrutineer/core/error.hpp"
#include "scrutineer/io/identifiers.hpp"

namespace scrutineer::ingest::detail {

namespace {

const Format& choose_format(const Header& header, const ReadOptions& options) {
  std::string name = options.format.empty() ? "auto" : options.format;
  if (name == "auto") name = detect_format(header);
  const Format* format = find_format(name);
  if (!format) throw ConfigError(unknown_format_message(name));
  return *format;
}

FormatDefaults format_defaults(const Format& format, const Input& input) {
  const FirstValue first = [&input](std::string_view column) {
    const int i = find_column(input.header(), column);
    return i == kNone ? std::string() : input.probe(i, 1).front();
  };
  return format.defaults(input.header(), first);
}

const std::string& either(const std::string& given, const std::string& fallback) {
  return given.empty() ? fallback : given;
}

bool gives_lonlat(const ColumnMapping& m) { return !m.lon.empty() || !m.lat.empty(); }
bool gives_xy(const ColumnMapping& m) { return !m.x.empty() || !m.y.empty(); }

// The format's columns with the user's names in their place. Explicit coordinates replace the
// format's pair entirely, so a user's x/y is not shadowed by a default lon/lat pair.
ColumnMapping merge_columns(const ColumnMapping& user, const ColumnMapping& format) {
  const bool lonlat = gives_lonlat(user), xy = gives_xy(user);
  ColumnMapping c;
  c.time = either(user.time, format.time);
  c.time_format = user.time_format.empty()
                      ? (format.time_format.empty() ? "auto" : format.time_format)
                      : user.time_format;
  c.lon = lonlat ? user.lon : (xy ? "" : format.lon);
  c.lat = lonlat ? user.lat : (xy ? "" : format.lat);
  c.x = xy ? user.x : (lonlat ? "" : format.x);
  c.y = xy ? user.y : (lonlat ? "" : format.y);
  c.category = either(user.category, format.category);
  c.cell = either(user.cell, format.cell);
  return c;
}

// The index of a named column (kNone for no name); an InputError at line 1 when it is missing.
int require_column(const Input& input, const std::string& name, std::string_view role,
                   std::string_view format) {
  if (name.empty()) return kNone;
  const int i = find_column(input.header(), name);
  if (i != kNone) return i;
  std::string have;
  for (const auto& h : input.header()) have += (have.empty() ? "" : ", ") + h;
  throw InputError(
      input.path(), 1, 0,
      fmt::format("missing required column '{}' for the {} (format {}; the header has: {}){}", name,
                  role, format, have, input.csv().delimiter_hint()));
}

void resolve_columns(Plan& plan, ColumnMapping& c, const Input& input, bool user_xy) {
  const std::string_view format = plan.format->name;
  if (c.time.empty())
    throw ConfigError(fmt::format(
        "{}: format {} needs the time column: give --time COLUMN (the header has {} columns)",
        input.path(), format, input.header().size()));
  plan.time = require_column(input, c.time, "time", format);
  if (c.lon.empty() != c.lat.empty() || c.x.empty() != c.y.empty())
    throw ConfigError("give both coordinate columns: --lon with --lat, --x with --y");
  plan.lon = require_column(input, c.lon, "longitude", format);
  plan.lat = require_column(input, c.lat, "latitude", format);
  // The format's fallback x/y pair is optional (the portal export may leave it out).
  if (!user_xy &&
      (find_column(input.header(), c.x) == kNone || find_column(input.header(), c.y) == kNone)) {
    c.x.clear();
    c.y.clear();
  }
  plan.x = require_column(input, c.x, "x coordinate", format);
  plan.y = require_column(input, c.y, "y coordinate", format);
  plan.category = require_column(input, c.category, "category", format);
  plan.cell = require_column(input, c.cell, "cell id", format);
}

void choose_crs_and_zone(Plan& plan, const FormatDefaults& d, const ColumnMapping& c,
                         const Input& input, const ReadOptions& options) {
  plan.source_crs = either(options.source_crs, d.source_crs);
  if (plan.x != kNone && plan.source_crs.empty())
    throw ConfigError(fmt::format(
        "{}: the x/y columns '{}'/'{}' need their CRS: give --source-crs (e.g. EPSG:27700)",
        input.path(), c.x, c.y));
  plan.zone = either(options.time_zone, d.time_zone);
  if (plan.zone.empty())
    throw ConfigError(fmt::format(
        "{}: the times of a {} file are local clock times in an unknown zone: give --time-zone "
        "(an IANA name such as America/New_York, or UTC)",
        input.path(), plan.format->name));
  plan.event_zone = d.event_zone;
  plan.resolution = d.resolution;
}

void resolve_kept(Plan& plan, const Input& input, const ReadOptions& options, ReadReport& report) {
  for (const auto& name : options.keep_columns) {
    const int i = find_column(input.header(), name);
    if (i == kNone)
      throw ConfigError(fmt::format("--keep {}: no such column in {}", name, input.path()));
    plan.kept.push_back(i);
    report.columns_kept.push_back(input.header()[static_cast<std::size_t>(i)]);
  }
}

bool contains(const std::vector<std::string>& names, const std::string& name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

bool identifies(const Format& format, const std::string& column) {
  if (is_personal_identifier(column)) return true;
  return std::any_of(format.identifiers.begin(), format.identifiers.end(),
                     [&](std::string_view name) { return ascii_iequals(name, column); });
}

// The report's columns: used, and every other one (not carried), with the identifying ones.
void describe_columns(const Plan& plan, const ColumnMapping& c, const Header& header,
                      ReadReport& report) {
  for (int i : {plan.time, plan.lon, plan.lat, plan.x, plan.y, plan.category, plan.cell})
    if (i != kNone) report.columns_used.push_back(header[static_cast<std::size_t>(i)]);
  if (plan.lon != kNone) report.coordinates = fmt::format("{}/{} (EPSG:4326)", c.lon, c.lat);
  if (plan.x != kNone)
    report.coordinates += fmt::format("{}{}/{} ({})", report.coordinates.empty() ? "" : ", else ",
                                      c.x, c.y, plan.source_crs);
  for (const auto& h : header) {
    if (contains(report.columns_used, h) || contains(report.columns_kept, h)) continue;
    report.columns_not_carried.push_back(h);
    if (identifies(*plan.format, h)) report.personal_identifiers.push_back(h);
  }
}

}  // namespace

int find_column(const Header& header, std::string_view name) {
  if (name.empty()) return kNone;
  for (std::size_t i = 0; i < header.size(); ++i)
    if (header[i] == name) return static_cast<int>(i);
  for (std::size_t i = 0; i < header.size(); ++i)
    if (ascii_iequals(header[i], name)) return static_cast<int>(i);
  return kNone;
}

std::vector<std::string> Input::probe(int column, std::size_t n) const {
  std::vector<std::string> values;
  io::CsvReader reader = fresh();
  io::CsvRecord rec;
  while (values.size() < n && reader.next(rec))
    if (static_cast<std::size_t>(column) < rec.size() && !rec.unterminated_quote && !rec.too_long)
      values.emplace_back(rec[static_cast<std::size_t>(column)]);
  if (values.empty()) values.emplace_back();
  return values;
}

Plan make_plan(const Input& input, const ReadOptions& options, ReadReport& report) {
  Plan plan;
  plan.format = &choose_format(input.header(), options);
  const FormatDefaults defaults = format_defaults(*plan.format, input);
  ColumnMapping c = merge_columns(options.columns, defaults.columns);
  resolve_columns(plan, c, input, gives_xy(options.columns));
  choose_crs_and_zone(plan, defaults, c, input, options);
  plan.time_format = c.time_format;
  resolve_kept(plan, input, options, report);
  report.format = plan.format->name;
  report.time_zone = plan.zone;
  report.time_column = c.time;
  describe_columns(plan, c, input.header(), report);
  return plan;
}

}  // namespace scrutineer::ingest::detail

namespace scrutineer::ingest {

bool is_personal_identifier(std::string_view column) { return io::identifies_people(column); }

}  // namespace scrutineer::ingest
