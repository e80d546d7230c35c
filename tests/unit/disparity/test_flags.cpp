// Flags import: backtest flags, cells, x/y points, dates; and a whole run on two hand-made areas.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "scrutineer/core/error.hpp"
#include "scrutineer/core/time.hpp"
#include "scrutineer/disparity/flags.hpp"
#include "scrutineer/disparity/run.hpp"
#include "scrutineer/evaluate/backtest.hpp"
#include "scrutineer/geo/grid.hpp"

namespace scrutineer::disparity {
namespace {

// 3 x 2 cells of 100 m from (0, 0): cell = iy * 3 + ix.
geo::Grid small_grid() {
  geo::Grid g;
  g.size = 100;
  g.nx = 3;
  g.ny = 2;
  g.valid.assign(6, 1);
  g.valid[5] = 0;
  g.crs = "EPSG:32631";
  return g;
}

TEST(Flags, CellsGroupedByDate) {
  const auto grid = small_grid();
  FlagReadOptions o;
  const auto t = read_flags_from_string(
      "f.csv", "date,cell\n2020-01-02,0\n2020-01-01,4\n2020-01-01,5\n", o, &grid, nullptr);
  EXPECT_EQ(t.format, FlagFormat::kCell);
  ASSERT_EQ(t.periods.size(), 2u);
  EXPECT_EQ(t.periods[0].start, *parse_iso_datetime("2020-01-01"));
  EXPECT_EQ(t.periods[0].units, (std::vector<std::int64_t>{4, 5}));
  EXPECT_EQ(t.invalid_cells, 1);  // cell 5 is outside the region
  EXPECT_EQ(t.rows, 3);
}

TEST(Flags, BadRowsNameLineAndColumn) {
  const auto grid = small_grid();
  FlagReadOptions o;
  try {
    read_flags_from_string("f.csv", "date,cell\n2020-01-01,6\n", o, &grid, nullptr);
    FAIL() << "cell 6 of 6 accepted";
  } catch (const InputError& e) {
    EXPECT_EQ(e.line(), 2);
    EXPECT_EQ(e.column(), 12);
  }
  EXPECT_THROW(read_flags_from_string("f.csv", "date,cell\n2020-13-01,1\n", o, &grid, nullptr),
               InputError);
  EXPECT_THROW(read_flags_from_string("f.csv", "date,cell\n2020-01-01,x\n", o, &grid, nullptr),
               InputError);
  EXPECT_THROW(read_flags_from_string("f.csv", "when,what\n2020-01-01,1\n", o, &grid, nullptr),
               ConfigError);
}

// Issue 12: the recipe asked for one model's flags in the xy format, where `model` was ignored
// without a word. Every option that the flags' format cannot honour is now a ConfigError.
TEST(Flags, OptionsTheFormatCannotHonourAreRefused) {
  const auto grid = small_grid();
  const std::string xy = "date,x,y\n2020-01-01,150,50\n";
  const std::string cell = "date,cell\n2020-01-01,1\n";
  const std::string backtest =
      "model,period_start,cell,rank,centre_x,centre_y\nsepp,2020-01-01T00:00:00Z,1,1,150,50\n";
  const auto refused = [&](const std::string& text, auto set) {
    FlagReadOptions o;
    set(o);
    try {
      read_flags_from_string("f.csv", text, o, &grid, nullptr);
      return std::string("accepted");
    } catch (const ConfigError& e) {
      return std::string(e.what());
    }
  };
  // model and top: backtest flags only.
  const auto model = refused(xy, [](FlagReadOptions& o) { o.model = "sepp"; });
  EXPECT_NE(model.find("'xy' format, which has no use for the model"), std::string::npos) << model;
  EXPECT_NE(refused(cell, [](FlagReadOptions& o) { o.top = 5; }).find("top"), std::string::npos);
  // x/y columns and their CRS: xy flags only.
  EXPECT_NE(refused(cell, [](FlagReadOptions& o) { o.x_column = "x"; }).find("x column"),
            std::string::npos);
  EXPECT_NE(refused(cell, [](FlagReadOptions& o) { o.y_column = "y"; }).find("y column"),
            std::string::npos);
  EXPECT_NE(refused(backtest, [](FlagReadOptions& o) { o.crs = "EPSG:4326"; }).find("CRS"),
            std::string::npos);
  // The cell column: cell flags only; the area column: area flags only.
  EXPECT_NE(refused(xy, [](FlagReadOptions& o) { o.cell_column = "box"; }).find("cell column"),
            std::string::npos);
  EXPECT_NE(refused(backtest, [](FlagReadOptions& o) { o.area_column = "beat"; }).find("area"),
            std::string::npos);
  // Each of them is honoured by its own format.
  EXPECT_EQ(refused(backtest, [](FlagReadOptions& o) { o.model = "sepp", o.top = 1; }), "accepted");
  EXPECT_EQ(refused(xy, [](FlagReadOptions& o) { o.x_column = "x", o.crs = "EPSG:32631"; }),
            "accepted");
}

TEST(Flags, MonthDates) {
  EXPECT_EQ(parse_flag_date("2017-03"), parse_iso_datetime("2017-03-01"));
  EXPECT_FALSE(parse_flag_date("2017-3").has_value());
}

TEST(Flags, PointsMapToCellsInTheGridCrs) {
  const auto grid = small_grid();
  FlagReadOptions o;
  // (150, 50) lies in ix 1, iy 0 -> cell 1; (250, 150) in cell 5; (1000, 0) is outside.
  const auto t = read_flags_from_string(
      "f.csv", "date,x,y\n2020-01-01,150,50\n2020-01-01,250,150\n2020-01-01,1000,0\n", o, &grid,
      nullptr);
  EXPECT_EQ(t.format, FlagFormat::kXy);
  ASSERT_EQ(t.periods.size(), 1u);
  EXPECT_EQ(t.periods[0].units, (std::vector<std::int64_t>{1, 5}));
  EXPECT_EQ(t.outside_grid, 1);
}

TEST(Flags, BacktestFlagsNeedTheModelAndMatchingCentres) {
  const auto grid = small_grid();
  const std::string text =
      "model,period_start,cell,rank,centre_x,centre_y\n"
      "sepp,2020-01-01T00:00:00Z,4,1,150,150\n"
      "naive,2020-01-01T00:00:00Z,0,1,50,50\n"
      "sepp,2020-01-02T00:00:00Z,2,1,250,50\n"
      "sepp,2020-01-02T00:00:00Z,0,2,50,50\n";
  FlagReadOptions o;
  EXPECT_THROW(read_flags_from_string("f.csv", text, o, &grid, nullptr), ConfigError);
  o.model = "sepp";
  auto t = read_flags_from_string("f.csv", text, o, &grid, nullptr);
  EXPECT_EQ(t.format, FlagFormat::kBacktest);
  EXPECT_EQ(t.models, (std::vector<std::string>{"naive", "sepp"}));
  ASSERT_EQ(t.periods.size(), 2u);
  EXPECT_EQ(t.periods[1].units, (std::vector<std::int64_t>{2, 0}));
  o.top = 1;  // rank 2 dropped
  t = read_flags_from_string("f.csv", text, o, &grid, nullptr);
  EXPECT_EQ(t.periods[1].units, (std::vector<std::int64_t>{2}));
  // A grid shifted by half a cell: the backtest's centres are corners here.
  auto shifted = grid;
  shifted.x0 = -50;
  EXPECT_THROW(read_flags_from_string("f.csv", text, o, &shifted, nullptr), ConfigError);
}

// Two areas in UTM metres: A = [0,200] x [0,100] (white 100, black 20), B = [200,300] x [0,100]
// (white 10, black 90). With 100 m cells from origin x 50, the cell [150,250] x [0,100] holds a
// quarter of A and half of B: white 25 + 5 = 30, black 5 + 45 = 50, total 80 (of 220).
TEST(DisparityRun, OneCellStraddlingTwoAreas) {
  namespace fs = std::filesystem;
  const auto dir = fs::temp_directory_path() / "scrutineer_disparity_run";
  fs::remove_all(dir);
  fs::create_directories(dir);
  std::ofstream(dir / "areas.geojson")
      << R"({"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"EPSG:32631"}},
"features":[
{"type":"Feature","properties":{"id":"A","name":"Alpha Ward","white":100,"black":20},
 "geometry":{"type":"Polygon","coordinates":[[[0,0],[200,0],[200,100],[0,100],[0,0]]]}},
{"type":"Feature","properties":{"id":"B","name":"Beta Ward","white":10,"black":90},
 "geometry":{"type":"Polygon","coordinates":[[[200,0],[300,0],[300,100],[200,100],[200,0]]]}}]})";
  std::ofstream(dir / "flags.csv") << "date,x,y\n2020-01-01,200,50\n";
  study::StudyOptions st;
  st.areas = (dir / "areas.geojson").string();
  st.area_id = "id";
  st.groups = {"white", "black"};
  st.read.target_crs = "";  // the areas' own CRS
  st.cell_size = 100;
  st.origin_x = 50;
  DisparityOptions o;
  o.flags = (dir / "flags.csv").string();
  o.out = (dir / "out").string();
  o.bootstrap = 0;
  const auto report = run_disparity(st, o);
  const auto& r = report.result;
  EXPECT_NEAR(r.groups[0].exposure, 30, 1e-9);
  EXPECT_NEAR(r.groups[1].exposure, 50, 1e-9);
  EXPECT_NEAR(r.total_exposure, 80, 1e-9);
  EXPECT_NEAR(r.total_population, 220, 1e-9);            // conserved by the spreading
  EXPECT_NEAR(r.groups[0].disparity_ratio, 0.75, 1e-9);  // (30/80) / (110/220)
  EXPECT_NEAR(r.groups[1].disparity_ratio, 1.25, 1e-9);  // (50/80) / (110/220)
  EXPECT_NEAR(r.groups[1].per_capita_ratio, 50.0 / 30.0, 1e-9);
  for (const auto* name :
       {"groups.csv", "periods.csv", "disparity.json", "summary.txt", "areas.geojson"})
    EXPECT_TRUE(fs::exists(dir / "out" / name)) << name;
  // The areas' names ride along in the map layer, for a GIS (issue 17).
  std::ifstream in(dir / "out" / "areas.geojson");
  const std::string map{std::istreambuf_iterator<char>(in), {}};
  EXPECT_NE(map.find("Alpha Ward"), std::string::npos);
  EXPECT_NE(map.find("Beta Ward"), std::string::npos);
}

}  // namespace
}  // namespace scrutineer::disparity

namespace scrutineer::disparity {
namespace {

TEST(Flags, FromABacktestInMemory) {
  evaluate::BacktestResult result;
  result.periods = {{0, 86400}, {86400, 2 * 86400}};
  evaluate::ModelResult model, baseline;
  model.spec = {"sepp-grid", "", "sepp-grid", false};
  baseline.spec = {"naive", "", "naive", true};
  model.periods.resize(2);
  model.periods[0].flagged = {3, 1};
  model.periods[1].flagged = {2};
  baseline.periods.resize(2);
  result.models = {baseline, model};
  // The single non-baseline model is chosen when no label is given.
  const auto periods = flags_from_backtest(result, "");
  ASSERT_EQ(periods.size(), 2u);
  EXPECT_EQ(periods[1].start, 86400);
  EXPECT_EQ(periods[0].units, (std::vector<std::int64_t>{3, 1}));
  EXPECT_TRUE(flags_from_backtest(result, "naive")[0].units.empty());
  EXPECT_THROW(flags_from_backtest(result, "kde"), ConfigError);
}

}  // namespace
}  // namespace scrutineer::disparity
