// A sliding-window limit on submissions (the public's questions and challenges): at most
// `per_client` from one address and `overall` from everyone within `window`. Memory is bounded:
// at most `max_clients` addresses are tracked; past that, the oldest are forgotten.
#pragma once

#include <chrono>
#include <cstddef>
#include <deque>
#include <mutex>
#include <string>
#include <unordered_map>

namespace scrutineer::server {

class RateLimit {
 public:
  using Clock = std::chrono::steady_clock;
  RateLimit(std::size_t per_client, std::size_t overall, Clock::duration window,
            std::size_t max_clients = 10000)
      : per_client_(per_client), overall_(overall), window_(window), max_clients_(max_clients) {}

  // True when one more submission from `client` is allowed now (and counts it); otherwise false
  // and `retry_after` is how long until the oldest counted one leaves the window.
  bool allow(const std::string& client, std::chrono::seconds& retry_after) {
    std::lock_guard<std::mutex> lock(mutex_);
    const auto now = Clock::now();
    forget_before(all_, now);
    auto& mine = clients_[client];
    forget_before(mine, now);
    const auto wait = [&](const std::deque<Clock::time_point>& q) {
      return std::chrono::ceil<std::chrono::seconds>(q.front() + window_ - now);
    };
    if (mine.size() >= per_client_) {
      retry_after = wait(mine);
      return false;
    }
    if (all_.size() >= overall_) {
      retry_after = wait(all_);
      return false;
    }
    mine.push_back(now);
    all_.push_back(now);
    if (clients_.size() > max_clients_) prune(now);
    return true;
  }

 private:
  void forget_before(std::deque<Clock::time_point>& q, Clock::time_point now) const {
    while (!q.empty() && q.front() + window_ <= now) q.pop_front();
  }
  // Drops the addresses with nothing in the window; if still too many, all but the caller's turn
  // (the overall limit still holds).
  void prune(Clock::time_point now) {
    for (auto it = clients_.begin(); it != clients_.end();) {
      forget_before(it->second, now);
      it = it->second.empty() ? clients_.erase(it) : std::next(it);
    }
    if (clients_.size() > max_clients_) clients_.clear();
  }

  std::size_t per_client_, overall_;
  Clock::duration window_;
  std::size_t max_clients_;
  std::mutex mutex_;
  std::unordered_map<std::string, std::deque<Clock::time_point>> clients_;
  std::deque<Clock::time_point> all_;
};

}  // namespace scrutineer::server
