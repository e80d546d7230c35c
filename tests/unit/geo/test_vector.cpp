// io/vector: reading polygon layers (fields, CRS, reprojection, repair, errors) and writing cells.
#include <gdal_priv.h>
#include <gtest/gtest.h>
#include <ogrsf_frmts.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <memory>

#include "scrutineer/core/error.hpp"
#include "scrutineer/geo/areas.hpp"
#include "scrutineer/geo/grid.hpp"
#include "scrutineer/io/layer_description.hpp"
#include "scrutineer/io/vector.hpp"

namespace scrutineer::io {
namespace {

const std::string kData = SCRUTINEER_TEST_DATA "/geo/";

std::filesystem::path temp_dir() {
  auto dir = std::filesystem::temp_directory_path() /
             ("scrutineer_geo_" + std::to_string(getpid()) + "_" +
              ::testing::UnitTest::GetInstance()->current_test_info()->name());
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

TEST(VectorRead, FieldsAndCrs) {
  const auto layer = read_polygons(kData + "two_areas.geojson");
  EXPECT_EQ(layer.crs, "EPSG:32616");
  EXPECT_FALSE(layer.geographic);
  ASSERT_EQ(layer.size(), 2u);
  ASSERT_EQ(layer.fields.size(), 3u);
  const auto pop = layer.find_field("pop");
  ASSERT_TRUE(pop);
  EXPECT_EQ(layer.fields[*pop].type, FieldType::kNumber);
  EXPECT_EQ(layer.numbers[*pop], (std::vector<double>{300, 600}));
  const auto name = layer.find_field("name");
  ASSERT_TRUE(name);
  EXPECT_EQ(layer.fields[*name].type, FieldType::kText);
  EXPECT_EQ(layer.texts[*name], (std::vector<std::string>{"west", "east"}));
  EXPECT_TRUE(layer.repaired.empty());
}

TEST(VectorRead, ReprojectsToLonLat) {
  ReadPolygonsOptions options;
  options.target_crs = "EPSG:4326";
  const auto layer = read_polygons(kData + "two_areas.geojson", options);
  EXPECT_TRUE(layer.geographic);
  Bbox b{1e300, 1e300, -1e300, -1e300};
  for (const auto& g : layer.geometries) {
    const auto e = bbox_of(g);
    b = {std::min(b.xmin, e.xmin), std::min(b.ymin, e.ymin), std::max(b.xmax, e.xmax),
         std::max(b.ymax, e.ymax)};
  }
  // Corners through `cs2cs -f %.10f EPSG:32616 EPSG:4326` (PROJ 9.1): (500000, 4600100) ->
  // lon -87, lat 41.5525652596; (500300, 4600000) -> lon -86.9964027225, lat 41.5516644661;
  // (500300, 4600100) -> lon -86.9964026726.
  EXPECT_NEAR(b.xmin, -87.0, 1e-9);
  EXPECT_NEAR(b.xmax, -86.9964026726, 1e-9);
  EXPECT_NEAR(b.ymin, 41.5516644661, 1e-9);
  EXPECT_NEAR(b.ymax, 41.5525652596, 1e-9);
}

TEST(VectorRead, RepairsBowtie) {
  const auto layer = read_polygons(kData + "bowtie.geojson");
  EXPECT_EQ(layer.repaired, (std::vector<std::int64_t>{1}));
  // MakeValid splits the self-crossing ring at (50, 50) into two triangles of
  // 100 x 50 / 2 = 2,500 each.
  ASSERT_EQ(layer.geometries[0].size(), 2u);
  EXPECT_NEAR(geo::polygon_area(layer.geometries[0]), 5000, 1e-9);
}

TEST(VectorRead, InvalidWithoutRepairIsInputError) {
  ReadPolygonsOptions options;
  options.repair = false;
  try {
    read_polygons(kData + "bowtie.geojson", options);
    FAIL() << "expected InputError";
  } catch (const InputError& e) {
    EXPECT_EQ(e.line(), 1);
    EXPECT_NE(std::string(e.what()).find("feature 1"), std::string::npos) << e.what();
  }
}

TEST(VectorRead, PointFeatureIsInputErrorNamingIt) {
  try {
    read_polygons(kData + "point_feature.geojson");
    FAIL() << "expected InputError";
  } catch (const InputError& e) {
    EXPECT_EQ(e.line(), 2);
    EXPECT_NE(std::string(e.what()).find("Point"), std::string::npos) << e.what();
  }
}

TEST(VectorRead, ErrorsForFilesAndCrs) {
  EXPECT_THROW(read_polygons(kData + "absent.geojson"), IoError);
  ReadPolygonsOptions options;
  options.target_crs = "EPSG:999999";
  EXPECT_THROW(read_polygons(kData + "two_areas.geojson", options), ConfigError);
  options.target_crs = "";
  options.layer = "nope";
  EXPECT_THROW(read_polygons(kData + "two_areas.geojson", options), ConfigError);
}

TEST(VectorWrite, RejectsUnknownExtension) {
  EXPECT_THROW(vector_driver_for("out.shp"), ConfigError);
  EXPECT_EQ(vector_driver_for("a/b.GPKG"), "GPKG");
  EXPECT_EQ(vector_driver_for("b.geojson"), "GeoJSON");
}

void check_cells_round_trip(const std::string& path) {
  geo::Grid grid;
  grid.x0 = 500000;
  grid.y0 = 4600000;
  grid.size = 100;
  grid.nx = 3;
  grid.ny = 2;
  grid.crs = "EPSG:32616";
  grid.valid = {1, 0, 1, 0, 1, 1};
  const std::vector<double> risk{0.5, 0, 2.5, 0, std::nan(""), 7};
  write_grid_cells(path, grid, {{"risk", risk, false}});
  const auto layer = read_polygons(path);
  EXPECT_EQ(layer.crs, "EPSG:32616");
  ASSERT_EQ(layer.size(), 4u);  // valid cells 0, 2, 4, 5
  const auto cell = *layer.find_field("cell");
  const auto ix = *layer.find_field("ix");
  const auto iy = *layer.find_field("iy");
  const auto r = *layer.find_field("risk");
  EXPECT_EQ(layer.numbers[cell], (std::vector<double>{0, 2, 4, 5}));
  EXPECT_EQ(layer.numbers[ix], (std::vector<double>{0, 2, 1, 2}));
  EXPECT_EQ(layer.numbers[iy], (std::vector<double>{0, 0, 1, 1}));
  EXPECT_DOUBLE_EQ(layer.numbers[r][0], 0.5);
  EXPECT_TRUE(std::isnan(layer.numbers[r][2]));  // NaN written as null
  EXPECT_DOUBLE_EQ(layer.numbers[r][3], 7);
  // Cell 5 = (ix 2, iy 1): [500200, 500300] x [4600100, 4600200].
  const auto b = bbox_of(layer.geometries[3]);
  EXPECT_DOUBLE_EQ(b.xmin, 500200);
  EXPECT_DOUBLE_EQ(b.xmax, 500300);
  EXPECT_DOUBLE_EQ(b.ymin, 4600100);
  EXPECT_DOUBLE_EQ(b.ymax, 4600200);
  EXPECT_DOUBLE_EQ(geo::polygon_area(layer.geometries[3]), 10000);

  // Every cell with a `valid` field; values given per valid cell are refused then.
  write_grid_cells(path, grid, {{"risk", risk, false}}, {true, "cells"});
  const auto all = read_polygons(path);
  ASSERT_EQ(all.size(), 6u);
  EXPECT_EQ(all.numbers[*all.find_field("valid")], (std::vector<double>{1, 0, 1, 0, 1, 1}));
  EXPECT_THROW(write_grid_cells(path, grid, {{"risk", {1, 2, 3, 4}, false}}, {true, "cells"}),
               ConfigError);
  // Per valid cell, in row-major order.
  write_grid_cells(path, grid, {{"rank", {1, 2, 3, 4}, true}});
  const auto ranked = read_polygons(path);
  EXPECT_EQ(ranked.numbers[*ranked.find_field("rank")], (std::vector<double>{1, 2, 3, 4}));
  EXPECT_THROW(write_grid_cells(path, grid, {{"rank", {1, 2, 3}, false}}), ConfigError);
}

TEST(VectorWrite, GridCellsGeoPackage) {
  const auto dir = temp_dir();
  check_cells_round_trip((dir / "cells.gpkg").string());
  // Only the output itself is left: no temporary, journal or lock file.
  int files = 0;
  for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator(dir)) ++files;
  EXPECT_EQ(files, 1);
  std::filesystem::remove_all(dir);
}

// gpkg_contents.description of `table`, read with SQL as any SQLite client would.
std::string gpkg_description(const std::string& path, const std::string& table) {
  GDALDatasetUniquePtr ds(GDALDataset::Open(path.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY));
  if (!ds) return "cannot open " + path;
  OGRLayer* rows = ds->ExecuteSQL(
      ("SELECT description FROM gpkg_contents WHERE table_name = '" + table + "'").c_str(), nullptr,
      nullptr);
  if (!rows) return "no gpkg_contents";
  std::string out;
  if (auto feature = std::unique_ptr<OGRFeature>(rows->GetNextFeature()))
    out = feature->GetFieldAsString(0);
  ds->ReleaseResultSet(rows);
  return out;
}

TEST(VectorWrite, LayersCarryADescriptionOfWhatUnitsAndCrs) {
  // Issue 17: a GIS user opening the layer reads what it is, its units and its CRS.
  EXPECT_EQ(layer_description("Cells", "risk = score", "EPSG:32616"),
            "Cells. Fields: risk = score. CRS: EPSG:32616.");
  const auto dir = temp_dir();
  geo::Grid grid;
  grid.x0 = 500000;
  grid.y0 = 4600000;
  grid.size = 100;
  grid.nx = 2;
  grid.ny = 1;
  grid.crs = "EPSG:32616";
  grid.valid = {1, 1};
  const auto path = (dir / "cells.gpkg").string();
  write_grid_cells(path, grid, {{"risk", {1, 2}, false}}, {},
                   {"Risk surface", "risk = the model's score"});
  const std::string expected =
      "Risk surface: 100 m square cells. Fields: risk = the model's score; cell = row-major index "
      "iy * 2 + ix, ix and iy = column and row from the origin (500000, 4600000). CRS: "
      "EPSG:32616.";
  EXPECT_EQ(gpkg_description(path, "cells"), expected);
  EXPECT_EQ(read_polygons(path).description, expected);  // GDAL's DESCRIPTION metadata item
  // Polygons (areas) as well, in a GeoPackage and a GeoJSON.
  const auto layer = read_polygons(kData + "two_areas.geojson");
  for (const auto* name : {"areas.gpkg", "areas.geojson"}) {
    const auto out = (dir / name).string();
    write_polygons(out, "areas", layer.crs, layer.geometries, {{"pop", {300, 600}, true}}, {},
                   layer_description("Areas", "pop = residents (persons)", layer.crs));
    EXPECT_EQ(read_polygons(out).description,
              "Areas. Fields: pop = residents (persons). CRS: EPSG:32616.")
        << name;
  }
  EXPECT_EQ(gpkg_description((dir / "areas.gpkg").string(), "areas"),
            "Areas. Fields: pop = residents (persons). CRS: EPSG:32616.");
  std::filesystem::remove_all(dir);
}

TEST(VectorWrite, GridCellsGeoJson) {
  const auto dir = temp_dir();
  check_cells_round_trip((dir / "cells.geojson").string());
  std::filesystem::remove_all(dir);
}

TEST(VectorWrite, PolygonsWithTextColumns) {
  const auto dir = temp_dir();
  const auto path = (dir / "areas.gpkg").string();
  const auto layer = read_polygons(kData + "two_areas.geojson");
  write_polygons(path, "areas", layer.crs, layer.geometries, {{"pop", {300, 600}, true}},
                 {{"code", {"A", "B"}}});
  const auto back = read_polygons(path);
  EXPECT_EQ(back.crs, "EPSG:32616");
  EXPECT_EQ(back.texts[*back.find_field("code")], (std::vector<std::string>{"A", "B"}));
  EXPECT_EQ(back.numbers[*back.find_field("pop")], (std::vector<double>{300, 600}));
  EXPECT_DOUBLE_EQ(geo::polygon_area(back.geometries[1]), 15000);  // 150 x 100
  EXPECT_THROW(write_polygons(path, "areas", layer.crs, layer.geometries, {{"pop", {1}, false}}),
               ConfigError);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace scrutineer::io
