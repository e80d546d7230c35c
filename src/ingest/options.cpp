// Declarations of the reading options (ingest/options.hpp): names, checks, defaults, help.
#include "scrutineer/ingest/options.hpp"

#include <fmt/format.h>

#include "scrutineer/core/error.hpp"
#include "scrutineer/core/time.hpp"
#include "scrutineer/geo/crs.hpp"
#include "scrutineer/ingest/format.hpp"

namespace scrutineer::ingest {

namespace {

void check_crs(const OptionValue& v) {
  const auto& crs = std::get<std::string>(v);
  // Only "is it a CRS PROJ knows": the transformation is found when the events are read.
  if (!crs.empty() && crs != "utm") geo::require_known_crs(crs);
}

}  // namespace

std::vector<std::string> format_choices() { return format_names(); }

const OptionSet<ColumnMapping>& column_option_set() {
  static const auto set = [] {
    OptionSet<ColumnMapping> s("columns", "Columns of the input CSV (override the format's)");
    s.field(
         "time", [](auto& c) -> auto& { return c.time; }, "Date or date-time column")
        .example("Date");
    s.field(
         "time_format", [](auto& c) -> auto& { return c.time_format; },
         "auto, or a pattern of %Y %y %m %d %H %I %M %S %p, e.g. '%m/%d/%Y %I:%M:%S %p'")
        .example("%Y-%m-%d")
        .check([](const OptionValue& v) {
          const auto& f = std::get<std::string>(v);
          if (!f.empty() && f != "auto") (void)TimeParser(f).pattern();
        });
    s.field(
        "lon", [](auto& c) -> auto& { return c.lon; }, "Longitude column (WGS 84 degrees)");
    s.field(
        "lat", [](auto& c) -> auto& { return c.lat; }, "Latitude column (WGS 84 degrees)");
    s.field(
        "x", [](auto& c) -> auto& { return c.x; }, "Easting column, in source_crs");
    s.field(
        "y", [](auto& c) -> auto& { return c.y; }, "Northing column, in source_crs");
    s.field(
        "category_column", [](auto& c) -> auto& { return c.category; },
        "Offence category column (the filter value is `category`)");
    s.field(
        "cell", [](auto& c) -> auto& { return c.cell; },
        "Integer cell/bin id column carried with each event (e.g. Oakland's bin)");
    return s;
  }();
  return set;
}

const OptionSet<ReadOptions>& read_option_set() {
  static const auto set = [] {
    OptionSet<ReadOptions> s("read", "Reading the crime export (as `scrutineer ingest` reads it)");
    s.field(
         "format", [](auto& r) -> auto& { return r.format; },
         "Input format; auto detects it from the header (see the formats table in "
         "docs/ingest.md)")
        .choices(format_choices())
        .example("generic");
    s.include(
        column_option_set(), [](auto& r) -> auto& { return r.columns; });
    s.field(
         "time_zone", [](auto& r) -> auto& { return r.time_zone; },
         "IANA zone of the local times (default: the format's)")
        .example("America/Chicago")
        .check([](const OptionValue& v) {
          const auto& z = std::get<std::string>(v);
          if (!z.empty()) (void)TimeZone(z).name();
        });
    s.field(
         "source_crs", [](auto& r) -> auto& { return r.source_crs; },
         "CRS of the x/y columns (lon/lat are always EPSG:4326)")
        .example("EPSG:27700")
        .check(check_crs);
    s.field(
         "crs", [](auto& r) -> auto& { return r.target_crs; },
         "Projected CRS in metres of the study (default: the UTM zone of the median point)")
        .alias("target_crs")
        .example("EPSG:2790")
        .check(check_crs);
    s.field(
        "strict", [](auto& r) -> auto& { return r.strict; },
        "Stop at the first bad row with its file, line and column");
    s.field(
        "drop_duplicates", [](auto& r) -> auto& { return r.drop_duplicates; },
        "Drop rows byte-identical to an earlier row (always counted)");
    s.field(
        "keep", [](auto& r) -> auto& { return r.keep_columns; },
        "Columns carried forward (identifying columns are dropped otherwise)");
    s.field(
        "category_value", [](auto& r) -> auto& { return r.category_value; },
        "Category of every event when there is no category column");
    s.custom(
         "delimiter", OptionType::kText,
         [](const ReadOptions& r) { return OptionValue(std::string(1, r.delimiter)); },
         [](ReadOptions& r, const OptionValue& v) {
           const auto& d = std::get<std::string>(v);
           if (d.size() != 1)
             throw ConfigError(fmt::format("expected one character, found '{}'", d));
           r.delimiter = d[0];
         },
         "Field delimiter")
        .example(";");
    s.field(
         "max_field_bytes", [](auto& r) -> auto& { return r.max_field_bytes; },
         "A longer field drops the row (field_too_long)")
        .unit("bytes")
        .at_least(1);
    return s;
  }();
  return set;
}

}  // namespace scrutineer::ingest
