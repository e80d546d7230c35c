// `scrutineer backtest` end to end: outputs written, and error paths mapped to exit codes.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

namespace {

namespace fs = std::filesystem;

struct Run {
  int code;
  std::string output;
};

// A folder of this test's own: ctest runs the tests of this file in parallel.
fs::path scratch() {
  const auto* info = testing::UnitTest::GetInstance()->current_test_info();
  return fs::temp_directory_path() /
         (std::string("scrutineer_cli_backtest_") + info->name() + "_" + std::to_string(getpid()));
}

Run run(const std::string& args) {
  fs::create_directories(scratch());
  const fs::path log = scratch() / "run.log";
  const std::string command = std::string("'") + SCRUTINEER_CLI + "' -q backtest " + args + " > '" +
                              log.string() + "' 2>&1";
  const int status = std::system(command.c_str());
  std::ifstream in(log);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, text};
}

// 40 days of events in a 1 km square (UTM 16N metres given as x/y), a hot corner every day.
fs::path write_events(const std::string& name, bool month_only) {
  const fs::path dir = scratch();
  fs::create_directories(dir);
  const fs::path path = dir / name;
  std::ofstream out(path);
  out << "when,x,y\n";
  for (int d = 1; d <= 28; ++d)
    for (int k = 0; k < 4; ++k) {
      const double x = 445000 + (k == 0 ? 10 : 100 * k + 7 * d % 90);
      const double y = 4640000 + (k == 0 ? 10 : 230 * k + 13 * d % 70);
      if (month_only)
        out << "2016-0" << (1 + d % 3) << "," << x << "," << y << "\n";
      else
        out << "2016-02-" << (d < 10 ? "0" : "") << d << " 12:00," << x << "," << y << "\n";
    }
  return path;
}

std::string common(const fs::path& events) {
  return "'" + events.string() +
         "' --time when --x x --y y --source-crs EPSG:32616 --crs EPSG:32616 --time-zone UTC "
         "--cell-size 100 --bootstrap 50 ";
}

TEST(BacktestCli, WritesOutputsAndTable) {
  const auto events = write_events("daily.csv", false);
  const fs::path out = scratch() / "out";
  fs::remove_all(out);
  const auto r = run(common(events) + "--model retro --from 2016-02-10 --to 2016-02-20 --out '" +
                     out.string() + "'");
  ASSERT_EQ(r.code, 0) << r.output;
  for (const char* f :
       {"periods.csv", "summary.json", "flagged.csv", "hit_counts.csv", "coverage.svg"})
    EXPECT_TRUE(fs::exists(out / f)) << f;
  EXPECT_NE(r.output.find("10 periods"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("best baseline"), std::string::npos) << r.output;
}

TEST(BacktestCli, BadOptionsExit64) {
  const auto events = write_events("daily.csv", false);
  auto r = run(common(events) + "--model naive --from 2016-02-10 --to 2016-02-20 --operating lots");
  EXPECT_EQ(r.code, 64) << r.output;
  EXPECT_NE(r.output.find("--operating"), std::string::npos) << r.output;
  r = run(common(events) + "--model oracle --from 2016-02-10 --to 2016-02-20");
  EXPECT_EQ(r.code, 64) << r.output;
  EXPECT_NE(r.output.find("unknown model"), std::string::npos) << r.output;
}

TEST(BacktestCli, MonthDataRefuseDailyPeriods) {
  const auto events = write_events("monthly.csv", true);
  const auto r =
      run(common(events) + "--time-format %Y-%m --model naive --from 2016-02-01 --to 2016-03-01");
  EXPECT_EQ(r.code, 64) << r.output;
  EXPECT_NE(r.output.find("month"), std::string::npos) << r.output;
}

}  // namespace
