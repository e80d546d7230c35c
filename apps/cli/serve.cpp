// `scrutineer serve`: the public register and its audit reports over HTTP (read-only without a
// token).
#include <fmt/format.h>
#include <pthread.h>

#include <csignal>
#include <filesystem>
#include <thread>

#include "command.hpp"
#include "scrutineer/core/error.hpp"
#include "scrutineer/registry/store.hpp"
#include "scrutineer/server/server.hpp"

namespace scrutineer::cli {

namespace {

struct ServeOptions {
  server::ServerOptions server;
  std::string token_file;
  bool api_only = false;
};

// The page built in this source tree (web/dist, by `npm run build` in web/), if there is one.
std::string default_web_root() {
  const std::filesystem::path dist = SCRUTINEER_WEB_DIST;
  std::error_code ec;
  return std::filesystem::is_regular_file(dist / "index.html", ec) ? dist.string() : "";
}

void run_serve(ServeOptions o) {
  o.server.token = server::read_token(o.token_file);
  if (o.api_only) {
    if (!o.server.web_root.empty())
      throw ConfigError("serve: --web and --api-only exclude each other");
  } else if (o.server.web_root.empty()) {
    o.server.web_root = default_web_root();
    if (o.server.web_root.empty())
      throw ConfigError(fmt::format(
          "serve: the web page is not built ({}/index.html is missing): run 'npm ci && npm run "
          "build' in web/ (scripts/demo does it), give the built page with --web DIR, or serve the "
          "API alone with --api-only",
          SCRUTINEER_WEB_DIST));
  }
  // SIGINT/SIGTERM are taken by a waiting thread that stops the server cleanly; the worker threads
  // inherit the blocked mask, so no handler runs inside a request.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  server::Server http(o.server);
  const int port = http.bind();
  fmt::print("serving the register {} on http://{}:{}/ (writes {}; page {}); Ctrl-C stops\n",
             registry::describe_location(o.server.db), o.server.host, port,
             o.server.token.empty() ? "disabled" : "need the token",
             o.server.web_root.empty() ? "none: API only" : o.server.web_root);
  std::fflush(stdout);
  std::thread waiter([&] {
    int sig = 0;
    sigwait(&signals, &sig);
    http.stop();
  });
  http.serve();
  pthread_kill(waiter.native_handle(), SIGTERM);  // wakes the waiter if the server stopped itself
  waiter.join();
  fmt::print("stopped\n");
}

void setup(CLI::App& app) {
  auto o = std::make_shared<ServeOptions>();
  o->server.db = "scrutineer-register.sqlite";
  if (const char* env = std::getenv("SCRUTINEER_REGISTER")) o->server.db = env;
  auto* cmd = app.add_subcommand("serve", "Serve the register and audit reports over HTTP");
  cmd->add_option(
      "--db", o->server.db,
      "SQLite register file or PostgreSQL connection string (postgresql://... or 'host=... "
      "dbname=...')");
  cmd->add_option("--host", o->server.host, "Address to listen on (default 127.0.0.1)");
  cmd->add_option("--port", o->server.port, "Port (0 = any free port)")
      ->check(CLI::Range(0, 65535));
  cmd->add_option("--reports", o->server.reports_root,
                  "Folder of audit results served under /reports/")
      ->check(CLI::ExistingDirectory);
  cmd->add_option("--web", o->server.web_root,
                  "Built web page (index.html and assets; default: this source tree's web/dist "
                  "when built)")
      ->check(CLI::ExistingDirectory);
  cmd->add_flag("--api-only", o->api_only,
                "Serve the API and reports without the web page (otherwise the built page is "
                "required)");
  cmd->add_option("--token-file", o->token_file,
                  "File holding the write token (default: $SCRUTINEER_TOKEN; none = read-only)")
      ->check(CLI::ExistingFile);
  cmd->add_option("--max-body", o->server.max_body, "Largest request body in bytes");
  cmd->add_option("--workers", o->server.workers,
                  "Threads that run requests (default 0: four per core, from 4 to 16)")
      ->check(CLI::Range(0, 256));
  cmd->add_option("--max-connections", o->server.max_connections,
                  "Connections open at once; more are answered 503 (default 512)")
      ->check(CLI::Range(1, 10000));
  cmd->callback([o] { run_serve(*o); });
}

const bool registered = register_command({"serve", 95, setup});

}  // namespace
}  // namespace scrutineer::cli
