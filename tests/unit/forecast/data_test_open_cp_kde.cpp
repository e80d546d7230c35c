// open_cp's single KDE prediction (examples/open_cp_kde/run.sh) on the Chicago South Side: the
// surface layout, and the issue's published comparison: the centre rule's top 5% of cells share
// 109 of 126 with open_cp's 5 x 5 lattice (top 1%: 19 of 25), which cell_risk=lattice must give.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>

namespace {

namespace fs = std::filesystem;

// Cells ranked 1..k in a surface CSV (cell,ix,iy,x,y,risk,rank).
std::set<std::string> top(const fs::path& csv, int k, int* rows) {
  std::ifstream in(csv);
  std::string line;
  std::getline(in, line);
  EXPECT_EQ(line, "cell,ix,iy,x,y,risk,rank");
  std::set<std::string> out;
  *rows = 0;
  while (std::getline(in, line)) {
    ++*rows;
    std::stringstream f(line);
    std::string cell, rank;
    std::getline(f, cell, ',');
    for (int i = 0; i < 6; ++i) std::getline(f, rank, ',');
    const int r = std::stoi(rank);
    if (r >= 1 && r <= k) out.insert(cell);
  }
  return out;
}

int shared(const std::set<std::string>& a, const std::set<std::string>& b) {
  int n = 0;
  for (const auto& c : a) n += static_cast<int>(b.count(c));
  return n;
}

TEST(OpenCpKde, LatticeSurfaceAndTheIssuesOverlapWithTheCentreRule) {
  const fs::path data = std::string(SCRUTINEER_SHARED_DATA) + "/chicago";
  if (!fs::exists(data / "aggravated_assaults_2010_2019.csv"))
    GTEST_SKIP() << "aggravated_assaults_2010_2019.csv absent: ../shared/data/chicago";
  const fs::path root = fs::path(SCRUTINEER_TEST_DATA).parent_path().parent_path();
  const auto out = fs::temp_directory_path() / "scrutineer-test-open-cp-kde";
  fs::remove_all(out);
  const auto script = root / "examples" / "open_cp_kde" / "run.sh";
  const auto run = [&](const std::string& sed, const fs::path& dir) {
    // The example as written, or with its cell rule replaced (the centre rule for comparison).
    const std::string command =
        (sed.empty() ? "sh '" + script.string() + "'"
                     : "sed '" + sed + "' '" + script.string() + "' | sh -s --") +
        " '" + SCRUTINEER_CLI + "' '" + data.string() + "' '" + dir.string() + "' > /dev/null";
    ASSERT_EQ(std::system(command.c_str()), 0) << command;
  };
  run("", out / "lattice");
  run("s/cell_risk=lattice,samples=5/cell_risk=centre/", out / "centre");
  int rows = 0, rows_centre = 0;
  const auto lattice5 = top(out / "lattice" / "kde_surface.csv", 126, &rows);
  const auto centre5 = top(out / "centre" / "kde_surface.csv", 126, &rows_centre);
  EXPECT_EQ(rows, rows_centre);
  ASSERT_EQ(lattice5.size(), 126u);  // 5% of the 2,536 valid cells
  EXPECT_EQ(shared(lattice5, centre5), 109);
  const auto lattice1 = top(out / "lattice" / "kde_surface.csv", 25, &rows);
  const auto centre1 = top(out / "centre" / "kde_surface.csv", 25, &rows);
  EXPECT_EQ(shared(lattice1, centre1), 19);
  fs::remove_all(out);
}

}  // namespace
