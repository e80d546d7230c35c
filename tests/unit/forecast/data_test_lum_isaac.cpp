// Lum & Isaac's Oakland run on the shared data: the per-bin daily counts must equal the authors'
// predpol_drug_observed.csv, the refits must behave as their EM does, and the as-coded E-step must
// give what an independent NumPy rewrite of predpol.py gives (and the authors' file, where
// present).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "scrutineer/forecast/lum_isaac.hpp"
#include "scrutineer/io/csv.hpp"

namespace scrutineer::forecast {
namespace {

const std::string kDir = std::string(SCRUTINEER_SHARED_DATA) + "/oakland-drug-crimes/";
const std::filesystem::path kExample =
    std::filesystem::path(SCRUTINEER_TEST_DATA).parent_path().parent_path() / "examples" /
    "lum_isaac";

// A bin x date table (first column the bin, header the dates) as [row][column - 1].
std::vector<std::vector<double>> read_table(const std::string& path,
                                            std::vector<std::string>* header = nullptr) {
  io::CsvReader reader(path);
  if (header) *header = reader.header();
  std::vector<std::vector<double>> out;
  io::CsvRecord rec;
  while (reader.next(rec)) {
    out.emplace_back();
    for (std::size_t k = 1; k < rec.size(); ++k)
      out.back().push_back(std::stod(std::string(rec[k])));
  }
  return out;
}

double max_difference(const std::vector<std::vector<double>>& a,
                      const std::vector<std::vector<double>>& b) {
  EXPECT_EQ(a.size(), b.size());
  double worst = 0;
  for (std::size_t n = 0; n < std::min(a.size(), b.size()); ++n) {
    EXPECT_EQ(a[n].size(), b[n].size()) << n;
    for (std::size_t k = 0; k < std::min(a[n].size(), b[n].size()); ++k)
      worst = std::max(worst, std::abs(a[n][k] - b[n][k]));
  }
  return worst;
}

LumIsaacResult as_coded_run() {
  LumIsaacOptions o;
  o.crimes_csv = kDir + "drug_crimes_with_bins.csv";
  o.em.e_step = SeppGridEStep::kAsCoded;
  return run_lum_isaac(o);
}

std::string temp_dir(const std::string& name) {
  const auto dir = std::filesystem::temp_directory_path() / ("scrutineer-test-" + name);
  std::filesystem::remove_all(dir);
  return dir.string();
}

TEST(LumIsaacData, DailyCountsEqualTheAuthorsObservedFile) {
  const auto crimes = kDir + "drug_crimes_with_bins.csv",
             observed = kDir + "predpol_drug_observed.csv";
  if (!std::filesystem::exists(crimes) || !std::filesystem::exists(observed))
    GTEST_SKIP() << "drug_crimes_with_bins.csv absent: see ../shared/data/oakland-drug-crimes";
  LumIsaacOptions o;
  o.crimes_csv = crimes;
  const auto r = run_lum_isaac(o);
  // PROVENANCE.md: 11,545 records, 28 with bin NA, 661 bins, 368 dates, 2,323 records in total.
  EXPECT_EQ(r.rows, 11545);
  EXPECT_EQ(r.rows_na_bin, 28);
  ASSERT_EQ(r.observed.size(), 661u);
  ASSERT_EQ(r.days.size(), 368u);
  io::CsvReader reader(observed);
  ASSERT_EQ(reader.header().size(), 369u);
  for (std::size_t k = 0; k < r.days.size(); ++k) EXPECT_EQ(reader.header()[k + 1], r.days[k].date);
  io::CsvRecord rec;
  std::int64_t total = 0, mismatches = 0;
  for (std::size_t n = 0; reader.next(rec); ++n) {
    ASSERT_LT(n, 661u);
    EXPECT_EQ(std::stoll(std::string(rec[0])), static_cast<long long>(n + 1));
    for (std::size_t k = 0; k < r.days.size(); ++k) {
      const auto theirs = std::stoll(std::string(rec[k + 1]));
      total += theirs;
      if (theirs != r.observed[n][k]) ++mismatches;
    }
  }
  EXPECT_EQ(total, 2323);
  EXPECT_EQ(mismatches, 0);
  // Sanity of the fits: their EM starts at theta = omega = 1 and stops on the first small change;
  // every day must end with finite positive parameters and 20 flagged bins.
  for (const auto& d : r.days) {
    EXPECT_GT(d.omega, 0) << d.date;
    EXPECT_GT(d.theta, 0) << d.date;
    EXPECT_TRUE(d.converged) << d.date;
    EXPECT_EQ(d.top.size(), 20u) << d.date;
  }
}

TEST(LumIsaacData, AsCodedEqualsAnIndependentNumpyRewriteOfPredpol) {
  if (!std::filesystem::exists(kDir + "drug_crimes_with_bins.csv"))
    GTEST_SKIP() << "drug_crimes_with_bins.csv absent: see ../shared/data/oakland-drug-crimes";
  if (std::system("/usr/bin/python3 -c 'import numpy' > /dev/null 2>&1") != 0)
    GTEST_SKIP() << "/usr/bin/python3 with numpy absent (Debian's python3-numpy)";
  const auto out = temp_dir("predpol-check");
  const std::string command = "/usr/bin/python3 '" + (kExample / "predpol_check.py").string() +
                              "' '" + kDir + "drug_crimes_with_bins.csv' '" + out + "'";
  ASSERT_EQ(std::system(command.c_str()), 0) << command;
  const auto r = as_coded_run();
  // Their matrices sum in another order than the O(N) forward sums: agreement to rounding.
  EXPECT_LT(max_difference(read_table(out + "/intensities.csv"), r.intensity), 1e-12);
  const auto params = read_table(out + "/params.csv");  // date is column 0: theta, omega, iters
  ASSERT_EQ(params.size(), r.days.size());
  for (std::size_t k = 0; k < r.days.size(); ++k) {
    EXPECT_NEAR(params[k][0], r.days[k].theta, 1e-12 * r.days[k].theta) << r.days[k].date;
    EXPECT_NEAR(params[k][1], r.days[k].omega, 1e-12 * r.days[k].omega) << r.days[k].date;
    EXPECT_EQ(params[k][2], r.days[k].iterations) << r.days[k].date;
  }
}

TEST(LumIsaacData, RunShGivesTheLibraryResultAndTheAuthorsFile) {
  if (!std::filesystem::exists(kDir + "drug_crimes_with_bins.csv"))
    GTEST_SKIP() << "drug_crimes_with_bins.csv absent: see ../shared/data/oakland-drug-crimes";
  const auto out = temp_dir("lum-isaac-run");
  const std::string command = "'" + (kExample / "run.sh").string() + "' '" + SCRUTINEER_CLI +
                              "' '" + kDir + "' '" + out + "' > /dev/null";
  ASSERT_EQ(std::system(command.c_str()), 0) << command;
  // The command and the library function give the same numbers (written with 17 digits).
  const auto cli = read_table(out + "/oakland_intensities.csv");
  EXPECT_EQ(max_difference(cli, as_coded_run().intensity), 0.0);
  // The authors' committed predpol_drug_predictions.csv is kept out of the shared data as an
  // acceptance check; where it is present (beside the records or named by
  // SCRUTINEER_PREDPOL_PREDICTIONS), every bin on every one of the 368 days must agree to 1e-4.
  std::string theirs = kDir + "predpol_drug_predictions.csv";
  if (const char* env = std::getenv("SCRUTINEER_PREDPOL_PREDICTIONS")) theirs = env;
  if (!std::filesystem::exists(theirs))
    GTEST_SKIP() << "the authors' predpol_drug_predictions.csv is absent (" << theirs << ")";
  std::vector<std::string> their_dates, our_dates;
  const auto authors = read_table(theirs, &their_dates);
  (void)read_table(out + "/oakland_intensities.csv", &our_dates);
  EXPECT_EQ(their_dates, our_dates);
  EXPECT_LE(max_difference(authors, cli), 1e-4);
}

}  // namespace
}  // namespace scrutineer::forecast
