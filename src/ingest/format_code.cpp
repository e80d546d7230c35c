// `code`: the Crime Open Database (Ashby 2019), one row per crime with its city's name.
#include <array>
#include <utility>

#include "scrutineer/ingest/format.hpp"

namespace scrutineer::ingest {

namespace {

// CODE's cities (Ashby 2019, Table 1) and their zones, for its `city_name`.
std::string city_zone(std::string_view city) {
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
    if (ascii_iequals(name, trim_blanks(city))) return std::string(zone);
  return "";
}

bool detect(const Header& header) {
  return header_has(header, "date_single") && header_has(header, "longitude") &&
         header_has(header, "latitude");
}

FormatDefaults defaults(const Header& header, const FirstValue& first) {
  FormatDefaults d;
  d.columns.time = "date_single";
  d.columns.time_format = "auto";
  d.columns.lon = "longitude";
  d.columns.lat = "latitude";
  d.columns.category = first_present(header, {"offense_type"});
  // Every row of a CODE file names its city; the first data row decides the zone.
  if (header_has(header, "city_name")) d.time_zone = city_zone(first("city_name"));
  return d;
}

}  // namespace

Format code_format() {
  return {"code",
          "Crime Open Database (CODE)",
          detect,
          defaults,
          {"uid"},
          {"`date_single`, `longitude`, `latitude`", "`date_single` (auto)",
           "`longitude`/`latitude`", "`offense_type` if present",
           "from `city_name` (the 18 CODE cities), else `--time-zone` is required"}};
}

}  // namespace scrutineer::ingest
