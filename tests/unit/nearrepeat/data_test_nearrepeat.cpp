// examples/nearrepeat/run.sh on Chicago residential burglary 2016 (../shared/data/
// chicago-burglary-nearrepeat), end to end through the scrutineer executable. Its observed counts
// are checked against the Near Repeat Calculator's own output for that run and against a
// brute-force count over all pairs written here.
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

namespace {

std::vector<std::string> split(const std::string& line) {
  std::vector<std::string> out(1);
  bool quoted = false;
  for (const char c : line) {
    if (c == '"')
      quoted = !quoted;
    else if (c == ',' && !quoted)
      out.emplace_back();
    else
      out.back() += c;
  }
  return out;
}

// NRC 1.3's "Observed frequencies distribution" for this run (Euclidean, 100 m x 3, 2 days x 2,
// 11,701 records): tobydavies/NearRepeat (MIT), notebooks/nrc_output/
// chicago_burglary_2016_NRverbose.csv, commit 385783880711844ef21dce2d0476f5cf548fffbe.
const std::map<std::pair<std::string, std::string>, long long> kNrcObserved = {
    {{"Same location", "0 to 2 days"}, 202},
    {{"Same location", "3 to 4 days"}, 51},
    {{"Same location", "More than 4 days"}, 1025},
    {{"1 to 100 m", "0 to 2 days"}, 189},
    {{"1 to 100 m", "3 to 4 days"}, 143},
    {{"1 to 100 m", "More than 4 days"}, 7762},
    {{"101 to 200 m", "0 to 2 days"}, 290},
    {{"101 to 200 m", "3 to 4 days"}, 343},
    {{"101 to 200 m", "More than 4 days"}, 23366},
    {{"201 to 300 m", "0 to 2 days"}, 456},
    {{"201 to 300 m", "3 to 4 days"}, 526},
    {{"201 to 300 m", "More than 4 days"}, 41305},
    {{"More than 300 m", "0 to 2 days"}, 577857},
    {{"More than 300 m", "3 to 4 days"}, 760260},
    {{"More than 300 m", "More than 4 days"}, 67037075},
};

}  // namespace

TEST(NearRepeatData, Chicago2016AsTheNrcRanIt) {
  const std::filesystem::path data = SCRUTINEER_SHARED_DATA;
  const auto csv = data / "chicago-burglary-nearrepeat" / "chicago_burglary_2014_2017.csv";
  if (!std::filesystem::exists(csv))
    GTEST_SKIP() << "chicago_burglary_2014_2017.csv absent: ../shared/data not present";
  const auto out = std::filesystem::temp_directory_path() /
                   ("scrutineer_nearrepeat_" + std::to_string(::getpid()));
  std::filesystem::remove_all(out);
  const std::filesystem::path script =
      std::filesystem::path(SCRUTINEER_TEST_DATA).parent_path().parent_path() / "examples" /
      "nearrepeat" / "run.sh";
  const std::string command = "'" + script.string() + "' '" + SCRUTINEER_CLI + "' '" +
                              data.string() + "' '" + out.string() + "' > /dev/null 2>&1";
  ASSERT_EQ(std::system(command.c_str()), 0) << command;

  std::map<std::pair<std::string, std::string>, long long> observed;
  {
    std::ifstream in(out / "knox.csv");
    std::string line;
    ASSERT_TRUE(std::getline(in, line));
    EXPECT_EQ(line,
              "space_band,time_band,observed,expected_mean,expected_median,knox_ratio,p_value,z");
    while (std::getline(in, line)) {
      const auto f = split(line);
      ASSERT_EQ(f.size(), 8u) << line;
      observed[{f[0], f[1]}] = std::stoll(f[2]);
      // 19 permutations: p is a multiple of 1/20
      const double p = std::stod(f[6]) * 20;
      EXPECT_NEAR(p, std::round(p), 1e-9) << line;
    }
  }
  // 1. The NRC's own counts, cell by cell.
  EXPECT_EQ(observed, kNrcObserved);

  // 2. An independent count over all pairs of the 2016 events, from the CSV read here.
  std::vector<double> x, y, t;
  {
    std::ifstream in(csv);
    std::string line;
    std::getline(in, line);
    while (std::getline(in, line)) {
      const auto f = split(line);
      ASSERT_EQ(f.size(), 3u);
      const int d = std::stoi(f[2].substr(0, 2)), m = std::stoi(f[2].substr(3, 2)),
                yr = std::stoi(f[2].substr(6, 4));
      if (yr != 2016) continue;
      const auto days = std::chrono::sys_days(std::chrono::year(yr) / m / d);
      x.push_back(std::stod(f[0]));
      y.push_back(std::stod(f[1]));
      t.push_back(static_cast<double>(days.time_since_epoch().count()));
    }
  }
  ASSERT_EQ(x.size(), 11701u);  // PROVENANCE.md: 11,701 events in 2016 (the NRC used 11,701)
  std::map<std::pair<int, int>, long long> brute;
  for (std::size_t i = 0; i < x.size(); ++i)
    for (std::size_t j = i + 1; j < x.size(); ++j) {
      // the NRC's coordinates are single precision (docs/nearrepeat.md)
      const double dx = static_cast<double>(static_cast<float>(x[i])) -
                        static_cast<double>(static_cast<float>(x[j]));
      const double dy = static_cast<double>(static_cast<float>(y[i])) -
                        static_cast<double>(static_cast<float>(y[j]));
      const double d2 = dx * dx + dy * dy;
      const double dt = std::abs(t[i] - t[j]);
      const int s = d2 == 0 ? 0 : d2 < 1e4 ? 1 : d2 < 4e4 ? 2 : d2 < 9e4 ? 3 : 4;
      const int c = dt < 2 ? 0 : dt < 4 ? 1 : 2;
      ++brute[{s, c}];
    }
  const std::vector<std::string> rows{"Same location", "1 to 100 m", "101 to 200 m", "201 to 300 m",
                                      "More than 300 m"};
  const std::vector<std::string> cols{"0 to 2 days", "3 to 4 days", "More than 4 days"};
  long long total = 0;
  for (int s = 0; s < 5; ++s)
    for (int c = 0; c < 3; ++c) {
      EXPECT_EQ((observed[{rows[s], cols[c]}]), (brute[{s, c}])) << rows[s] << " x " << cols[c];
      total += observed[{rows[s], cols[c]}];
    }
  EXPECT_EQ(total, 11701LL * 11700 / 2);

  std::ifstream summary(out / "summary.txt");
  std::stringstream text;
  text << summary.rdbuf();
  EXPECT_NE(text.str().find("11701 events"), std::string::npos) << text.str();
  EXPECT_TRUE(std::filesystem::exists(out / "knox.svg"));
  std::filesystem::remove_all(out);
}
