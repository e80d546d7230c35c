// The backtest stage's options, declared once: `scrutineer backtest` and the recipe's [backtest]
// table are built from this list. Dates are local (the data's zone) until the run converts them.
#pragma once

#include <string>
#include <vector>

#include "scrutineer/core/options.hpp"
#include "scrutineer/evaluate/backtest.hpp"

namespace scrutineer::evaluate {

struct BacktestSetup {
  std::string from, to, train_from;  // local dates YYYY-MM-DD ("" train_from = all history)
  BacktestOptions options;           // first/stop/train_start are set from the dates at run time
};

const OptionSet<BacktestSetup>& backtest_option_set();

// The options of one run of `setup`, by the rule every front end shares: its dates, local to
// `time_zone` (the events' zone; "" = UTC), become first, stop and train_start. The models, the
// cells' areas and progress are the caller's. ConfigError names a date that does not parse.
BacktestOptions dated_options(const BacktestSetup& setup, const std::string& time_zone);

// "1..20" (percent, step 1) or "1,5,10" (percent). ConfigError otherwise.
std::vector<double> parse_coverage_percents(std::string_view text);

}  // namespace scrutineer::evaluate
