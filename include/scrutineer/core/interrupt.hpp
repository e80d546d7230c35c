// Progress observation and cooperative interruption for front ends that run the engine inside
// their own process (the Python module): every Progress::advance calls the observer, which may
// throw Interrupted to stop the work (TBB carries the exception to the caller's thread).
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "scrutineer/core/error.hpp"

namespace scrutineer {

// The work was stopped on the user's request (Ctrl-C in a notebook).
class Interrupted : public Error {
 public:
  using Error::Error;
};

// Called from any thread, possibly at once from several: the bar's label, steps done, steps in all.
using ProgressObserver =
    std::function<void(const std::string& label, std::int64_t done, std::int64_t total)>;

// Sets the process-wide observer (empty = none). Set it before the work starts and clear it after.
void set_progress_observer(ProgressObserver observer);

}  // namespace scrutineer
