// `scrutineer disparity`: on which communities do a tool's flags fall (exposure by group against
// population and recorded crime). The logic is disparity::run_disparity.
#include <fmt/format.h>

#include <memory>

#include "command.hpp"
#include "read_options.hpp"
#include "scrutineer/disparity/run.hpp"
#include "scrutineer/io/atomic_file.hpp"

namespace {

using namespace scrutineer;

void setup(CLI::App& app) {
  auto o = std::make_shared<disparity::DisparityOptions>();
  auto* sub = app.add_subcommand(
      "disparity",
      "On which communities do the flags fall: exposure of each population group to a backtest's "
      "or a police tool's own flags, against population and recorded crime, with trends and "
      "bootstrap intervals");
  const char* areas = "Areas and groups";
  sub->add_option("--areas", o->areas, "Polygons with group counts (GeoJSON, GeoPackage, ...)")
      ->required()
      ->group(areas);
  sub->add_option("--area-id", o->area_id, "Id column of the areas")->required()->group(areas);
  sub->add_option("--group", o->groups,
                  "A group: NAME=COL+COL+... or COL (repeatable), e.g. "
                  "black=BlkAfrican+BlkCaribbean+OtherBlk")
      ->required()
      ->group(areas);
  sub->add_option("--total", o->total,
                  "Total-population column (the denominator; needed when groups overlap, as US "
                  "Hispanic and race counts do)")
      ->group(areas);
  sub->add_option("--ethnicity-column", o->ethnicity_columns,
                  "Columns that overlap the race counts (default: names with hisp or latin)")
      ->group(areas);
  sub->add_option("--reference", o->reference, "Reference group (default: the largest)")
      ->group(areas);
  sub->add_option("--crs", o->crs, "Projected study CRS: EPSG code, or utm (zone of the areas)")
      ->capture_default_str()
      ->group(areas);

  const char* flags = "Flags";
  sub->add_option("--flags", o->flags,
                  "Flags CSV: a backtest's flagged.csv, or a tool's own flags per date (cells, "
                  "x/y boxes or points, area ids)")
      ->required()
      ->group(flags);
  sub->add_option("--flags-format", o->flag_options.format, "auto, backtest, cell, xy or area")
      ->check(CLI::IsMember({"auto", "backtest", "cell", "xy", "area"}))
      ->capture_default_str()
      ->group(flags);
  sub->add_option("--model", o->flag_options.model, "Model to audit in a backtest's flags")
      ->group(flags);
  sub->add_option("--top", o->flag_options.top, "Backtest flags: keep ranks 1..N (0 = all)")
      ->group(flags);
  sub->add_option("--date-column", o->flag_options.date_column,
                  "Date column of the flags (default: period_start, date, day, month, period)")
      ->group(flags);
  sub->add_option("--cell-column", o->flag_options.cell_column, "Cell column")
      ->capture_default_str()
      ->group(flags);
  sub->add_option("--x-column", o->flag_options.x_column, "x column (default x, lon, longitude)")
      ->group(flags);
  sub->add_option("--y-column", o->flag_options.y_column, "y column (default y, lat, latitude)")
      ->group(flags);
  sub->add_option("--area-column", o->flag_options.area_column, "Area-id column of area flags")
      ->capture_default_str()
      ->group(flags);
  sub->add_option("--flags-crs", o->flag_options.crs,
                  "CRS of the x/y columns (default EPSG:4326 for lon/lat, else the study CRS)")
      ->group(flags);
  sub->add_option("--cell-size", o->cell_size,
                  "Grid cell side in metres (as the backtest's, or the tool's box size)")
      ->group(flags);
  sub->add_option("--origin-x", o->origin_x, "Grid origin x")->capture_default_str()->group(flags);
  sub->add_option("--origin-y", o->origin_y, "Grid origin y")->capture_default_str()->group(flags);
  sub->add_option("--region", o->region, "Grid region (default: the union of the areas)")
      ->group(flags);

  const char* crime = "Recorded crime (optional)";
  sub->add_option("--events", o->events,
                  "Recorded crime CSV, the benchmark: is the tool only following recorded crime?")
      ->group(crime);
  sub->add_option("--crime-category", o->crime_category, "Keep only events of this category")
      ->group(crime);
  sub->add_option(
         "--reporting", o->reporting,
         "CSV of reporting (or victimisation-survey) rates by area, to estimate true crime "
         "as recorded / rate")
      ->group(crime);
  sub->add_option("--reporting-id", o->reporting_id, "Area-id column of --reporting")
      ->capture_default_str()
      ->group(crime);
  sub->add_option("--reporting-rate", o->reporting_rate, "Rate column of --reporting, in (0, 1]")
      ->capture_default_str()
      ->group(crime);
  cli::add_read_options(*sub, o->events_read);  // how to read --events, as `scrutineer ingest`

  sub->add_option("--bootstrap", o->bootstrap, "Bootstrap replicates over periods (0 = none)")
      ->capture_default_str();
  sub->add_option("--seed", o->seed, "Seed of the bootstrap")->capture_default_str();
  sub->add_option("--level", o->level, "Interval level")->capture_default_str();
  sub->add_option("--out", o->out, "Output folder")->required();
  sub->callback([o] {
    o->progress = !cli::global_options().quiet;
    io::check_outputs_distinct({{"--areas", o->areas},
                                {"--flags", o->flags},
                                {"--events", o->events},
                                {"--reporting", o->reporting},
                                {"--region", o->region}},
                               {{"--out", o->out}});
    const auto report = disparity::run_disparity(*o);
    fmt::print("{}", report.summary);
    fmt::print(stderr, "wrote {}\n", fmt::join(report.written, ", "));
  });
}

const bool registered = scrutineer::cli::register_command({"disparity", 50, setup});

}  // namespace
