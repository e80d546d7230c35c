// The native GeoJSON reader (io/geojson.hpp): what it reads (equal to the GDAL path), what it
// leaves to GDAL, and its errors for bad features (the GDAL path's, with file and feature).
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <string>

#include "scrutineer/core/error.hpp"
#include "scrutineer/io/geojson.hpp"

namespace scrutineer::io {
namespace {

namespace fs = std::filesystem;

std::string write_file(const std::string& name, const std::string& text) {
  const auto dir = fs::temp_directory_path() / "scrutineer_geojson_native";
  fs::create_directories(dir);
  const auto path = (dir / name).string();
  std::ofstream(path) << text;
  return path;
}

const char* kSquare = R"({"type": "Polygon", "coordinates": [[[-87.6, 41.8], [-87.59, 41.8],
  [-87.59, 41.81], [-87.6, 41.81], [-87.6, 41.8]]]})";

std::string collection(const std::string& features, const std::string& extra = "") {
  return R"({"type": "FeatureCollection", )" + extra + R"("features": [)" + features + "]}";
}

std::string feature(const std::string& properties, const std::string& geometry = kSquare) {
  return R"({"type": "Feature", "properties": )" + properties + R"(, "geometry": )" + geometry +
         "}";
}

void expect_same(const PolygonLayer& a, const PolygonLayer& b) {
  EXPECT_EQ(a.layer, b.layer);
  EXPECT_EQ(a.crs, b.crs);
  EXPECT_EQ(a.geographic, b.geographic);
  EXPECT_EQ(a.description, b.description);
  EXPECT_EQ(a.repaired, b.repaired);
  ASSERT_EQ(a.fields.size(), b.fields.size());
  for (std::size_t f = 0; f < a.fields.size(); ++f) {
    EXPECT_EQ(a.fields[f].name, b.fields[f].name);
    EXPECT_EQ(a.fields[f].type, b.fields[f].type) << a.fields[f].name;
    EXPECT_EQ(a.texts[f], b.texts[f]) << a.fields[f].name;
    ASSERT_EQ(a.numbers[f].size(), b.numbers[f].size());
    for (std::size_t i = 0; i < a.numbers[f].size(); ++i)
      if (!std::isnan(a.numbers[f][i]) || !std::isnan(b.numbers[f][i])) {
        EXPECT_EQ(a.numbers[f][i], b.numbers[f][i]) << a.fields[f].name;
      }
  }
  ASSERT_EQ(a.size(), b.size());
  for (std::size_t i = 0; i < a.size(); ++i) {
    ASSERT_EQ(a.geometries[i].size(), b.geometries[i].size());
    for (std::size_t p = 0; p < a.geometries[i].size(); ++p)
      for (std::size_t r = 0; r < a.geometries[i][p].rings.size(); ++r) {
        EXPECT_EQ(a.geometries[i][p].rings[r].x, b.geometries[i][p].rings[r].x);
        EXPECT_EQ(a.geometries[i][p].rings[r].y, b.geometries[i][p].rings[r].y);
      }
  }
}

TEST(GeojsonNative, ReadsPropertiesAsGdalTypesThem) {
  const auto path = write_file(
      "fields.geojson",
      collection(feature(R"({"name": "west", "n": 3, "big": 5000000000, "share": 0.25})") + "," +
                     feature(R"({"name": "east", "n": 2.5, "big": 7})"),
                 R"("name": "areas", "description": "two squares", )"));
  const auto native = read_geojson_native(path);
  ASSERT_TRUE(native.layer) << native.fallback;
  const auto& layer = *native.layer;
  EXPECT_EQ(layer.layer, "areas");
  EXPECT_EQ(layer.description, "two squares");
  EXPECT_EQ(layer.crs, "EPSG:4326");
  EXPECT_TRUE(layer.geographic);
  ASSERT_EQ(layer.fields.size(), 4U);
  EXPECT_EQ(layer.fields[0].type, FieldType::kText);
  EXPECT_EQ(layer.fields[1].type, FieldType::kNumber);  // 3 then 2.5: a real field
  EXPECT_EQ(layer.texts[1], (std::vector<std::string>{"3", "2.5"}));
  EXPECT_EQ(layer.texts[2], (std::vector<std::string>{"5000000000", "7"}));
  EXPECT_EQ(layer.texts[3], (std::vector<std::string>{"0.25", ""}));  // absent: null
  EXPECT_TRUE(std::isnan(layer.numbers[3][1]));
  EXPECT_EQ(layer.geometries[0][0].rings[0].x[1], -87.59);
  expect_same(layer, read_polygons_gdal(path));
}

TEST(GeojsonNative, ProjectsAndNamesTheLayerAfterTheFileAsGdalDoes) {
  const auto path = write_file("unnamed.geojson", collection(feature(R"({"id2": 1})")));
  ReadPolygonsOptions options;
  options.target_crs = "EPSG:2790";
  const auto native = read_geojson_native(path, options);
  ASSERT_TRUE(native.layer) << native.fallback;
  EXPECT_EQ(native.layer->layer, "unnamed");
  EXPECT_EQ(native.layer->crs, "EPSG:2790");
  EXPECT_FALSE(native.layer->geographic);
  expect_same(*native.layer, read_polygons_gdal(path, options));
}

TEST(GeojsonNative, RepairsABowtieAsGdalDoes) {
  const char* bowtie = R"({"type": "Polygon", "coordinates": [[[-87.6, 41.8], [-87.59, 41.81],
    [-87.59, 41.8], [-87.6, 41.81], [-87.6, 41.8]]]})";
  const auto path = write_file("bowtie.geojson", collection(feature(R"({"a": 1})", bowtie)));
  const auto native = read_geojson_native(path);
  ASSERT_TRUE(native.layer) << native.fallback;
  EXPECT_EQ(native.layer->repaired, (std::vector<std::int64_t>{1}));
  EXPECT_EQ(native.layer->geometries[0].size(), 2U);  // the two triangles
  expect_same(*native.layer, read_polygons_gdal(path));
  ReadPolygonsOptions no_repair;
  no_repair.repair = false;
  EXPECT_FALSE(read_geojson_native(path, no_repair).layer);
}

struct FallbackCase {
  const char* name;
  std::string text;
  std::string reason;  // part of NativeRead::fallback
};

TEST(GeojsonNative, LeavesToGdalWhatItHasNotProvenIdentical) {
  const std::string ok = feature(R"({"a": 1})");
  const FallbackCase cases[] = {
      {"crs.geojson",
       collection(ok, R"("crs": {"type": "name", "properties": {"name": "EPSG:4326"}}, )"), "crs"},
      {"id.geojson",
       collection(R"({"type": "Feature", "id": 4, "properties": {}, "geometry": )" +
                  std::string(kSquare) + "}"),
       "id"},
      {"null.geojson", collection(feature(R"({"a": null})")), "null"},
      {"bool.geojson", collection(feature(R"({"a": true})")), "boolean"},
      {"date.geojson", collection(feature(R"({"a": "2016-10-01"})")), "date"},
      {"mixed.geojson", collection(ok + "," + feature(R"({"a": "x"})")), "text and numbers"},
      {"case.geojson", collection(feature(R"({"a": 1, "A": 2})")), "case"},
      {"collection.geojson",
       collection(feature("{}", R"({"type": "GeometryCollection", "geometries": []})")),
       "GeometryCollection"},
      {"z.geojson",
       collection(feature("{}", R"({"type": "Polygon", "coordinates": [[[0, 0, 1], [1, 0, 1],
         [1, 1, 1], [0, 0, 1]]]})")),
       "two numbers"},
      {"open.geojson",
       collection(feature(
           "{}", R"({"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 1]]]})")),
       "closed"},
      {"broken.geojson", "{\"type\": \"FeatureCollection\", \"features\": [", "JSON"},
      {"feature.geojson", feature("{}"), "FeatureCollection"},
      {"numeric_type.geojson", R"({"type": 5, "features": []})", "FeatureCollection"},
      {"feature_type.geojson", collection(R"({"type": ["Feature"], "geometry": null})"),
       "not a Feature"},
      {"duplicate.geojson", collection(feature(R"({"a": 1, "b": 2, "a": 3})")),
       "the key \"a\" twice"},
      {"duplicate_member.geojson", collection(ok, R"("type": "FeatureCollection", )"),
       "the key \"type\" twice"},
      {"big.geojson", collection(feature(R"({"a": 123456789012345678901})")),
       "beyond 64-bit integers"},
      {"big_negative.geojson", collection(feature(R"({"a": -9300000000000000000})")),
       "beyond 64-bit integers"},
  };
  for (const auto& c : cases) {
    const auto path = write_file(c.name, c.text);
    const auto native = read_geojson_native(path);
    EXPECT_FALSE(native.layer) << c.name;
    EXPECT_NE(native.fallback.find(c.reason), std::string::npos)
        << c.name << ": " << native.fallback;
  }
  const auto path = write_file("plain.geojson", collection(ok));
  for (const char* target : {"epsg:2790", "+proj=longlat +datum=WGS84", "EPSG:02790"}) {
    ReadPolygonsOptions options;
    options.target_crs = target;
    EXPECT_FALSE(read_geojson_native(path, options).layer) << target;
  }
  ReadPolygonsOptions other_layer;
  other_layer.layer = "elsewhere";
  EXPECT_FALSE(read_geojson_native(path, other_layer).layer);
  EXPECT_FALSE(read_geojson_native(write_file("plain.txt", collection(ok))).layer);
  EXPECT_TRUE(read_geojson_native(path).layer);
}

// The native reader's error for a bad feature: InputError(file, feature number, 0), the message
// of the GDAL path.
void expect_error(const std::string& name, const std::string& geometry,
                  const std::string& message) {
  const auto path =
      write_file(name, collection(feature(R"({"a": 1})") + "," + feature(R"({"a": 2})", geometry)));
  std::string gdal;
  try {
    read_polygons_gdal(path);
  } catch (const InputError& e) {
    gdal = e.what();
  }
  try {
    read_geojson_native(path);
    ADD_FAILURE() << name << ": no error";
  } catch (const InputError& e) {
    EXPECT_EQ(e.file(), path);
    EXPECT_EQ(e.line(), 2);
    EXPECT_EQ(std::string(e.what()), path + ":2: " + message);
    EXPECT_EQ(std::string(e.what()), gdal);
  }
}

TEST(GeojsonNative, BadFeaturesFailAsInTheGdalPath) {
  expect_error("no_geometry.geojson", "null", "feature 2: expected a polygon, found no geometry");
  expect_error("point.geojson", R"({"type": "Point", "coordinates": [-87.6, 41.8]})",
               "feature 2: expected a polygon, found a Point");
  expect_error("line.geojson",
               R"({"type": "LineString", "coordinates": [[-87.6, 41.8], [-87.5, 41.8]]})",
               "feature 2: expected a polygon, found a Line String");
  expect_error("points.geojson", R"({"type": "MultiPoint", "coordinates": [[-87.6, 41.8]]})",
               "feature 2: expected a polygon, found a Multi Point");
}

}  // namespace
}  // namespace scrutineer::io
