// What the server tests share: a server running on a loopback port in a thread of its own, and the
// bounded load test (10,000 GET requests from two keep-alive clients, half /api/health and half
// one record). Only 127.0.0.1 is ever contacted.
#pragma once

#include <httplib.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "scrutineer/server/server.hpp"

namespace scrutineer::server {

// Binds any free port, serves until destroyed, and has a client that waited for /api/health.
struct RunningServer {
  explicit RunningServer(const ServerOptions& options)
      : server(std::make_unique<Server>(options)), port(server->bind()) {
    thread = std::thread([this] { server->serve(); });
    client = std::make_unique<httplib::Client>("127.0.0.1", port);
    for (int i = 0; i < 100 && !client->Get("/api/health"); ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ~RunningServer() {
    server->stop();
    thread.join();
  }
  RunningServer(const RunningServer&) = delete;
  RunningServer& operator=(const RunningServer&) = delete;

  std::unique_ptr<Server> server;
  int port;
  std::thread thread;
  std::unique_ptr<httplib::Client> client;
};

struct LoadResult {
  int failures = 0;
  double seconds = 0;
};

inline LoadResult loopback_load(int port, const std::string& record_path) {
  std::atomic<int> failures{0};
  const auto start = std::chrono::steady_clock::now();
  std::vector<std::thread> workers;
  for (int w = 0; w < 2; ++w)
    workers.emplace_back([&] {
      httplib::Client c("127.0.0.1", port);
      c.set_keep_alive(true);
      c.set_tcp_nodelay(true);
      for (int i = 0; i < 5000; ++i) {
        auto r = c.Get(i % 2 ? record_path : "/api/health");
        if (!r || r->status != 200) ++failures;
      }
    });
  for (auto& t : workers) t.join();
  return {failures.load(),
          std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count()};
}

}  // namespace scrutineer::server
