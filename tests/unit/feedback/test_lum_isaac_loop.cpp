// Tests of Lum & Isaac's (2016) feedback loop on small hand-made bin records.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "scrutineer/core/error.hpp"
#include "scrutineer/core/parallel.hpp"
#include "scrutineer/core/random.hpp"
#include "scrutineer/feedback/lum_isaac_loop.hpp"
#include "scrutineer/forecast/lum_isaac.hpp"

namespace scrutineer::feedback {
namespace {

// 12 bins over 40 days; bin n has records on about n of every 24 days (seeded), so the
// intensities differ and the ranking is not all ties.
BinDays toy_data() {
  BinDays data;
  Rng rng(5, 0);
  for (int n = 0; n < 12; ++n) {
    std::vector<std::int64_t> days(40, 0);
    for (auto& d : days) d = rng.uniform() < (n + 1) / 24.0 ? 1 + rng.poisson(0.5) : 0;
    data.counts.push_back(days);
  }
  for (int k = 20; k < 40; ++k) data.dates.push_back("day " + std::to_string(k));
  return data;
}

LumIsaacLoopOptions toy_options() {
  LumIsaacLoopOptions o;
  o.window_days = 20;
  o.top_k = 3;
  o.replicates = 4;
  o.progress = false;
  return o;
}

TEST(LumIsaacLoop, PEqualToOneAddsEveryRecordPlusOne) {
  // Binomial(n + 1, 1) = n + 1 exactly: on the first day each flagged bin gains its own records
  // that day plus one, so added = Σ (c + 1) and the flagged bins then hold Σ (2c + 1).
  const BinDays data = toy_data();
  const auto o = toy_options();
  const auto run = lum_isaac_run(data, o, 1.0, 0);
  ASSERT_EQ(run.top.size(), 20u);
  ASSERT_EQ(run.top[0].size(), 3u);
  double expect_added = 0, expect_flagged = 0;
  for (int bin : run.top[0]) {
    const auto c = static_cast<double>(data.counts[static_cast<std::size_t>(bin - 1)][20]);
    expect_added += c + 1;
    expect_flagged += 2 * c + 1;
  }
  EXPECT_EQ(run.added[0], expect_added);
  EXPECT_EQ(run.flagged_records[0], expect_flagged);
}

TEST(LumIsaacLoop, PZeroIsThePlainRunWhateverTheSeed) {
  const BinDays data = toy_data();
  auto o = toy_options();
  o.p = 0;
  const auto result = run_lum_isaac_loop(data, o);
  for (const auto& run : result.runs) {
    EXPECT_EQ(run.top, result.plain.top);
    EXPECT_EQ(run.days_flagged, result.plain.days_flagged);
    for (double a : run.added) EXPECT_EQ(a, 0);
  }
  // Days flagged add up to top_k per day.
  int total = 0;
  for (int d : result.plain.days_flagged) total += d;
  EXPECT_EQ(total, 3 * 20);
}

TEST(LumIsaacLoop, SameSeedSameResultWhateverTheThreads) {
  const BinDays data = toy_data();
  auto o = toy_options();
  o.p = 0.5;
  LumIsaacLoopResult one, two;
  {
    ThreadLimit limit(1);
    one = run_lum_isaac_loop(data, o);
  }
  {
    ThreadLimit limit(2);
    two = run_lum_isaac_loop(data, o);
  }
  for (std::size_t r = 0; r < one.runs.size(); ++r) {
    EXPECT_EQ(one.runs[r].top, two.runs[r].top);
    EXPECT_EQ(one.runs[r].added, two.runs[r].added);
  }
  EXPECT_NE(one.runs[0].added, one.runs[1].added);  // replicates draw different streams
}

TEST(LumIsaacLoop, BadOptionsAreRejected) {
  const BinDays data = toy_data();
  auto o = toy_options();
  o.p = 1.5;
  EXPECT_THROW(run_lum_isaac_loop(data, o), ConfigError);
  o = toy_options();
  o.window_days = 40;  // no day left to predict
  EXPECT_THROW(lum_isaac_run(data, o, 0.2, 0), ConfigError);
}

TEST(LumIsaacLoop, ReadsBinDaysWithTheSharedOaklandReader) {
  // Prediction dates 2011-01-03 .. 2011-01-04 with a 2-day window: counted days are 01-01 .. 01-04.
  // Bin 2: two records on 01-01 (day 0), one on 01-04 (day 3); bin 3: one on 01-02 (day 1); the
  // 12/31/10 record is before the window, the NA bin is left out, bin 3 is the largest.
  const auto path = std::filesystem::temp_directory_path() / "scrutineer_oakland_reader.csv";
  std::ofstream(path) << "\"\",\"bin\",\"OCCURRED\",\"LAG\"\n"
                         "\"1\",2,01/01/11,  0\n\"2\",2,01/01/11,  0\n\"3\",3,01/02/11,  0\n"
                         "\"4\",NA,01/02/11,  0\n\"5\",2,01/04/11,  0\n\"6\",1,12/31/10,  0\n";
  const auto read = forecast::read_oakland_records(path.string());
  EXPECT_EQ(read.rows, 6);
  EXPECT_EQ(read.rows_na_bin, 1);
  EXPECT_EQ(read.max_bin, 3);
  const auto data = read_oakland_bin_days(path.string(), "2011-01-03", "2011-01-04", 2);
  using Row = std::vector<std::int64_t>;
  ASSERT_EQ(data.counts.size(), 3u);
  EXPECT_EQ(data.counts[0], (Row{0, 0, 0, 0}));
  EXPECT_EQ(data.counts[1], (Row{2, 0, 0, 1}));
  EXPECT_EQ(data.counts[2], (Row{0, 1, 0, 0}));
  EXPECT_EQ(data.dates, (std::vector<std::string>{"2011-01-03", "2011-01-04"}));
  std::ofstream(path) << "\"\",\"bin\",\"OCCURRED\",\"LAG\"\n\"1\",2,2011-01-01,  0\n";
  EXPECT_THROW(forecast::read_oakland_records(path.string()), InputError);
  std::filesystem::remove(path);
}

}  // namespace
}  // namespace scrutineer::feedback
