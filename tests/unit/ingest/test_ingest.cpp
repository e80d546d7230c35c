// Tests of the crime-export reader on small texts made here: formats, UTC conversion, projection,
// bad rows by reason, strict mode, duplicates, identifying columns. Expected UTC times come from
// Python's zoneinfo (run once: datetime(2016,4,27,13,44, tzinfo=ZoneInfo("America/Chicago"))
// .astimezone(UTC) = 18:44Z), projected points from cs2cs (PROJ 9.1.1) as quoted beside each.
#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "scrutineer/core/error.hpp"
#include "scrutineer/core/time.hpp"
#include "scrutineer/ingest/ingest.hpp"

namespace scrutineer::ingest {
namespace {

const char* kPortalHeader = "Case Number,Date,Block,Primary Type,Latitude,Longitude\n";

ReadResult read(const std::string& text, ReadOptions options = {}) {
  return read_events_from_string("test.csv", text, options);
}

std::int64_t count(const ReadReport& r, DropReason reason) {
  return r.dropped[static_cast<std::size_t>(reason)].count;
}

std::vector<std::int64_t> lines(const ReadReport& r, DropReason reason) {
  return r.dropped[static_cast<std::size_t>(reason)].first_lines;
}

// Twelve good Chicago portal rows, so the data have a centre for the swapped-coordinate check.
std::string portal_rows(int n = 12) {
  std::string s;
  for (int i = 0; i < n; ++i)
    s += "HZ1000" + std::to_string(i) +
         ",04/27/2016 01:44:00 PM,073XX S COTTAGE GROVE AVE,BATTERY,41.761772852,-87.605478606\n";
  return s;
}

TEST(TimeParser, PortalTwelveHourClock) {
  const TimeParser p("%m/%d/%Y %I:%M:%S %p");
  std::int64_t t = 0;
  ASSERT_TRUE(p.parse("04/27/2016 01:44:00 PM", t));
  EXPECT_EQ(format_iso_utc(t), "2016-04-27T13:44:00Z");
  ASSERT_TRUE(p.parse("01/01/2016 12:05:00 AM", t));  // 12 AM is midnight
  EXPECT_EQ(format_iso_utc(t), "2016-01-01T00:05:00Z");
  ASSERT_TRUE(p.parse("01/01/2016 12:05:00 pm", t));  // 12 PM is noon
  EXPECT_EQ(format_iso_utc(t), "2016-01-01T12:05:00Z");
  EXPECT_FALSE(p.parse("01/01/2016 13:05:00 PM", t));
  EXPECT_FALSE(p.parse("02/30/2016 01:00:00 AM", t));
  EXPECT_FALSE(p.parse("01/01/2016 01:00:00", t));
  EXPECT_EQ(p.resolution(), TimeResolution::kSecond);
}

TEST(TimeParser, CalendarChecksAndTwoDigitYears) {
  const TimeParser iso("%Y-%m-%d %H:%M");
  std::int64_t t = 0;
  EXPECT_TRUE(iso.parse("2016-02-29 23:59", t));   // 2016 is a leap year
  EXPECT_FALSE(iso.parse("2015-02-29 00:00", t));  // 2015 is not
  EXPECT_FALSE(iso.parse("1900-02-29 00:00", t));  // divisible by 100, not by 400
  EXPECT_TRUE(iso.parse("2000-02-29 00:00", t));   // divisible by 400
  EXPECT_FALSE(iso.parse("2016-01-01 24:00", t));
  EXPECT_FALSE(iso.parse("2016-01-01 10:00 extra", t));
  EXPECT_EQ(iso.resolution(), TimeResolution::kMinute);
  const TimeParser oakland("%m/%d/%y");
  ASSERT_TRUE(oakland.parse("01/08/12", t));  // POSIX pivot: 00-68 -> 20xx
  EXPECT_EQ(format_iso_utc(t), "2012-01-08T00:00:00Z");
  ASSERT_TRUE(oakland.parse("01/08/69", t));  // 69-99 -> 19xx
  EXPECT_EQ(format_iso_utc(t), "1969-01-08T00:00:00Z");
  EXPECT_EQ(oakland.resolution(), TimeResolution::kDay);
  EXPECT_EQ(TimeParser("%Y-%m").resolution(), TimeResolution::kMonth);
  EXPECT_THROW(TimeParser("%d/%m"), ConfigError);
  EXPECT_THROW(TimeParser("%Y-%m-%d %Q"), ConfigError);
}

TEST(DetectTimeFormat, PicksTheOnlyPatternThatFitsAndRefusesAmbiguity) {
  EXPECT_EQ(detect_time_format({"2010-01-01 00:05", "2019-12-31 23:54"}), "%Y-%m-%d %H:%M");
  EXPECT_EQ(detect_time_format({"2017-01", ""}), "%Y-%m");
  // 01/13/10 can only be month-first.
  EXPECT_EQ(detect_time_format({"01/08/12", "01/13/10"}), "%m/%d/%y");
  EXPECT_EQ(detect_time_format({"13/01/2010"}), "%d/%m/%Y");
  EXPECT_THROW(detect_time_format({"01/08/12", "02/03/12"}), ConfigError);
  EXPECT_EQ(detect_time_format({"yesterday"}), "");
}

TEST(DetectFormat, RealHeaders) {
  EXPECT_EQ(
      detect_format({"Case Number", "Date", "Block", "Primary Type", "Latitude", "Longitude"}),
      "chicago");
  EXPECT_EQ(detect_format({"Month", "Crime.type", "Longitude", "Latitude"}), "police-uk");
  EXPECT_EQ(detect_format({"month", "type", "location_type", "longitude", "latitude", "x_bng",
                           "y_bng", "lsoa11cd_pip"}),
            "police-uk");
  EXPECT_EQ(detect_format({"uid", "date_single", "date_start", "longitude", "latitude"}), "code");
  EXPECT_EQ(detect_format({"date", "loc_cat", "longitude", "latitude", "district"}), "generic");
  EXPECT_EQ(detect_format({"time_utc", "x", "y", "crs", "category"}), "events");
}

TEST(PersonalIdentifiers, NamesThatIdentifyPeopleOrPlaces) {
  for (const char* c : {"Case Number", "ID", "uid", "Block", "date_of_birth", "DOB", "Address",
                        "victim_name", "Last Name"})
    EXPECT_TRUE(is_personal_identifier(c)) << c;
  for (const char* c : {"Primary Type", "district", "lsoa_code", "Latitude", "loc_cat"})
    EXPECT_FALSE(is_personal_identifier(c)) << c;
}

TEST(ReadEvents, ChicagoPortalToUtcAndIllinoisEast) {
  ReadOptions o;
  o.target_crs = "EPSG:2790";
  const auto r = read(std::string(kPortalHeader) + portal_rows(1));
  EXPECT_EQ(r.report.format, "chicago");
  EXPECT_EQ(r.report.time_zone, "America/Chicago");
  const auto p = read(std::string(kPortalHeader) + portal_rows(1), o);
  ASSERT_EQ(p.events.size(), 1u);
  // 13:44 CDT (UTC-5) = 18:44Z.
  EXPECT_EQ(format_iso_utc(p.events.t[0]), "2016-04-27T18:44:00Z");
  // cs2cs EPSG:4326 EPSG:2790, "41.761772852 -87.605478606" -> 360526.8636 565898.3454
  EXPECT_NEAR(p.events.x[0], 360526.8636, 0.001);
  EXPECT_NEAR(p.events.y[0], 565898.3454, 0.001);
  EXPECT_EQ(p.events.crs, "EPSG:2790");
  EXPECT_EQ(p.events.categories, std::vector<std::string>{"BATTERY"});
  EXPECT_EQ(p.events.source_row[0], 2);
  // Default target: UTM zone 16 (-87.6 -> floor(92.4 / 6) + 1 = 16);
  // cs2cs EPSG:4326 EPSG:32616 -> 449668.9995 4623503.8162
  EXPECT_EQ(r.events.crs, "EPSG:32616");
  EXPECT_NEAR(r.events.x[0], 449668.9995, 0.001);
  EXPECT_NEAR(r.events.y[0], 4623503.8162, 0.001);
  // Case Number and Block identify people and places: never carried, and listed.
  EXPECT_EQ(r.report.personal_identifiers, (std::vector<std::string>{"Case Number", "Block"}));
  EXPECT_TRUE(r.kept.empty());
}

TEST(ReadEvents, DaylightSavingGapAndOverlap) {
  ReadOptions o;
  o.target_crs = "EPSG:2790";
  const std::string text = std::string(kPortalHeader) +
                           "A,03/13/2016 02:30:00 AM,B,THEFT,41.76,-87.60\n"
                           "A,11/06/2016 01:30:00 AM,B,THEFT,41.76,-87.61\n";
  const auto r = read(text, o);
  ASSERT_EQ(r.events.size(), 2u);
  // 02:30 on 13 March 2016 never happened in Chicago: moved forward by the hour, 03:30 CDT =
  // 08:30Z.
  EXPECT_EQ(format_iso_utc(r.events.t[0]), "2016-03-13T08:30:00Z");
  // 01:30 on 6 November 2016 happened twice: the earlier (CDT, UTC-5) = 06:30Z.
  EXPECT_EQ(format_iso_utc(r.events.t[1]), "2016-11-06T06:30:00Z");
}

TEST(ReadEvents, PoliceUkMonthsAreMonthResolutionInLondonTime) {
  const std::string text =
      "Month,Crime type,Longitude,Latitude\n"
      "2017-07,Burglary,-2.24,53.48\n"
      "2017-01,Burglary,-2.24,53.48\n";
  ReadOptions o;
  o.target_crs = "EPSG:27700";
  const auto r = read(text, o);
  EXPECT_EQ(r.report.format, "police-uk");
  EXPECT_EQ(r.events.resolution, TimeResolution::kMonth);
  ASSERT_EQ(r.events.size(), 2u);
  // Sorted by time; January starts at 00:00 GMT, July at 00:00 BST = 23:00Z the day before.
  EXPECT_EQ(format_iso_utc(r.events.t[0]), "2017-01-01T00:00:00Z");
  EXPECT_EQ(format_iso_utc(r.events.t[1]), "2017-06-30T23:00:00Z");
  EXPECT_EQ(r.events.source_row[0], 3);
  // cs2cs EPSG:4326 EPSG:27700, "53.48 -2.24" -> 384169.6810 398168.7281
  EXPECT_NEAR(r.events.x[0], 384169.6810, 0.001);
  EXPECT_NEAR(r.events.y[0], 398168.7281, 0.001);
  EXPECT_THROW(r.events.require_resolution(TimeResolution::kDay, "a daily model"), ConfigError);
}

TEST(ReadEvents, ProjectedSourceColumnsStayInTheirCrs) {
  // British National Grid x/y only: the default target is the source CRS itself (metric).
  const std::string text = "month,type,x_bng,y_bng\n2022-01,robbery,531214.5,178563.4\n";
  ReadOptions o;
  o.format = "police-uk";
  o.columns.x = "x_bng";
  o.columns.y = "y_bng";
  const auto r = read(text, o);
  EXPECT_EQ(r.events.crs, "EPSG:27700");
  EXPECT_DOUBLE_EQ(r.events.x[0], 531214.5);
  EXPECT_DOUBLE_EQ(r.events.y[0], 178563.4);
}

TEST(ReadEvents, GenericNeedsTimeAndZone) {
  const std::string text =
      "date,loc_cat,longitude,latitude\n2010-01-01 00:05,residence,-87.6277,41.7922\n";
  EXPECT_THROW(read(text), ConfigError);  // no time column named
  ReadOptions o;
  o.columns.time = "date";
  o.columns.lon = "longitude";
  o.columns.lat = "latitude";
  o.columns.category = "loc_cat";
  EXPECT_THROW(read(text, o), ConfigError);  // local times, zone unknown
  o.time_zone = "America/Chicago";
  const auto r = read(text, o);
  // 00:05 CST (UTC-6) = 06:05Z.
  EXPECT_EQ(format_iso_utc(r.events.t[0]), "2010-01-01T06:05:00Z");
  EXPECT_EQ(r.events.categories[0], "residence");
  EXPECT_EQ(r.report.time_format, "%Y-%m-%d %H:%M");
}

TEST(ReadEvents, CellIdsWithoutCoordinates) {
  const std::string text =
      "\"\",\"bin\",\"OCCURRED\",\"LAG\"\n\"8\",67,01/08/12,  0\n"
      "\"9\",NA,01/13/10,  0\n\"10\",5,01/13/10,  0\n";
  ReadOptions o;
  o.columns.time = "OCCURRED";
  o.columns.cell = "bin";
  o.time_zone = "America/Los_Angeles";
  const auto r = read(text, o);
  EXPECT_EQ(r.report.rows_read, 3);
  EXPECT_EQ(r.report.rows_kept, 2);
  EXPECT_EQ(count(r.report, DropReason::kBadCell), 1);
  EXPECT_EQ(lines(r.report, DropReason::kBadCell), std::vector<std::int64_t>{3});
  EXPECT_EQ(r.cell, (std::vector<std::int64_t>{5, 67}));  // sorted by time: 2010 before 2012
  EXPECT_TRUE(r.events.crs.empty());
  EXPECT_TRUE(std::isnan(r.events.x[0]));
  EXPECT_EQ(r.events.resolution, TimeResolution::kDay);
  // Local midnight PST (UTC-8) = 08:00Z.
  EXPECT_EQ(format_iso_utc(r.events.t[0]), "2010-01-13T08:00:00Z");
}

TEST(Malformed, EmptyFileAndHeaderOnly) {
  try {
    read("");
    FAIL();
  } catch (const InputError& e) {
    EXPECT_EQ(e.line(), 1);
  }
  try {
    read(kPortalHeader);
    FAIL();
  } catch (const InputError& e) {
    EXPECT_EQ(e.line(), 2);
    EXPECT_NE(std::string(e.what()).find("no data rows"), std::string::npos);
  }
}

TEST(Malformed, WrongDelimiterNamesTheLikelyOne) {
  try {
    read("Month;Crime type;Longitude;Latitude\n2017-01;Burglary;-2.24;53.48\n", [] {
      ReadOptions o;
      o.format = "police-uk";
      return o;
    }());
    FAIL();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("delimiter ';'"), std::string::npos) << e.what();
  }
}

TEST(Malformed, MissingRequiredColumnIsNamed) {
  ReadOptions o;
  o.format = "chicago";
  try {
    read("Case Number,Date,Block,Latitude,Longitude\nA,04/27/2016 01:44:00 PM,B,41.7,-87.6\n", o);
    FAIL();
  } catch (const InputError& e) {
    EXPECT_EQ(e.line(), 1);
    EXPECT_NE(std::string(e.what()).find("'Primary Type'"), std::string::npos) << e.what();
  }
}

TEST(Malformed, BadRowsCountedByReasonWithFirstLines) {
  std::string text = std::string(kPortalHeader) + portal_rows();    // lines 2..13
  text += "A,13/45/2016 01:44:00 PM,B,THEFT,41.76,-87.60\n";        // 14 bad_time
  text += "A,04/27/2016 01:44:00 PM,B,THEFT,,\n";                   // 15 missing
  text += "A,04/27/2016 01:44:00 PM,B,THEFT,0,0\n";                 // 16 (0, 0) placeholder
  text += "A,04/27/2016 01:44:00 PM,B,THEFT,-87.60,41.76\n";        // 17 swapped, found by extent
  text += "A,04/27/2016 01:44:00 PM,B,THEFT,141.76,-87.60\n";       // 18 swapped, found by range
  text += "A,04/27/2016 01:44:00 PM,B,THEFT,95,-200\n";             // 19 out of range
  text += "A,04/27/2016 01:44:00 PM,B,THEFT,41.76,-87.60,extra\n";  // 20 wrong count
  text += "A,04/27/2016 01:44:00 PM,B,TH\xC3(FT,41.76,-87.60\n";    // 21 invalid UTF-8
  text += "A,04/27/2016 01:44:00 PM,B,THEFT,41.76,abc\n";           // 22 not a number
  text += "A,04/27/2016 01:44:00 PM,B,THEFT,41.7";                  // 23 truncated last line
  const auto r = read(text);
  const auto& rep = r.report;
  EXPECT_EQ(rep.rows_read, 22);
  EXPECT_EQ(rep.rows_kept, 12);
  EXPECT_EQ(rep.rows_dropped, 10);
  EXPECT_EQ(lines(rep, DropReason::kBadTime), std::vector<std::int64_t>{14});
  EXPECT_EQ(lines(rep, DropReason::kMissingCoordinates), (std::vector<std::int64_t>{15, 16, 22}));
  EXPECT_EQ(lines(rep, DropReason::kSwappedLatLon), (std::vector<std::int64_t>{18, 17}));
  EXPECT_EQ(lines(rep, DropReason::kOutOfRangeCoordinates), std::vector<std::int64_t>{19});
  EXPECT_EQ(lines(rep, DropReason::kWrongColumnCount), (std::vector<std::int64_t>{20, 23}));
  EXPECT_EQ(lines(rep, DropReason::kInvalidUtf8), std::vector<std::int64_t>{21});
  // The twelve kept rows are identical apart from the case number: not duplicates.
  EXPECT_EQ(rep.duplicates.count, 0);
  EXPECT_EQ(rep.t_min, rep.t_max);
}

TEST(Malformed, TenMillionCharacterFieldAndUnterminatedQuote) {
  std::string text = std::string(kPortalHeader) + portal_rows();
  text += "A,04/27/2016 01:44:00 PM," + std::string(10'000'000, 'x') + ",THEFT,41.76,-87.60\n";
  text += "A,04/27/2016 01:44:00 PM,\"open quote,THEFT,41.76,-87.60\n";
  const auto r = read(text);
  EXPECT_EQ(lines(r.report, DropReason::kFieldTooLong), std::vector<std::int64_t>{14});
  EXPECT_EQ(lines(r.report, DropReason::kUnterminatedQuote), std::vector<std::int64_t>{15});
  EXPECT_EQ(r.report.rows_kept, 12);
}

TEST(Malformed, NoUsableRowIsAnError) {
  EXPECT_THROW(read(std::string(kPortalHeader) + "A,never,B,THEFT,41.76,-87.60\n"), InputError);
}

TEST(Strict, FirstBadRowNamesFileLineAndColumn) {
  ReadOptions o;
  o.strict = true;
  const std::string text = std::string(kPortalHeader) + portal_rows(2) +
                           "HZ9,04/31/2016 01:44:00 PM,B,THEFT,41.76,-87.60\n";
  try {
    read(text, o);
    FAIL();
  } catch (const InputError& e) {
    EXPECT_EQ(e.file(), "test.csv");
    EXPECT_EQ(e.line(), 4);
    EXPECT_EQ(e.column(), 5);  // "HZ9," is 4 characters: Date starts at column 5
    EXPECT_NE(std::string(e.what()).find("bad_time"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("04/31/2016"), std::string::npos) << e.what();
  }
}

TEST(Duplicates, CountedAndKeptUnlessAsked) {
  const std::string text =
      "Month,Crime type,Longitude,Latitude\n"
      "2017-01,Burglary,-2.24,53.48\n"
      "2017-01,Burglary,-2.24,53.48\n"
      "2017-01,Burglary,-2.25,53.48\n"
      "2017-01,Burglary,-2.24,53.48\r\n";  // same bytes before the line end
  auto r = read(text);
  EXPECT_EQ(r.report.duplicates.count, 2);
  EXPECT_EQ(r.report.duplicates.first_lines, (std::vector<std::int64_t>{3, 5}));
  EXPECT_EQ(r.report.rows_kept, 4);
  ReadOptions o;
  o.drop_duplicates = true;
  r = read(text, o);
  EXPECT_EQ(r.report.rows_kept, 2);
  EXPECT_EQ(count(r.report, DropReason::kDuplicate), 2);
}

TEST(KeepColumns, OnlyWhenAskedAndAlignedWithSortedEvents) {
  ReadOptions o;
  o.keep_columns = {"Case Number"};
  const std::string text = std::string(kPortalHeader) +
                           "LATE,05/01/2016 01:00:00 PM,B,THEFT,41.76,-87.60\n"
                           "EARLY,04/01/2016 01:00:00 PM,B,THEFT,41.76,-87.60\n";
  const auto r = read(text, o);
  ASSERT_EQ(r.kept.size(), 1u);
  EXPECT_EQ(r.kept[0].name, "Case Number");
  EXPECT_EQ(r.kept[0].values, (std::vector<std::string>{"EARLY", "LATE"}));
  EXPECT_EQ(r.report.personal_identifiers, std::vector<std::string>{"Block"});
  o.keep_columns = {"Nope"};
  EXPECT_THROW(read(text, o), ConfigError);
}

TEST(Report, JsonAndTextNameTheCounts) {
  const auto r = read(std::string(kPortalHeader) + portal_rows(2) + "A,bad,B,THEFT,41.76,-87.60\n");
  const std::string json = report_json(r.report);
  EXPECT_NE(json.find("\"bad_time\""), std::string::npos);
  EXPECT_NE(json.find("\"first_utc\": \"2016-04-27T18:44:00Z\""), std::string::npos) << json;
  const std::string text = report_text(r.report);
  EXPECT_NE(text.find("3 read, 2 kept, 1 dropped"), std::string::npos) << text;
}

TEST(ReadEvents, UnknownFormatZoneOrCrsAreConfigErrors) {
  const std::string text = std::string(kPortalHeader) + portal_rows(1);
  ReadOptions o;
  o.format = "xml";
  EXPECT_THROW(read(text, o), ConfigError);
  o = {};
  o.time_zone = "Mars/Olympus";
  EXPECT_THROW(read(text, o), ConfigError);
  o = {};
  o.target_crs = "EPSG:4326";  // degrees, not metres
  EXPECT_THROW(read(text, o), ConfigError);
}

}  // namespace
}  // namespace scrutineer::ingest
