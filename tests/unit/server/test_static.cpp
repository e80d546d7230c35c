// The server's web page: built assets with their content types and caching, the single-page app's
// fallback to index.html, no path traversal, the Content-Security-Policy, the field labels, and the
// audit results (report and files) that a record's audits point to. Only 127.0.0.1 is contacted.
#include <gtest/gtest.h>
#include <httplib.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <thread>

#include "scrutineer/io/atomic_file.hpp"
#include "scrutineer/server/server.hpp"

namespace scrutineer::server {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

class StaticTest : public testing::Test {
 protected:
  void SetUp() override {
    const auto* info = testing::UnitTest::GetInstance()->current_test_info();
    dir_ = fs::temp_directory_path() /
           (std::string("scrutineer-static-") + info->name() + "-" + std::to_string(getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "web" / "assets");
    fs::create_directories(dir_ / "reports" / "demo" / "backtest");
    io::write_text_file(dir_ / "web" / "index.html", "<!doctype html><title>page</title>");
    io::write_text_file(dir_ / "web" / "assets" / "index-AbC123.js", "console.log(1)");
    io::write_text_file(dir_ / "web" / "assets" / "index-AbC123.css", "body{}");
    io::write_text_file(dir_ / "reports" / "demo" / "report.html", "<html>audit</html>");
    io::write_text_file(dir_ / "reports" / "demo" / "backtest" / "summary.json", "{}");
    io::write_text_file(dir_ / "reports" / "demo" / "a b.csv", "x\n");
    io::write_text_file(dir_ / "secret.txt", "do not serve");
    options_.port = 0;
    options_.db = (dir_ / "r.sqlite").string();
    options_.reports_root = (dir_ / "reports").string();
    options_.web_root = (dir_ / "web").string();
    options_.token = "t0ken";
  }
  void start() {
    server_ = std::make_unique<Server>(options_);
    const int port = server_->bind();
    thread_ = std::thread([this] { server_->serve(); });
    client_ = std::make_unique<httplib::Client>("127.0.0.1", port);
    for (int i = 0; i < 100 && !client_->Get("/api/health"); ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  void TearDown() override {
    if (server_) {
      server_->stop();
      thread_.join();
    }
    fs::remove_all(dir_);
  }
  // Adds a tool and links one audit at `location`; returns the tool's JSON from the API.
  json tool_with_audit(const std::string& location) {
    const httplib::Headers auth = {{"Authorization", "Bearer t0ken"}};
    const std::string record = R"({"slug": "t1", "tier1": {"name": "T", "description": "D"}})";
    const int status = client_->Post("/api/tools", auth, record, "application/json")->status;
    EXPECT_TRUE(status == 201 || status == 200) << status;
    const json link = {{"kind", "report"}, {"location", location}, {"summary", "s"}};
    EXPECT_EQ(client_->Post("/api/tools/t1/audits", auth, link.dump(), "application/json")->status,
              201);
    return json::parse(client_->Get("/api/tools/t1")->body);
  }
  fs::path dir_;
  ServerOptions options_;
  std::unique_ptr<Server> server_;
  std::thread thread_;
  std::unique_ptr<httplib::Client> client_;
};

}  // namespace

TEST_F(StaticTest, HashedAssetsAreLongLivedAndIndexIsRevalidated) {
  start();
  auto r = client_->Get("/assets/index-AbC123.js");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->get_header_value("Content-Type"), "text/javascript; charset=utf-8");
  EXPECT_EQ(r->get_header_value("Cache-Control"), "public, max-age=31536000, immutable");
  EXPECT_EQ(client_->Get("/assets/index-AbC123.css")->get_header_value("Content-Type"),
            "text/css; charset=utf-8");
  r = client_->Get("/");
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "<!doctype html><title>page</title>");
  EXPECT_EQ(r->get_header_value("Content-Type"), "text/html; charset=utf-8");
  EXPECT_EQ(r->get_header_value("Cache-Control"), "no-cache");
  EXPECT_EQ(r->get_header_value("X-Content-Type-Options"), "nosniff");
  const std::string csp = r->get_header_value("Content-Security-Policy");
  EXPECT_NE(csp.find("script-src 'self';"), std::string::npos) << csp;
  EXPECT_EQ(csp.find("unsafe-inline"), std::string::npos) << csp;
}

TEST_F(StaticTest, PagePathsFallBackToIndexButFilesAndApiDoNot) {
  start();
  for (const char* path : {"/tools/t1", "/tools/t1/audits/3", "/anything"}) {
    const auto r = client_->Get(path);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200) << path;
    EXPECT_EQ(r->body, "<!doctype html><title>page</title>") << path;
  }
  // A missing asset, a file-like path and an unknown API path are 404 with a JSON body.
  for (const char* path : {"/assets/index-Gone.js", "/favicon.ico", "/api/nothing"}) {
    const auto r = client_->Get(path);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 404) << path;
    EXPECT_EQ(json::parse(r->body)["status"], 404) << path;
  }
}

TEST_F(StaticTest, NothingOutsideTheWebRoot) {
  start();
  for (const char* path : {"/../secret.txt", "/%2e%2e/secret.txt", "/assets/../../secret.txt",
                           "/assets/%2e%2e/%2e%2e/secret.txt"}) {
    const auto r = client_->Get(path);
    ASSERT_TRUE(r) << path;
    EXPECT_EQ(r->body.find("do not serve"), std::string::npos) << path;
  }
}

TEST_F(StaticTest, ReportsAreSandboxed) {
  start();
  const auto r = client_->Get("/reports/demo/report.html");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  const std::string csp = r->get_header_value("Content-Security-Policy");
  EXPECT_NE(csp.find("default-src 'none'"), std::string::npos) << csp;
  EXPECT_NE(csp.find("sandbox"), std::string::npos) << csp;
}

// Issue 18: without a built page there is no bare built-in list any more (whose links opened raw
// JSON); a server started for its API only says so at every page address, and the API works.
TEST_F(StaticTest, NoWebRootMeansApiOnlyWithNoBuiltInPage) {
  options_.web_root.clear();
  start();
  for (const char* path : {"/", "/builtin.js", "/tools/t1"}) {
    const auto page = client_->Get(path);
    ASSERT_TRUE(page) << path;
    EXPECT_EQ(page->status, 404) << path;
    EXPECT_NE(page->body.find("API only"), std::string::npos) << page->body;
  }
  EXPECT_EQ(client_->Get("/api/tools")->status, 200);
}

TEST_F(StaticTest, FieldsCarryTheStandardsLabelsInOrder) {
  start();
  const json fields = json::parse(client_->Get("/api/fields")->body);
  ASSERT_GE(fields.size(), 4u);
  // ATRS v3.0: 15 metadata and title attributes (0.1 to 0.15), then tier 1 opens with name,
  // description, website URL, contact email (1.1 to 1.4; template_table.md).
  EXPECT_EQ(fields[15], json({{"key", "tier_1_information.name"},
                              {"label", "Name"},
                              {"tier", 1},
                              {"required", true},
                              {"reference", "1.1"},
                              {"attribute", "name"},
                              {"category", "Tier 1 Information"},
                              {"type", "UTF-8 string"},
                              {"eu", false}}));
  EXPECT_EQ(fields[18]["key"], "tier_1_information.contact_email");
  EXPECT_EQ(fields[18]["label"], "Contact email");
  EXPECT_EQ(fields[0]["reference"], "0.1");
  EXPECT_EQ(fields[0]["type"], "integer");
  EXPECT_EQ(fields[64]["reference"], "2.5.2");
}

TEST_F(StaticTest, AuditFolderGivesItsReportAndFiles) {
  // A link in the results that points out of them is not listed (nor served: file_below).
  fs::create_symlink(dir_ / "secret.txt", dir_ / "reports" / "demo" / "link.txt");
  start();
  const json audit = tool_with_audit("demo")["audits"][0];
  EXPECT_EQ(audit["report_url"], "/reports/demo/report.html");
  // Sorted by path; the space is percent-encoded in the URL only.
  EXPECT_EQ(audit["files"], json::parse(R"([
    {"path": "a b.csv", "url": "/reports/demo/a%20b.csv"},
    {"path": "backtest/summary.json", "url": "/reports/demo/backtest/summary.json"},
    {"path": "report.html", "url": "/reports/demo/report.html"}])"));
  EXPECT_EQ(client_->Get("/reports/demo/a%20b.csv")->body, "x\n");
  EXPECT_EQ(client_->Get("/reports/demo/link.txt")->status, 404);
}

TEST_F(StaticTest, AbsoluteLocationInsideTheReportsRootIsServed) {
  start();
  const json audit =
      tool_with_audit((dir_ / "reports" / "demo" / "report.html").string())["audits"][0];
  EXPECT_EQ(audit["report_url"], "/reports/demo/report.html");
  EXPECT_EQ(audit["files"].size(), 1u);
}

TEST_F(StaticTest, LocationsOutsideTheReportsRootAreNotServed) {
  start();
  for (const std::string& location :
       {dir_.string(), std::string("../secret.txt"), std::string("https://example.org/audit")}) {
    const json tool = tool_with_audit(location);
    const json& audit = tool["audits"].back();
    EXPECT_FALSE(audit.contains("report_url")) << location;
    EXPECT_FALSE(audit.contains("files")) << location;
  }
}

}  // namespace scrutineer::server
