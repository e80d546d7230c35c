// End-to-end checks of `scrutineer models` and `scrutineer lum-isaac` through the built executable:
// output and exit codes (64 bad option, 65 bad data, 74 unreadable file).
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

namespace {

struct Run {
  int code;
  std::string out;
};

Run run(const std::string& args) {
  const std::string cmd = std::string(SCRUTINEER_CLI) + " -q " + args + " 2>&1";
  Run r{-1, ""};
  FILE* pipe = popen(cmd.c_str(), "r");
  if (pipe == nullptr) return r;
  std::array<char, 4096> buf{};
  while (fgets(buf.data(), static_cast<int>(buf.size()), pipe) != nullptr) r.out += buf.data();
  const int status = pclose(pipe);
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

TEST(CliForecast, ModelsListsEveryModelWithDefaults) {
  const auto r = run("models");
  EXPECT_EQ(r.code, 0) << r.out;
  for (const char* s : {"naive", "random", "retro", "prohotspot", "sepp-grid", "kde",
                        "space_bandwidth=8", "bandwidth=200", "Bowers, Johnson & Pease (2004)"})
    EXPECT_NE(r.out.find(s), std::string::npos) << s;
}

TEST(CliForecast, ModelsSayWhichNeedDailyTimes) {
  // Issue 17: month-only data (data.police.uk) cannot feed sepp-grid, sepp or kde's time kernel.
  const auto r = run("models");
  EXPECT_EQ(r.code, 0) << r.out;
  const auto needs = [&](const std::string& model) {
    const auto at = r.out.find(model + "\n");
    const auto line = r.out.find("  time needed: ", at);
    return r.out.substr(line + 15, r.out.find('\n', line) - line - 15);
  };
  EXPECT_EQ(needs("sepp-grid"), "days; minutes when time_unit is under a day");
  EXPECT_EQ(needs("sepp"), "days");
  EXPECT_EQ(needs("naive"), "any (month-only data are enough)");
  EXPECT_EQ(needs("kde").rfind("days with a time kernel", 0), 0u) << needs("kde");
}

TEST(CliForecast, LumIsaacExitCodes) {
  const auto dir = std::filesystem::temp_directory_path() / "scrutineer_models_cli";
  std::filesystem::create_directories(dir);
  EXPECT_EQ(
      run("lum-isaac --crimes " + (dir / "absent.csv").string() + " --out " + dir.string()).code,
      74);
  const auto bad = dir / "bad.csv";
  std::ofstream(bad) << "\"\",\"bin\",\"OCCURRED\"\n\"1\",1,2011-01-10\n";
  const auto r = run("lum-isaac --crimes " + bad.string() + " --out " + dir.string());
  EXPECT_EQ(r.code, 65);
  EXPECT_NE(r.out.find("bad.csv:2:7"), std::string::npos) << r.out;  // file:line:column
  EXPECT_EQ(
      run("lum-isaac --crimes " + bad.string() + " --out " + dir.string() + " --stop maybe").code,
      64);
  const auto e_step =
      run("lum-isaac --crimes " + bad.string() + " --out " + dir.string() + " --e-step numpy");
  EXPECT_EQ(e_step.code, 64);
  EXPECT_NE(e_step.out.find("--e-step must be exact or as-coded; got 'numpy'"), std::string::npos)
      << e_step.out;
  const auto good = dir / "good.csv";
  std::ofstream(good) << "\"\",\"bin\",\"OCCURRED\"\n\"1\",2,01/01/11\n\"2\",2,01/05/11\n";
  const auto ok = run("lum-isaac --crimes " + good.string() + " --out " + dir.string() +
                      " --first 2011-01-10 --last 2011-01-11");
  EXPECT_EQ(ok.code, 0) << ok.out;
  EXPECT_TRUE(std::filesystem::exists(dir / "oakland_intensities.csv"));
}

}  // namespace
