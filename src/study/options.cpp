// Declarations of the study set-up's options (study/options.hpp): names, checks, defaults, help.
#include "scrutineer/study/options.hpp"

#include "scrutineer/ingest/options.hpp"

namespace scrutineer::study {

const OptionSet<StudyOptions>& data_option_set() {
  static const auto set = [] {
    OptionSet<StudyOptions> s("data",
                              "The crime data: the events, how to read them, which to keep");
    s.field(
         "events", [](auto& o) -> auto& { return o.events; },
         "Crime export CSV (any format `scrutineer ingest` reads)")
        .path()
        .recipe_alias("path");
    s.field(
         "category", [](auto& o) -> auto& { return o.category; },
         "Keep only events of this category (a value of category_column; empty = all)")
        .example("NARCOTICS");
    s.field(
         "from", [](auto& o) -> auto& { return o.from; },
         "Keep events on or after this local date (empty = open)")
        .date()
        .example("2016-01-01");
    s.field(
         "to", [](auto& o) -> auto& { return o.to; },
         "Keep events before this local date (empty = open)")
        .date()
        .example("2017-01-01");
    s.include(
        ingest::read_option_set(), [](auto& o) -> auto& { return o.read; });
    return s;
  }();
  return set;
}

const OptionSet<StudyOptions>& event_filter_option_set() {
  static const auto set = [] {
    OptionSet<StudyOptions> s("events", "Which events to keep");
    s.field(
         "from", [](auto& o) -> auto& { return o.from; },
         "Keep events of local dates >= this (YYYY-MM-DD)")
        .date();
    s.field(
         "to", [](auto& o) -> auto& { return o.to; },
         "Keep events of local dates < this (YYYY-MM-DD)")
        .date();
    s.field(
        "only", [](auto& o) -> auto& { return o.category; }, "Keep only events of this category");
    s.field(
         "region", [](auto& o) -> auto& { return o.region; },
         "Keep only events inside this polygon layer")
        .path();
    return s;
  }();
  return set;
}

const OptionSet<StudyOptions>& grid_option_set() {
  static const auto set = [] {
    OptionSet<StudyOptions> s("grid", "The study region and the grid laid over it");
    s.field(
         "region", [](auto& o) -> auto& { return o.region; },
         "Study region polygons (any GDAL vector file; empty = the bounding box of the events)")
        .path();
    s.field(
         "cell_size", [](auto& o) -> auto& { return o.cell_size; }, "Grid cell side")
        .unit("metres")
        .above(0)
        .example("250");
    s.field(
         "origin_x", [](auto& o) -> auto& { return o.origin_x; }, "Grid lines pass through this x")
        .unit("metres");
    s.field(
         "origin_y", [](auto& o) -> auto& { return o.origin_y; }, "Grid lines pass through this y")
        .unit("metres");
    s.field(
        "clip", [](auto& o) -> auto& { return o.clip; },
        "Drop events outside the region (counted and reported); --no-clip keeps them, and "
        "they count as missed");
    s.field(
         "valid", [](auto& o) -> auto& { return o.valid; },
         "Valid cells: those touching the region (open_cp's mask_grid_by_intersection) or "
         "with a positive area inside it (open_cp's grid_intersection)")
        .choices({"touches", "shares-area"});
    return s;
  }();
  return set;
}

const OptionSet<StudyOptions>& areas_option_set() {
  static const auto set = [] {
    OptionSet<StudyOptions> s("areas", "Census areas with group counts");
    s.field(
         "areas", [](auto& o) -> auto& { return o.areas; },
         "Polygons with group counts (GeoJSON, GeoPackage, Shapefile, ...)")
        .path()
        .recipe_alias("path");
    s.field(
         "area_id", [](auto& o) -> auto& { return o.area_id; }, "Id column of the areas")
        .alias("id")
        .alias("id_field")
        .example("GEOID");
    s.field(
         "groups", [](auto& o) -> auto& { return o.groups; },
         "Population groups: name=col+col or col")
        .alias("group")
        .example("white=nh_white,black=nh_black");
    s.field(
        "total", [](auto& o) -> auto& { return o.total; },
        "Total-population column (empty = the sum of the groups)");
    s.field(
        "reference", [](auto& o) -> auto& { return o.reference; },
        "Reference group (empty = the largest)");
    s.field(
         "ethnicity_columns", [](auto& o) -> auto& { return o.ethnicity_columns; },
         "Columns counted as an ethnicity, not a race (overrides the Hispanic/Latino name "
         "rule)")
        .alias("ethnicity_column");
    return s;
  }();
  return set;
}

}  // namespace scrutineer::study
