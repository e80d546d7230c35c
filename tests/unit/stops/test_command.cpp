// run_stops (stops/command.hpp) on tiny records: the files, the alternative benchmark's ratios,
// small-cell suppression, and options the run cannot honour.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "scrutineer/core/error.hpp"
#include "scrutineer/stops/command.hpp"

namespace fs = std::filesystem;
using namespace scrutineer;
using namespace scrutineer::stops;

namespace {

fs::path write(const std::string& name, const std::string& text) {
  const auto dir = fs::temp_directory_path() / ("scrutineer-stopsc-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  std::ofstream(dir / name) << text;
  return dir / name;
}

// 20 White and 30 Black searches in September 2022, and 5 Black in October (local months).
std::string records() {
  std::string s =
      "Type,Date,Part of a policing operation,Policing operation,Latitude,Longitude,Gender,Age "
      "range,Self-defined ethnicity,Officer-defined ethnicity,Legislation,Object of search,"
      "Outcome,Outcome linked to object of search,Removal of more than just outer clothing\n";
  const auto add = [&](int n, const std::string& date, const std::string& group) {
    for (int i = 0; i < n; ++i)
      s += "Person search," + date + ",,,,,Male,18-24,," + group + ",,,,True,\n";
  };
  add(20, "2022-09-10T12:00:00+00:00", "White");
  add(30, "2022-09-10T12:00:00+00:00", "Black");
  add(5, "2022-09-30T23:30:00+00:00", "Black");  // 00:30 BST on 1 October
  return s;
}

std::string file_of(const StopsResult& r, const std::string& name) {
  for (const auto& [n, text] : r.files)
    if (n == name) return text;
  return "";
}

StopsOptions options() {
  StopsOptions o;
  o.records = {write("r.csv", records()).string()};
  o.population = write("p.csv", "id,White,Black,Mixed\nA,10000,5000,700\n").string();
  o.population_id = "id";
  o.benchmark = write("b.csv", "id,White,Black,Mixed\nA,20000,2500,700\n").string();
  o.benchmark_id = "id";
  o.veil = false;
  return o;
}

}  // namespace

TEST(StopsCommand, RatesAgainstBothDenominatorsAndByMonth) {
  const auto r = run_stops(options());
  // Residents: White 20 / 10,000 = 2 per 1,000, Black 35 / 5,000 = 7: ratio 3.5.
  // Benchmark: White 20 / 20,000 = 1, Black 35 / 2,500 = 14: ratio 14.
  ASSERT_TRUE(r.rates && r.benchmark_rates);
  EXPECT_DOUBLE_EQ(r.rates->rows[1].ratio, 3.5);
  EXPECT_DOUBLE_EQ(r.benchmark_rates->rows[1].ratio, 14);
  const auto d = file_of(r, "disproportionality.csv");
  EXPECT_NE(d.find("Black,35,5000,7.000000,"), std::string::npos) << d;
  EXPECT_NE(d.find(",2500,14.000000,14.000000,"), std::string::npos) << d;
  EXPECT_NE(d.find("Mixed,,700,"), std::string::npos) << d;
  EXPECT_NE(r.summary.find("Sensitivity to the denominator"), std::string::npos);
  // September: Black 30 (6 per 1,000, ratio 3); October: Black 5, White 0 (no ratio).
  const auto t = file_of(r, "trend.csv");
  EXPECT_NE(t.find("2022-09,Black,30,5000,6.000000,"), std::string::npos) << t;
  EXPECT_NE(t.find("2022-10,Black,"), std::string::npos) << t;
  // Outcome test on the same records: every search a hit.
  EXPECT_NE(file_of(r, "outcome_test.csv").find("White,20,20,0,0,1.000000,"), std::string::npos);
}

TEST(StopsCommand, SmallCountsAreSuppressed) {
  auto o = options();
  o.min_cell = 25;  // White's 20 is hidden with its rate and ratio
  const auto d = file_of(run_stops(o), "disproportionality.csv");
  EXPECT_NE(d.find("White,,10000,,,,,,,"), std::string::npos) << d;
  EXPECT_NE(d.find("suppressed: fewer than 25"), std::string::npos) << d;
  EXPECT_NE(d.find("Black,35,"), std::string::npos) << d;
}

TEST(StopsCommand, OptionsTheRunCannotHonourAreErrors) {
  auto o = options();
  o.population.clear();  // areas and benchmark without a population table
  o.areas = {"A"};
  EXPECT_THROW(run_stops(o), ConfigError);
  auto f = options();
  f.flag_link.cell_size = 200;  // a flag grid option without flags
  EXPECT_THROW(run_stops(f), ConfigError);
  auto a = options();
  a.areas = {"Z"};  // not in the population table
  EXPECT_THROW(run_stops(a), ConfigError);
}

TEST(StopsCommand, ChartScalesToTheLargestBoundAndEscapesLabels) {
  // Values 1 and 2 with upper bounds 1.5 and 4: the axis runs to 4, so the bar of 2 is half of
  // the 420-pixel plot (210) and the bar of 1 a quarter (105).
  const auto svg = interval_chart("t", {"<A>", "B"}, {1, 2}, {{0.5, 1.5}, {1, 4}}, "%");
  EXPECT_NE(svg.find("&lt;A&gt;"), std::string::npos);
  EXPECT_NE(svg.find("width=\"105.0\""), std::string::npos) << svg;
  EXPECT_NE(svg.find("width=\"210.0\""), std::string::npos) << svg;
}
