// Declarations of the disparity stage's options (disparity/options.hpp).
#include "scrutineer/disparity/options.hpp"

namespace scrutineer::disparity {

const OptionSet<DisparityOptions>& disparity_option_set() {
  static const auto set = [] {
    OptionSet<DisparityOptions> s("disparity", "Exposure of each group to the flags");
    s.field(
         "model", [](auto& o) -> auto& { return o.flag_options.model; },
         "Model whose flags are audited (required when the flags hold several)")
        .example("sepp-grid");
    s.field(
         "bootstrap", [](auto& o) -> auto& { return o.bootstrap; },
         "Bootstrap replicates over periods (0 = none)")
        .at_least(0)
        .example("200");
    s.field(
         "seed", [](auto& o) -> auto& { return o.seed; }, "Seed of the bootstrap")
        .at_least(0);
    s.field(
         "level", [](auto& o) -> auto& { return o.level; }, "Level of the intervals")
        .above(0)
        .below(1)
        .example("0.9");
    s.field(
         "crime_category", [](auto& o) -> auto& { return o.crime_category; },
         "Recorded crime benchmark: keep only events of this category (empty = all)")
        .example("BURGLARY");
    s.field(
         "reporting", [](auto& o) -> auto& { return o.reporting; },
         "CSV of reporting (or victimisation-survey) rates by area, to estimate true crime as "
         "recorded / rate")
        .path();
    s.field(
        "reporting_id", [](auto& o) -> auto& { return o.reporting_id; },
        "Area-id column of the reporting CSV");
    s.field(
        "reporting_rate", [](auto& o) -> auto& { return o.reporting_rate; },
        "Rate column of the reporting CSV, in (0, 1]");
    return s;
  }();
  return set;
}

const OptionSet<DisparityOptions>& flags_option_set() {
  static const auto set = [] {
    OptionSet<DisparityOptions> s("flags", "The flags CSV of `scrutineer disparity`");
    s.field(
         "flags", [](auto& o) -> auto& { return o.flags; },
         "Flags CSV: a backtest's flagged.csv, or a tool's own flags per date (cells, x/y boxes "
         "or points, area ids)")
        .path()
        .required();
    s.field(
         "flags_format", [](auto& o) -> auto& { return o.flag_options.format; },
         "Layout of the flags CSV")
        .choices({"auto", "backtest", "cell", "xy", "area"});
    s.field(
         "top", [](auto& o) -> auto& { return o.flag_options.top; },
         "Backtest flags: keep ranks 1..N (0 = all)")
        .at_least(0);
    s.field(
        "date_column", [](auto& o) -> auto& { return o.flag_options.date_column; },
        "Date column of the flags (empty = period_start, date, day, month or period)");
    s.field(
        "cell_column", [](auto& o) -> auto& { return o.flag_options.cell_column; }, "Cell column");
    s.field(
        "x_column", [](auto& o) -> auto& { return o.flag_options.x_column; },
        "x column (empty = x, lon or longitude)");
    s.field(
        "y_column", [](auto& o) -> auto& { return o.flag_options.y_column; },
        "y column (empty = y, lat or latitude)");
    s.field(
        "area_column", [](auto& o) -> auto& { return o.flag_options.area_column; },
        "Area-id column of area flags");
    s.field(
        "flags_crs", [](auto& o) -> auto& { return o.flag_options.crs; },
        "CRS of the x/y columns (empty = EPSG:4326 for lon/lat, else the study CRS)");
    return s;
  }();
  return set;
}

}  // namespace scrutineer::disparity
