// Issue 19: a PostgreSQL register whose server accepts the connection but never answers is given
// up on after the default connect timeout (10 s, src/registry/postgres_store.cpp), not waited for
// without end as libpq does by default.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <string>

#include "scrutineer/core/error.hpp"
#include "scrutineer/registry/store.hpp"

namespace scrutineer::registry {
namespace {

// A loopback socket that listens (the kernel completes the handshake) but is never read.
struct SilentServer {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  int port = 0;
  SilentServer() {
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 || listen(fd, 8) != 0) return;
    socklen_t size = sizeof a;
    getsockname(fd, reinterpret_cast<sockaddr*>(&a), &size);
    port = ntohs(a.sin_port);
  }
  ~SilentServer() { close(fd); }
};

TEST(PostgresConnect, ASilentServerTimesOut) {
  unsetenv("PGCONNECT_TIMEOUT");
  SilentServer server;
  ASSERT_GT(server.port, 0);
  const auto start = std::chrono::steady_clock::now();
  const std::string location =
      "host=127.0.0.1 port=" + std::to_string(server.port) + " dbname=register user=nobody";
  EXPECT_THROW(open_postgres_store(location), IoError);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_GE(seconds, 9.0);   // the default timeout, 10 s (libpq measures whole seconds)
  EXPECT_LT(seconds, 30.0);  // and not libpq's own default, which waits without end
}

}  // namespace
}  // namespace scrutineer::registry
