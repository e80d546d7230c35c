// Thread control: one place sets how many threads TBB may use. Results never depend on it.
#pragma once

#include <memory>

namespace scrutineer {

// While alive, limits TBB to `threads` worker threads (0 = all cores).
class ThreadLimit {
 public:
  explicit ThreadLimit(int threads);
  ~ThreadLimit();
  ThreadLimit(const ThreadLimit&) = delete;
  ThreadLimit& operator=(const ThreadLimit&) = delete;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

int available_threads();

}  // namespace scrutineer
