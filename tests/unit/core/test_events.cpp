// EventSet: sorting, slicing, filtering, resolution checks.
#include <gtest/gtest.h>

#include "scrutineer/core/error.hpp"
#include "scrutineer/core/events.hpp"

namespace scrutineer {

namespace {
EventSet three_events() {
  EventSet e;
  e.push_back(300, 3, 30, "burglary", 4);
  e.push_back(100, 1, 10, "assault", 2);
  e.push_back(200, 2, 20, "burglary", 3);
  return e;
}
}  // namespace

TEST(Events, PushEncodesCategoriesAndSortKeepsRowsTogether) {
  auto e = three_events();
  ASSERT_EQ(e.categories.size(), 2u);
  e.sort_by_time();
  EXPECT_EQ(e.t, (std::vector<std::int64_t>{100, 200, 300}));
  EXPECT_EQ(e.x, (std::vector<double>{1, 2, 3}));
  EXPECT_EQ(e.source_row, (std::vector<std::int64_t>{2, 3, 4}));
  EXPECT_EQ(e.categories[e.category[0]], "assault");
  EXPECT_EQ(e.categories[e.category[2]], "burglary");
}

TEST(Events, SliceIsHalfOpen) {
  auto e = three_events();
  e.sort_by_time();
  EXPECT_EQ(e.slice_time(100, 300).t, (std::vector<std::int64_t>{100, 200}));
  EXPECT_EQ(e.slice_time(101, 301).t, (std::vector<std::int64_t>{200, 300}));
  EXPECT_TRUE(e.slice_time(400, 500).empty());
  EXPECT_TRUE(e.slice_time(300, 100).empty());
  EXPECT_EQ(e.filter({true, false, true}).x, (std::vector<double>{1, 3}));
}

TEST(Events, MonthDataRefusedByDailyMethods) {
  EventSet e;
  e.resolution = TimeResolution::kMonth;
  EXPECT_THROW(e.require_resolution(TimeResolution::kDay, "daily backtest"), ConfigError);
  EXPECT_NO_THROW(e.require_resolution(TimeResolution::kMonth, "monthly backtest"));
  e.resolution = TimeResolution::kMinute;
  EXPECT_NO_THROW(e.require_resolution(TimeResolution::kDay, "daily backtest"));
  EXPECT_EQ(time_resolution_from_string("month"), TimeResolution::kMonth);
  EXPECT_THROW(time_resolution_from_string("fortnight"), ConfigError);
}

}  // namespace scrutineer
