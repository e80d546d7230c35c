// The `sfpd` format (San Francisco Police Department Incident Reports, 2018 to present) on a
// hand-made export of twelve rows, tests/data/ingest/sfpd_incidents.csv (made up; the layout is the
// one docs/ingest.md states). Expected UTC times are computed by hand from the zone's rules:
// Pacific Standard Time is UTC-8, daylight time UTC-7; in 2023 the clocks went forward at 02:00 on
// 12 March and back at 02:00 on 5 November (checked with Python's zoneinfo, which agrees).
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "scrutineer/core/error.hpp"
#include "scrutineer/core/time.hpp"
#include "scrutineer/ingest/command.hpp"
#include "scrutineer/ingest/ingest.hpp"
#include "scrutineer/io/csv.hpp"

namespace scrutineer::ingest {
namespace {

const std::string kFile = std::string(SCRUTINEER_TEST_DATA) + "/ingest/sfpd_incidents.csv";

std::vector<std::int64_t> lines(const ReadReport& r, DropReason reason) {
  return r.dropped[static_cast<std::size_t>(reason)].first_lines;
}

TEST(FormatSfpd, DetectedFromItsHeader) {
  const io::CsvReader csv(kFile);
  EXPECT_EQ(detect_format(csv.header()), "sfpd");
  const auto r = read_events(kFile, {});
  EXPECT_EQ(r.report.format, "sfpd");
  EXPECT_EQ(r.report.time_zone, "America/Los_Angeles");
  EXPECT_EQ(r.report.time_column, "Incident Datetime");
  EXPECT_EQ(r.report.time_format, "%Y/%m/%d %I:%M:%S %p");
  EXPECT_EQ(r.report.coordinates, "Longitude/Latitude (EPSG:4326)");
  // The four columns that decide it; without Incident Category it is no longer this format.
  EXPECT_EQ(detect_format({"Incident Datetime", "Incident Category", "Latitude", "Longitude"}),
            "sfpd");
  EXPECT_EQ(detect_format({"Incident Datetime", "Latitude", "Longitude"}), "generic");
}

TEST(FormatSfpd, LocalTimesToUtcAcrossBothClockChanges) {
  const auto r = read_events(kFile, {});
  ASSERT_EQ(r.events.size(), 9u);
  // Sorted by UTC time; source_row is the file line.
  const std::vector<std::pair<std::int64_t, std::string>> expected{
      {2, "2023-01-15T08:05:00Z"},   // 00:05 PST + 8 h
      {3, "2023-03-12T07:30:00Z"},   // 23:30 PST on 11 March + 8 h: the next UTC day
      {4, "2023-03-12T10:15:00Z"},   // 03:15 PDT + 7 h, just after the clocks went forward
      {5, "2023-03-12T10:30:00Z"},   // 02:30 never happened: moved forward by the hour, 03:30 PDT
      {13, "2023-05-20T19:00:00Z"},  // 12:00 PM (noon) PDT + 7 h
      {6, "2023-07-05T04:00:00Z"},   // 09:00 PM PDT on 4 July + 7 h
      {7, "2023-11-05T08:30:00Z"},   // 01:30 happened twice: the earlier, PDT + 7 h
      {8, "2023-11-05T11:00:00Z"},   // 03:00 PST + 8 h, after the clocks went back
      {12, "2024-01-01T07:59:00Z"},  // 11:59 PM PST on 31 December + 8 h: the next year
  };
  for (std::size_t i = 0; i < expected.size(); ++i) {
    EXPECT_EQ(r.events.source_row[i], expected[i].first) << i;
    EXPECT_EQ(format_iso_utc(r.events.t[i]), expected[i].second) << i;
  }
  EXPECT_EQ(r.events.time_zone, "America/Los_Angeles");
  EXPECT_EQ(r.events.resolution, TimeResolution::kSecond);  // the pattern has %S
  // -122.4 lies in UTM zone floor((180 - 122.4) / 6) + 1 = 10 (north): EPSG:32610. Line 2's
  // point, cs2cs EPSG:4326 EPSG:32610 "37.7749 -122.4194" -> 551130.7685 4180998.8815.
  EXPECT_EQ(r.events.crs, "EPSG:32610");
  EXPECT_NEAR(r.events.x[0], 551130.7685, 0.001);
  EXPECT_NEAR(r.events.y[0], 4180998.8815, 0.001);
  EXPECT_EQ(r.events.categories[0], "Larceny Theft");
}

TEST(FormatSfpd, IdentifierColumnsAreListedAndNeverCarried) {
  const auto r = read_events(kFile, {});
  // Report, incident and dispatch numbers, the street intersection and its centreline id, and
  // the point as text, in header order.
  EXPECT_EQ(r.report.personal_identifiers,
            (std::vector<std::string>{"Row ID", "Incident ID", "Incident Number", "CAD Number",
                                      "Intersection", "CNN", "Point"}));
  EXPECT_EQ(r.report.columns_used, (std::vector<std::string>{"Incident Datetime", "Longitude",
                                                             "Latitude", "Incident Category"}));
  EXPECT_TRUE(r.kept.empty());
  // The events CSV written by `scrutineer ingest` holds none of their values.
  // Named by the process, so that test runs in parallel (other checkouts too) never share it.
  const auto out = std::filesystem::temp_directory_path() /
                   ("scrutineer_sfpd_events_" + std::to_string(::getpid()) + ".csv");
  IngestOptions o;
  o.input = kFile;
  o.out = out.string();
  run_ingest(o);
  std::stringstream text;
  text << std::ifstream(out).rdbuf();
  std::filesystem::remove(out);
  EXPECT_NE(text.str().find("Larceny Theft"), std::string::npos);  // the categories are there
  for (const char* value :
       {"1258121", "125812106372", "230258121", "24918000", "MARKET ST", "POINT (", "Incident ID"})
    EXPECT_EQ(text.str().find(value), std::string::npos) << value;
}

TEST(FormatSfpd, BadRowsCountedByReasonWithTheirLines) {
  const auto r = read_events(kFile, {});
  EXPECT_EQ(r.report.rows_read, 12);
  EXPECT_EQ(r.report.rows_kept, 9);
  EXPECT_EQ(r.report.rows_dropped, 3);
  EXPECT_EQ(lines(r.report, DropReason::kBadTime), std::vector<std::int64_t>{9});  // 30 February
  EXPECT_EQ(lines(r.report, DropReason::kMissingCoordinates),
            std::vector<std::int64_t>{10});  // no location: empty Latitude and Longitude
  EXPECT_EQ(lines(r.report, DropReason::kWrongColumnCount),
            std::vector<std::int64_t>{11});  // an unquoted comma: 36 fields for 35 columns
  // Strict: the first bad row is an error at its line and the Incident Datetime column (1).
  ReadOptions strict;
  strict.strict = true;
  try {
    read_events(kFile, strict);
    FAIL();
  } catch (const InputError& e) {
    EXPECT_EQ(e.line(), 9);
    EXPECT_EQ(e.column(), 1);
    EXPECT_NE(std::string(e.what()).find("bad_time"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace scrutineer::ingest
