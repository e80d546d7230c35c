// The public register's web server: a read-only JSON API and web page over the register and the
// audit reports, with token-protected writes. Front end only: the logic lives in the registry.
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>

namespace scrutineer::server {

struct ServerOptions {
  std::string host = "127.0.0.1";
  int port = 8080;                    // 0 = any free port (see Server::port())
  std::string db;                     // register: SQLite file or PostgreSQL connection string
  std::string reports_root;           // folder whose files are served under /reports/ ("" = none)
  std::string web_root;               // built web page (index.html + assets) ("" = API only)
  std::string token;                  // bearer token for writes ("" = writes refused)
  std::size_t max_body = 1 << 20;     // bytes
  std::size_t workers = 0;            // threads that run requests (0 = 4 per core, from 4 to 16)
  std::size_t max_connections = 512;  // open at once; more are answered 503
  std::chrono::milliseconds request_timeout{10000};    // first byte to the whole request: 408
  std::chrono::milliseconds keep_alive_timeout{5000};  // idle between requests: closed
  // Questions and challenges from the public (no token): at most this many from one address, and
  // from everyone, within the window; more are answered 429 with Retry-After.
  std::size_t challenges_per_client = 5;
  std::size_t challenges_overall = 500;
  std::chrono::seconds challenge_window{3600};
};
// Timeouts, the backlog and the other limits are in docs/limits.md.

class Server {
 public:
  explicit Server(ServerOptions options);
  ~Server();
  // Binds the socket; returns the port (useful with port 0). Throws IoError if it cannot bind.
  int bind();
  // Serves until stop() is called (from another thread). bind() first.
  void serve();
  void stop();
  int port() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Compares two secrets in time that depends only on their lengths, not on where they differ.
bool constant_time_equal(const std::string& a, const std::string& b);

// Reads the write token: from the file named by --token-file, else $SCRUTINEER_TOKEN, else "".
std::string read_token(const std::string& token_file);

}  // namespace scrutineer::server
