// `sfpd`: San Francisco's "Police Department Incident Reports: 2018 to Present" (DataSF), as the
// portal's CSV export lays it out (the layout assumed is in docs/ingest.md). One row per incident
// code of a report; Incident Datetime is local time in San Francisco, in the export's
// year-first 12-hour form (2023/03/13 11:41:00 PM). Rows without a place have empty coordinates.
#include "scrutineer/ingest/format.hpp"

namespace scrutineer::ingest {

namespace {

bool detect(const Header& header) {
  return header_has(header, "Incident Datetime") && header_has(header, "Incident Category") &&
         header_has(header, "Latitude") && header_has(header, "Longitude");
}

FormatDefaults defaults(const Header&, const FirstValue&) {
  FormatDefaults d;
  d.columns.time = "Incident Datetime";
  d.columns.time_format = "%Y/%m/%d %I:%M:%S %p";
  d.columns.lon = "Longitude";
  d.columns.lat = "Latitude";
  d.columns.category = "Incident Category";
  d.time_zone = "America/Los_Angeles";
  return d;
}

}  // namespace

Format sfpd_format() {
  return {
      "sfpd",
      "San Francisco Police Department Incident Reports: 2018 to Present (DataSF)",
      detect,
      defaults,
      // Report and dispatch numbers, the street intersection and its centreline id, and the
      // point as text.
      {"Row ID", "Incident ID", "Incident Number", "CAD Number", "Intersection", "CNN", "Point"},
      {"`Incident Datetime`, `Incident Category`, `Latitude`, `Longitude`",
       "`Incident Datetime` (`%Y/%m/%d %I:%M:%S %p`, seconds)", "`Longitude`/`Latitude`",
       "`Incident Category`", "America/Los_Angeles"}};
}

}  // namespace scrutineer::ingest
