// Tests of the Lum & Isaac run on a tiny hand-made file: windows, NA bins, the tie rule of the top
// bins, the intensities against a direct fit, and malformed rows.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>

#include "scrutineer/core/error.hpp"
#include "scrutineer/forecast/lum_isaac.hpp"

namespace scrutineer::forecast {
namespace {

std::string write_temp(const std::string& name, const std::string& text) {
  const auto path = std::filesystem::temp_directory_path() / ("scrutineer_models_" + name);
  std::ofstream(path) << text;
  return path.string();
}

TEST(LumIsaac, WindowTieRuleAndIntensities) {
  // D = 2011-01-11 with a 10-day window: days 2011-01-01 .. 2011-01-10 count (t = 0 .. 9).
  // Bin 1: 01/01 (t 0) and 01/03 (t 2); bin 3 the same; bin 2: 12/31/10 (before the window) and
  // 01/11 (the day D itself: after the window). Bin 4: NA row (dropped).
  const auto path = write_temp("li.csv",
                               "\"\",\"bin\",\"OCCURRED\",\"LAG\"\n"
                               "\"1\",1,01/01/11,  0\n\"2\",1,01/03/11,  0\n"
                               "\"3\",3,01/01/11,  0\n\"4\",3,01/03/11,  0\n"
                               "\"5\",2,12/31/10,  0\n\"6\",2,01/11/11,  0\n"
                               "\"7\",NA,01/05/11,  0\n");
  LumIsaacOptions o;
  o.crimes_csv = path;
  o.first_date = o.last_date = "2011-01-11";
  o.window_days = 10;
  o.top_k = 2;
  const auto r = run_lum_isaac(o);
  EXPECT_EQ(r.rows, 7);
  EXPECT_EQ(r.rows_na_bin, 1);
  ASSERT_EQ(r.intensity.size(), 3u);
  ASSERT_EQ(r.days.size(), 1u);
  EXPECT_EQ(r.days[0].events, 4);
  EXPECT_EQ(r.observed[1][0], 1);  // bin 2's record dated D
  // The same fit done directly: cells {0, 2}, {}, {0, 2}, T = 10, lambda at t = 10.
  const std::vector<std::vector<double>> cells = {{0, 2}, {}, {0, 2}};
  const auto fit = fit_sepp_grid(cells, 10, lum_isaac_em_options());
  const auto lambda = sepp_grid_intensity(fit, cells, 10);
  EXPECT_EQ(r.intensity[0][0], lambda[0]);
  EXPECT_EQ(r.intensity[1][0], 0.0);  // no event in the window: 0
  EXPECT_EQ(r.days[0].theta, fit.theta);
  // lambda = mu + theta w (e^(-10 w) + e^(-8 w)), with the fit's own numbers.
  EXPECT_NEAR(
      lambda[0],
      fit.mu[0] + fit.theta * fit.omega * (std::exp(-10 * fit.omega) + std::exp(-8 * fit.omega)),
      1e-15);
  // Bins 1 and 3 tie: predpol.py's reverse sort of (rate, bin) puts bin 3 first.
  EXPECT_EQ(r.days[0].top, (std::vector<int>{3, 1}));
}

TEST(LumIsaac, TwoDigitYearsAndMalformedRows) {
  // 69 -> 1969 (strptime %y), so a 12/31/69 record is far before any window and is never counted.
  LumIsaacOptions o;
  o.first_date = o.last_date = "2011-01-11";
  o.crimes_csv =
      write_temp("li2.csv", "\"\",\"bin\",\"OCCURRED\"\n\"1\",1,12/31/69\n\"2\",1,01/10/11\n");
  const auto r = run_lum_isaac(o);
  EXPECT_EQ(r.days[0].events, 1);
  o.crimes_csv = write_temp("li3.csv", "\"\",\"bin\",\"OCCURRED\"\n\"1\",1,2011-01-10\n");
  try {
    run_lum_isaac(o);
    FAIL();
  } catch (const InputError& e) {
    EXPECT_EQ(e.line(), 2);
    EXPECT_NE(std::string(e.what()).find("mm/dd/yy"), std::string::npos);
  }
  o.crimes_csv = write_temp("li4.csv", "\"\",\"bin\",\"OCCURRED\"\n\"1\",x,01/10/11\n");
  EXPECT_THROW(run_lum_isaac(o), InputError);
  o.crimes_csv = write_temp("li5.csv", "\"\",\"bin\",\"OCCURRED\"\n\"1\",1,02/30/11\n");
  EXPECT_THROW(run_lum_isaac(o), InputError);
  o.last_date = "2010-01-01";
  EXPECT_THROW(run_lum_isaac(o), ConfigError);
}

TEST(LumIsaac, WritesTheFourFiles) {
  LumIsaacOptions o;
  o.first_date = "2011-01-10";
  o.last_date = "2011-01-11";
  o.crimes_csv =
      write_temp("li6.csv", "\"\",\"bin\",\"OCCURRED\"\n\"1\",2,01/01/11\n\"2\",2,01/05/11\n");
  const auto r = run_lum_isaac(o);
  const auto dir = std::filesystem::temp_directory_path() / "scrutineer_models_li_out";
  write_lum_isaac(r, dir.string());
  std::ifstream in(dir / "oakland_intensities.csv");
  std::string header, row1, row2;
  std::getline(in, header);
  std::getline(in, row1);
  std::getline(in, row2);
  EXPECT_EQ(header, "bin,2011-01-10,2011-01-11");
  EXPECT_EQ(row1, "1,0,0");
  EXPECT_EQ(row2.substr(0, 2), "2,");
  for (const char* f : {"oakland_params.csv", "oakland_top.csv", "oakland_observed.csv"})
    EXPECT_TRUE(std::filesystem::exists(dir / f)) << f;
}

}  // namespace
}  // namespace scrutineer::forecast
