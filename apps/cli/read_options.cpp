// Command-line options for reading crime exports (ingest::ReadOptions).
#include "read_options.hpp"

#include <fmt/format.h>

#include "scrutineer/ingest/format.hpp"

namespace scrutineer::cli {

void add_read_options(CLI::App& app, ingest::ReadOptions& o) {
  const char* group = "Reading the input CSV";
  std::string names;
  for (const auto& format : ingest::formats())
    names += fmt::format("{}{} ({})", names.empty() ? "" : ", ", format.name, format.description);
  app.add_option("--format", o.format,
                 "auto (detected from the header), or one of: " + names + "; see docs/ingest.md")
      ->check(CLI::IsMember(ingest::format_names()))
      ->capture_default_str()
      ->group(group);
  app.add_option("--time", o.columns.time, "Time column (overrides the format's)")->group(group);
  app.add_option("--time-format", o.columns.time_format,
                 "auto, or a pattern of %Y %y %m %d %H %I %M %S %p, e.g. '%m/%d/%Y %I:%M:%S %p'")
      ->group(group);
  app.add_option("--time-zone", o.time_zone,
                 "IANA zone of the local times (America/Chicago, Europe/London, UTC)")
      ->group(group);
  app.add_option("--lon", o.columns.lon, "Longitude column (WGS 84 degrees)")->group(group);
  app.add_option("--lat", o.columns.lat, "Latitude column (WGS 84 degrees)")->group(group);
  app.add_option("--x", o.columns.x, "Easting column, in --source-crs")->group(group);
  app.add_option("--y", o.columns.y, "Northing column, in --source-crs")->group(group);
  app.add_option("--source-crs", o.source_crs, "CRS of the --x/--y columns (e.g. EPSG:27700)")
      ->group(group);
  app.add_option("--category", o.columns.category, "Offence type column")->group(group);
  app.add_option("--category-value", o.category_value,
                 "Category of every event when there is no category column")
      ->capture_default_str()
      ->group(group);
  app.add_option("--cell", o.columns.cell,
                 "Integer cell/bin id column carried with each event (e.g. Oakland's bin)")
      ->group(group);
  app.add_option("--target-crs", o.target_crs,
                 "Projected CRS in metres for the events (default: UTM zone of the median point)")
      ->group(group);
  app.add_flag("--strict", o.strict, "Stop at the first bad row with its file, line and column")
      ->group(group);
  app.add_flag("--drop-duplicates", o.drop_duplicates,
               "Drop rows byte-identical to an earlier row (always counted)")
      ->group(group);
  app.add_option("--keep", o.keep_columns,
                 "Carry this column forward (repeatable); identifying columns are dropped "
                 "otherwise")
      ->group(group);
  app.add_option("--delimiter", o.delimiter, "Field delimiter")
      ->capture_default_str()
      ->group(group);
  app.add_option("--max-field-bytes", o.max_field_bytes, "Longer fields drop the row")
      ->capture_default_str()
      ->group(group);
}

}  // namespace scrutineer::cli
