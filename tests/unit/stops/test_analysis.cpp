// Disproportionality, the outcome test and the veil of darkness (stops/analysis.hpp) on tiny
// hand-computed data.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>

#include "scrutineer/core/error.hpp"
#include "scrutineer/core/time.hpp"
#include "scrutineer/stops/analysis.hpp"

namespace fs = std::filesystem;
using namespace scrutineer;
using namespace scrutineer::stops;

namespace {

fs::path write(const std::string& name, const std::string& text) {
  const auto dir = fs::temp_directory_path() / ("scrutineer-stopsa-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  std::ofstream(dir / name) << text;
  return dir / name;
}

const std::string kPopulation =
    "LAD,LAD_code,Asian,Black,Mixed,Other,White\n"
    "City,E09000001,100,100,100,100,100\n"
    "A,E09000002,1000,2000,300,400,4000\n"
    "B,E09000003,1000,3000,200,600,6000\n";

Stop stop(int group, int linked = -1) {
  Stop s;
  s.group = group;
  s.linked = linked;
  return s;
}

}  // namespace

TEST(StopsAnalysis, AreaRangesExpand) {
  const auto codes = expand_area_codes({"E09000002..E09000004", "W06000001"});
  EXPECT_EQ(codes, (std::vector<std::string>{"E09000002", "E09000003", "E09000004", "W06000001"}));
  EXPECT_EQ(expand_area_codes({"E09000002..E09000033"}).size(), 32u);
  EXPECT_THROW(expand_area_codes({"E09000002..W09000003"}), ConfigError);
}

TEST(StopsAnalysis, PopulationSumsTheListedAreas) {
  const auto file = write("pop.csv", kPopulation);
  const auto p =
      read_population(file.string(), "LAD_code", expand_area_codes({"E09000002..E09000003"}));
  EXPECT_EQ(p.areas, 2);
  EXPECT_EQ(p.groups, (std::vector<std::string>{"Asian", "Black", "Mixed", "Other", "White"}));
  EXPECT_DOUBLE_EQ(p.totals.at("White"), 10000);
  EXPECT_DOUBLE_EQ(p.totals.at("Black"), 5000);
  const auto all = read_population(file.string(), "LAD_code", {});
  EXPECT_DOUBLE_EQ(all.totals.at("White"), 10100);
  EXPECT_THROW(read_population(file.string(), "LAD_code", {"E09000099"}), ConfigError);
  const auto bad = write("bad.csv", "id,White\nA,12x\n");
  EXPECT_THROW(read_population(bad.string(), "id", {}), InputError);
}

TEST(StopsAnalysis, RatesPerThousandAndRatioToWhite) {
  const auto file = write("pop2.csv", kPopulation);
  const auto p = read_population(file.string(), "LAD_code", {"E09000002", "E09000003"});
  // Officer-defined groups: White 10 stops of 10,000 (1 per 1,000), Black 20 of 5,000 (4 per
  // 1,000): ratio 4 with the conditional interval (1.787018, 9.569105) of test_stats.cpp.
  const std::vector<std::string> groups = {"White", "Black", "Asian", "Other"};
  const auto t = rate_table(groups, {10, 20, 0, 3}, p, "White", 0.95);
  ASSERT_EQ(t.rows.size(), 4u);
  EXPECT_DOUBLE_EQ(t.rows[0].per_1000, 1);
  EXPECT_DOUBLE_EQ(t.rows[1].per_1000, 4);
  EXPECT_DOUBLE_EQ(t.rows[1].ratio, 4);
  EXPECT_NEAR(t.rows[1].ratio_interval.low, 1.787018, 1e-5);
  EXPECT_NEAR(t.rows[1].ratio_interval.high, 9.569105, 1e-4);
  EXPECT_DOUBLE_EQ(t.rows[0].ratio, 1);
  // Other: 3 of 1,000 = 3 per 1,000, ratio 3; Garwood's count interval for 3 is
  // (0.6186721, 8.767273), per 1,000 of 1,000 people the same numbers.
  EXPECT_DOUBLE_EQ(t.rows[3].ratio, 3);
  EXPECT_NEAR(t.rows[3].per_1000_interval.low, 0.6186721, 1e-5);
  EXPECT_NEAR(t.rows[3].per_1000_interval.high, 8.767273, 1e-4);
  // Mixed is in the census but not among the officer-defined groups: excluded, with its size.
  ASSERT_EQ(t.excluded.size(), 1u);
  EXPECT_EQ(t.excluded[0].first, "Mixed");
  EXPECT_DOUBLE_EQ(t.excluded[0].second, 500);
  EXPECT_THROW(rate_table(groups, {1, 1, 1, 1}, p, "Purple", 0.95), ConfigError);
}

TEST(StopsAnalysis, MonthlyCountsUseLocalMonths) {
  StopRecords r;
  r.groups = {"White", "Black"};
  auto a = stop(0), b = stop(1), c = stop(1);
  a.local = *parse_iso_datetime("2022-09-01T00:00");
  b.local = *parse_iso_datetime("2022-09-30T23:59");
  c.local = *parse_iso_datetime("2022-10-01T00:00");
  r.stops = {a, b, c, stop(-1)};
  const auto m = stops_by_month(r);
  ASSERT_EQ(m.size(), 2u);
  EXPECT_EQ(m.at("2022-09"), (std::vector<std::int64_t>{1, 1}));
  EXPECT_EQ(m.at("2022-10"), (std::vector<std::int64_t>{0, 1}));
  EXPECT_EQ(stops_by_group(r), (std::vector<std::int64_t>{1, 2}));
}

TEST(StopsAnalysis, OutcomeTestExcludesBlanksAndTestsEquality) {
  StopRecords r;
  r.groups = {"White", "Black"};
  // White: 10 hits of 50 decided, 5 blank; Black: 20 of 50, 2 blank; one hit with no group.
  for (int i = 0; i < 50; ++i) r.stops.push_back(stop(0, i < 10 ? 1 : 0));
  for (int i = 0; i < 5; ++i) r.stops.push_back(stop(0, -1));
  for (int i = 0; i < 50; ++i) r.stops.push_back(stop(1, i < 20 ? 1 : 0));
  for (int i = 0; i < 2; ++i) r.stops.push_back(stop(1, -1));
  r.stops.push_back(stop(-1, 1));
  auto not_searched = stop(1, 1);
  not_searched.searched = false;
  r.stops.push_back(not_searched);
  const auto t = outcome_test(r, 0.95);
  EXPECT_EQ(t.blank, 7);
  EXPECT_EQ(t.missing_group, 1);
  EXPECT_EQ(t.rows[0].searches, 55);
  EXPECT_EQ(t.rows[0].hits, 10);
  EXPECT_EQ(t.rows[0].blank, 5);
  EXPECT_DOUBLE_EQ(t.rows[0].hit_rate, 0.2);
  EXPECT_DOUBLE_EQ(t.rows[1].hit_rate, 0.4);
  // The 2 x 2 table of test_stats.cpp: X^2 = 4.761905, p = 0.0290963.
  EXPECT_NEAR(t.test.statistic, 4.761905, 1e-6);
  EXPECT_NEAR(t.test.p_value, 0.0290963, 1e-6);
}

TEST(StopsAnalysis, VeilOfDarknessClassifiesByTheDaysOwnDusk) {
  StopRecords r;
  r.groups = {"White", "Black"};
  const TimeZone london("Europe/London");
  const auto at = [&](const char* utc, int group) {
    Stop s;
    s.utc = *parse_iso_datetime(utc);
    s.local = london.to_local(s.utc);
    s.has_location = true;
    s.lat = 51.5074;
    s.lon = -0.1278;
    s.group = group;
    return s;
  };
  // 21 June 2022, 20:00 UTC = 21:00 BST: before sunset (20:21 UTC): daylight.
  // 21 December 2022, 20:00 UTC = 20:00 GMT: after civil dusk (16:34 GMT): darkness.
  // 21 June 20:45 UTC = 21:45 BST: after sunset, before dusk (21:05 UTC): twilight.
  // 21 December 10:00 GMT: before the window (earliest dusk, about 16:30): not used.
  r.stops = {at("2022-06-21T20:00", 1), at("2022-06-21T20:00", 1), at("2022-06-21T20:00", 0),
             at("2022-12-21T20:00", 0), at("2022-12-21T20:00", 0), at("2022-12-21T20:00", 1),
             at("2022-06-21T20:45", 1), at("2022-12-21T10:00", 1)};
  const auto v = veil_of_darkness(r, "White", 0.95, "Europe/London");
  EXPECT_EQ(v.usable, 8);
  EXPECT_EQ(v.in_window, 7);
  EXPECT_EQ(v.light, 3);
  EXPECT_EQ(v.dark, 3);
  EXPECT_EQ(v.twilight, 1);
  // The window runs from the earliest civil dusk of 2022 (mid December: earliest sunset about
  // 15:51 GMT + 40 minutes of civil twilight = 16:31) to the latest (late June: latest sunset
  // about 21:22 BST + 48 minutes = 22:10; see test_solar.cpp for the twilight's length).
  EXPECT_NEAR(v.window_start, 16 * 60 + 31, 3);
  EXPECT_NEAR(v.window_end, 22 * 60 + 10, 3);
  // Black: 2 light, 1 dark; White: 1 light, 2 dark; OR = (2 x 2) / (1 x 1) = 4.
  EXPECT_EQ(v.rows[1].light, 2);
  EXPECT_EQ(v.rows[1].dark, 1);
  EXPECT_DOUBLE_EQ(v.rows[1].odds.ratio, 4);
  EXPECT_NEAR(v.rows[1].share_light, 2.0 / 3, 1e-12);
}
