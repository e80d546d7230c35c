// The sweep's results table on PostgreSQL (--table): the throwaway server of the "postgres" CTest
// fixture (tests/postgres/cluster.sh); skips with the reason when there is none.
#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "../../postgres/test_database.hpp"
#include "scrutineer/core/error.hpp"
#include "scrutineer/sweep/run.hpp"
#include "scrutineer/sweep/sweep.hpp"

namespace fs = std::filesystem;
using namespace scrutineer;
using namespace scrutineer::sweep;

namespace {

const fs::path kData = fs::path(SCRUTINEER_TEST_DATA) / "sweep";

std::string slurp(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

class SweepPostgres : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = test_postgres::server_conninfo();
    if (server_.empty()) GTEST_SKIP() << test_postgres::kNoServer;
    const auto* test = ::testing::UnitTest::GetInstance()->current_test_info();
    db_ = std::make_unique<test_postgres::TestDatabase>(server_,
                                                        std::string("sweep_") + test->name());
    folder_ = fs::temp_directory_path() /
              ("scrutineer_sweep_pg_" + std::to_string(::getpid()) + "_" + test->name());
    fs::remove_all(folder_);
    fs::create_directories(folder_);
  }
  void TearDown() override {
    if (!folder_.empty()) fs::remove_all(folder_);
  }
  std::string server_;
  std::unique_ptr<test_postgres::TestDatabase> db_;
  fs::path folder_;
};

}  // namespace

TEST_F(SweepPostgres, TableOnTheServerGivesTheSameSummaryAndRestarts) {
  const auto s = parse_sweep(kData / "sweep.toml");
  SweepOptions pg;
  pg.out = folder_ / "pg";
  pg.workers = 2;
  pg.table = db_->conninfo();
  const auto first = run_sweep(s, pg);
  EXPECT_EQ(first.ran, 6u);
  EXPECT_FALSE(fs::exists(pg.out / "sweep.db"));  // the rows are on the server
  const auto local = run_sweep(s, {folder_ / "local", 1, false, {}, {}});
  EXPECT_EQ(local.ran, 6u);
  EXPECT_EQ(slurp(pg.out / "summary.csv"), slurp(folder_ / "local" / "summary.csv"));
  EXPECT_EQ(slurp(pg.out / "summary.json"), slurp(folder_ / "local" / "summary.json"));
  // One row per task, keyed by the sweep folder: a second sweep in the same database is apart.
  EXPECT_EQ(ResultsTable(pg.table, pg.out).rows_json().size(), 6u);
  EXPECT_EQ(test_postgres::execute(db_->conninfo(),
                                   "SELECT count(*) FROM sweep_tasks WHERE status = 'done'"),
            "6");
  SweepOptions other = pg;
  other.out = folder_ / "other";
  EXPECT_EQ(ResultsTable(other.table, other.out).rows_json().size(), 0u);
  // Restart: nothing runs again; a task whose row says running runs again.
  test_postgres::execute(db_->conninfo(),
                         "UPDATE sweep_tasks SET status = 'running' WHERE idx = 4");
  const auto again = run_sweep(s, pg);
  EXPECT_EQ(again.ran, 1u);
  EXPECT_EQ(again.skipped_done, 5u);
  EXPECT_EQ(ResultsTable(pg.table, pg.out).rows_json().size(), 6u);
  const auto row = nlohmann::json::parse(ResultsTable(pg.table, pg.out).rows_json()[4]);
  EXPECT_EQ(row["status"], "done");
  EXPECT_GT(row["seconds"].get<double>(), 0.0);
}

TEST(SweepTable, ALocationThatIsNotAConnectionStringIsRefused) {
  try {
    ResultsTable table("results.db", fs::temp_directory_path());
    FAIL() << "no error";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("--table: expected a PostgreSQL connection string"),
              std::string::npos)
        << e.what();
  }
}
