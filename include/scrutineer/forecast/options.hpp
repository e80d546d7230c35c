// The options of one model's forecast at a date (`scrutineer forecast`), declared once.
#pragma once

#include <cstdint>
#include <string>

#include "scrutineer/core/options.hpp"
#include "scrutineer/forecast/run.hpp"

namespace scrutineer::forecast {

struct ForecastSetup {
  std::string model;         // registry name
  std::string model_params;  // "k=v,k=v"
  std::string at;            // local date (and time) YYYY-MM-DD[ HH:MM]
  double train_days = 0;     // training window before `at` (0 = every event before it)
  double coverage = 0.05;    // share of valid cells flagged
  std::string tie_rule = "random";
  std::uint64_t seed = 0;  // seed of the random tie rule
};

const OptionSet<ForecastSetup>& forecast_option_set();

// The request of `setup`, by the rule every front end shares: `at` is local to `time_zone` (the
// events' zone; "" = UTC). ConfigError when `at` does not parse.
ForecastRequest forecast_request(const ForecastSetup& setup, const std::string& time_zone);

}  // namespace scrutineer::forecast
