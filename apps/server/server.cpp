// The register's HTTP server (cpp-httplib): read-only JSON API and pages for everyone, writes with
// a bearer token. Every input is validated; files are served only from below their root folder.
#include "scrutineer/server/server.hpp"

#include <fmt/format.h>
#include <httplib.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "scrutineer/core/error.hpp"
#include "scrutineer/registry/exchange.hpp"
#include "scrutineer/registry/store_pool.hpp"

namespace scrutineer::server {

namespace fs = std::filesystem;
using nlohmann::json;

bool constant_time_equal(const std::string& a, const std::string& b) {
  unsigned char diff = a.size() == b.size() ? 0 : 1;
  const std::size_t n = std::max(a.size(), b.size());
  for (std::size_t i = 0; i < n; ++i) {
    const unsigned char x = i < a.size() ? static_cast<unsigned char>(a[i]) : 0;
    const unsigned char y = i < b.size() ? static_cast<unsigned char>(b[i]) : 0;
    diff |= x ^ y;
  }
  return diff == 0;
}

std::string read_token(const std::string& token_file) {
  std::string token;
  if (!token_file.empty()) {
    std::ifstream in(token_file);
    if (!in) throw IoError(fmt::format("cannot read token file {}", token_file));
    std::getline(in, token);
  } else if (const char* env = std::getenv("SCRUTINEER_TOKEN")) {
    token = env;
  }
  while (!token.empty() && (token.back() == '\r' || token.back() == ' ')) token.pop_back();
  return token;
}

namespace {

void send_json(httplib::Response& res, int status, const json& body) {
  res.status = status;
  res.set_content(body.dump(), "application/json");
}

void send_error(httplib::Response& res, int status, const std::string& message) {
  send_json(res, status, {{"error", message}, {"status", status}});
}

std::string content_type(const fs::path& p) {
  static const std::map<std::string, std::string> types = {{".html", "text/html; charset=utf-8"},
                                                           {".js", "text/javascript"},
                                                           {".css", "text/css"},
                                                           {".json", "application/json"},
                                                           {".geojson", "application/geo+json"},
                                                           {".csv", "text/csv; charset=utf-8"},
                                                           {".svg", "image/svg+xml"},
                                                           {".png", "image/png"},
                                                           {".txt", "text/plain; charset=utf-8"}};
  auto it = types.find(p.extension().string());
  return it == types.end() ? "application/octet-stream" : it->second;
}

// Resolves `relative` below `root`; empty when it escapes the root or does not name a file.
std::optional<fs::path> file_below(const std::string& root, const std::string& relative) {
  if (root.empty() || relative.find('\0') != std::string::npos) return std::nullopt;
  std::error_code ec;
  const fs::path base = fs::weakly_canonical(root, ec);
  if (ec) return std::nullopt;
  const fs::path full = fs::weakly_canonical(base / fs::path(relative).relative_path(), ec);
  if (ec) return std::nullopt;
  const auto [b, f] = std::mismatch(base.begin(), base.end(), full.begin(), full.end());
  if (b != base.end() || !fs::is_regular_file(full, ec)) return std::nullopt;
  return full;
}

void send_file(httplib::Response& res, const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  res.status = 200;
  res.set_content(s.str(), content_type(p).c_str());
}

std::string status_text(int status) {
  switch (status) {
    case 400:
      return "bad request";
    case 404:
      return "not found";
    case 405:
      return "method not allowed";
    case 413:
      return "request body too large";
    case 414:
      return "request URI too long";
    default:
      return fmt::format("HTTP status {}", status);
  }
}

json summary(const registry::ToolRecord& r) {
  return {{"slug", r.slug},
          {"name", r.get("tier1.name")},
          {"description", r.get("tier1.description")},
          {"organisation", r.get("tier2.owner.organisation")},
          {"audits", r.audits.size()}};
}

// The page shown when no built web front end is given: lists and searches the register.
const char* kBuiltInPage = R"(<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>scrutineer register</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body><h1>Register of predictive-policing tools and their audits</h1>
<p>Records follow the UK Algorithmic Transparency Recording Standard. JSON: <a href="/api/tools">/api/tools</a>.</p>
<input id="q" type="search" placeholder="Search the register" aria-label="Search">
<ul id="list"></ul>
<script>
async function load(q) {
  const r = await fetch('/api/tools' + (q ? '?search=' + encodeURIComponent(q) : ''));
  const list = document.getElementById('list');
  list.replaceChildren();
  for (const t of await r.json()) {
    const li = document.createElement('li');
    const a = document.createElement('a');
    a.href = '/api/tools/' + encodeURIComponent(t.slug);
    a.textContent = t.name;
    li.append(a, ' (' + t.audits + ' audits) ' + t.description);
    list.append(li);
  }
}
document.getElementById('q').addEventListener('input', e => load(e.target.value));
load('');
</script></body></html>
)";

}  // namespace

struct Server::Impl {
  ServerOptions options;
  httplib::Server http;
  int port = 0;

  bool authorised(const httplib::Request& req, httplib::Response& res) const {
    if (options.token.empty()) {
      send_error(res, 403, "writes are disabled: the server was started without a token");
      return false;
    }
    const std::string header = req.get_header_value("Authorization");
    const std::string prefix = "Bearer ";
    const std::string given = header.rfind(prefix, 0) == 0 ? header.substr(prefix.size()) : "";
    if (!constant_time_equal(given, options.token)) {
      res.set_header("WWW-Authenticate", "Bearer");
      send_error(res, 401, "a valid bearer token is required to write");
      return false;
    }
    return true;
  }

  // Handles are reused across requests, one worker thread at a time, instead of opening the
  // register (an SQLite file or a PostgreSQL connection) per request.
  std::unique_ptr<registry::StorePool> pool;
  registry::StorePool::Lease store() const { return pool->lease(); }

  void routes() {
    http.Get("/api/health", [](const httplib::Request&, httplib::Response& res) {
      send_json(res, 200, {{"status", "ok"}, {"version", SCRUTINEER_VERSION}});
    });
    http.Get("/api/tools", [this](const httplib::Request& req, httplib::Response& res) {
      const std::string search = req.get_param_value("search");
      if (search.size() > 200)
        return send_error(res, 400, "search text longer than 200 characters");
      json out = json::array();
      for (const auto& r : store()->list(search)) out.push_back(summary(r));
      send_json(res, 200, out);
    });
    http.Get(R"(/api/tools/([A-Za-z0-9_-]{1,100}))",
             [this](const httplib::Request& req, httplib::Response& res) {
               const auto r = store()->get(req.matches[1]);
               if (!r)
                 return send_error(
                     res, 404, fmt::format("no tool '{}' in the register", req.matches[1].str()));
               send_json(res, 200, registry::record_to_json(*r));
             });
    http.Post("/api/tools", [this](const httplib::Request& req, httplib::Response& res) {
      if (!authorised(req, res)) return;
      const json body = json::parse(req.body, nullptr, false);
      if (body.is_discarded()) return send_error(res, 400, "the body is not valid JSON");
      const auto record = registry::record_from_json(body, "request body");
      auto s = store();
      const bool exists = s->get(record.slug).has_value();
      if (exists)
        s->update(record);
      else
        s->add(record);
      send_json(res, exists ? 200 : 201, registry::record_to_json(*s->get(record.slug)));
    });
    http.Post(R"(/api/tools/([A-Za-z0-9_-]{1,100})/audits)", [this](const httplib::Request& req,
                                                                    httplib::Response& res) {
      if (!authorised(req, res)) return;
      const json body = json::parse(req.body, nullptr, false);
      if (!body.is_object()) return send_error(res, 400, "the body must be a JSON object");
      registry::AuditLink link;
      for (auto [field, target] : {std::pair{"kind", &link.kind},
                                   {"location", &link.location},
                                   {"summary", &link.summary}}) {
        if (!body.contains(field) || !body[field].is_string() ||
            body[field].get<std::string>().empty())
          return send_error(res, 400, fmt::format("'{}' must be a non-empty string", field));
        *target = body[field].get<std::string>();
      }
      link.engine_version = SCRUTINEER_VERSION;
      const auto id = store()->link_audit(req.matches[1], link);
      send_json(res, 201, {{"id", id}});
    });
    http.Get(R"(/reports/(.+))", [this](const httplib::Request& req, httplib::Response& res) {
      const auto p = file_below(options.reports_root, req.matches[1]);
      if (!p) return send_error(res, 404, "no such report file");
      send_file(res, *p);
    });
    http.Get(R"(/(.*))", [this](const httplib::Request& req, httplib::Response& res) {
      const std::string path = req.matches[1].str().empty() ? "index.html" : req.matches[1].str();
      if (options.web_root.empty() && path == "index.html") {
        res.set_content(kBuiltInPage, "text/html; charset=utf-8");
        return;
      }
      const auto p = file_below(options.web_root, path);
      if (!p) return send_error(res, 404, "not found");
      send_file(res, *p);
    });
  }

  void handlers() {
    http.set_payload_max_length(options.max_body);
    http.set_tcp_nodelay(true);  // small JSON replies: no Nagle delay
    http.set_error_handler(
        httplib::Server::HandlerWithResponse([](const httplib::Request&, httplib::Response& res) {
          if (!res.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
          send_error(res, res.status, status_text(res.status));
          return httplib::Server::HandlerResponse::Handled;
        }));
    http.set_exception_handler(
        [](const httplib::Request&, httplib::Response& res, std::exception_ptr ep) {
          try {
            std::rethrow_exception(ep);
          } catch (const InputError& e) {
            send_error(res, 400, e.what());
          } catch (const ConfigError& e) {
            send_error(res, 409, e.what());
          } catch (const std::exception& e) {
            send_error(res, 500, fmt::format("internal error: {}", e.what()));
          }
        });
  }
};

Server::Server(ServerOptions options) : impl_(std::make_unique<Impl>()) {
  impl_->options = std::move(options);
  impl_->pool = std::make_unique<registry::StorePool>(impl_->options.db);
  impl_->pool->lease();  // creates and migrates before serving
  impl_->handlers();
  impl_->routes();
}

Server::~Server() { stop(); }

int Server::bind() {
  auto& o = impl_->options;
  impl_->port = o.port == 0 ? impl_->http.bind_to_any_port(o.host)
                            : (impl_->http.bind_to_port(o.host, o.port) ? o.port : -1);
  if (impl_->port < 0) throw IoError(fmt::format("cannot listen on {}:{}", o.host, o.port));
  return impl_->port;
}

void Server::serve() { impl_->http.listen_after_bind(); }

void Server::stop() {
  if (impl_->http.is_running()) impl_->http.stop();
}

int Server::port() const { return impl_->port; }

}  // namespace scrutineer::server
