// The server's limits against a hostile or careless client (issue 19, findings 4 and 7 to 10):
// slow and idle connections, pipelined requests, many byte ranges, paging of /api/tools, size
// limits on writes, generic error bodies, a health check that reads the register, form-typed
// bodies, concurrent writes of one slug. Only 127.0.0.1 is contacted; every wait is bounded.
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <sqlite3.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "harness.hpp"
#include "scrutineer/io/atomic_file.hpp"
#include "scrutineer/registry/record.hpp"
#include "scrutineer/registry/store.hpp"
#include "scrutineer/server/server.hpp"

namespace scrutineer::server {

namespace fs = std::filesystem;
using nlohmann::json;
using std::chrono::milliseconds;

namespace {

std::string record_json(const std::string& slug, const std::string& description) {
  return json({{"slug", slug}, {"tier1", {{"name", "Tool " + slug}, {"description", description}}}})
      .dump();
}

class LimitsTest : public testing::Test {
 protected:
  void SetUp() override {
    const auto* info = testing::UnitTest::GetInstance()->current_test_info();
    dir_ = fs::temp_directory_path() /
           (std::string("scrutineer-limits-") + info->name() + "-" + std::to_string(getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "reports");
    for (int i = 0; i < 10000; ++i) file_ += fmt::format("{:09}\n", i);  // 100,000 bytes
    io::write_text_file(dir_ / "reports" / "big.txt", file_);
    options_.port = 0;
    options_.db = (dir_ / "r.sqlite").string();
    options_.reports_root = (dir_ / "reports").string();
    options_.token = "t0ken";
  }
  void start() {
    running_ = std::make_unique<RunningServer>(options_);
    port_ = running_->port;
    client_ = running_->client.get();
    client_->set_read_timeout(10, 0);
  }
  void TearDown() override {
    running_.reset();
    fs::remove_all(dir_);
  }
  httplib::Headers auth() const { return {{"Authorization", "Bearer t0ken"}}; }

  fs::path dir_;
  std::string file_;
  ServerOptions options_;
  std::unique_ptr<RunningServer> running_;
  int port_ = 0;
  httplib::Client* client_ = nullptr;
};

}  // namespace

// Finding 7: eight idle or slow connections blocked `serve` (one worker each, 8 workers). With 2
// workers, 40 idle connections and 20 that send half a request head, health is still answered;
// the half heads get 408 once the request timeout (1 s here) passes, and the idle connections are
// closed after the keep-alive timeout (1 s here). Waits are bounded at 5 s each.
TEST_F(LimitsTest, SlowAndIdleConnectionsDoNotBlockTheServer) {
  options_.workers = 2;
  options_.request_timeout = milliseconds(1000);
  options_.keep_alive_timeout = milliseconds(1000);
  start();
  std::vector<std::unique_ptr<RawConnection>> idle, slow;
  for (int i = 0; i < 40; ++i) idle.push_back(std::make_unique<RawConnection>(port_));
  for (int i = 0; i < 20; ++i) {
    slow.push_back(std::make_unique<RawConnection>(port_));
    ASSERT_TRUE(slow.back()->send("GET /api/health HTTP/1.1\r\nHost: x\r\n"));
  }
  httplib::Client probe("127.0.0.1", port_);
  probe.set_connection_timeout(5, 0);
  probe.set_read_timeout(5, 0);
  const auto health = probe.Get("/api/health");
  ASSERT_TRUE(health) << "health was not answered with 60 slow connections open";
  EXPECT_EQ(health->status, 200);
  for (auto& c : slow) {
    const auto reply = c->read(milliseconds(5000));
    EXPECT_EQ(reply.rfind("HTTP/1.1 408", 0), 0u) << reply;
    EXPECT_TRUE(c->closed());
  }
  for (auto& c : idle) {
    EXPECT_EQ(c->read(milliseconds(5000)), "");
    EXPECT_TRUE(c->closed());
  }
}

// Finding 10: of two pipelined requests only the first was answered. Three requests in one write
// get three replies, in order, the last closing the connection as it asked.
TEST_F(LimitsTest, PipelinedRequestsAreAllAnswered) {
  start();
  RawConnection c(port_);
  ASSERT_TRUE(
      c.send("GET /api/health HTTP/1.1\r\nHost: a\r\n\r\n"
             "GET /api/fields HTTP/1.1\r\nHost: a\r\n\r\n"
             "GET /api/health HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n"));
  const auto replies = c.read(milliseconds(5000));
  EXPECT_TRUE(c.closed());
  EXPECT_EQ(occurrences(replies, "HTTP/1.1 200 OK"), 3u) << replies;
  const auto fields = replies.find("\"tier_1_information.name\"");
  const auto second_health = replies.rfind("\"status\":\"ok\"");
  ASSERT_NE(fields, std::string::npos);
  EXPECT_LT(replies.find("\"status\":\"ok\""), fields);
  EXPECT_GT(second_health, fields);
}

// Finding 8: one request with 1,000 byte ranges got a reply of 1,000 copies of the file. Ranges
// are ignored: the reply is the whole file once (100,000 bytes), as it is for one range, and a
// JSON reply is never cut.
TEST_F(LimitsTest, ByteRangesNeverMultiplyTheReply) {
  start();
  std::string ranges = "bytes=0-";
  for (int i = 1; i < 1000; ++i) ranges += ",0-";
  auto r = client_->Get("/reports/big.txt", {{"Range", ranges}});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body.size(), 100000u);
  EXPECT_EQ(r->body, file_);
  r = client_->Get("/reports/big.txt", {{"Range", "bytes=10-19"}});
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, file_);
  r = client_->Get("/api/fields", {{"Range", "bytes=0-5"}});
  EXPECT_EQ(r->status, 200);
  EXPECT_TRUE(json::accept(r->body));
}

// Finding 9: /api/tools returned every record with every field. It now returns pages (default 50,
// at most 200) of summaries with the description cut to 300 characters; the total and the next
// page are in headers. Writes refuse a field over 64 KiB.
TEST_F(LimitsTest, ToolsArePagedAndWritesAreBounded) {
  start();
  {
    auto store = registry::open_store(options_.db);
    std::vector<registry::ToolRecord> records;
    for (int i = 1; i <= 250; ++i)
      records.push_back(registry::record_from_json(
          json::parse(record_json(fmt::format("tool-{:03}", i),
                                  i == 1 ? std::string(registry::kMaxFieldBytes, 'd') : "short")),
          "t"));
    store->upsert_all(records);
  }
  auto r = client_->Get("/api/tools");
  ASSERT_EQ(r->status, 200);
  auto page = json::parse(r->body);
  ASSERT_EQ(page.size(), 50u);
  EXPECT_EQ(r->get_header_value("X-Total-Count"), "250");
  EXPECT_EQ(r->get_header_value("Link"), "</api/tools?search=&limit=50&offset=50>; rel=\"next\"");
  EXPECT_EQ(page[0]["slug"], "tool-001");
  EXPECT_EQ(page[0]["description"].get<std::string>().size(), 300u);
  EXPECT_EQ(page[0]["description_cut"], true);
  // 50 summaries: one with a 300-character description, 49 with "short", each with about 100
  // bytes of keys and names; far below one 64 KiB description.
  EXPECT_LT(r->body.size(), 10000u);
  EXPECT_EQ(json::parse(client_->Get("/api/tools?limit=200")->body).size(), 200u);
  r = client_->Get("/api/tools?limit=20&offset=240");
  EXPECT_EQ(json::parse(r->body).size(), 10u);
  EXPECT_EQ(json::parse(r->body)[0]["slug"], "tool-241");
  // The last page: no next page; the previous one starts 20 before (240 - 20 = 220).
  EXPECT_EQ(r->get_header_value("Link"), "</api/tools?search=&limit=20&offset=220>; rel=\"prev\"");
  r = client_->Get("/api/tools?offset=30");  // a middle page: next at 80, previous at 0 (not -20)
  EXPECT_EQ(r->get_header_value("Link"),
            "</api/tools?search=&limit=50&offset=80>; rel=\"next\", "
            "</api/tools?search=&limit=50&offset=0>; rel=\"prev\"");
  EXPECT_EQ(json::parse(client_->Get("/api/tools?offset=250")->body).size(), 0u);
  EXPECT_EQ(json::parse(client_->Get("/api/tools?search=tool-25&limit=5")->body).size(), 1u);
  for (const char* bad : {"/api/tools?limit=201", "/api/tools?limit=0", "/api/tools?limit=x",
                          "/api/tools?offset=-1", "/api/tools?limit=5abc"})
    EXPECT_EQ(client_->Get(bad)->status, 400) << bad;
  r = client_->Post("/api/tools", auth(),
                    record_json("too-long", std::string(registry::kMaxFieldBytes + 1, 'd')),
                    "application/json");
  EXPECT_EQ(r->status, 400);
  EXPECT_NE(json::parse(r->body)["error"].get<std::string>().find("tier_1_information.description"),
            std::string::npos);
  r = client_->Post(
      "/api/tools/tool-001/audits", auth(),
      json({{"kind", "k"}, {"location", std::string(5000, 'l')}, {"summary", "s"}}).dump(),
      "application/json");
  EXPECT_EQ(r->status, 400);
}

// Finding 10: bodies with the form content type were cut at 8 KB (a constant of the packaged
// httplib) though the documented limit is 1 MiB. A 20,000-byte record sent as a form is read
// whole; a body over --max-body (1 MiB) answers 413.
TEST_F(LimitsTest, FormTypedBodiesHaveTheDocumentedLimit) {
  start();
  auto r = client_->Post("/api/tools", auth(), record_json("form", std::string(20000, 'f')),
                         "application/x-www-form-urlencoded");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 201) << r->body;
  r = client_->Post("/api/tools", auth(), std::string(options_.max_body + 1, ' '),
                    "application/x-www-form-urlencoded");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 413);
}

// Finding 10: error bodies carried the database's own text, and health said ok with the register
// gone. With the register's tables dropped under the running server, health answers 503 and a
// list answers 503 with a generic message and a reference, never the file or SQLite's text.
TEST_F(LimitsTest, HealthReadsTheRegisterAndErrorsAreGeneric) {
  start();
  ASSERT_EQ(client_->Get("/api/health")->status, 200);
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(options_.db.c_str(), &db), SQLITE_OK);
  sqlite3_busy_timeout(db, 5000);
  ASSERT_EQ(sqlite3_exec(db, "DROP TABLE audits; DROP TABLE tool_fields; DROP TABLE tools;",
                         nullptr, nullptr, nullptr),
            SQLITE_OK);
  sqlite3_close(db);
  auto r = client_->Get("/api/health");
  EXPECT_EQ(r->status, 503);
  EXPECT_EQ(json::parse(r->body)["status"], "unavailable");
  r = client_->Get("/api/tools");
  EXPECT_EQ(r->status, 503);
  const auto body = json::parse(r->body);
  EXPECT_EQ(body["error"], "the register cannot be reached");
  EXPECT_TRUE(body.contains("reference"));
  for (const std::string& leak :
       {options_.db, std::string("no such table"), std::string("r.sqlite"), std::string("tools")})
    EXPECT_EQ(r->body.find(leak), std::string::npos) << leak << " in " << r->body;
}

// Finding 4 through the server: concurrent add-or-update POSTs of the same slugs answered 409
// (insert after a stale "absent") and 500 "database is locked". Eight clients post the same 5
// records twice each: every reply is 200 or 201, and exactly 5 are 201 (each slug created once).
TEST_F(LimitsTest, ConcurrentWritesOfOneSlugAllSucceed) {
  start();
  std::atomic<int> created{0}, updated{0}, other{0};
  std::vector<std::thread> clients;
  for (int c = 0; c < 8; ++c)
    clients.emplace_back([&] {
      httplib::Client client("127.0.0.1", port_);
      client.set_read_timeout(30, 0);
      for (int round = 0; round < 2; ++round)
        for (int s = 0; s < 5; ++s) {
          const auto r =
              client.Post("/api/tools", auth(), record_json(fmt::format("shared-{}", s), "same"),
                          "application/json");
          if (r && r->status == 201)
            ++created;
          else if (r && r->status == 200)
            ++updated;
          else
            ++other;
        }
    });
  for (auto& t : clients) t.join();
  EXPECT_EQ(other.load(), 0);
  EXPECT_EQ(created.load(), 5);
  EXPECT_EQ(updated.load(), 8 * 2 * 5 - 5);
}

}  // namespace scrutineer::server
