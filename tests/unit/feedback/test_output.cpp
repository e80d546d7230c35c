// Tests of the feedback outputs (CSV, JSON, SVG) and of the command's exit codes.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "scrutineer/feedback/output.hpp"

namespace scrutineer::feedback {
namespace {

UrnOptions small_urn() {
  UrnOptions o;
  o.prior = {1, 1};
  o.discovery_rate = {0.6, 0.3};
  o.report_rate = {0.3, 0.15};
  o.days = 100;
  o.replicates = 10;
  o.record_every = 10;
  o.progress = false;
  return o;
}

TEST(FeedbackOutput, UrnCsvHasOneRowPerRecordedDayAndRegion) {
  const auto o = small_urn();
  const auto r = run_urn(o);
  const auto csv = urn_series_csv(r);
  // Days 0, 10, ..., 100 = 11 points × 2 regions + the header.
  EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), 23);
  const auto json = nlohmann::json::parse(urn_summary_json(r, o));
  // The limit is the quadratic's root (−0.5 + √4.25) / 2 (see test_urn.cpp).
  EXPECT_NEAR(json["limit_share_region_1"].get<double>(), (-0.5 + std::sqrt(4.25)) / 2, 1e-12);
  EXPECT_EQ(json["options"]["replicates"].get<int>(), 10);
}

TEST(FeedbackOutput, FilesAreWritten) {
  const auto folder = std::filesystem::temp_directory_path() / "scrutineer_feedback_output_test";
  std::filesystem::remove_all(folder);
  const auto o = small_urn();
  const auto paths = write_urn_outputs(run_urn(o), o, folder);
  ASSERT_EQ(paths.size(), 3u);
  for (const auto& p : paths) EXPECT_GT(std::filesystem::file_size(p), 0u) << p;
  std::filesystem::remove_all(folder);
}

TEST(FeedbackCommand, BadOptionsExitWith64) {
  const std::string cli = SCRUTINEER_CLI;
  // A Bernoulli rate above 1 is a configuration error (sysexits EX_USAGE = 64).
  const int status = std::system((cli + " -q feedback urn --rates 2,0.1 -o /tmp/sc_fb_bad "
                                        "> /dev/null 2>&1")
                                     .c_str());
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 64);
}

}  // namespace
}  // namespace scrutineer::feedback
