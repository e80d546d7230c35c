// Each reader on the real exports in ../shared/data. Expected counts, duplicates and UTC times were
// computed independently with Python 3 (csv + zoneinfo: strptime of the time column, localised in
// the source's zone, converted to UTC; duplicates = lines byte-identical to an earlier line) and
// checked against each folder's PROVENANCE.md; projected points come from cs2cs (PROJ 9.1.1), e.g.
// `echo "41.7922 -87.6277" | cs2cs -d 4 EPSG:4326 EPSG:32616` -> 447846.4740 4626895.2394.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "scrutineer/core/time.hpp"
#include "scrutineer/geo/crs.hpp"
#include "scrutineer/ingest/ingest.hpp"
#include "scrutineer/io/csv.hpp"

namespace scrutineer::ingest {
namespace {

std::string data(const std::string& name) {
  return std::string(SCRUTINEER_SHARED_DATA) + "/" + name;
}

#define REQUIRE_DATA(path) \
  if (!std::filesystem::exists(path)) GTEST_SKIP() << path << " absent: shared data not installed"

std::size_t at_line(const EventSet& e, std::int64_t line) {
  for (std::size_t i = 0; i < e.size(); ++i)
    if (e.source_row[i] == line) return i;
  ADD_FAILURE() << "no event from line " << line;
  return 0;
}

std::int64_t dropped(const ReadReport& r, DropReason reason) {
  return r.dropped[static_cast<std::size_t>(reason)].count;
}

void expect_point(const EventSet& e, std::int64_t line, double x, double y) {
  const auto i = at_line(e, line);
  EXPECT_NEAR(e.x[i], x, 1.0) << "line " << line;
  EXPECT_NEAR(e.y[i], y, 1.0) << "line " << line;
  // The transformation is deterministic: the figures agree to the millimetre.
  EXPECT_NEAR(e.x[i], x, 0.001) << "line " << line;
  EXPECT_NEAR(e.y[i], y, 0.001) << "line " << line;
}

TEST(IngestData, ChicagoAggravatedAssaultsGenericMapping) {
  const auto path = data("chicago/aggravated_assaults_2010_2019.csv");
  REQUIRE_DATA(path);
  ReadOptions o;
  o.columns.time = "date";
  o.columns.lon = "longitude";
  o.columns.lat = "latitude";
  o.columns.category = "loc_cat";
  o.time_zone = "America/Chicago";
  const auto r = read_events(path, o);
  EXPECT_EQ(r.report.format, "generic");
  EXPECT_EQ(r.report.rows_read, 148636);  // PROVENANCE.md: 148,636 rows
  EXPECT_EQ(r.report.rows_kept, 148636);
  EXPECT_EQ(r.report.rows_dropped, 0);
  EXPECT_EQ(r.report.duplicates.count, 111);  // PROVENANCE.md: 111 rows exactly duplicated
  EXPECT_EQ(r.report.duplicates.first_lines.front(), 538);
  EXPECT_EQ(r.report.time_format, "%Y-%m-%d %H:%M");
  EXPECT_EQ(r.events.resolution, TimeResolution::kMinute);
  // 2010-01-01 00:05 CST -> 06:05Z; 2019-12-31 23:54 CST -> 2020-01-01 05:54Z.
  EXPECT_EQ(format_iso_utc(r.report.t_min), "2010-01-01T06:05:00Z");
  EXPECT_EQ(format_iso_utc(r.report.t_max), "2020-01-01T05:54:00Z");
  EXPECT_EQ(r.events.crs, "EPSG:32616");  // UTM 16N, the zone of Chicago
  EXPECT_EQ(r.report.categories.size(), 13u);
  EXPECT_EQ(r.report.categories[0], (std::pair<std::string, std::int64_t>{"street", 70713}));
  EXPECT_EQ(r.report.columns_not_carried, std::vector<std::string>{"district"});
  expect_point(r.events, 2, 447846.4740, 4626895.2394);       // -87.6277, 41.7922
  expect_point(r.events, 148637, 445708.4773, 4625467.7545);  // -87.6533, 41.7792
  EXPECT_EQ(format_iso_utc(r.events.t[at_line(r.events, 2)]), "2010-01-01T06:05:00Z");
}

// The 6.6 MB file is read in chunks on the worker threads and its distinct points projected in
// parallel: the events, their order and the report are those of one serial read, and each point is
// bit for bit what one serial PROJ batch over every row gives.
TEST(IngestData, ChicagoParallelReadIsTheSerialRead) {
  const auto path = data("chicago/aggravated_assaults_2010_2019.csv");
  REQUIRE_DATA(path);
  ReadOptions o;
  o.columns.time = "date";
  o.columns.lon = "longitude";
  o.columns.lat = "latitude";
  o.columns.category = "loc_cat";
  o.time_zone = "America/Chicago";
  o.target_crs = "EPSG:2790";
  const auto parallel = read_events(path, o);
  o.chunk_bytes = std::size_t(1) << 40;  // one chunk
  const auto serial = read_events(path, o);
  EXPECT_EQ(report_json(parallel.report), report_json(serial.report));
  EXPECT_EQ(parallel.events.t, serial.events.t);
  EXPECT_EQ(parallel.events.source_row, serial.events.source_row);
  EXPECT_EQ(parallel.events.category, serial.events.category);
  EXPECT_EQ(parallel.events.categories, serial.events.categories);
  // Every row's longitude/latitude from the file, transformed in one serial batch.
  std::vector<double> lon(148638, 0), lat(148638, 0);
  {
    io::CsvReader csv(path);
    io::CsvRecord rec;
    while (csv.next(rec)) {
      lon[static_cast<std::size_t>(rec.line)] = std::stod(std::string(rec[2]));
      lat[static_cast<std::size_t>(rec.line)] = std::stod(std::string(rec[3]));
    }
  }
  geo::Transformer("EPSG:4326", "EPSG:2790").transform(lon, lat);
  std::size_t differ = 0;
  for (std::size_t i = 0; i < parallel.events.size(); ++i) {
    const auto line = static_cast<std::size_t>(parallel.events.source_row[i]);
    differ += parallel.events.x[i] != lon[line] || parallel.events.y[i] != lat[line] ||
              serial.events.x[i] != lon[line] || serial.events.y[i] != lat[line];
  }
  EXPECT_EQ(differ, 0u);
}

TEST(IngestData, ChicagoPortalSouthSide) {
  const auto path = data("chicago/southside_2016_sample.csv");
  REQUIRE_DATA(path);
  ReadOptions o;
  o.target_crs = "EPSG:2790";
  const auto r = read_events(path, o);
  EXPECT_EQ(r.report.format, "chicago");
  EXPECT_EQ(r.report.rows_read, 1000);
  EXPECT_EQ(r.report.rows_kept, 1000);
  EXPECT_EQ(r.report.duplicates.count, 0);
  EXPECT_EQ(r.report.categories.size(), 20u);  // PROVENANCE.md: 20 distinct, BATTERY 218
  EXPECT_EQ(r.report.categories[0], (std::pair<std::string, std::int64_t>{"BATTERY", 218}));
  EXPECT_EQ(r.report.categories[1], (std::pair<std::string, std::int64_t>{"THEFT", 178}));
  EXPECT_EQ(format_iso_utc(r.report.t_min), "2016-01-01T07:00:00Z");
  EXPECT_EQ(format_iso_utc(r.report.t_max), "2017-01-01T03:15:00Z");
  // 04/27/2016 01:44:00 PM CDT -> 18:44Z; 10/11/2016 08:30:00 PM CDT -> 10-12 01:30Z.
  EXPECT_EQ(format_iso_utc(r.events.t[at_line(r.events, 2)]), "2016-04-27T18:44:00Z");
  EXPECT_EQ(format_iso_utc(r.events.t[at_line(r.events, 1001)]), "2016-10-12T01:30:00Z");
  expect_point(r.events, 2, 360526.8636, 565898.3454);
  expect_point(r.events, 1001, 362712.5885, 565683.4610);
  EXPECT_EQ(r.report.personal_identifiers, (std::vector<std::string>{"Case Number", "Block"}));
}

TEST(IngestData, NycVehicleTheftsCode) {
  const auto path = data("nyc/vehicle_thefts_2014_2017.csv");
  REQUIRE_DATA(path);
  ReadOptions o;
  o.time_zone = "America/New_York";  // the file has no city_name column
  o.category_value = "motor vehicle theft";
  const auto r = read_events(path, o);
  EXPECT_EQ(r.report.format, "code");
  EXPECT_EQ(r.report.rows_read, 35746);  // PROVENANCE.md: 35,746 rows
  EXPECT_EQ(r.report.rows_kept, 35746);
  EXPECT_EQ(r.report.duplicates.count, 0);
  EXPECT_EQ(r.events.crs, "EPSG:32618");
  EXPECT_EQ(format_iso_utc(r.report.t_min), "2014-01-01T06:15:00Z");
  EXPECT_EQ(format_iso_utc(r.report.t_max), "2017-12-30T17:15:00Z");
  EXPECT_EQ(r.events.categories, std::vector<std::string>{"motor vehicle theft"});
  expect_point(r.events, 2, 595727.8722, 4510520.1985);
  EXPECT_EQ(format_iso_utc(r.events.t[at_line(r.events, 2)]), "2014-01-01T06:15:00Z");
  // uid identifies the record: not carried.
  EXPECT_EQ(r.report.personal_identifiers, std::vector<std::string>{"uid"});
}

TEST(IngestData, NycHomicidesZoneFromCityName) {
  const auto path = data("nyc/homicides_2015.csv");
  REQUIRE_DATA(path);
  const auto r = read_events(path, ReadOptions{});
  EXPECT_EQ(r.report.format, "code");
  EXPECT_EQ(r.report.time_zone, "America/New_York");
  EXPECT_EQ(r.report.rows_read, 345);
  EXPECT_EQ(r.report.rows_kept, 345);
  EXPECT_EQ(format_iso_utc(r.report.t_min), "2015-01-01T07:51:00Z");
  EXPECT_EQ(format_iso_utc(r.report.t_max), "2016-01-01T04:36:00Z");
  expect_point(r.events, 2, 592110.2515, 4518957.2514);
}

TEST(IngestData, ManchesterPoliceUk) {
  const auto path = data("manchester/burglary_manchester_2017.csv");
  REQUIRE_DATA(path);
  ReadOptions o;
  o.target_crs = "EPSG:27700";
  const auto r = read_events(path, o);
  EXPECT_EQ(r.report.format, "police-uk");
  EXPECT_EQ(r.report.rows_read, 8144);
  EXPECT_EQ(r.report.rows_kept, 8144);
  EXPECT_EQ(r.report.duplicates.count, 1324);  // snap points: many identical rows
  EXPECT_EQ(r.events.resolution, TimeResolution::kMonth);
  EXPECT_EQ(format_iso_utc(r.report.t_min), "2017-01-01T00:00:00Z");
  EXPECT_EQ(format_iso_utc(r.report.t_max), "2017-12-01T00:00:00Z");
  // 2017-09 starts at 00:00 BST = 2017-08-31 23:00Z.
  EXPECT_EQ(format_iso_utc(r.events.t[at_line(r.events, 8145)]), "2017-08-31T23:00:00Z");
  // cs2cs: 384454.0138 404459.9468; the file's own x_bng/y_bng are 384454.01 404459.95.
  expect_point(r.events, 2, 384454.0138, 404459.9468);
}

TEST(IngestData, GreaterManchesterPoliceUk) {
  const auto path = data("manchester/burglary_greater_manchester_2016_2019.csv");
  REQUIRE_DATA(path);
  ReadOptions o;
  o.target_crs = "EPSG:27700";
  o.drop_duplicates = true;
  const auto r = read_events(path, o);
  EXPECT_EQ(r.report.rows_read, 92666);
  EXPECT_EQ(r.report.duplicates.count, 11183);
  EXPECT_EQ(dropped(r.report, DropReason::kDuplicate), 11183);
  EXPECT_EQ(r.report.rows_kept, 92666 - 11183);
  EXPECT_EQ(format_iso_utc(r.report.t_min), "2016-02-01T00:00:00Z");
  EXPECT_EQ(format_iso_utc(r.report.t_max), "2019-01-01T00:00:00Z");
  expect_point(r.events, 2, 371065.0091, 412931.9668);
}

TEST(IngestData, LambethPoliceUkLonLatAndBng) {
  const auto path = data("london-lambeth/crimes_lambeth_2022.csv");
  REQUIRE_DATA(path);
  ReadOptions o;
  o.target_crs = "EPSG:27700";
  const auto r = read_events(path, o);
  EXPECT_EQ(r.report.format, "police-uk");
  EXPECT_EQ(r.report.rows_read, 33493);
  EXPECT_EQ(r.report.rows_kept, 33493);
  EXPECT_EQ(r.report.duplicates.count, 10454);
  EXPECT_EQ(r.report.categories.size(), 13u);  // PROVENANCE.md: violent or sexual 10,068
  EXPECT_EQ(r.report.categories[0],
            (std::pair<std::string, std::int64_t>{"violent or sexual", 10068}));
  expect_point(r.events, 2, 531214.4568, 178563.3640);
  // The same file through its British National Grid columns: taken as they are.
  ReadOptions bng;
  bng.columns.x = "x_bng";
  bng.columns.y = "y_bng";
  const auto b = read_events(path, bng);
  EXPECT_EQ(b.events.crs, "EPSG:27700");
  const auto i = at_line(b.events, 2);
  EXPECT_DOUBLE_EQ(b.events.x[i], 531214.5);
  EXPECT_DOUBLE_EQ(b.events.y[i], 178563.4);
}

TEST(IngestData, OaklandBinsWithoutCoordinates) {
  const auto path = data("oakland-drug-crimes/drug_crimes_with_bins.csv");
  REQUIRE_DATA(path);
  ReadOptions o;
  o.columns.time = "OCCURRED";
  o.columns.cell = "bin";
  o.time_zone = "America/Los_Angeles";
  const auto r = read_events(path, o);
  EXPECT_EQ(r.report.rows_read, 11545);  // PROVENANCE.md: 11,545 records, 28 with bin NA
  EXPECT_EQ(dropped(r.report, DropReason::kBadCell), 28);
  EXPECT_EQ(r.report.rows_kept, 11517);
  EXPECT_EQ(r.report.time_format, "%m/%d/%y");
  EXPECT_EQ(r.events.resolution, TimeResolution::kDay);
  // 01/01/09 local midnight PST -> 08:00Z; 01/08/12 -> 2012-01-08 08:00Z.
  EXPECT_EQ(format_iso_utc(r.report.t_min), "2009-01-01T08:00:00Z");
  EXPECT_EQ(format_iso_utc(r.report.t_max), "2012-01-08T08:00:00Z");
  EXPECT_EQ(r.cell[at_line(r.events, 2)], 67);
  EXPECT_TRUE(r.events.crs.empty());
}

}  // namespace
}  // namespace scrutineer::ingest
