// The server under load (issue 19): `scrutineer serve` in a child process on 127.0.0.1, 200
// concurrent clients making requests (4 of them writing) and 50 slow ones (25 idle, 25 sending a
// request head one byte every 200 ms) for 30 s, while a probe asks /api/health every 100 ms on a
// new connection. Every health request must be answered, each within 1 s, every client request
// must succeed, and the server's peak resident memory (VmHWM of the child) must stay under 300 MB.
// Label "slow" (about 40 s): the sanitizer run skips it. Every loop is bounded in time and count.
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "harness.hpp"
#include "scrutineer/registry/record.hpp"
#include "scrutineer/registry/store.hpp"

namespace scrutineer::server {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

namespace {

constexpr int kClients = 200;
constexpr int kWriters = 4;  // of the clients; the rest read
constexpr int kIdle = 25;
constexpr int kDribblers = 25;
constexpr auto kDuration = std::chrono::seconds(30);
constexpr long kMaxRssKb = 300 * 1024;  // the stated bound (docs/limits.md)

// `scrutineer serve` as a child process; its port is read from the line it prints.
class ServeProcess {
 public:
  ServeProcess(const std::string& db, const std::string& token) {
    int out[2];
    if (::pipe(out) != 0) return;
    pid_ = ::fork();
    if (pid_ == 0) {
      ::dup2(out[1], STDOUT_FILENO);
      ::close(out[0]);
      ::close(out[1]);
      ::setenv("SCRUTINEER_TOKEN", token.c_str(), 1);
      ::execl(SCRUTINEER_CLI, SCRUTINEER_CLI, "serve", "--db", db.c_str(), "--port", "0", "--host",
              "127.0.0.1", "--api-only", static_cast<char*>(nullptr));
      ::_exit(127);
    }
    ::close(out[1]);
    std::string line;
    const auto end = Clock::now() + std::chrono::seconds(30);
    while (line.find('\n') == std::string::npos && Clock::now() < end) {
      pollfd p{out[0], POLLIN, 0};
      if (::poll(&p, 1, 1000) <= 0) continue;
      char buffer[512];
      const ssize_t n = ::read(out[0], buffer, sizeof buffer);
      if (n <= 0) break;
      line.append(buffer, static_cast<std::size_t>(n));
    }
    ::close(out[0]);
    const std::string marker = "http://127.0.0.1:";
    const auto at = line.find(marker);
    if (at != std::string::npos) port_ = std::atoi(line.c_str() + at + marker.size());
  }
  ~ServeProcess() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGTERM);
    int status = 0;
    for (int i = 0; i < 100; ++i) {
      if (::waitpid(pid_, &status, WNOHANG) == pid_) return;
      std::this_thread::sleep_for(milliseconds(100));
    }
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, &status, 0);
  }
  ServeProcess(const ServeProcess&) = delete;
  ServeProcess& operator=(const ServeProcess&) = delete;

  int port() const { return port_; }
  // A field of /proc/PID/status in kB (VmRSS: now; VmHWM: the peak), -1 when unreadable.
  long status_kb(const std::string& field) const {
    std::ifstream in(fmt::format("/proc/{}/status", pid_));
    std::string line;
    while (std::getline(in, line))
      if (line.rfind(field + ":", 0) == 0) return std::atol(line.c_str() + field.size() + 1);
    return -1;
  }

 private:
  pid_t pid_ = -1;
  int port_ = 0;
};

std::string record(const std::string& slug, const std::string& description) {
  return nlohmann::json(
             {{"slug", slug}, {"tier1", {{"name", "Tool " + slug}, {"description", description}}}})
      .dump();
}

}  // namespace

TEST(ServerLoad, TwoHundredClientsAndFiftySlowOnesFor30Seconds) {
  const auto dir = fs::temp_directory_path() / ("scrutineer-load-" + std::to_string(getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  const auto db = (dir / "r.sqlite").string();
  {
    std::vector<registry::ToolRecord> records;
    for (int i = 0; i < 300; ++i)
      records.push_back(registry::record_from_json(
          nlohmann::json::parse(record(fmt::format("tool-{:03}", i),
                                       std::string(static_cast<std::size_t>(100 + i * 50), 'd'))),
          "t"));
    registry::open_store(db)->upsert_all(records);
  }
  ServeProcess serve(db, "load-token");
  ASSERT_GT(serve.port(), 0) << "scrutineer serve did not start";
  const int port = serve.port();
  const auto end = Clock::now() + kDuration;

  std::atomic<long> requests{0}, failures{0};
  std::mutex failure_mutex;
  std::string first_failure;
  std::vector<std::thread> clients;
  for (int c = 0; c < kClients; ++c)
    clients.emplace_back([&, c] {
      httplib::Client client("127.0.0.1", port);
      client.set_keep_alive(true);
      client.set_connection_timeout(10, 0);
      client.set_read_timeout(10, 0);
      const httplib::Headers auth = {{"Authorization", "Bearer load-token"}};
      for (long i = 0; i < 100000 && Clock::now() < end; ++i) {
        const auto r = [&] {
          if (c < kWriters)
            return client.Post("/api/tools", auth, record(fmt::format("shared-{}", i % 5), "load"),
                               "application/json");
          if (i % 3 == 0)
            return client.Get(fmt::format("/api/tools?limit=50&offset={}", (c * 7 + i) % 300));
          if (i % 3 == 1) return client.Get(fmt::format("/api/tools/tool-{:03}", (c + i) % 300));
          return client.Get(fmt::format("/api/tools?search=tool-{}&limit=20", (c + i) % 30));
        }();
        ++requests;
        if (!r || r->status < 200 || r->status > 299) {
          if (++failures == 1) {
            std::lock_guard<std::mutex> lock(failure_mutex);
            first_failure = r ? fmt::format("status {}: {}", r->status, r->body)
                              : httplib::to_string(r.error());
          }
        }
      }
    });

  // The slow clients, in one thread: reconnected whenever the server closes them.
  std::atomic<long> slow_reconnects{0};
  std::thread slow([&] {
    const std::string head =
        "GET /api/tools HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: " + std::string(4000, 'a');
    std::vector<std::unique_ptr<RawConnection>> idle, dribble;
    std::vector<std::size_t> sent(kDribblers, 0);
    for (int i = 0; i < kIdle; ++i) idle.push_back(std::make_unique<RawConnection>(port));
    for (int i = 0; i < kDribblers; ++i) dribble.push_back(std::make_unique<RawConnection>(port));
    for (int round = 0; round < 1000 && Clock::now() < end; ++round) {
      for (auto& c : idle) {
        c->read(milliseconds(0));
        if (c->closed() || !c->connected()) {
          c = std::make_unique<RawConnection>(port);
          ++slow_reconnects;
        }
      }
      for (std::size_t i = 0; i < dribble.size(); ++i) {
        auto& c = dribble[i];
        c->read(milliseconds(0));
        if (c->closed() || !c->connected() || !c->send(head.substr(sent[i] % head.size(), 1))) {
          c = std::make_unique<RawConnection>(port);
          sent[i] = 0;
          ++slow_reconnects;
          continue;
        }
        ++sent[i];
      }
      std::this_thread::sleep_for(milliseconds(200));
    }
  });

  // The probe: a new connection each time, 100 ms apart.
  std::vector<double> latencies;
  long health_failures = 0;
  long peak_sampled_kb = 0;
  for (int i = 0; i < 1000 && Clock::now() < end; ++i) {
    httplib::Client probe("127.0.0.1", port);
    probe.set_connection_timeout(5, 0);
    probe.set_read_timeout(5, 0);
    const auto start = Clock::now();
    const auto r = probe.Get("/api/health");
    latencies.push_back(std::chrono::duration<double>(Clock::now() - start).count());
    if (!r || r->status != 200) ++health_failures;
    peak_sampled_kb = std::max(peak_sampled_kb, serve.status_kb("VmRSS"));
    std::this_thread::sleep_for(milliseconds(100));
  }
  for (auto& t : clients) t.join();
  slow.join();
  const long peak_kb = serve.status_kb("VmHWM");

  std::sort(latencies.begin(), latencies.end());
  ASSERT_FALSE(latencies.empty());
  const double seconds = std::chrono::duration<double>(kDuration).count();
  std::printf(
      "%ld requests from %d clients in %.0f s (%.0f requests/s), %ld failed; %zu health probes, "
      "%ld failed, latency median %.3f s, max %.3f s; %ld slow reconnections; server peak RSS "
      "%ld kB (sampled %ld kB)\n",
      requests.load(), kClients, seconds, static_cast<double>(requests.load()) / seconds,
      failures.load(), latencies.size(), health_failures, latencies[latencies.size() / 2],
      latencies.back(), slow_reconnects.load(), peak_kb, peak_sampled_kb);
  EXPECT_EQ(failures.load(), 0) << first_failure;
  EXPECT_GE(latencies.size(), 100u);  // 30 s at one probe per ~0.1 s
  EXPECT_EQ(health_failures, 0);
  EXPECT_LT(latencies.back(), 1.0);
  EXPECT_GT(peak_kb, 0);
  EXPECT_LT(peak_kb, kMaxRssKb);
  fs::remove_all(dir);
}

}  // namespace scrutineer::server
