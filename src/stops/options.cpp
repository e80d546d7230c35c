// Declarations of the stops stage's options (stops/options.hpp).
// GCC 12 at -O3 reports a std::string member of the value-initialised defaults in
// OptionSet::describe() (FlagReadOptions::model) as maybe uninitialized: a false positive of its
// optimiser, like the -Wrestrict one cmake/Warnings.cmake turns off; GCC 12 only.
#if defined(__GNUC__) && !defined(__clang__) && __GNUC__ < 13
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif

#include "scrutineer/stops/options.hpp"

namespace scrutineer::stops {

const OptionSet<StopsOptions>& stops_option_set() {
  static const auto set = [] {
    OptionSet<StopsOptions> s("stops",
                              "Stops and searches: disproportionality, outcome test, "
                              "veil of darkness");
    s.field(
         "records", [](auto& o) -> auto& { return o.records; },
         "Stop records: CSV files or folders of them")
        .required()
        .example("2022-09-metropolitan-stop-and-search.csv");
    s.field(
         "outcome_records", [](auto& o) -> auto& { return o.outcome_records; },
         "Records for the outcome test, when other than records (empty = records)")
        .example("forces-2019-12_2020-02");
    s.field(
         "layout", [](auto& o) -> auto& { return o.read.layout; }, "Layout of the records")
        .choices({"police-uk", "generic"});
    s.field(
         "ethnicity", [](auto& o) -> auto& { return o.read.ethnicity; },
         "data.police.uk: which ethnicity is mapped to census groups")
        .choices({"officer", "self"});
    s.field(
         "ethnicity_map", [](auto& o) -> auto& { return o.read.ethnicity_map; },
         "CSV category,group mapping ethnicity to census groups (empty = the built-in table)")
        .path();
    s.field(
         "bounds", [](auto& o) -> auto& { return o.read.bounds; },
         "min_lon,min_lat,max_lon,max_lat: coordinates outside are counted and set aside "
         "(empty = not checked)")
        .example("-0.52,51.28,0.34,51.70");
    s.field(
         "time_zone", [](auto& o) -> auto& { return o.read.time_zone; },
         "IANA time zone of months and clock times")
        .example("America/Chicago");
    s.field(
        "date_column", [](auto& o) -> auto& { return o.read.date_column; },
        "Generic layout: date column");
    s.field(
        "time_column", [](auto& o) -> auto& { return o.read.time_column; },
        "Generic layout: local time-of-day column (empty = none)");
    s.field(
        "lat_column", [](auto& o) -> auto& { return o.read.lat_column; },
        "Generic layout: latitude column (empty = none)");
    s.field(
        "lon_column", [](auto& o) -> auto& { return o.read.lon_column; },
        "Generic layout: longitude column (empty = none)");
    s.field(
        "ethnicity_column", [](auto& o) -> auto& { return o.read.ethnicity_column; },
        "Generic layout: ethnicity or race column");
    s.field(
        "search_column", [](auto& o) -> auto& { return o.read.search_column; },
        "Generic layout: whether a search was made (empty = every row is a search)");
    s.field(
        "hit_column", [](auto& o) -> auto& { return o.read.hit_column; },
        "Generic layout: whether the search found what it was for (empty = none)");
    s.field(
         "population", [](auto& o) -> auto& { return o.population; },
         "Population CSV: an id column and a numeric column per group")
        .path()
        .example("london_boroughs_census2021_ethnicity.csv");
    s.field(
        "population_id", [](auto& o) -> auto& { return o.population_id; },
        "Id column of the population CSV");
    s.field(
         "areas", [](auto& o) -> auto& { return o.areas; },
         "Population rows to sum (ranges FIRST..LAST allowed; empty = every row)")
        .example("E09000002..E09000033");
    s.field(
         "benchmark", [](auto& o) -> auto& { return o.benchmark; },
         "Alternative denominator (same layout), for the sensitivity of the ratios")
        .path();
    s.field(
        "benchmark_id", [](auto& o) -> auto& { return o.benchmark_id; },
        "Id column of the benchmark CSV");
    s.field(
        "benchmark_areas", [](auto& o) -> auto& { return o.benchmark_areas; },
        "Benchmark rows to sum (empty = areas)");
    s.field(
         "reference", [](auto& o) -> auto& { return o.reference; }, "Reference group of the ratios")
        .example("Black");
    s.field(
         "level", [](auto& o) -> auto& { return o.level; }, "Level of the intervals")
        .above(0)
        .below(1)
        .example("0.9");
    s.field(
         "min_cell", [](auto& o) -> auto& { return o.min_cell; },
         "Published counts from 1 to this minus 1 are suppressed")
        .at_least(1)
        .example("5");
    s.field(
         "flags", [](auto& o) -> auto& { return o.flag_link.flags; },
         "Flags CSV of a forecast (as `scrutineer disparity` reads it): stops inside and outside "
         "the flagged cells, by group")
        .path();
    s.field(
         "flags_format", [](auto& o) -> auto& { return o.flag_link.read.format; },
         "Layout of the flags CSV")
        .choices({"auto", "backtest", "cell", "xy"});
    s.field(
         "flags_model", [](auto& o) -> auto& { return o.flag_link.read.model; },
         "Model whose flags are linked (required when the flags hold several)")
        .example("sepp-grid");
    s.field(
         "flags_top", [](auto& o) -> auto& { return o.flag_link.read.top; },
         "Backtest flags: keep ranks 1..N (0 = all)")
        .at_least(0);
    s.field(
         "flag_region", [](auto& o) -> auto& { return o.flag_link.region; },
         "The forecast's study region (polygons), for its grid")
        .path();
    s.field(
         "flag_crs", [](auto& o) -> auto& { return o.flag_link.crs; },
         "CRS of the forecast's grid (utm = the UTM zone of the region's centre)")
        .example("EPSG:27700");
    s.field(
         "flag_cell_size", [](auto& o) -> auto& { return o.flag_link.cell_size; },
         "Cell side of the forecast's grid")
        .unit("metres")
        .above(0);
    s.field(
        "flag_origin_x", [](auto& o) -> auto& { return o.flag_link.origin_x; },
        "Grid lines of the forecast's grid pass through this x");
    s.field(
        "flag_origin_y", [](auto& o) -> auto& { return o.flag_link.origin_y; },
        "Grid lines of the forecast's grid pass through this y");
    s.field(
        "veil", [](auto& o) -> auto& { return o.veil; },
        "Veil of darkness for records with a time of day and a location");
    return s;
  }();
  return set;
}

StageOptions stops_stage_options() { return stops_option_set().describe(); }

}  // namespace scrutineer::stops
