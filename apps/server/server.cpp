// The register's HTTP server (cpp-httplib): read-only JSON API and pages for everyone, writes with
// a bearer token. Every input is validated; files are served only from below their root folder.
#include "scrutineer/server/server.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <httplib.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <charconv>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "front.hpp"
#include "rate_limit.hpp"
#include "scrutineer/core/error.hpp"
#include "scrutineer/recipe/evidence.hpp"
#include "scrutineer/recipe/run.hpp"
#include "scrutineer/registry/challenge.hpp"
#include "scrutineer/registry/exchange.hpp"
#include "scrutineer/registry/record.hpp"
#include "scrutineer/registry/store.hpp"
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
  static const std::map<std::string, std::string> types = {
      {".html", "text/html; charset=utf-8"},
      {".js", "text/javascript; charset=utf-8"},
      {".mjs", "text/javascript; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},
      {".json", "application/json"},
      {".map", "application/json"},
      {".geojson", "application/geo+json"},
      {".csv", "text/csv; charset=utf-8"},
      {".svg", "image/svg+xml"},
      {".png", "image/png"},
      {".ico", "image/x-icon"},
      {".woff2", "font/woff2"},
      {".webmanifest", "application/manifest+json"},
      {".txt", "text/plain; charset=utf-8"}};
  auto it = types.find(p.extension().string());
  return it == types.end() ? "application/octet-stream" : it->second;
}

// Resolves `relative` below `root`; empty when it escapes the root or does not exist.
std::optional<fs::path> path_below(const std::string& root, const std::string& relative) {
  if (root.empty() || relative.find('\0') != std::string::npos) return std::nullopt;
  std::error_code ec;
  const fs::path base = fs::weakly_canonical(root, ec);
  if (ec) return std::nullopt;
  const fs::path full = fs::weakly_canonical(base / fs::path(relative).relative_path(), ec);
  if (ec) return std::nullopt;
  const auto [b, f] = std::mismatch(base.begin(), base.end(), full.begin(), full.end());
  if (b != base.end() || !fs::exists(full, ec)) return std::nullopt;
  return full;
}

// Resolves `relative` below `root`; empty when it escapes the root or does not name a file.
std::optional<fs::path> file_below(const std::string& root, const std::string& relative) {
  auto p = path_below(root, relative);
  std::error_code ec;
  if (!p || !fs::is_regular_file(*p, ec)) return std::nullopt;
  return p;
}

// Streams the file in pieces of 64 KiB, so that a large file costs no more memory than a small one.
void send_file(httplib::Response& res, const fs::path& p) {
  std::error_code ec;
  const auto size = fs::file_size(p, ec);
  auto in = std::make_shared<std::ifstream>(p, std::ios::binary);
  if (ec || !*in) return send_error(res, 404, "not found");
  res.status = 200;
  res.set_content_provider(static_cast<std::size_t>(size), content_type(p),
                           [in](std::size_t offset, std::size_t length, httplib::DataSink& sink) {
                             std::vector<char> piece(std::min<std::size_t>(length, 64 * 1024));
                             in->seekg(static_cast<std::streamoff>(offset));
                             in->read(piece.data(), static_cast<std::streamsize>(piece.size()));
                             const auto got = static_cast<std::size_t>(in->gcount());
                             if (got == 0) return false;  // the file shrank while being sent
                             return sink.write(piece.data(), got);
                           });
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
    case 416:
      return "range not satisfiable";
    default:
      return fmt::format("HTTP status {}", status);
  }
}

// `needle` (lower case) in `text`, ignoring the case of ASCII letters, as the register's search.
bool contains_ascii_folded(std::string text, const std::string& needle) {
  for (auto& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text.find(needle) != std::string::npos;
}

json summary(const registry::ToolSummary& s) {
  json out = {{"slug", s.slug},
              {"name", s.name},
              {"description", s.description},
              {"organisation", s.organisation},
              {"audits", s.audits}};
  if (s.description_cut) out["description_cut"] = true;
  if (!s.phase.empty()) out["phase"] = s.phase;
  for (const auto& c : registry::kToolCategories)
    if (contains_ascii_folded(s.tags, c)) out["categories"].push_back(c);
  return out;
}

constexpr std::size_t kDefaultPage = 50;
constexpr std::size_t kMaxPage = 200;
constexpr std::size_t kMaxOffset = 1000000000;

// A query parameter that must be a whole number in [low, high]; `fallback` when absent.
std::optional<std::size_t> whole_number(const httplib::Request& req, const char* name,
                                        std::size_t fallback, std::size_t low, std::size_t high) {
  if (!req.has_param(name)) return fallback;
  const std::string text = req.get_param_value(name);
  std::size_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size() || value < low ||
      value > high)
    return std::nullopt;
  return value;
}

// Percent-encodes a query value (RFC 3986 unreserved characters kept).
std::string query_value(const std::string& text) {
  std::string out;
  for (const unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~')
      out += static_cast<char>(c);
    else
      out += fmt::format("%{:02X}", c);
  }
  return out;
}

// Errors are logged with a number that the client's reply also carries, so that an operator can
// find the details; the reply itself says only what kind of failure it was.
std::atomic<std::uint64_t> error_number{0};

std::uint64_t log_error(const httplib::Request& req, const char* kind, const std::string& what) {
  const auto n = ++error_number;
  fmt::print(stderr, "scrutineer serve: error {} ({}) on {} {}: {}\n", n, kind, req.method,
             req.path, what);
  std::fflush(stderr);
  return n;
}

void send_logged_error(const httplib::Request& req, httplib::Response& res, int status,
                       const char* kind, const std::string& message, const std::string& what) {
  const auto n = log_error(req, kind, what);
  send_json(res, status, {{"error", message}, {"status", status}, {"reference", n}});
}

// The body of a POST, read through the content reader (so that httplib's 8 KB limit on form
// bodies, a constant of the packaged library, does not apply: every body has the --max-body
// limit). Empty optional when it answered an error.
std::optional<std::string> read_body(const httplib::Request& req, httplib::Response& res,
                                     const httplib::ContentReader& reader, std::size_t max_body) {
  if (req.is_multipart_form_data()) {
    send_error(res, 415, "send the record as JSON, not multipart form data");
    return std::nullopt;
  }
  std::string body;
  bool too_large = false;
  reader([&](const char* data, std::size_t length) {
    if (body.size() + length > max_body) {
      too_large = true;
      return false;
    }
    body.append(data, length);
    return true;
  });
  if (too_large) {
    send_error(res, 413, "request body too large");
    return std::nullopt;
  }
  return body;
}

// The page may run only its own scripts and styles and talk only to this server; reports open in a
// frame of this origin. Reports are self-contained pages: inline SVG and one inline style sheet, no
// script, sandboxed even when opened on their own.
constexpr const char* kPageCsp =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; frame-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'";
constexpr const char* kReportCsp =
    "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'self'; "
    "sandbox";
constexpr std::size_t kMaxListedFiles = 500;

// Percent-encodes a relative path for a URL, keeping its slashes (RFC 3986 unreserved set).
std::string url_path(const std::string& relative) {
  std::string out;
  for (const unsigned char c : relative) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~' || c == '/')
      out += static_cast<char>(c);
    else
      out += fmt::format("%{:02X}", c);
  }
  return out;
}

// The files of a results folder (or the one file named), sorted, at most kMaxListedFiles; links are
// left out, since they may point anywhere.
std::vector<fs::path> results_files(const fs::path& found, bool folder) {
  if (!folder) return {found};
  std::vector<fs::path> files;
  std::error_code ec;
  for (fs::recursive_directory_iterator it(found, ec), end; !ec && it != end; it.increment(ec))
    if (!it->is_symlink(ec) && it->is_regular_file(ec)) files.push_back(it->path());
  std::sort(files.begin(), files.end());
  if (files.size() > kMaxListedFiles) files.resize(kMaxListedFiles);
  return files;
}

// What of an audit's results this server can hand out: the location is read as a path below
// --reports (relative, or absolute inside it). Adds "report_url" (its report.html) and "files"
// (see results_files); URLs and paths elsewhere add nothing.
void add_served_results(json& audit, const std::string& reports_root) {
  if (reports_root.empty()) return;
  std::error_code ec;
  const fs::path base = fs::weakly_canonical(reports_root, ec);
  fs::path location(audit.value("location", ""));
  if (ec || location.empty()) return;
  if (location.is_absolute())
    location = fs::weakly_canonical(location, ec).lexically_relative(base);
  const auto found = path_below(base.string(), location.string());
  if (ec || !found) return;
  const auto url = [&](const fs::path& p) {
    return "/reports/" + url_path(p.lexically_relative(base).generic_string());
  };
  const bool folder = fs::is_directory(*found, ec);
  const fs::path report = folder ? *found / "report.html" : *found;
  if (fs::is_regular_file(report, ec) && report.extension() == ".html")
    audit["report_url"] = url(report);
  audit["files"] = json::array();
  for (const auto& f : results_files(*found, folder))
    audit["files"].push_back(
        {{"path", (folder ? f.lexically_relative(*found) : f.filename()).generic_string()},
         {"url", url(f)}});
}

// True for an http(s) URL: the one kind of location that may be shown to the public.
bool is_url(const std::string& s) {
  return s.rfind("https://", 0) == 0 || s.rfind("http://", 0) == 0;
}

// The results folder of an audit below --reports, when this server holds it.
std::optional<fs::path> results_folder(const std::string& location,
                                       const std::string& reports_root) {
  if (reports_root.empty() || location.empty() || is_url(location)) return std::nullopt;
  std::error_code ec;
  const fs::path base = fs::weakly_canonical(reports_root, ec);
  if (ec) return std::nullopt;
  fs::path p(location);
  if (p.is_absolute()) p = fs::weakly_canonical(p, ec).lexically_relative(base);
  auto found = path_below(base.string(), p.string());
  if (!found || !fs::is_directory(*found, ec)) return std::nullopt;
  return found;
}

// An audit as the public sees it (issue 18): the served report and files, whether its inputs,
// recipe or engine changed since it was linked ("changes"), and no local path: the location is
// kept only when it is a URL.
void public_audit(json& audit, const std::string& reports_root) {
  add_served_results(audit, reports_root);
  const std::string location = audit.value("location", "");
  if (audit.contains("evidence")) {
    json now = nullptr;
    if (const auto folder = results_folder(location, reports_root)) {
      try {
        now = recipe::audit_evidence(*folder);
      } catch (const Error&) {
        now = json::object();  // the folder no longer holds readable results: it changed
      }
    }
    audit["changes"] = recipe::evidence_changes(audit["evidence"], now, recipe::engine_version());
  }
  if (!is_url(location)) audit.erase("location");
}

// A path of the single-page app's own (no file extension, not the API or the hashed assets): an
// unknown one gets index.html and the app's router shows it (or its own "not found").
bool is_app_route(const std::string& path) {
  if (path == "api" || path.rfind("api/", 0) == 0 || path.rfind("assets/", 0) == 0) return false;
  const auto slash = path.rfind('/');
  return path.find('.', slash == std::string::npos ? 0 : slash) == std::string::npos;
}

// Vite names the files under assets/ by their content hash, so they may be cached for a year;
// everything else (index.html) is revalidated, so a new build shows at once.
void send_web_file(httplib::Response& res, const fs::path& p, bool hashed) {
  send_file(res, p);
  res.set_header("Cache-Control", hashed ? "public, max-age=31536000, immutable" : "no-cache");
  res.set_header("Content-Security-Policy", kPageCsp);
}

// GET /PATH outside the API and the reports: the built page below `root`. There is no other page
// (issue 18: a bare built-in list whose links opened raw JSON); a server without one was started
// for its API only (`serve --api-only`), and says so.
void serve_web(const std::string& root, std::string path, httplib::Response& res) {
  if (path.empty()) path = "index.html";
  if (root.empty())
    return send_error(res, 404, "this server serves the register's API only (under /api/)");
  if (const auto p = file_below(root, path))
    return send_web_file(res, *p, path.rfind("assets/", 0) == 0);
  const auto index = is_app_route(path) ? file_below(root, "index.html") : std::nullopt;
  if (!index) return send_error(res, 404, "not found");
  send_web_file(res, *index, false);
}

// Worker threads when ServerOptions::workers is 0: four per core, at least 4 and at most 16 (each
// may hold a register connection).
std::size_t default_workers() {
  const std::size_t cores = std::max(1u, std::thread::hardware_concurrency());
  return std::clamp<std::size_t>(4 * cores, 4, 16);
}

FrontLimits front_limits(const ServerOptions& o) {
  FrontLimits l;
  l.workers = o.workers == 0 ? default_workers() : o.workers;
  l.max_connections = o.max_connections;
  l.max_body = o.max_body;
  l.request_time = o.request_timeout;
  l.keep_alive = o.keep_alive_timeout;
  return l;
}

}  // namespace

// A challenge's body is small: two texts of at most 4,000 bytes, a contact and a kind.
constexpr std::size_t kMaxChallengeBody = 16 * 1024;
constexpr std::size_t kMaxChallengesListed = 200;
constexpr const char* kReference = R"((Q-[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}))";

struct Server::Impl {
  explicit Impl(ServerOptions o)
      : options(std::move(o)),
        http(front_limits(options)),
        challenge_limit(options.challenges_per_client, options.challenges_overall,
                        options.challenge_window) {}
  ServerOptions options;
  FrontServer http;
  int port = 0;
  RateLimit challenge_limit;

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
    http.Get("/api/health", [this](const httplib::Request& req, httplib::Response& res) {
      try {
        store()->ping();
      } catch (const std::exception& e) {
        const auto n = log_error(req, "health", e.what());
        return send_json(res, 503,
                         {{"status", "unavailable"},
                          {"error", "the register cannot be reached"},
                          {"reference", n},
                          {"version", SCRUTINEER_VERSION}});
      }
      send_json(res, 200, {{"status", "ok"}, {"version", SCRUTINEER_VERSION}});
    });
    http.Get("/api/tools", [this](const httplib::Request& req, httplib::Response& res) {
      const std::string search = req.get_param_value("search");
      if (search.size() > 200)
        return send_error(res, 400, "search text longer than 200 characters");
      const auto limit = whole_number(req, "limit", kDefaultPage, 1, kMaxPage);
      if (!limit)
        return send_error(res, 400,
                          fmt::format("'limit' must be a whole number from 1 to {}", kMaxPage));
      const auto offset = whole_number(req, "offset", 0, 0, kMaxOffset);
      if (!offset)
        return send_error(res, 400,
                          fmt::format("'offset' must be a whole number from 0 to {}", kMaxOffset));
      registry::ToolFilter filter{search, req.get_param_value("organisation"),
                                  req.get_param_value("category"), req.get_param_value("phase"),
                                  req.get_param_value("audited")};
      for (const auto* text : {&filter.organisation, &filter.phase})
        if (text->size() > 200) return send_error(res, 400, "a filter longer than 200 characters");
      if (!filter.category.empty() &&
          std::find(registry::kToolCategories.begin(), registry::kToolCategories.end(),
                    filter.category) == registry::kToolCategories.end())
        return send_error(res, 400, "'category' must be geographic or people-focused");
      if (!filter.audited.empty() && filter.audited != "yes" && filter.audited != "no")
        return send_error(res, 400, "'audited' must be yes or no");
      auto s = store();
      std::size_t total = 0;
      json out = json::array();
      for (const auto& t : s->list_filtered(filter, *limit, *offset, &total))
        out.push_back(summary(t));
      res.set_header("X-Total-Count", std::to_string(total));
      // RFC 8288 links to the next and the previous page, as the web page follows them.
      std::vector<std::string> links;
      const auto link = [&](std::size_t at, const char* rel) {
        std::string filters;
        for (const auto& [name, value] :
             {std::pair<const char*, const std::string*>{"organisation", &filter.organisation},
              {"category", &filter.category},
              {"phase", &filter.phase},
              {"audited", &filter.audited}})
          if (!value->empty()) filters += fmt::format("&{}={}", name, query_value(*value));
        links.push_back(fmt::format("</api/tools?search={}{}&limit={}&offset={}>; rel=\"{}\"",
                                    query_value(search), filters, *limit, at, rel));
      };
      if (*offset + *limit < total) link(*offset + *limit, "next");
      if (*offset > 0) link(*offset > *limit ? *offset - *limit : 0, "prev");
      if (!links.empty()) res.set_header("Link", fmt::format("{}", fmt::join(links, ", ")));
      send_json(res, 200, out);
    });
    http.Get(R"(/api/tools/([A-Za-z0-9_-]{1,100}))",
             [this](const httplib::Request& req, httplib::Response& res) {
               const auto r = store()->get(req.matches[1]);
               if (!r)
                 return send_error(
                     res, 404, fmt::format("no tool '{}' in the register", req.matches[1].str()));
               json record = registry::record_to_json(*r);
               for (auto& audit : record["audits"]) public_audit(audit, options.reports_root);
               send_json(res, 200, record);
             });
    http.Post("/api/tools", [this](const httplib::Request& req, httplib::Response& res,
                                   const httplib::ContentReader& reader) {
      if (!authorised(req, res)) return;
      const auto text = read_body(req, res, reader, options.max_body);
      if (!text) return;
      const json body = json::parse(*text, nullptr, false);
      if (body.is_discarded()) return send_error(res, 400, "the body is not valid JSON");
      const auto record = registry::record_from_json(body, "request body");
      auto s = store();
      const bool added = s->upsert(record);
      send_json(res, added ? 201 : 200, registry::record_to_json(*s->get(record.slug)));
    });
    http.Post(R"(/api/tools/([A-Za-z0-9_-]{1,100})/audits)",
              [this](const httplib::Request& req, httplib::Response& res,
                     const httplib::ContentReader& reader) {
                if (!authorised(req, res)) return;
                const auto text = read_body(req, res, reader, options.max_body);
                if (!text) return;
                const json body = json::parse(*text, nullptr, false);
                if (!body.is_object())
                  return send_error(res, 400, "the body must be a JSON object");
                registry::AuditLink link;
                for (auto [field, target] : {std::pair{"kind", &link.kind},
                                             {"location", &link.location},
                                             {"summary", &link.summary}}) {
                  if (!body.contains(field) || !body[field].is_string())
                    return send_error(res, 400,
                                      fmt::format("'{}' must be a non-empty string", field));
                  *target = body[field].get<std::string>();
                }
                link.engine_version = SCRUTINEER_VERSION;
                // A results folder of `scrutineer run` (it holds run.json) is read as evidence;
                // another folder (a report alone) is linked as it is.
                const auto folder = results_folder(link.location, options.reports_root);
                std::error_code ec;
                if (folder && fs::is_regular_file(*folder / "run.json", ec)) {
                  const auto evidence = recipe::audit_evidence(*folder);
                  link.evidence = evidence.dump();
                  link.engine_version = evidence.value("engine_version", "");
                  link.run_at = evidence.value("run_at", "");
                }
                registry::check_audit_link(link, "request body");
                auto s = store();
                if (!s->get(req.matches[1]))
                  return send_error(
                      res, 409, fmt::format("no tool '{}' in the register", req.matches[1].str()));
                const auto id = s->link_audit(req.matches[1], link);
                send_json(res, 201, {{"id", id}});
              });
    challenge_routes();
    http.Get("/api/facets", [this](const httplib::Request&, httplib::Response& res) {
      auto s = store();
      send_json(res, 200,
                {{"organisations", s->organisations()},
                 {"phases", s->phases()},
                 {"categories", registry::kToolCategories}});
    });
    // The comparison across forces: every audited tool (at most 200) with the headline figures
    // of its audits, and what changed since each was linked.
    http.Get("/api/compare", [this](const httplib::Request&, httplib::Response& res) {
      auto s = store();
      registry::ToolFilter audited;
      audited.audited = "yes";
      json out = json::array();
      for (const auto& t : s->list_filtered(audited, kMaxPage, 0)) {
        const auto r = s->get(t.slug);
        if (!r) continue;
        json record = registry::record_to_json(*r);
        json audits = json::array();
        for (auto& audit : record["audits"]) {
          public_audit(audit, options.reports_root);
          audit.erase("files");
          audits.push_back(audit);
        }
        out.push_back({{"slug", t.slug},
                       {"name", t.name},
                       {"organisation", t.organisation},
                       {"audits", audits}});
      }
      send_json(res, 200, out);
    });
    http.Get(R"(/reports/(.+))", [this](const httplib::Request& req, httplib::Response& res) {
      const auto p = file_below(options.reports_root, req.matches[1]);
      if (!p) return send_error(res, 404, "no such report file");
      send_file(res, *p);
      res.set_header("Content-Security-Policy", kReportCsp);
    });
    http.Get("/api/fields", [](const httplib::Request&, httplib::Response& res) {
      json out = json::array();
      for (const auto& f : registry::record_fields())
        out.push_back({{"key", f.key},
                       {"label", f.label},
                       {"tier", f.tier},
                       {"required", f.required},
                       {"reference", f.reference},
                       {"attribute", f.attribute},
                       {"category", f.category},
                       {"type", f.type},
                       {"eu", f.eu}});
      send_json(res, 200, out);
    });
    http.Get(R"(/(.*))", [this](const httplib::Request& req, httplib::Response& res) {
      serve_web(options.web_root, req.matches[1].str(), res);
    });
  }

  // Questions and challenges: anyone may submit one and read its status by reference; published
  // ones are public; holders of the token list, answer, publish or reject them.
  void challenge_routes() {
    http.Post(R"(/api/tools/([A-Za-z0-9_-]{1,100})/challenges)",
              [this](const httplib::Request& req, httplib::Response& res,
                     const httplib::ContentReader& reader) { submit_challenge(req, res, reader); });
    http.Get(R"(/api/tools/([A-Za-z0-9_-]{1,100})/challenges)", [this](const httplib::Request& req,
                                                                       httplib::Response& res) {
      auto s = store();
      if (!s->get(req.matches[1]))
        return send_error(res, 404,
                          fmt::format("no tool '{}' in the register", req.matches[1].str()));
      json published = json::array();
      for (const auto& c : s->challenges(req.matches[1], registry::ChallengeStatus::kPublished,
                                         kMaxChallengesListed))
        published.push_back(registry::challenge_public_json(c));
      send_json(res, 200,
                {{"counts", registry::counts_json(s->challenge_counts(req.matches[1]))},
                 {"published", published}});
    });
    http.Get(std::string("/api/challenges/") + kReference,
             [this](const httplib::Request& req, httplib::Response& res) {
               const auto c = store()->challenge(req.matches[1]);
               if (!c) return send_error(res, 404, "no challenge with this reference");
               send_json(res, 200,
                         authorised_quietly(req) ? registry::challenge_private_json(*c)
                                                 : registry::challenge_public_json(*c));
             });
    http.Get("/api/challenges", [this](const httplib::Request& req, httplib::Response& res) {
      if (!authorised(req, res)) return;
      std::optional<registry::ChallengeStatus> status;
      if (req.has_param("status"))
        status = registry::challenge_status_from(req.get_param_value("status"));
      json out = json::array();
      for (const auto& c : store()->challenges("", status, kMaxChallengesListed))
        out.push_back(registry::challenge_private_json(c));
      send_json(res, 200, out);
    });
    http.Post(std::string("/api/challenges/") + kReference,
              [this](const httplib::Request& req, httplib::Response& res,
                     const httplib::ContentReader& reader) {
                if (!authorised(req, res)) return;
                const auto text = read_body(req, res, reader, kMaxChallengeBody);
                if (!text) return;
                const json body = json::parse(*text, nullptr, false);
                if (!body.is_object() || !body.contains("status") || !body["status"].is_string())
                  return send_error(res, 400, "the body must be a JSON object with a 'status'");
                const std::string answer = body.contains("answer") && body["answer"].is_string()
                                               ? body["answer"].get<std::string>()
                                               : "";
                if (answer.size() > registry::kMaxChallengeTextBytes)
                  return send_error(res, 400, "'answer' is too long");
                const auto status =
                    registry::challenge_status_from(body["status"].get<std::string>());
                auto s = store();
                if (!s->challenge(req.matches[1]))
                  return send_error(res, 404, "no challenge with this reference");
                send_json(res, 200,
                          registry::challenge_private_json(
                              s->answer_challenge(req.matches[1], answer, status)));
              });
  }

  // POST /api/tools/SLUG/challenges: rate-limited by address before anything is read, the body
  // bounded, a filled-in hidden field (which people do not see and robots fill) refused.
  void submit_challenge(const httplib::Request& req, httplib::Response& res,
                        const httplib::ContentReader& reader) {
    std::chrono::seconds retry{0};
    if (!challenge_limit.allow(req.remote_addr, retry)) {
      res.set_header("Retry-After", std::to_string(std::max<std::int64_t>(1, retry.count())));
      return send_error(res, 429, "too many submissions from this address: please try again later");
    }
    if (req.get_header_value("Content-Type").rfind("application/json", 0) != 0)
      return send_error(res, 415, "send the question as JSON (Content-Type: application/json)");
    const auto text = read_body(req, res, reader, kMaxChallengeBody);
    if (!text) return;
    const json body = json::parse(*text, nullptr, false);
    if (body.is_discarded()) return send_error(res, 400, "the body is not valid JSON");
    if (body.is_object() && body.contains("website") &&
        !(body["website"].is_string() && body["website"].get<std::string>().empty()))
      return send_error(res, 400, "the submission was refused");
    auto c = registry::challenge_from_json(body, "request body");
    c.slug = req.matches[1];
    auto s = store();
    if (!s->get(c.slug))
      return send_error(res, 404, fmt::format("no tool '{}' in the register", c.slug));
    const auto stored = s->add_challenge(c);
    send_json(res, 201,
              {{"reference", stored.reference},
               {"status", registry::to_string(stored.status)},
               {"received_at", stored.received_at}});
  }

  // A valid token, without answering 401/403 when there is none (public reads that show more to
  // the token's holders).
  bool authorised_quietly(const httplib::Request& req) const {
    if (options.token.empty()) return false;
    const std::string header = req.get_header_value("Authorization");
    const std::string prefix = "Bearer ";
    return header.rfind(prefix, 0) == 0 &&
           constant_time_equal(header.substr(prefix.size()), options.token);
  }

  void handlers() {
    http.set_default_headers(
        {{"X-Content-Type-Options", "nosniff"}, {"Referrer-Policy", "no-referrer"}});
    http.set_error_handler(
        httplib::Server::HandlerWithResponse([](const httplib::Request&, httplib::Response& res) {
          if (!res.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
          send_error(res, res.status, status_text(res.status));
          return httplib::Server::HandlerResponse::Handled;
        }));
    // Only the client's own input is described to the client (InputError names its field); any
    // other failure gets a generic message and a reference, the details going to the log: the
    // register's host, port, user and the database's own messages never reach a client.
    http.set_exception_handler([](const httplib::Request& req, httplib::Response& res,
                                  std::exception_ptr ep) {
      try {
        std::rethrow_exception(ep);
      } catch (const InputError& e) {
        send_error(res, 400, e.what());
      } catch (const ConfigError& e) {
        send_logged_error(req, res, 409, "conflict",
                          "the request conflicts with the register's contents", e.what());
      } catch (const IoError& e) {
        send_logged_error(req, res, 503, "register", "the register cannot be reached", e.what());
      } catch (const std::exception& e) {
        send_logged_error(req, res, 500, "internal", "internal error", e.what());
      } catch (...) {
        send_logged_error(req, res, 500, "internal", "internal error", "unknown exception");
      }
    });
  }
};

Server::Server(ServerOptions options) : impl_(std::make_unique<Impl>(std::move(options))) {
  impl_->pool = std::make_unique<registry::StorePool>(impl_->options.db);
  impl_->pool->lease();  // creates and migrates before serving
  impl_->handlers();
  impl_->routes();
}

Server::~Server() { stop(); }

int Server::bind() {
  auto& o = impl_->options;
  impl_->port = impl_->http.bind(o.host, o.port);
  if (impl_->port < 0) throw IoError(fmt::format("cannot listen on {}:{}", o.host, o.port));
  return impl_->port;
}

void Server::serve() { impl_->http.serve(); }

void Server::stop() {
  if (impl_->http.is_running()) impl_->http.stop();
}

int Server::port() const { return impl_->port; }

}  // namespace scrutineer::server
