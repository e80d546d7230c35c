// `police-uk`: street-level crimes from data.police.uk (England, Wales and Northern Ireland), and
// copies of them that renamed the crime type or hold British National Grid x/y.
#include "scrutineer/ingest/format.hpp"

namespace scrutineer::ingest {

namespace {

std::string crime_type(const Header& header) {
  return first_present(header, {"Crime type", "Crime.type", "crime_type", "type"});
}

bool detect(const Header& header) {
  return header_has(header, "Month") && !crime_type(header).empty() &&
         ((header_has(header, "Longitude") && header_has(header, "Latitude")) ||
          header_has(header, "x_bng"));
}

FormatDefaults defaults(const Header& header, const FirstValue&) {
  FormatDefaults d;
  d.columns.time = "Month";
  d.columns.time_format = "%Y-%m";
  // data.police.uk publishes Longitude/Latitude; some copies hold only British National Grid x/y.
  if (header_has(header, "Longitude") || !header_has(header, "x_bng")) {
    d.columns.lon = "Longitude";
    d.columns.lat = "Latitude";
  }
  d.columns.category = crime_type(header);
  if (header_has(header, "x_bng") && header_has(header, "y_bng")) {
    d.columns.x = first_present(header, {"x_bng"});
    d.columns.y = first_present(header, {"y_bng"});
  }
  d.time_zone = "Europe/London";
  d.source_crs = "EPSG:27700";
  return d;
}

}  // namespace

Format police_uk_format() {
  return {
      "police-uk",
      "data.police.uk street-level crimes",
      detect,
      defaults,
      {},
      {"`Month`, a crime type column, `Longitude`/`Latitude` or `x_bng`",
       "`Month` (`%Y-%m`, months)", "`Longitude`/`Latitude`; else `x_bng`/`y_bng` in EPSG:27700",
       "`Crime type`, `Crime.type`, `crime_type` or `type`", "Europe/London"}};
}

}  // namespace scrutineer::ingest
