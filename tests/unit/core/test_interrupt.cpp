// The progress observer (core/interrupt.hpp): every step reaches it, even with the bar off, and an
// observer that throws Interrupted stops the work at that step.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "scrutineer/core/interrupt.hpp"
#include "scrutineer/core/progress.hpp"

namespace scrutineer {
namespace {

TEST(ProgressObserver, SeesEveryStepWithTheBarOff) {
  std::vector<std::int64_t> done;
  std::string label;
  set_progress_observer([&](const std::string& l, std::int64_t d, std::int64_t total) {
    label = l;
    done.push_back(d);
    EXPECT_EQ(total, 5);
  });
  {
    Progress progress("steps", 5, /*enabled=*/false);
    progress.advance();
    progress.advance(2);
    progress.advance(2);
  }
  set_progress_observer({});
  EXPECT_EQ(label, "steps");
  EXPECT_EQ(done, (std::vector<std::int64_t>{1, 3, 5}));  // cumulative: 1, 1 + 2, 3 + 2
  Progress after("after", 1, false);
  after.advance();
  EXPECT_EQ(done.size(), 3u);  // cleared: no call
}

TEST(ProgressObserver, InterruptedStopsTheWork) {
  set_progress_observer([](const std::string&, std::int64_t d, std::int64_t) {
    if (d == 2) throw Interrupted("interrupted");
  });
  int steps = 0;
  try {
    Progress progress("work", 10, false);
    for (; steps < 10; ++steps) progress.advance();
  } catch (const Interrupted&) {
  }
  set_progress_observer({});
  EXPECT_EQ(steps, 1);  // the second step threw before it was counted as finished
}

}  // namespace
}  // namespace scrutineer
