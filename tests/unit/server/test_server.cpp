// The register's HTTP server on loopback: reads, authorised and unauthorised writes, malformed and
// oversized bodies, path traversal, and a bounded load test. Only 127.0.0.1 is ever contacted.
#include <gtest/gtest.h>
#include <httplib.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <thread>

#include "harness.hpp"
#include "scrutineer/io/atomic_file.hpp"
#include "scrutineer/server/server.hpp"

namespace scrutineer::server {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {
const char* kRecord = R"({"slug": "predpol-x", "tier1": {"name": "PredPol X",
  "description": "Daily hotspot boxes."}})";

class ServerTest : public testing::Test {
 protected:
  void SetUp() override {
    // One folder per test and process: ctest runs the tests of this fixture in parallel.
    const auto* info = testing::UnitTest::GetInstance()->current_test_info();
    dir_ = fs::temp_directory_path() /
           (std::string("scrutineer-server-") + info->name() + "-" + std::to_string(getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "reports" / "a1");
    io::write_text_file(dir_ / "reports" / "a1" / "report.html", "<html>audit</html>");
    io::write_text_file(dir_ / "secret.txt", "do not serve");
    ServerOptions o;
    o.port = 0;
    o.db = (dir_ / "r.sqlite").string();
    o.reports_root = (dir_ / "reports").string();
    o.token = "s3cret-token";
    o.max_body = 4096;
    running_ = std::make_unique<RunningServer>(o);
    port_ = running_->port;
    client_ = running_->client.get();
  }
  void TearDown() override {
    running_.reset();
    fs::remove_all(dir_);
  }
  httplib::Headers auth(const std::string& token = "s3cret-token") {
    return {{"Authorization", "Bearer " + token}};
  }
  fs::path dir_;
  std::unique_ptr<RunningServer> running_;
  int port_ = 0;
  httplib::Client* client_ = nullptr;
};
}  // namespace

TEST(ServerAuth, ConstantTimeEqual) {
  EXPECT_TRUE(constant_time_equal("abc", "abc"));
  EXPECT_FALSE(constant_time_equal("abc", "abd"));
  EXPECT_FALSE(constant_time_equal("abc", "abcd"));
  EXPECT_FALSE(constant_time_equal("", "x"));
}

TEST_F(ServerTest, WritesNeedTheToken) {
  auto r = client_->Post("/api/tools", kRecord, "application/json");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 401);
  EXPECT_EQ(json::parse(r->body)["status"], 401);
  r = client_->Post("/api/tools", auth("wrong"), kRecord, "application/json");
  EXPECT_EQ(r->status, 401);
  r = client_->Post("/api/tools", auth(), kRecord, "application/json");
  EXPECT_EQ(r->status, 201);
  r = client_->Post("/api/tools", auth(), kRecord, "application/json");
  EXPECT_EQ(r->status, 200);  // same slug: updated
  r = client_->Get("/api/tools/predpol-x");
  ASSERT_EQ(r->status, 200);
  EXPECT_EQ(r->get_header_value("Content-Type"), "application/json");
  EXPECT_EQ(json::parse(r->body)["tier_1_information"]["name"], "PredPol X");
  r = client_->Get("/api/tools?search=hotspot");
  EXPECT_EQ(json::parse(r->body).size(), 1u);
  r = client_->Post("/api/tools/predpol-x/audits", auth(),
                    R"({"kind": "backtest", "location": "a1", "summary": "hit rate 0.2"})",
                    "application/json");
  EXPECT_EQ(r->status, 201);
  EXPECT_EQ(json::parse(client_->Get("/api/tools")->body)[0]["audits"], 1);
}

TEST_F(ServerTest, BadInputsGetJsonErrors) {
  auto r = client_->Post("/api/tools", auth(), "{not json", "application/json");
  EXPECT_EQ(r->status, 400);
  EXPECT_TRUE(json::parse(r->body).contains("error"));
  r = client_->Post("/api/tools", auth(), R"({"slug": "x", "tier1": {"name": "n"}})",
                    "application/json");
  EXPECT_EQ(r->status, 400);  // description missing
  r = client_->Post("/api/tools", auth(), std::string(10000, ' '), "application/json");
  EXPECT_EQ(r->status, 413);
  r = client_->Get("/api/tools/nobody");
  EXPECT_EQ(r->status, 404);
  r = client_->Post("/api/tools/nobody/audits", auth(),
                    R"({"kind": "k", "location": "l", "summary": "s"})", "application/json");
  EXPECT_EQ(r->status, 409);
  r = client_->Post("/api/tools/x/audits", auth(), R"({"kind": ""})", "application/json");
  EXPECT_EQ(r->status, 400);
}

TEST_F(ServerTest, ServesReportsButNothingOutsideTheirRoot) {
  auto r = client_->Get("/reports/a1/report.html");
  ASSERT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "<html>audit</html>");
  EXPECT_EQ(r->get_header_value("Content-Type"), "text/html; charset=utf-8");
  for (const char* path :
       {"/reports/../secret.txt", "/reports/a1/../../secret.txt", "/reports/%2e%2e/secret.txt",
        "/reports//etc/passwd", "/reports/a1/%2e%2e/%2e%2e/secret.txt"}) {
    r = client_->Get(path);
    ASSERT_TRUE(r) << path;
    EXPECT_EQ(r->status, 404) << path;
    EXPECT_EQ(r->body.find("do not serve"), std::string::npos) << path;
  }
  r = client_->Get("/");  // no web page given: the API only (issue 18: no built-in page)
  EXPECT_EQ(r->status, 404);
  EXPECT_NE(r->body.find("API only"), std::string::npos);
}

// Bounded load on loopback: 10,000 requests from 2 clients; every one must succeed. The rate is
// printed, never asserted.
TEST_F(ServerTest, TenThousandRequestsWithoutError) {
  client_->Post("/api/tools", auth(), kRecord, "application/json");
  const auto load = loopback_load(port_, "/api/tools/predpol-x");
  EXPECT_EQ(load.failures, 0);
  std::printf("10000 requests in %.2f s (%.0f requests/s)\n", load.seconds, 10000 / load.seconds);
}

}  // namespace scrutineer::server
