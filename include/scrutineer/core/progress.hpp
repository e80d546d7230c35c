// A progress bar with an estimate of time left, on stderr, for work that runs longer than a second.
// Thread-safe: workers call advance(); drawing is rate-limited and only on a terminal unless
// forced.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>

namespace scrutineer {

class Progress {
 public:
  Progress(std::string label, std::int64_t total, bool enabled = true);
  ~Progress();
  void advance(std::int64_t n = 1);
  void finish();
  // Global switch (--quiet, or output not a terminal and SCRUTINEER_PROGRESS unset).
  static void set_enabled(bool enabled);

 private:
  void draw(std::int64_t done, bool final);
  std::string label_;
  std::int64_t total_;
  bool enabled_;
  std::atomic<std::int64_t> done_{0};
  std::chrono::steady_clock::time_point start_, last_draw_;
  std::mutex mutex_;
  bool drawn_ = false;
  bool finished_ = false;
};

}  // namespace scrutineer
