// The server's connection front: cpp-httplib parses and answers requests, but its own connection
// handling gives each connection a worker thread for as long as it is open (an idle or slow
// client holds one; 8 of them stopped the server) and loses pipelined requests. FrontServer keeps
// every connection in one epoll thread until a whole request (head and body) has arrived, within
// a deadline, and only then hands it to a bounded pool of workers, which run httplib's
// process_request on the buffered bytes and write the reply. Limits: docs/limits.md.
#pragma once

#include <httplib.h>

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>

namespace scrutineer::server {

struct FrontLimits {
  std::size_t workers = 8;                        // threads that run requests
  std::size_t max_connections = 512;              // open at once; more are answered 503 and closed
  std::size_t max_head = 64 * 1024;               // request line and headers
  std::size_t max_body = 1 << 20;                 // Content-Length
  std::size_t buffer_budget = 64u << 20;          // request bytes held for all connections together
  std::size_t listen_backlog = 1024;              // connections waiting to be accepted
  std::size_t keep_alive_max = 100;               // requests on one connection
  std::chrono::milliseconds keep_alive{5000};     // idle between requests
  std::chrono::milliseconds request_time{10000};  // first byte to the whole request
  std::chrono::milliseconds write_stall{5000};    // one write without progress
  std::chrono::milliseconds response_time{30000};  // the whole reply
};

class FrontServer : public httplib::Server {
 public:
  explicit FrontServer(FrontLimits limits);
  ~FrontServer() override;
  FrontServer(const FrontServer&) = delete;
  FrontServer& operator=(const FrontServer&) = delete;

  // Binds (port 0: any free port) with the real listen backlog; returns the port, or -1.
  int bind(const std::string& host, int port);
  // Serves until stop(); then closes every connection and joins its threads.
  void serve();
  const FrontLimits& limits() const { return limits_; }

 private:
  bool process_and_close_socket(socket_t sock) override;

  struct Hub;
  FrontLimits limits_;
  std::unique_ptr<Hub> hub_;
};

}  // namespace scrutineer::server
