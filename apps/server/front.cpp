// The connection front (front.hpp): one epoll thread holds every connection and frames requests
// (head up to a blank line, body by Content-Length), a fixed pool of workers runs them.
#include "front.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <condition_variable>
#include <cstdint>
#include <cstring>
#include <deque>
#include <functional>
#include <mutex>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <utility>
#include <vector>

namespace scrutineer::server {

namespace {

using Clock = std::chrono::steady_clock;

// The listener hands each accepted socket to FrontServer::process_and_close_socket at once, on its
// own thread; that only passes the socket to the hub.
class Immediate : public httplib::TaskQueue {
 public:
  void enqueue(std::function<void()> fn) override { fn(); }
  void shutdown() override {}
};

struct Connection {
  int fd = -1;
  std::string in;           // received and not yet handled
  std::size_t scanned = 0;  // bytes of `in` searched for the end of the head
  std::size_t request = 0;  // length of the whole request at the front of `in` (0: not known)
  Clock::time_point deadline;
  bool started = false;   // a request has begun: its deadline runs
  bool draining = false;  // refused: what arrives is dropped until the peer closes
  std::size_t drained = 0;
  std::size_t served = 0;
};

// A reply the front writes itself (the request never reached a worker), then closes.
std::string refusal(int status, const char* reason, const char* message) {
  const std::string body = fmt::format(R"({{"error":"{}","status":{}}})", message, status);
  return fmt::format(
      "HTTP/1.1 {} {}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n"
      "Connection: close\r\nX-Content-Type-Options: nosniff\r\n\r\n{}",
      status, reason, body.size(), body);
}

void send_best_effort(int fd, const std::string& bytes) {
  std::size_t sent = 0;
  while (sent < bytes.size()) {
    const ssize_t n = ::send(fd, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
    if (n > 0) {
      sent += static_cast<std::size_t>(n);
    } else if (n < 0 && errno == EINTR) {
      continue;
    } else {
      return;  // a full socket buffer or a gone peer: the reply is a courtesy
    }
  }
}

// The header's name is exactly `name` (ASCII case ignored), as httplib matches it.
bool header_is(std::string_view line, std::string_view name) {
  return line.size() > name.size() && line[name.size()] == ':' &&
         strncasecmp(line.data(), name.data(), name.size()) == 0;
}

std::string_view header_value(std::string_view line) {
  line.remove_prefix(line.find(':') + 1);
  while (!line.empty() && (line.front() == ' ' || line.front() == '\t')) line.remove_prefix(1);
  while (!line.empty() &&
         (line.back() == ' ' || line.back() == '\t' || line.back() == '\r' || line.back() == '\n'))
    line.remove_suffix(1);
  return line;
}

void address(int fd, bool peer, std::string& ip, int& port) {
  sockaddr_storage a{};
  socklen_t n = sizeof a;
  const int rc = peer ? ::getpeername(fd, reinterpret_cast<sockaddr*>(&a), &n)
                      : ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &n);
  ip.clear();
  port = 0;
  if (rc != 0) return;
  char text[INET6_ADDRSTRLEN] = {};
  if (a.ss_family == AF_INET) {
    const auto* v4 = reinterpret_cast<const sockaddr_in*>(&a);
    ::inet_ntop(AF_INET, &v4->sin_addr, text, sizeof text);
    port = ntohs(v4->sin_port);
  } else if (a.ss_family == AF_INET6) {
    const auto* v6 = reinterpret_cast<const sockaddr_in6*>(&a);
    ::inet_ntop(AF_INET6, &v6->sin6_addr, text, sizeof text);
    port = ntohs(v6->sin6_port);
  }
  ip = text;
}

// What httplib's process_request reads and writes: the one buffered request, and the socket for
// the reply, each write within `write_stall` and the whole reply within `response_time`.
class RequestStream : public httplib::Stream {
 public:
  RequestStream(const Connection& c, const FrontLimits& limits)
      : c_(c), stall_(limits.write_stall), deadline_(Clock::now() + limits.response_time) {}

  bool is_readable() const override { return pos_ < c_.request; }
  bool is_writable() const override { return !failed_; }

  ssize_t read(char* ptr, size_t size) override {
    if (pos_ >= c_.request) return -1;
    const std::size_t n = std::min(size, c_.request - pos_);
    std::memcpy(ptr, c_.in.data() + pos_, n);
    pos_ += n;
    return static_cast<ssize_t>(n);
  }

  ssize_t write(const char* ptr, size_t size) override {
    if (failed_) return -1;
    if (size == 0) return 0;
    for (;;) {
      const ssize_t n = ::send(c_.fd, ptr, size, MSG_NOSIGNAL);
      if (n > 0) return n;
      if (n < 0 && errno == EINTR) continue;
      if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK) return fail();
      const auto now = Clock::now();
      if (now >= deadline_) return fail();
      const auto wait = std::min<Clock::duration>(stall_, deadline_ - now);
      pollfd p{c_.fd, POLLOUT, 0};
      const int ready =
          ::poll(&p, 1,
                 static_cast<int>(
                     std::chrono::duration_cast<std::chrono::milliseconds>(wait).count() + 1));
      if (ready == 0 || (ready < 0 && errno != EINTR)) return fail();
    }
  }

  void get_remote_ip_and_port(std::string& ip, int& port) const override {
    address(c_.fd, true, ip, port);
  }
  void get_local_ip_and_port(std::string& ip, int& port) const override {
    address(c_.fd, false, ip, port);
  }
  socket_t socket() const override { return c_.fd; }
  bool failed() const { return failed_; }

 private:
  ssize_t fail() {
    failed_ = true;
    return -1;
  }
  const Connection& c_;
  std::size_t pos_ = 0;
  bool failed_ = false;
  Clock::duration stall_;
  Clock::time_point deadline_;
};

}  // namespace

struct FrontServer::Hub {
  Hub(FrontServer& server, const FrontLimits& limits) : server_(server), limits_(limits) {
    epoll_ = ::epoll_create1(EPOLL_CLOEXEC);
    wake_ = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    epoll_event e{};
    e.events = EPOLLIN;
    e.data.fd = wake_;
    ::epoll_ctl(epoll_, EPOLL_CTL_ADD, wake_, &e);
    thread_ = std::thread([this] { run(); });
    for (std::size_t i = 0; i < std::max<std::size_t>(1, limits_.workers); ++i)
      workers_.emplace_back([this] { work(); });
  }

  ~Hub() { stop(); }

  // From the listener thread: a new connection, or a 503 when there are too many.
  void add(int fd) {
    if (open_.load() >= limits_.max_connections) {
      const int flags = ::fcntl(fd, F_GETFL, 0);
      ::fcntl(fd, F_SETFL, flags | O_NONBLOCK);
      send_best_effort(fd, refusal(503, "Service Unavailable", "too many connections"));
      ::shutdown(fd, SHUT_RDWR);
      ::close(fd);
      return;
    }
    ++open_;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      incoming_.push_back(fd);
    }
    wake();
  }

  void stop() {
    if (stopped_) return;
    stopped_ = true;
    {
      std::lock_guard<std::mutex> lock(jobs_mutex_);
      stopping_ = true;
    }
    jobs_cv_.notify_all();
    for (auto& t : workers_) t.join();
    {
      std::lock_guard<std::mutex> lock(mutex_);
      hub_stop_ = true;
    }
    wake();
    thread_.join();
    for (auto& c : jobs_) close(*c);
    jobs_.clear();
    ::close(epoll_);
    ::close(wake_);
  }

 private:
  void wake() {
    const std::uint64_t one = 1;
    [[maybe_unused]] const auto n = ::write(wake_, &one, sizeof one);
  }

  void run() {
    std::vector<epoll_event> events(128);
    auto last_sweep = Clock::now();
    for (;;) {
      const int n = ::epoll_wait(epoll_, events.data(), static_cast<int>(events.size()), 50);
      {
        std::unique_lock<std::mutex> lock(mutex_);
        if (hub_stop_) break;
        auto incoming = std::move(incoming_);
        auto returned = std::move(returned_);
        incoming_.clear();
        returned_.clear();
        lock.unlock();
        for (const int fd : incoming) accept_connection(fd);
        for (auto& [c, keep] : returned) resume(std::move(c), keep);
      }
      for (int i = 0; i < n; ++i) {
        const int fd = events[static_cast<std::size_t>(i)].data.fd;
        if (fd == wake_) {
          std::uint64_t count = 0;
          [[maybe_unused]] const auto r = ::read(wake_, &count, sizeof count);
          continue;
        }
        const auto it = connections_.find(fd);
        if (it != connections_.end()) readable(it->first);
      }
      const auto now = Clock::now();
      if (now - last_sweep >= std::chrono::milliseconds(50)) {
        last_sweep = now;
        sweep(now);
      }
    }
    for (auto& [fd, c] : connections_) close(*c);
    connections_.clear();
    std::lock_guard<std::mutex> lock(mutex_);
    for (const int fd : incoming_) {
      ::close(fd);
      --open_;
    }
    for (auto& [c, keep] : returned_) close(*c);
  }

  void accept_connection(int fd) {
    const int flags = ::fcntl(fd, F_GETFL, 0);
    ::fcntl(fd, F_SETFL, flags | O_NONBLOCK);
    const int on = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);  // small replies: no Nagle delay
    auto c = std::make_unique<Connection>();
    c->fd = fd;
    c->deadline = Clock::now() + limits_.keep_alive;
    watch(std::move(c));
  }

  void watch(std::unique_ptr<Connection> c) {
    epoll_event e{};
    e.events = EPOLLIN | EPOLLRDHUP;
    e.data.fd = c->fd;
    const int fd = c->fd;
    connections_[fd] = std::move(c);
    ::epoll_ctl(epoll_, EPOLL_CTL_ADD, fd, &e);
  }

  // Back from a worker: the request is dropped from the buffer; a pipelined one may follow.
  void resume(std::unique_ptr<Connection> c, bool keep) {
    if (!keep) return close(*c);
    buffered_ -= std::min(buffered_, c->request);
    c->in.erase(0, c->request);
    c->request = 0;
    c->scanned = 0;
    c->started = !c->in.empty();
    c->deadline = Clock::now() + (c->started ? limits_.request_time : limits_.keep_alive);
    auto& ref = *c;
    watch(std::move(c));
    if (ref.started) frame_and_dispatch(ref);
  }

  void close(Connection& c) {
    buffered_ -= std::min(buffered_, c.in.size());
    ::shutdown(c.fd, SHUT_RDWR);
    ::close(c.fd);
    --open_;
  }

  void forget(int fd) {
    ::epoll_ctl(epoll_, EPOLL_CTL_DEL, fd, nullptr);
    const auto it = connections_.find(fd);
    close(*it->second);
    connections_.erase(it);
  }

  // Answers with an error and keeps reading (and dropping) for a while before closing, so that
  // the reply is not lost to a reset while the client is still sending its body.
  void refuse(Connection& c, int status, const char* reason, const char* message) {
    send_best_effort(c.fd, refusal(status, reason, message));
    ::shutdown(c.fd, SHUT_WR);
    buffered_ -= std::min(buffered_, c.in.size());
    c.in.clear();
    c.in.shrink_to_fit();
    c.draining = true;
    c.deadline = Clock::now() + std::chrono::seconds(2);
  }

  void readable(int fd) {
    Connection& c = *connections_.at(fd);
    char buffer[16384];
    for (;;) {
      const ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
      if (n == 0) return forget(fd);  // the peer closed
      if (n < 0) {
        if (errno == EINTR) continue;
        if (errno == EAGAIN || errno == EWOULDBLOCK) return;
        return forget(fd);
      }
      const auto got = static_cast<std::size_t>(n);
      if (c.draining) {
        c.drained += got;
        if (c.drained > (1u << 20)) return forget(fd);
        continue;
      }
      if (buffered_ + got > limits_.buffer_budget)
        return refuse(c, 503, "Service Unavailable", "the server is busy; try again");
      if (!c.started) {
        c.started = true;
        c.deadline = Clock::now() + limits_.request_time;
      }
      c.in.append(buffer, got);
      buffered_ += got;
      if (frame_and_dispatch(c)) return;  // the connection is with a worker (or refused)
    }
  }

  // Finds the request at the front of c.in; hands it to a worker once whole. True when the
  // connection left the hub's reading (dispatched or refused).
  bool frame_and_dispatch(Connection& c) {
    if (c.request == 0) {
      // Empty lines before a request line are ignored (RFC 9112 section 2.2).
      std::size_t skip = 0;
      while (skip < c.in.size() && (c.in[skip] == '\r' || c.in[skip] == '\n')) ++skip;
      if (skip > 0) {
        c.in.erase(0, skip);
        buffered_ -= std::min(buffered_, skip);
        c.scanned = 0;
      }
      std::size_t end = std::string::npos;
      for (std::size_t i = c.scanned > 2 ? c.scanned - 2 : 0; i < c.in.size(); ++i) {
        if (c.in[i] != '\n') continue;
        if (i + 1 < c.in.size() && c.in[i + 1] == '\n') {
          end = i + 2;
          break;
        }
        if (i + 2 < c.in.size() && c.in[i + 1] == '\r' && c.in[i + 2] == '\n') {
          end = i + 3;
          break;
        }
      }
      c.scanned = c.in.size();
      if (end == std::string::npos) {
        if (c.in.size() > limits_.max_head) {
          refuse(c, 431, "Request Header Fields Too Large", "request head too large");
          return true;
        }
        return false;
      }
      if (end > limits_.max_head) {
        refuse(c, 431, "Request Header Fields Too Large", "request head too large");
        return true;
      }
      if (!frame_head(c, end)) return true;
    }
    if (c.in.size() < c.request) return false;
    dispatch(c);
    return true;
  }

  // Reads the framing headers of the head c.in[0, end): drops Range (the whole file is always
  // sent) and Expect (the front answers 100-continue itself), and sets c.request. False when the
  // request was refused.
  bool frame_head(Connection& c, std::size_t end) {
    std::string head;
    head.reserve(end);
    std::size_t body = 0;
    bool has_length = false, expect_continue = false;
    std::size_t at = 0;
    bool first = true;
    while (at < end) {
      std::size_t eol = c.in.find('\n', at);
      if (eol == std::string::npos || eol >= end) eol = end - 1;
      const std::string_view line(c.in.data() + at, eol + 1 - at);
      at = eol + 1;
      if (!first && header_is(line, "Transfer-Encoding")) {
        refuse(c, 411, "Length Required", "send the body with Content-Length, not chunked");
        return false;
      }
      if (!first && header_is(line, "Content-Length")) {
        const auto v = header_value(line);
        std::size_t n = 0;
        const bool digits =
            !v.empty() && v.size() <= 18 &&
            std::all_of(v.begin(), v.end(), [](char ch) { return ch >= '0' && ch <= '9'; });
        if (digits) n = std::stoull(std::string(v));
        if (!digits || (has_length && n != body)) {
          refuse(c, 400, "Bad Request", "bad Content-Length");
          return false;
        }
        has_length = true;
        body = n;
      }
      if (!first && header_is(line, "Expect")) {
        expect_continue = strcasecmp(std::string(header_value(line)).c_str(), "100-continue") == 0;
        continue;
      }
      if (!first && header_is(line, "Range")) continue;
      first = false;
      head.append(line);
    }
    if (body > limits_.max_body) {
      refuse(c, 413, "Payload Too Large", "request body too large");
      return false;
    }
    const std::size_t removed = end - head.size();
    c.in.replace(0, end, head);
    buffered_ -= std::min(buffered_, removed);
    c.request = head.size() + body;
    if (expect_continue && body > 0 && c.in.size() < c.request)
      send_best_effort(c.fd, "HTTP/1.1 100 Continue\r\n\r\n");
    return true;
  }

  void dispatch(Connection& c) {
    const int fd = c.fd;
    ::epoll_ctl(epoll_, EPOLL_CTL_DEL, fd, nullptr);
    auto it = connections_.find(fd);
    auto owned = std::move(it->second);
    connections_.erase(it);
    {
      std::lock_guard<std::mutex> lock(jobs_mutex_);
      jobs_.push_back(std::move(owned));
    }
    jobs_cv_.notify_one();
  }

  void sweep(Clock::time_point now) {
    std::vector<int> expired;
    for (const auto& [fd, c] : connections_)
      if (now >= c->deadline) expired.push_back(fd);
    for (const int fd : expired) {
      Connection& c = *connections_.at(fd);
      if (c.started && !c.draining) {
        // No lingering here: a slow client is not waited for again.
        refuse(c, 408, "Request Timeout", "the request took too long to arrive");
      }
      forget(fd);
    }
  }

  void work() {
    for (;;) {
      std::unique_ptr<Connection> c;
      {
        std::unique_lock<std::mutex> lock(jobs_mutex_);
        jobs_cv_.wait(lock, [&] { return stopping_ || !jobs_.empty(); });
        if (stopping_) return;
        c = std::move(jobs_.front());
        jobs_.pop_front();
      }
      bool keep = false;
      try {
        RequestStream stream(*c, limits_);
        const bool last = c->served + 1 >= limits_.keep_alive_max;
        bool closed = false;
        const bool ok = server_.process_request(stream, last, closed, {});
        ++c->served;
        keep = ok && !closed && !last && !stream.failed();
      } catch (...) {
        keep = false;
      }
      {
        std::lock_guard<std::mutex> lock(mutex_);
        returned_.emplace_back(std::move(c), keep);
      }
      wake();
    }
  }

  FrontServer& server_;
  const FrontLimits limits_;
  int epoll_ = -1, wake_ = -1;
  std::thread thread_;
  std::vector<std::thread> workers_;
  bool stopped_ = false;
  std::atomic<std::size_t> open_{0};

  // The hub thread's own.
  std::unordered_map<int, std::unique_ptr<Connection>> connections_;
  std::size_t buffered_ = 0;

  std::mutex mutex_;  // guards incoming_, returned_, hub_stop_
  std::vector<int> incoming_;
  std::vector<std::pair<std::unique_ptr<Connection>, bool>> returned_;
  bool hub_stop_ = false;

  std::mutex jobs_mutex_;  // guards jobs_, stopping_
  std::condition_variable jobs_cv_;
  std::deque<std::unique_ptr<Connection>> jobs_;
  bool stopping_ = false;
};

FrontServer::FrontServer(FrontLimits limits) : limits_(limits) {
  set_keep_alive_max_count(limits_.keep_alive_max);
  set_keep_alive_timeout(
      std::chrono::duration_cast<std::chrono::seconds>(limits_.keep_alive).count());
  set_payload_max_length(limits_.max_body);
  new_task_queue = [] { return new Immediate; };
}

FrontServer::~FrontServer() = default;

int FrontServer::bind(const std::string& host, int port) {
  const int bound = port == 0 ? bind_to_any_port(host) : (bind_to_port(host, port) ? port : -1);
  // httplib listens with a backlog of 5 (a compile-time constant of the packaged library); a
  // second listen() on the bound socket sets the real one.
  if (bound >= 0) ::listen(svr_sock_.load(), static_cast<int>(limits_.listen_backlog));
  return bound;
}

void FrontServer::serve() {
  hub_ = std::make_unique<Hub>(*this, limits_);
  listen_after_bind();
  hub_->stop();
  hub_.reset();
}

bool FrontServer::process_and_close_socket(socket_t sock) {
  if (hub_)
    hub_->add(sock);
  else
    ::close(sock);
  return true;
}

}  // namespace scrutineer::server
