// The register's HTTP server over a PostgreSQL register (a fresh database on the "postgres" CTest
// fixture's loopback server): reads, searches, token-protected writes, and the bounded load test.
#include <gtest/gtest.h>
#include <httplib.h>
#include <unistd.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <thread>

#include "../../postgres/test_database.hpp"
#include "harness.hpp"
#include "scrutineer/server/server.hpp"

namespace scrutineer::server {

using nlohmann::json;

namespace {
const char* kPredpol = R"({"slug": "predpol-x", "tier1": {"name": "PredPol X",
  "description": "Daily hotspot boxes."}})";
const char* kMatrix = R"({"slug": "gangs-matrix", "tier1": {"name": "Gangs Matrix",
  "description": "People scored for gang violence."}})";

class PostgresServerTest : public testing::Test {
 protected:
  void SetUp() override {
    const std::string server = test_postgres::server_conninfo();
    if (server.empty()) GTEST_SKIP() << test_postgres::kNoServer;
    const auto* info = testing::UnitTest::GetInstance()->current_test_info();
    db_ = std::make_unique<test_postgres::TestDatabase>(
        server, std::string(info->name()) + "_" + std::to_string(getpid()));
    ServerOptions o;
    o.port = 0;
    o.db = db_->conninfo();
    o.token = "s3cret-token";
    running_ = std::make_unique<RunningServer>(o);
    port_ = running_->port;
    client_ = running_->client.get();
  }
  void TearDown() override { running_.reset(); }  // closes the connections before the drop
  httplib::Headers auth() { return {{"Authorization", "Bearer s3cret-token"}}; }

  std::unique_ptr<test_postgres::TestDatabase> db_;
  std::unique_ptr<RunningServer> running_;
  int port_ = 0;
  httplib::Client* client_ = nullptr;
};
}  // namespace

TEST_F(PostgresServerTest, ListsSearchesShowsAndWritesWithTheToken) {
  auto r = client_->Post("/api/tools", kPredpol, "application/json");
  EXPECT_EQ(r->status, 401);
  r = client_->Post("/api/tools", auth(), kPredpol, "application/json");
  EXPECT_EQ(r->status, 201);
  r = client_->Post("/api/tools", auth(), kMatrix, "application/json");
  EXPECT_EQ(r->status, 201);
  r = client_->Post("/api/tools", auth(), kPredpol, "application/json");
  EXPECT_EQ(r->status, 200);  // same slug: updated
  r = client_->Post("/api/tools/predpol-x/audits", auth(),
                    R"({"kind": "backtest", "location": "a1", "summary": "hit rate 0.2"})",
                    "application/json");
  EXPECT_EQ(r->status, 201);
  r = client_->Post("/api/tools/nobody/audits", auth(),
                    R"({"kind": "k", "location": "l", "summary": "s"})", "application/json");
  EXPECT_EQ(r->status, 409);

  const auto all = json::parse(client_->Get("/api/tools")->body);
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0]["slug"], "gangs-matrix");  // ordered by slug
  EXPECT_EQ(all[1]["audits"], 1);
  const auto found = json::parse(client_->Get("/api/tools?search=HOTSPOT")->body);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0]["slug"], "predpol-x");
  r = client_->Get("/api/tools/predpol-x");
  ASSERT_EQ(r->status, 200);
  EXPECT_EQ(json::parse(r->body)["tier_1_information"]["name"], "PredPol X");
  EXPECT_EQ(json::parse(r->body)["audits"][0]["summary"], "hit rate 0.2");
  EXPECT_EQ(client_->Get("/api/tools/nobody")->status, 404);
}

// Finding 10: error bodies named the database, host, port and user with PostgreSQL's own text, and
// health said ok with the database gone. With the register's database dropped under the running
// server, health and a list answer 503 with a generic message and a reference for the log; no
// reply holds the host, the port, the user, the database's name or PostgreSQL's words.
TEST_F(PostgresServerTest, ErrorsNameNoDatabaseDetailsAndHealthSeesItGone) {
  ASSERT_EQ(client_->Get("/api/health")->status, 200);
  const std::string conninfo = db_->conninfo();
  const std::string name = db_->name();
  const auto port_at = conninfo.find("port=");
  ASSERT_NE(port_at, std::string::npos);
  const std::string port = conninfo.substr(port_at + 5, conninfo.find(' ', port_at) - port_at - 5);
  db_.reset();  // DROP DATABASE ... WITH (FORCE): the server's connections are ended
  for (const char* path : {"/api/health", "/api/health", "/api/tools", "/api/tools/predpol-x"}) {
    const auto r = client_->Get(path);
    ASSERT_TRUE(r) << path;
    EXPECT_EQ(r->status, 503) << path << ": " << r->body;
    const auto body = json::parse(r->body);
    EXPECT_TRUE(body.contains("reference")) << r->body;
    for (const std::string& leak : {std::string("127.0.0.1"), port, std::string("postgres"), name,
                                    std::string("does not exist"), std::string("FATAL")})
      EXPECT_EQ(r->body.find(leak), std::string::npos) << leak << " in " << r->body;
  }
}

// 10,000 requests from 2 keep-alive clients on loopback, every one must succeed; half read the
// register. The rate is printed, never asserted.
TEST_F(PostgresServerTest, TenThousandRequestsWithoutError) {
  client_->Post("/api/tools", auth(), kPredpol, "application/json");
  const auto load = loopback_load(port_, "/api/tools/predpol-x");
  EXPECT_EQ(load.failures, 0);
  std::printf("PostgreSQL register: 10000 requests in %.2f s (%.0f requests/s)\n", load.seconds,
              10000 / load.seconds);
}

}  // namespace scrutineer::server
