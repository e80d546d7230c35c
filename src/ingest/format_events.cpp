// `events`: a CSV written by `scrutineer ingest` (times in UTC, x/y already projected, the CRS,
// resolution and zone of the source in their own columns).
#include "scrutineer/ingest/format.hpp"

namespace scrutineer::ingest {

namespace {

bool detect(const Header& header) {
  return header_has(header, "time_utc") && header_has(header, "x") && header_has(header, "y") &&
         header_has(header, "crs");
}

FormatDefaults defaults(const Header& header, const FirstValue& first) {
  FormatDefaults d;
  d.columns = {"time_utc", "%Y-%m-%dT%H:%M:%SZ", "", "", "x", "y", "category", ""};
  if (header_has(header, "cell")) d.columns.cell = "cell";
  d.time_zone = "UTC";
  d.source_crs = trim_blanks(first("crs"));
  d.event_zone = trim_blanks(first("time_zone"));
  const std::string resolution(trim_blanks(first("resolution")));
  if (!resolution.empty()) d.resolution = time_resolution_from_string(resolution);
  return d;
}

}  // namespace

Format events_format() {
  return {"events",
          "a CSV written by `scrutineer ingest`",
          detect,
          defaults,
          {},
          {"`time_utc`, `x`, `y`, `crs`", "`time_utc` (UTC; resolution from `resolution`)",
           "`x`/`y` in the `crs` column's CRS", "`category`",
           "UTC times; the source's zone is kept from the `time_zone` column"}};
}

}  // namespace scrutineer::ingest
