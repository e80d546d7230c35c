// End-to-end runs of `scrutineer scores` and `scrutineer claim`: exit codes and messages.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

namespace {

struct CliRun {
  int code = -1;
  std::string output;
};

CliRun run(const std::string& args) {
  const std::string command = std::string(SCRUTINEER_CLI) + " -q " + args + " 2>&1";
  CliRun r;
  FILE* pipe = popen(command.c_str(), "r");
  if (!pipe) return r;
  char buffer[4096];
  while (const std::size_t n = fread(buffer, 1, sizeof buffer, pipe)) r.output.append(buffer, n);
  const int status = pclose(pipe);
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

const std::string kTiny = std::string(SCRUTINEER_TEST_DATA) + "/scores/tiny.csv";

std::string temp_csv(const std::string& name, const std::string& text) {
  const auto path = std::filesystem::temp_directory_path() / name;
  std::ofstream(path) << text;
  return path.string();
}

TEST(ScoresCli, AuditsTheFixture) {
  const CliRun r = run("scores " + kTiny +
                       " --score score --outcome outcome --group group --threshold '>=5' "
                       "--bootstrap 50 --min-cell 0");
  ASSERT_EQ(r.code, 0) << r.output;
  EXPECT_NE(r.output.find("Disparities"), std::string::npos);
  EXPECT_NE(r.output.find("Chouldechova"), std::string::npos);
  EXPECT_EQ(r.output.find("Zed Example"), std::string::npos);
}

TEST(ScoresCli, ErrorsMapToExitCodes) {
  // A label other than 0/1: bad input data, 65, naming file, line and column.
  const auto bad = temp_csv("scrutineer_scores_bad.csv", "score,outcome,group\n3,2,a\n");
  CliRun r = run("scores " + bad + " --score score --outcome outcome --group group --threshold 5");
  EXPECT_EQ(r.code, 65) << r.output;
  EXPECT_NE(r.output.find("must hold 0 or 1"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find(":2"), std::string::npos) << r.output;
  // A missing column: a configuration error, 64.
  r = run("scores " + kTiny + " --score risk --group group --threshold 5");
  EXPECT_EQ(r.code, 64) << r.output;
  EXPECT_NE(r.output.find("no column 'risk'"), std::string::npos);
  // An identifier as a group without --keep: 64.
  r = run("scores " + kTiny + " --flag flag --group name");
  EXPECT_EQ(r.code, 64) << r.output;
  // A file that does not exist: 74.
  r = run("scores /nonexistent/x.csv --flag flag --group group");
  EXPECT_EQ(r.code, 74) << r.output;
  std::filesystem::remove(bad);
}

TEST(ScoresCli, BadInputIsExit65WithoutEchoingIt) {
  const std::string args = " --score score --outcome outcome --group group --threshold 5";
  // A Latin-1 byte in a group value (was exit 70 when the JSON was written): 65, file:line:col.
  const auto latin1 =
      temp_csv("scrutineer_scores_latin1.csv", "score,outcome,group\n3,1,a\n5,0,Caf\xe9\n");
  CliRun r = run("scores " + latin1 + args + " --format json");
  EXPECT_EQ(r.code, 65) << r.output;
  EXPECT_NE(r.output.find(latin1 + ":3:5:"), std::string::npos) << r.output;
  // A header and no rows (was exit 0 with empty tables): 65, "no rows".
  const auto empty = temp_csv("scrutineer_scores_header_only.csv", "score,outcome,group\n");
  r = run("scores " + empty + args);
  EXPECT_EQ(r.code, 65) << r.output;
  EXPECT_NE(r.output.find("no rows"), std::string::npos) << r.output;
  // A 10 MB score field and a terminal escape in a header: 65, and neither reaches the terminal.
  const auto big =
      temp_csv("scrutineer_scores_big.csv", "score,outcome,group,\x1b]0;owned\x07\n" +
                                                std::string(10'000'000, '9') + ",1,a,x\n");
  r = run("scores " + big + args);
  EXPECT_EQ(r.code, 65) << r.output.substr(0, 500);
  EXPECT_LT(r.output.size(), 1000u);
  r = run("scores " + big + " --score risk --group group --threshold 5");
  EXPECT_EQ(r.code, 64) << r.output.substr(0, 500);
  EXPECT_EQ(r.output.find('\x1b'), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("\\x1B]0;owned\\x07"), std::string::npos) << r.output;
  for (const auto& path : {latin1, empty, big}) std::filesystem::remove(path);
}

TEST(ScoresCli, Claim) {
  CliRun r = run("claim --accuracy 0.8 --prevalence 0.01 --population 100000 --format csv");
  ASSERT_EQ(r.code, 0) << r.output;
  // flagged 20,600, true positives 800, false positives 19,800 (see test_claim.cpp).
  EXPECT_NE(r.output.find(",20600,800,19800,"), std::string::npos) << r.output;
  r = run("claim --sensitivity 0.8 --prevalence 0.01");
  EXPECT_EQ(r.code, 64) << r.output;
}

}  // namespace
