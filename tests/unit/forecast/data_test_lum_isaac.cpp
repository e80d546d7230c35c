// Lum & Isaac's Oakland run on the shared data: the per-bin daily counts must equal the authors'
// predpol_drug_observed.csv, and the refits must behave as their EM does.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "scrutineer/forecast/lum_isaac.hpp"
#include "scrutineer/io/csv.hpp"

namespace scrutineer::forecast {
namespace {

const std::string kDir = std::string(SCRUTINEER_SHARED_DATA) + "/oakland-drug-crimes/";

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

}  // namespace
}  // namespace scrutineer::forecast
