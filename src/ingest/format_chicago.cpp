// `chicago`: the City of Chicago data portal's "Crimes - 2001 to Present" export.
#include "scrutineer/ingest/format.hpp"

namespace scrutineer::ingest {

namespace {

bool detect(const Header& header) {
  return header_has(header, "Primary Type") && header_has(header, "Date") &&
         (header_has(header, "Latitude") || header_has(header, "X Coordinate"));
}

FormatDefaults defaults(const Header&, const FirstValue&) {
  FormatDefaults d;
  d.columns = {"Date",         "%m/%d/%Y %I:%M:%S %p", "Longitude",    "Latitude",
               "X Coordinate", "Y Coordinate",         "Primary Type", ""};
  d.time_zone = "America/Chicago";
  d.source_crs = "EPSG:3435";  // NAD83 / Illinois East (ftUS), the portal's X/Y Coordinate
  return d;
}

}  // namespace

Format chicago_format() {
  return {"chicago",
          "City of Chicago data portal, Crimes - 2001 to Present",
          detect,
          defaults,
          {"ID", "Case Number", "Block"},
          {"`Primary Type`, `Date`, `Latitude` or `X Coordinate`",
           "`Date` (`%m/%d/%Y %I:%M:%S %p`, seconds)",
           "`Longitude`/`Latitude`; else `X Coordinate`/`Y Coordinate` in EPSG:3435 (US feet)",
           "`Primary Type`", "America/Chicago"}};
}

}  // namespace scrutineer::ingest
