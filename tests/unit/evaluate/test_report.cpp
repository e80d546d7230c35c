// Backtest outputs: CSV layouts, JSON content, SVG structure and atomic writing.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

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
  ASSERT_EQ(fields.size(), 4u + 100u);
  EXPECT_EQ(fields[4 + 48], "0");  // 49%
  EXPECT_EQ(fields[4 + 49], "2");  // 50%
  EXPECT_EQ(fields[4 + 98], "2");  // 99%
  EXPECT_EQ(fields[4 + 99], "3");  // 100%
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
  // Cell 0's centre is (5, 5).
  EXPECT_EQ(flags[1], "naive,1970-01-02T00:00:00Z,0,1,5,5");
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

}  // namespace
}  // namespace scrutineer::evaluate
