// Shared set-up of the loop tests: short naive-model loops, and one run with 1 and with 2 threads.
#pragma once

#include <cstdint>
#include <utility>

#include "scrutineer/core/parallel.hpp"
#include "scrutineer/feedback/loop.hpp"

namespace scrutineer::feedback {

// The naive model flagging `count` cells, window = history, no progress bar.
inline LoopOptions quick_loop(std::int64_t days, std::int64_t history, std::int64_t replicates,
                              std::int64_t count) {
  LoopOptions o;
  o.model = "naive";
  o.policy.count = count;
  o.days = days;
  o.history_days = history;
  o.window_days = history;
  o.replicates = replicates;
  o.progress = false;
  return o;
}

// The same loop run with one thread, then with two (their results must be identical).
template <typename Truth>
std::pair<LoopResult, LoopResult> run_with_1_and_2_threads(const Truth& truth,
                                                           const LoopOptions& o) {
  std::pair<LoopResult, LoopResult> out;
  {
    ThreadLimit limit(1);
    out.first = run_loop(truth, o);
  }
  {
    ThreadLimit limit(2);
    out.second = run_loop(truth, o);
  }
  return out;
}

}  // namespace scrutineer::feedback
