// Backtest outputs: CSV layouts, JSON content, SVG structure and atomic writing.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "scrutineer/core/error.hpp"
#include "scrutineer/core/time.hpp"
#include "scrutineer/evaluate/report.hpp"

namespace scrutineer::evaluate {
namespace {

constexpr std::int64_t kDay = kSecondsPerDay;

// Two cells, open_cp tie rule. Day 0: 1 event in cell 0; day 1: 1 in cell 1; day 2: 1 in cell 0,
// 2 in cell 1. Naive on day 1 trains on [1, 0] and flags cell 0 (catches 0 of 1); on day 2 it
// trains on [1, 1], a tie, and the open_cp rule keeps the last cell, cell 1 (catches 2 of 3).
BacktestResult small_result(geo::Grid& g) {
  g.size = 10;
  g.nx = 2;
  g.ny = 1;
  g.valid = {1, 1};
  EventSet e;
  e.time_zone = "UTC";
  e.push_back(3600, 5, 5, "all", 2);
  e.push_back(kDay + 3600, 15, 5, "all", 3);
  e.push_back(2 * kDay + 3600, 5, 5, "all", 4);
  e.push_back(2 * kDay + 7200, 15, 5, "all", 5);
  e.push_back(2 * kDay + 9000, 15, 5, "all", 6);
  BacktestOptions o;
  o.models = {{"naive", "", "", false}};
  o.first = kDay;
  o.stop = 3 * kDay;
  o.train_start = 0;
  o.coverages = {0.5, 1.0};
  o.operating_point.mode = PolicyMode::kCount;
  o.operating_point.count = 1;
  o.operating_point.tie_rule = TieRule::kOpenCp;
  o.tie_rule = TieRule::kOpenCp;
  o.bootstrap.replicates = 100;
  o.progress = false;
  return run_backtest(e, g, o);
}

std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);) out.push_back(l);
  return out;
}

TEST(Report, HitCountsInOpenCpLayout) {
  geo::Grid g;
  const auto r = small_result(g);
  const auto rows = lines(hit_counts_csv(r));
  ASSERT_EQ(rows.size(), 1u + 2 * 2);  // header + (naive, random) x 2 days
  EXPECT_EQ(rows[0].substr(0, 30), "model,start,end,events,c1,c2,c");
  // Day 2 for naive: 3 events; 1%..49% of 2 cells = 0 cells -> 0; 50%..99% = 1 cell (cell 1 by the
  // tie rule: 2 events); 100% = both cells: 3.
  const auto& day2 = rows[2];
  EXPECT_EQ(day2.substr(0, 52), "naive,1970-01-03 00:00:00,1970-01-04 00:00:00,3,0,0,");
  std::vector<std::string> fields;
  std::istringstream in(day2);
  for (std::string f; std::getline(in, f, ',');) fields.push_back(f);
  ASSERT_EQ(fields.size(), 4u + 100u + 2u);
  EXPECT_EQ(fields[4 + 48], "0");  // 49%
  EXPECT_EQ(fields[4 + 49], "2");  // 50%
  EXPECT_EQ(fields[4 + 98], "2");  // 99%
  EXPECT_EQ(fields[4 + 99], "3");  // 100%
  // Then the same period in UTC (issue 17: local times and UTC in every flags file).
  EXPECT_EQ(fields[104], "1970-01-03T00:00:00Z");
  EXPECT_EQ(fields[105], "1970-01-04T00:00:00Z");
  EXPECT_NE(rows[0].find(",c100,start_utc,end_utc"), std::string::npos);
}

TEST(Report, PeriodsCsvAndFlagged) {
  geo::Grid g;
  const auto r = small_result(g);
  const auto rows = lines(periods_csv(r));
  ASSERT_EQ(rows.size(), 5u);
  EXPECT_NE(rows[0].find("captured_at_50pct,captured_at_100pct"), std::string::npos);
  // Day 1, naive: 1 event, 1 flagged, 0 caught, hit rate 0, wrong cells 1.
  EXPECT_EQ(rows[1].substr(0, 61), "naive,1970-01-02T00:00:00Z,1970-01-03T00:00:00Z,1,0,1,0,0,0,0");
  const auto flags = lines(flagged_csv(r, g));
  ASSERT_EQ(flags.size(), 1u + 4u);
  // Cell 0's centre is (5, 5); the zone is UTC, so the local start carries +00:00.
  EXPECT_EQ(flags[0],
            "model,period_start,cell,rank,centre_x,centre_y,period_end,period_start_local");
  EXPECT_EQ(flags[1],
            "naive,1970-01-02T00:00:00Z,0,1,5,5,1970-01-03T00:00:00Z,1970-01-02T00:00:00+00:00");
}

// Issue 17: a local start carries the zone's offset at that instant (Chicago: -06:00 in winter,
// -05:00 in summer).
TEST(Report, FlaggedLocalTimeCarriesItsOffset) {
  geo::Grid g;
  auto r = small_result(g);
  r.time_zone = "America/Chicago";
  r.periods = {{TimeZone("America/Chicago").to_utc(days_from_civil(2016, 1, 5) * kDay),
                TimeZone("America/Chicago").to_utc(days_from_civil(2016, 1, 6) * kDay)},
               {TimeZone("America/Chicago").to_utc(days_from_civil(2016, 7, 5) * kDay),
                TimeZone("America/Chicago").to_utc(days_from_civil(2016, 7, 6) * kDay)}};
  const auto flags = lines(flagged_csv(r, g));
  EXPECT_EQ(flags[1],
            "naive,2016-01-05T06:00:00Z,0,1,5,5,2016-01-06T06:00:00Z,2016-01-05T00:00:00-06:00");
  EXPECT_EQ(flags[2],
            "naive,2016-07-05T05:00:00Z,1,1,15,5,2016-07-06T05:00:00Z,2016-07-05T00:00:00-05:00");
}

// Issue 16: flag_counts.csv, by hand on small_result. naive flags cell 0 on day 1 (its event
// there is on day 0: day 1's event is in cell 1, a miss) and cell 1 on day 2 (2 events caught).
// random flags one cell per day too; its counts add up to 2 periods.
TEST(Report, FlagCountsByHand) {
  geo::Grid g;
  const auto r = small_result(g);
  const auto rows = lines(flag_counts_csv(r, g));
  ASSERT_GE(rows.size(), 3u);
  EXPECT_EQ(rows[0], "model,cell,centre_x,centre_y,periods_flagged,hits");
  EXPECT_EQ(rows[1], "naive,0,5,5,1,0");
  EXPECT_EQ(rows[2], "naive,1,15,5,1,2");
  std::int64_t random_periods = 0;
  for (const auto& m : r.models)
    if (m.spec.name == "random")
      for (const auto n : m.cell_periods_flagged) random_periods += n;
  EXPECT_EQ(random_periods, 2);
  // The counts are those of the flags kept in memory (flagged.csv's rows), cell by cell.
  for (const auto& m : r.models) {
    std::vector<std::int64_t> periods(2, 0);
    for (const auto& p : m.periods)
      for (const auto c : p.flagged) ++periods[static_cast<std::size_t>(c)];
    EXPECT_EQ(periods, m.cell_periods_flagged) << m.spec.label;
  }
}

TEST(Report, SummaryJsonAndSvg) {
  geo::Grid g;
  const auto r = small_result(g);
  const auto j = nlohmann::json::parse(summary_json(r));
  EXPECT_EQ(j["periods"], 2);
  EXPECT_EQ(j["models"].size(), 2u);
  // Pooled hit rate (0 + 2) / (1 + 3) = 0.5.
  EXPECT_DOUBLE_EQ(j["models"][0]["operating"]["hit_rate"]["estimate"].get<double>(), 0.5);
  EXPECT_EQ(j["models"][0]["coverage_curve"].size(), 101u);
  EXPECT_EQ(j["flags"], "csv");
  EXPECT_EQ(j["crs"], "");
  const auto svg = coverage_svg(r);
  EXPECT_EQ(svg.rfind("<svg", 0), 0u);
  EXPECT_NE(svg.find("</svg>"), std::string::npos);
  std::size_t lines_drawn = 0;
  for (auto p = svg.find("<polyline"); p != std::string::npos; p = svg.find("<polyline", p + 1))
    ++lines_drawn;
  EXPECT_EQ(lines_drawn, 2u);
  EXPECT_NE(summary_table(r).find("best baseline"), std::string::npos);
}

TEST(Report, WritesEveryFile) {
  geo::Grid g;
  const auto r = small_result(g);
  const auto dir = std::filesystem::temp_directory_path() / "scrutineer_test_backtest_report";
  std::filesystem::remove_all(dir);
  write_backtest_outputs(r, g, dir);
  for (const char* name :
       {"periods.csv", "summary.json", "flagged.csv", "hit_counts.csv", "coverage.svg"})
    EXPECT_TRUE(std::filesystem::exists(dir / name)) << name;
  std::size_t files = 0;
  for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator(dir)) ++files;
  EXPECT_EQ(files, 5u);  // no temporaries left behind
  std::filesystem::remove_all(dir);
}

// --flags counts | none: the compact flags output, recorded in summary.json; the CRS of the
// centres beside the CSV as a .prj when the grid has one.
TEST(Report, FlagsOutputChoosesTheFlagsFiles) {
  geo::Grid g;
  auto r = small_result(g);
  g.crs = "EPSG:32616";
  r.crs = g.crs;
  const auto dir = std::filesystem::temp_directory_path() / "scrutineer_test_backtest_flags";
  for (const auto flags : {FlagsOutput::kCsv, FlagsOutput::kCounts, FlagsOutput::kNone}) {
    std::filesystem::remove_all(dir);
    r.flags = flags;
    write_backtest_outputs(r, g, dir);
    const bool csv = flags == FlagsOutput::kCsv, counts = flags == FlagsOutput::kCounts;
    EXPECT_EQ(std::filesystem::exists(dir / "flagged.csv"), csv);
    EXPECT_EQ(std::filesystem::exists(dir / "flagged.prj"), csv);
    EXPECT_EQ(std::filesystem::exists(dir / "flag_counts.csv"), counts);
    EXPECT_EQ(std::filesystem::exists(dir / "flag_counts.prj"), counts);
    std::ifstream in(dir / "summary.json");
    const auto j = nlohmann::json::parse(in);
    EXPECT_EQ(j["flags"], std::string(to_string(flags)));
    EXPECT_EQ(j["crs"], "EPSG:32616");
    if (csv) {
      std::ifstream prj(dir / "flagged.prj");
      std::string wkt((std::istreambuf_iterator<char>(prj)), std::istreambuf_iterator<char>());
      EXPECT_NE(wkt.find("UTM zone 16N"), std::string::npos) << wkt;
    }
  }
  EXPECT_EQ(flags_output_from_string("counts"), FlagsOutput::kCounts);
  EXPECT_THROW(flags_output_from_string("parquet"), ConfigError);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace scrutineer::evaluate
