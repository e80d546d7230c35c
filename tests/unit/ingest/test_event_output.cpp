// Event outputs: the CSV reads back through the "events" format unchanged (to the millimetre), and
// the GeoPackage holds points, fields and the CRS, read back here through GDAL's own reader.
#include <gdal_priv.h>
#include <gtest/gtest.h>
#include <ogrsf_frmts.h>

#include <cmath>
#include <filesystem>
#include <string>

#include "scrutineer/core/error.hpp"
#include "scrutineer/core/time.hpp"
#include "scrutineer/ingest/command.hpp"
#include "scrutineer/ingest/ingest.hpp"
#include "scrutineer/io/atomic_file.hpp"
#include "scrutineer/io/event_writer.hpp"

namespace scrutineer::ingest {
namespace {

namespace fs = std::filesystem;

fs::path temp_dir(const std::string& name) {
  const auto dir = fs::temp_directory_path() / ("scrutineer_test_" + name);
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

const char* kText =
    "Case Number,Date,Block,Primary Type,Latitude,Longitude\n"
    "LATE,05/01/2016 01:00:00 PM,B,\"THEFT, PETTY\",41.76,-87.60\n"
    "EARLY,04/27/2016 01:44:00 PM,B,BATTERY,41.761772852,-87.605478606\n";

TEST(EventOutput, CsvReadsBackAsEvents) {
  const auto dir = temp_dir("csv");
  ReadOptions o;
  o.target_crs = "EPSG:2790";
  o.keep_columns = {"Case Number"};
  const auto first = read_events_from_string("in.csv", kText, o);
  io::EventColumns columns;
  columns.text.emplace_back(first.kept[0].name, &first.kept[0].values);
  const auto path = (dir / "events.csv").string();
  io::write_events(path, first.events, columns);

  const auto again = read_events(path, ReadOptions{});
  EXPECT_EQ(again.report.format, "events");
  EXPECT_EQ(again.events.crs, "EPSG:2790");
  EXPECT_EQ(again.events.time_zone, "America/Chicago");
  EXPECT_EQ(again.events.resolution, TimeResolution::kSecond);
  ASSERT_EQ(again.events.size(), 2u);
  for (std::size_t i = 0; i < 2; ++i) {
    EXPECT_EQ(again.events.t[i], first.events.t[i]);
    EXPECT_NEAR(again.events.x[i], first.events.x[i], 0.0005);  // written with 3 decimals
    EXPECT_NEAR(again.events.y[i], first.events.y[i], 0.0005);
  }
  // The quoted category with a comma survives.
  EXPECT_EQ(again.events.categories[static_cast<std::size_t>(again.events.category[1])],
            "THEFT, PETTY");
  EXPECT_EQ(again.report.columns_not_carried.back(), "Case Number");
  fs::remove_all(dir);
}

TEST(EventOutput, GeoPackageHasPointsFieldsAndCrs) {
  const auto dir = temp_dir("gpkg");
  IngestOptions o;
  const auto input = dir / "in.csv";
  io::write_text_file(input, kText);
  o.input = input.string();
  o.out = (dir / "events.gpkg").string();
  o.summary = (dir / "summary.json").string();
  o.read.target_crs = "EPSG:2790";
  const auto report = run_ingest(o);
  EXPECT_EQ(report.rows_kept, 2);
  ASSERT_TRUE(fs::exists(o.summary));

  GDALAllRegister();
  GDALDatasetUniquePtr ds(GDALDataset::Open(o.out.c_str(), GDAL_OF_VECTOR));
  ASSERT_TRUE(ds);
  OGRLayer* layer = ds->GetLayerByName("events");
  ASSERT_NE(layer, nullptr);
  EXPECT_EQ(layer->GetFeatureCount(), 2);
  ASSERT_NE(layer->GetSpatialRef(), nullptr);
  EXPECT_STREQ(layer->GetSpatialRef()->GetAuthorityCode(nullptr), "2790");
  layer->ResetReading();
  OGRFeatureUniquePtr f(layer->GetNextFeature());
  ASSERT_TRUE(f);
  EXPECT_STREQ(f->GetFieldAsString("time_utc"), "2016-04-27T18:44:00Z");  // 13:44 CDT
  EXPECT_STREQ(f->GetFieldAsString("category"), "BATTERY");
  EXPECT_EQ(f->GetFieldAsInteger64("source_line"), 3);
  EXPECT_LT(f->GetFieldIndex("Case Number"), 0);  // not carried
  const auto* point = f->GetGeometryRef()->toPoint();
  // cs2cs EPSG:4326 EPSG:2790, "41.761772852 -87.605478606" -> 360526.8636 565898.3454
  EXPECT_NEAR(point->getX(), 360526.8636, 0.001);
  EXPECT_NEAR(point->getY(), 565898.3454, 0.001);
  ds.reset();
  fs::remove_all(dir);
}

TEST(EventOutput, UnknownExtensionIsAConfigError) {
  EventSet events;
  EXPECT_THROW(io::write_events("/tmp/scrutineer_events.shp", events), ConfigError);
}

}  // namespace
}  // namespace scrutineer::ingest
