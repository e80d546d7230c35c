// libFuzzer target for the server's request handling (issue 19): any bytes sent by a client, as a
// whole connection, must get an HTTP reply or a closed connection, never a crash, a hang or
// undefined behaviour, in the epoll front (framing, head and body limits), cpp-httplib's parser
// and every route (the API with a SQLite register holding one record, static files, writes
// with and without the token). One server runs for the whole fuzzing session in this process,
// so the sanitizers see its threads; each input is one loopback connection.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>

#include "scrutineer/core/error.hpp"
#include "scrutineer/registry/exchange.hpp"
#include "scrutineer/registry/store.hpp"
#include "scrutineer/server/server.hpp"

namespace {

namespace fs = std::filesystem;

std::string make_folder() {
  const fs::path root =
      fs::temp_directory_path() / ("scrutineer-fuzz-server-" + std::to_string(getpid()));
  fs::create_directories(root / "reports" / "audit");
  std::ofstream(root / "reports" / "audit" / "report.html") << "<p>report</p>";
  auto store = scrutineer::registry::open_sqlite_store((root / "register.db").string());
  try {  // one record, so that the record routes have something to find
    (void)scrutineer::registry::import_file(
        *store, SCRUTINEER_SOURCE_DIR "/tests/data/registry/predpol.json");
  } catch (const scrutineer::Error&) {
  }
  return root.string();
}

int start_server() {
  static const std::string root = make_folder();
  scrutineer::server::ServerOptions options;
  options.host = "127.0.0.1";
  options.port = 0;
  options.db = root + "/register.db";
  options.reports_root = root + "/reports";
  options.token = "fuzz-token";
  options.max_body = 64 * 1024;
  options.workers = 2;
  options.request_timeout = std::chrono::milliseconds(300);
  options.keep_alive_timeout = std::chrono::milliseconds(100);
  // Stopped and joined at exit, before the statics it uses are destroyed (atexit handlers run in
  // reverse order of registration, after everything constructed before this point).
  static scrutineer::server::Server* server = new scrutineer::server::Server(options);
  const int port = server->bind();
  static std::thread* serving = new std::thread([] { server->serve(); });
  std::atexit([] {
    server->stop();
    serving->join();
    delete serving;
    delete server;
  });
  return port;
}

int connect_to(int port) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) std::abort();
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<std::uint16_t>(port));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) std::abort();
  return fd;
}

// Reads the reply until the server closes the connection; a server that neither answers nor
// closes within the request deadline plus a margin is a hang, reported as a crash.
std::string read_reply(int fd) {
  std::string reply;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  char buffer[4096];
  while (std::chrono::steady_clock::now() < deadline) {
    pollfd p{fd, POLLIN, 0};
    if (poll(&p, 1, 100) <= 0) continue;
    const ssize_t n = recv(fd, buffer, sizeof buffer, 0);
    if (n <= 0) return reply;
    reply.append(buffer, static_cast<std::size_t>(n));
  }
  std::abort();  // hang
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const int port = start_server();
  const int fd = connect_to(port);
  std::size_t sent = 0;
  while (sent < size) {
    const ssize_t n = send(fd, data + sent, size - sent, MSG_NOSIGNAL);
    if (n <= 0) break;  // the server may refuse and close before reading everything
    sent += static_cast<std::size_t>(n);
  }
  shutdown(fd, SHUT_WR);
  const std::string reply = read_reply(fd);
  close(fd);
  // Whatever came back must be HTTP replies, never a fragment of something else.
  if (!reply.empty() && reply.rfind("HTTP/1.1 ", 0) != 0) std::abort();
  return 0;
}
