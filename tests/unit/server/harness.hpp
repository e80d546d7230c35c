// What the server tests share: a server running on a loopback port in a thread of its own, and the
// bounded load test (10,000 GET requests from two keep-alive clients, half /api/health and half
// one record). Only 127.0.0.1 is ever contacted.
#pragma once

#include <arpa/inet.h>
#include <httplib.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <functional>
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

// A plain TCP connection to 127.0.0.1:port, for what httplib's client cannot do: idle or
// dribbling connections, pipelined requests. Every wait is bounded by a time limit.
class RawConnection {
 public:
  explicit RawConnection(int port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(static_cast<std::uint16_t>(port));
    ::inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
      ::close(fd_);
      fd_ = -1;
    }
  }
  ~RawConnection() {
    if (fd_ >= 0) ::close(fd_);
  }
  RawConnection(const RawConnection&) = delete;
  RawConnection& operator=(const RawConnection&) = delete;
  bool connected() const { return fd_ >= 0; }

  bool send(const std::string& bytes) {
    std::size_t sent = 0;
    while (fd_ >= 0 && sent < bytes.size()) {
      const ssize_t n = ::send(fd_, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
      if (n <= 0) return false;
      sent += static_cast<std::size_t>(n);
    }
    return fd_ >= 0;
  }

  // Reads until the peer closes, `done(received)` holds, or `limit` has passed; `closed` tells
  // whether the peer closed (end of file or reset).
  std::string read(std::chrono::milliseconds limit,
                   const std::function<bool(const std::string&)>& done = nullptr) {
    std::string got;
    closed_ = false;
    const auto end = std::chrono::steady_clock::now() + limit;
    while (fd_ >= 0 && !(done && done(got))) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          end - std::chrono::steady_clock::now());
      if (left.count() <= 0) break;
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) break;
      char buffer[65536];
      const ssize_t n = ::recv(fd_, buffer, sizeof buffer, 0);
      if (n <= 0) {
        closed_ = true;
        break;
      }
      got.append(buffer, static_cast<std::size_t>(n));
    }
    return got;
  }
  bool closed() const { return closed_; }
  int fd() const { return fd_; }

 private:
  int fd_ = -1;
  bool closed_ = false;
};

// Occurrences of `needle` in `text`.
inline std::size_t occurrences(const std::string& text, const std::string& needle) {
  std::size_t n = 0;
  for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++n;
  return n;
}

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
