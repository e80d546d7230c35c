// `scrutineer register link --results DIR` records the same evidence as the library function that
// the server's POST /api/tools/SLUG/audits calls (recipe::audit_evidence; tests/unit/server/
// test_challenges.cpp checks the server against it): one answer through both doors.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "scrutineer/io/atomic_file.hpp"
#include "scrutineer/recipe/evidence.hpp"
#include "scrutineer/registry/store.hpp"

namespace {

namespace fs = std::filesystem;
using nlohmann::json;

int run(const std::string& args) {
  const int status =
      std::system((std::string(SCRUTINEER_CLI) + " -q " + args + " >/dev/null 2>&1").c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

TEST(RegisterLink, CliRecordsTheLibrarysEvidence) {
  const auto dir = fs::temp_directory_path() / ("scrutineer-link-" + std::to_string(getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir / "results" / "disparity");
  scrutineer::io::write_text_file(
      dir / "results" / "run.json",
      json{
          {"engine", {{"version", "9.9.9"}, {"git_describe", "v9.9.9-1-gabc"}}},
          {"finished_utc", "2026-10-01T08:00:00Z"},
          {"recipe", {{"file", "/home/a/r.toml"}, {"text", "[data]\n"}}},
          {"inputs", {{{"path", "/home/a/e.csv"}, {"bytes", 3}, {"sha256", std::string(64, 'c')}}}}}
          .dump());
  scrutineer::io::write_text_file(
      dir / "results" / "disparity" / "disparity.json",
      json{{"groups",
            {{{"group", "black"},
              {"disparity_ratio", 2.5},
              {"disparity_ratio_ci", {{"estimate", 2.5}, {"lo", 2.0}, {"hi", 3.0}}}}}}}
          .dump());
  scrutineer::io::write_text_file(
      dir / "tool.json",
      R"({"atrs_version": "3.0", "slug": "t", "tier_1_information": {"name": "T", "description": "D"}})");
  const auto db = (dir / "r.sqlite").string();
  ASSERT_EQ(run("register --db " + db + " add " + (dir / "tool.json").string()), 0);
  ASSERT_EQ(run("register --db " + db + " link t --kind disparity --results " +
                (dir / "results").string()),
            0);
  const auto expected = scrutineer::recipe::audit_evidence(dir / "results");
  const auto r = scrutineer::registry::open_store(db)->get("t");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->audits.size(), 1u);
  const auto& a = r->audits[0];
  EXPECT_EQ(json::parse(a.evidence), expected);
  EXPECT_EQ(a.engine_version, "9.9.9 (v9.9.9-1-gabc)");
  EXPECT_EQ(a.run_at, "2026-10-01T08:00:00Z");
  EXPECT_EQ(a.summary, scrutineer::recipe::headline_summary(expected));
  EXPECT_EQ(a.summary, "black disparity ratio 2.5 [2, 3]");
  // Without --results, --location and --summary are both needed.
  EXPECT_NE(run("register --db " + db + " link t --kind report --location x"), 0);
  fs::remove_all(dir);
}

}  // namespace
