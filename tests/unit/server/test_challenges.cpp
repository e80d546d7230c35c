// The public register's newer routes on loopback (issue 18): questions and challenges (submitted
// without an account, published only once approved with the token, the contact never shown,
// rate-limited, size-limited, refused when malformed), the list's filters, audits linked as
// evidence from their results folders, and the comparison across forces. Only 127.0.0.1 is used.
#include <gtest/gtest.h>
#include <httplib.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>

#include "harness.hpp"
#include "scrutineer/io/atomic_file.hpp"
#include "scrutineer/recipe/evidence.hpp"
#include "scrutineer/registry/store.hpp"
#include "scrutineer/server/server.hpp"

namespace scrutineer::server {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {
class PublicTest : public testing::Test {
 protected:
  void SetUp() override {
    const auto* info = testing::UnitTest::GetInstance()->current_test_info();
    dir_ = fs::temp_directory_path() /
           (std::string("scrutineer-public-") + info->name() + "-" + std::to_string(getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "reports");
    options_.port = 0;
    options_.db = (dir_ / "r.sqlite").string();
    options_.reports_root = (dir_ / "reports").string();
    options_.token = "s3cret-token";
  }
  void start() {
    running_ = std::make_unique<RunningServer>(options_);
    client_ = running_->client.get();
  }
  void TearDown() override {
    running_.reset();
    fs::remove_all(dir_);
  }
  // A record in the ATRS v3.0 shape with an organisation, tags and phase.
  void add(const std::string& slug, const std::string& org, const std::string& tags,
           const std::string& phase) {
    auto store = registry::open_store(options_.db);
    store->add(registry::record_from_json(
        json{{"atrs_version", "3.0"},
             {"slug", slug},
             {"metadata", {{"tags", tags}}},
             {"tier_1_information", {{"name", "Tool " + slug}, {"description", "d"}}},
             {"owner_and_responsibility", {{"organisation_or_department", org}}},
             {"tool_specification", {{"phase", phase}}}},
        "t"));
  }
  httplib::Headers auth() { return {{"Authorization", "Bearer s3cret-token"}}; }
  httplib::Result submit(const json& body, const std::string& slug = "gvm") {
    return client_->Post("/api/tools/" + slug + "/challenges", body.dump(), "application/json");
  }
  static json question() {
    return {{"kind", "challenge"},
            {"decision", "I was put on the matrix in 2019."},
            {"question", "Why was I listed? Write to jo@example.org or 07700 900123."},
            {"contact", "jo@example.org"}};
  }
  std::vector<std::string> slugs(const std::string& path) {
    std::vector<std::string> out;
    for (const auto& t : json::parse(client_->Get(path)->body)) out.push_back(t["slug"]);
    return out;
  }

  fs::path dir_;
  ServerOptions options_;
  std::unique_ptr<RunningServer> running_;
  httplib::Client* client_ = nullptr;
};
}  // namespace

TEST_F(PublicTest, AChallengeIsPublishedOnlyOnceApprovedAndNeverWithItsContact) {
  add("gvm", "Metropolitan Police Service", "people-focused", "Retired");
  start();
  auto r = submit(question());
  ASSERT_EQ(r->status, 201) << r->body;
  const std::string ref = json::parse(r->body)["reference"];
  EXPECT_TRUE(std::regex_match(ref, std::regex("Q-[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}"))) << ref;
  EXPECT_EQ(json::parse(r->body)["status"], "received");
  // Not public yet: counted, not shown; its status page shows no content.
  auto list = json::parse(client_->Get("/api/tools/gvm/challenges")->body);
  EXPECT_EQ(list["counts"]["received"], 1);
  EXPECT_EQ(list["counts"]["answered"], 0);
  EXPECT_TRUE(list["published"].empty());
  auto status = json::parse(client_->Get("/api/challenges/" + ref)->body);
  EXPECT_EQ(status["status"], "received");
  EXPECT_FALSE(status.contains("question"));
  EXPECT_FALSE(status.contains("contact"));
  // Approval needs the token.
  const json approve = {{"status", "published"}, {"answer", "You were listed for ... (answer)."}};
  EXPECT_EQ(client_->Post("/api/challenges/" + ref, approve.dump(), "application/json")->status,
            401);
  EXPECT_EQ(client_->Get("/api/challenges")->status, 401);
  auto queue = json::parse(client_->Get("/api/challenges?status=received", auth())->body);
  ASSERT_EQ(queue.size(), 1u);
  EXPECT_EQ(queue[0]["contact"], "jo@example.org");  // the moderator sees it, to answer
  r = client_->Post("/api/challenges/" + ref, auth(), approve.dump(), "application/json");
  ASSERT_EQ(r->status, 200) << r->body;
  list = json::parse(client_->Get("/api/tools/gvm/challenges")->body);
  ASSERT_EQ(list["published"].size(), 1u);
  const auto published = list["published"][0];
  EXPECT_EQ(published["question"], "Why was I listed? Write to [removed] or [removed].");
  EXPECT_EQ(published["answer"], "You were listed for ... (answer).");
  EXPECT_FALSE(published.contains("contact"));
  EXPECT_EQ(list["counts"]["answered"], 1);
  EXPECT_EQ(list["counts"]["published"], 1);
  EXPECT_TRUE(list["counts"]["median_answer_days"].is_number());
  EXPECT_EQ(client_->Get("/api/tools/gvm/challenges")->body.find("jo@example.org"),
            std::string::npos);
  EXPECT_EQ(client_->Get("/api/challenges/Q-2222-2222")->status, 404);
}

// Issue 18's abuse test: 1,000 submissions from one client; the first 5 (the per-address limit in
// the window) are stored, the other 995 answered 429 with Retry-After, and nothing else is stored.
TEST_F(PublicTest, AThousandSubmissionsFromOneClientAreRateLimited) {
  add("gvm", "Metropolitan Police Service", "people-focused", "Retired");
  start();
  client_->set_keep_alive(true);
  client_->set_tcp_nodelay(true);
  int created = 0, limited = 0, other = 0;
  bool retry_after = true;
  for (int i = 0; i < 1000; ++i) {
    auto r = submit(question());
    if (!r) {
      ++other;
      continue;
    }
    if (r->status == 201)
      ++created;
    else if (r->status == 429) {
      ++limited;
      retry_after = retry_after && std::stoi(r->get_header_value("Retry-After")) >= 1;
    } else {
      ++other;
    }
  }
  EXPECT_EQ(created, 5);
  EXPECT_EQ(limited, 995);
  EXPECT_EQ(other, 0);
  EXPECT_TRUE(retry_after);
  EXPECT_EQ(registry::open_store(options_.db)->challenge_counts("gvm").received, 5);
}

TEST_F(PublicTest, OversizedAndMalformedSubmissionsAreRefusedWithReasons) {
  add("gvm", "Metropolitan Police Service", "people-focused", "Retired");
  options_.challenges_per_client = 1000;
  start();
  const auto refused = [&](const json& body, int status, const std::string& words) {
    auto r = submit(body);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, status) << body.dump().substr(0, 200);
    EXPECT_NE(r->body.find(words), std::string::npos) << r->body;
  };
  auto q = question();
  q["question"] = std::string(4001, 'q');
  refused(q, 400, "at most 4000");
  q = question();
  q["question"] = "why?";
  refused(q, 400, "at least 10 characters");
  q = question();
  q["kind"] = "complaint";
  refused(q, 400, "'kind' must be");
  q = question();
  q["name"] = "Jo";
  refused(q, 400, "unknown field 'name'");
  q = question();
  q["decision"] = std::string("a\x01") + "b";
  refused(q, 400, "control character");
  q = question();
  q["question"] = 5;
  refused(q, 400, "'question' must be text");
  q = question();
  q["website"] = "http://spam.example";  // the hidden field a robot fills in
  refused(q, 400, "refused");
  // Bodies: too large (over 16 KiB), not JSON, not JSON-typed, an unknown tool.
  auto r = client_->Post("/api/tools/gvm/challenges", std::string(20000, ' '), "application/json");
  EXPECT_EQ(r->status, 413);
  r = client_->Post("/api/tools/gvm/challenges", "{not json", "application/json");
  EXPECT_EQ(r->status, 400);
  r = client_->Post("/api/tools/gvm/challenges", "kind=question",
                    "application/x-www-form-urlencoded");
  EXPECT_EQ(r->status, 415);
  refused(question(), 201, "reference");
  EXPECT_EQ(submit(question(), "no-such-tool")->status, 404);
  EXPECT_EQ(registry::open_store(options_.db)->challenge_counts("gvm").received, 1);
}

// What a person submits is returned only as JSON text (the page renders it as text, never as
// markup: tests/browser); markup in it is stored and served as the characters typed.
TEST_F(PublicTest, SubmittedMarkupIsServedAsJsonText) {
  add("gvm", "Metropolitan Police Service", "people-focused", "Retired");
  start();
  auto q = question();
  q["question"] = "<script>alert(1)</script><img src=x onerror=alert(2)>";
  auto r = submit(q);
  ASSERT_EQ(r->status, 201);
  const std::string ref = json::parse(r->body)["reference"];
  client_->Post("/api/challenges/" + ref, auth(), json{{"status", "published"}}.dump(),
                "application/json");
  r = client_->Get("/api/tools/gvm/challenges");
  EXPECT_EQ(r->get_header_value("Content-Type"), "application/json");
  EXPECT_EQ(r->get_header_value("X-Content-Type-Options"), "nosniff");
  EXPECT_EQ(json::parse(r->body)["published"][0]["question"], q["question"]);
}

TEST_F(PublicTest, FiltersSelectByOrganisationCategoryPhaseAndAudit) {
  add("essex-kcvm", "Essex Police", "people-focused; violence", "Production");
  add("gmp-xcalibre", "Greater Manchester Police", "people-focused", "Retired");
  add("wmp-hotspots", "West Midlands Police", "Geographic, hotspots", "production");
  add("wmp-other", "West Midlands Police", "", "Pilot");
  registry::open_store(options_.db)
      ->link_audit("wmp-hotspots", {0, "report", "x", "s", "", "", ""});
  start();
  EXPECT_EQ(slugs("/api/tools?organisation=West%20Midlands%20Police"),
            (std::vector<std::string>{"wmp-hotspots", "wmp-other"}));
  EXPECT_EQ(slugs("/api/tools?category=geographic"), (std::vector<std::string>{"wmp-hotspots"}));
  EXPECT_EQ(slugs("/api/tools?category=people-focused"),
            (std::vector<std::string>{"essex-kcvm", "gmp-xcalibre"}));
  // Phases ignore case: "Production" and "production".
  EXPECT_EQ(slugs("/api/tools?phase=production"),
            (std::vector<std::string>{"essex-kcvm", "wmp-hotspots"}));
  EXPECT_EQ(slugs("/api/tools?audited=yes"), (std::vector<std::string>{"wmp-hotspots"}));
  EXPECT_EQ(slugs("/api/tools?audited=no&organisation=West%20Midlands%20Police"),
            (std::vector<std::string>{"wmp-other"}));
  auto r = client_->Get("/api/tools?category=people-focused&limit=1");
  EXPECT_EQ(r->get_header_value("X-Total-Count"), "2");
  EXPECT_EQ(r->get_header_value("Link"),
            "</api/tools?search=&category=people-focused&limit=1&offset=1>; rel=\"next\"");
  EXPECT_EQ(client_->Get("/api/tools?category=other")->status, 400);
  EXPECT_EQ(client_->Get("/api/tools?audited=maybe")->status, 400);
  const auto facets = json::parse(client_->Get("/api/facets")->body);
  EXPECT_EQ(facets["organisations"],
            json({"Essex Police", "Greater Manchester Police", "West Midlands Police"}));
  EXPECT_EQ(facets["phases"], json({"Pilot", "Production", "Retired", "production"}));
}

// Written with a plain stream: this process (the server's) has read these files, and
// io::write_text_file refuses to write over a file its process read as input.
void write_file(const fs::path& p, const std::string& text) {
  std::ofstream out(p, std::ios::trunc);
  out << text;
}

// A results folder as `scrutineer run` leaves it: run.json and a backtest summary, written by hand
// with the fields that recipe::audit_evidence reads.
void write_results(const fs::path& dir, const std::string& input_sha, const std::string& engine) {
  fs::create_directories(dir / "backtest");
  write_file(
      dir / "run.json",
      json{{"engine", {{"version", engine}, {"git_describe", ""}}},
           {"finished_utc", "2026-11-30T10:00:00Z"},
           {"recipe", {{"file", "/home/auditor/x.toml"}, {"text", "abc"}}},
           {"inputs",
            {{{"path", "/home/auditor/data/crimes.csv"}, {"bytes", 10}, {"sha256", input_sha}}}}}
          .dump());
  write_file(
      dir / "backtest" / "summary.json",
      json{{"best_baseline", "naive"},
           {"models",
            {{{"label", "naive"}, {"baseline", true}},
             {{"label", "kde"},
              {"baseline", false},
              {"operating",
               {{"hit_rate", {{"estimate", 0.4}, {"lo", 0.35}, {"hi", 0.45}}},
                {"wrong_share", {{"estimate", 0.8}, {"lo", 0.7}, {"hi", 0.9}}}}},
              {"hit_rate_minus_best_baseline", {{"estimate", 0.05}, {"lo", -0.01}, {"hi", 0.1}}}}}}}
          .dump());
}

TEST_F(PublicTest, AnAuditIsLinkedAsEvidenceWithoutLocalPathsAndMarkedWhenChanged) {
  add("wmp-hotspots", "West Midlands Police", "geographic", "Production");
  // sha256("abc"), the recipe's text (FIPS 180-2, appendix B.1).
  const std::string abc = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
  write_results(dir_ / "reports" / "run1", std::string(64, 'a'), "0.0.1-old");
  start();
  auto r = client_->Post("/api/tools/wmp-hotspots/audits", auth(),
                         json{{"kind", "backtest"}, {"location", "run1"}, {"summary", "s"}}.dump(),
                         "application/json");
  ASSERT_EQ(r->status, 201) << r->body;
  auto tool = client_->Get("/api/tools/wmp-hotspots");
  const auto audit = json::parse(tool->body)["audits"][0];
  EXPECT_EQ(audit["run_at"], "2026-11-30T10:00:00Z");  // when it ran, not when it was linked
  EXPECT_EQ(audit["engine_version"], "0.0.1-old");
  EXPECT_EQ(audit["evidence"]["recipe_sha256"], abc);
  // The same as the library function that `register link --results` calls (tests/unit/cli).
  EXPECT_EQ(audit["evidence"], recipe::audit_evidence(dir_ / "reports" / "run1"));
  EXPECT_EQ(audit["evidence"]["inputs"], json::parse(R"([{"name": "crimes.csv", "bytes": 10,
      "sha256": ")" + std::string(64, 'a') + R"("}])"));
  const auto kde = audit["evidence"]["headline"]["backtest"]["models"];
  ASSERT_EQ(kde.size(), 1u);  // the baseline is not a headline
  EXPECT_EQ(kde[0]["hit_rate_minus_best_baseline"]["estimate"], 0.05);
  EXPECT_EQ(kde[0]["wrong_share"]["lo"], 0.7);
  EXPECT_EQ(audit["changes"], json({"engine"}));  // run by 0.0.1-old, served by this build
  EXPECT_FALSE(audit.contains("location"));
  EXPECT_EQ(tool->body.find("/home/auditor"), std::string::npos);
  EXPECT_EQ(tool->body.find(dir_.string()), std::string::npos);
  // Re-run on other data: the folder's inputs changed.
  write_results(dir_ / "reports" / "run1", std::string(64, 'b'), "0.0.1-old");
  EXPECT_EQ(json::parse(client_->Get("/api/tools/wmp-hotspots")->body)["audits"][0]["changes"],
            json({"inputs", "engine"}));
  // The comparison lists the audited tool with its figures.
  const auto compare = json::parse(client_->Get("/api/compare")->body);
  ASSERT_EQ(compare.size(), 1u);
  EXPECT_EQ(compare[0]["organisation"], "West Midlands Police");
  EXPECT_EQ(compare[0]["audits"][0]["evidence"]["headline"]["backtest"]["models"][0]["label"],
            "kde");
  EXPECT_EQ(client_->Get("/api/compare")->body.find("/home/auditor"), std::string::npos);
}

}  // namespace scrutineer::server
