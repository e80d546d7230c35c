// Declarations of the forecast command's options (forecast/options.hpp).
#include "scrutineer/forecast/options.hpp"

#include "scrutineer/core/local_time.hpp"
#include "scrutineer/forecast/model.hpp"

namespace scrutineer::forecast {

const OptionSet<ForecastSetup>& forecast_option_set() {
  static const auto set = [] {
    OptionSet<ForecastSetup> s("forecast", "One model's risk surface at a date");
    s.field(
         "model", [](auto& f) -> auto& { return f.model; },
         "Registered model (see `scrutineer models`)")
        .required()
        .example("naive")
        .check([](const OptionValue& v) { (void)find_model(std::get<std::string>(v)); });
    s.field(
         "model_params", [](auto& f) -> auto& { return f.model_params; },
         "Model parameters k=v,k=v")
        .alias("params")
        .example("time_bandwidth=4");
    s.field(
         "at", [](auto& f) -> auto& { return f.at; },
         "Forecast date, local time of the events: YYYY-MM-DD[ HH:MM]")
        .date()
        .required()
        .example("2016-06-01");
    s.field(
         "train_days", [](auto& f) -> auto& { return f.train_days; },
         "Training window before the date (0 = every event before it)")
        .unit("days")
        .at_least(0);
    s.field(
         "coverage", [](auto& f) -> auto& { return f.coverage; }, "Share of valid cells flagged")
        .above(0)
        .at_most(1)
        .example("0.1");
    s.field(
         "tie_rule", [](auto& f) -> auto& { return f.tie_rule; }, "Ties among equal risks")
        .choices({"random", "row-major", "open_cp"});
    s.field(
         "seed", [](auto& f) -> auto& { return f.seed; }, "Seed of the random tie rule")
        .at_least(0);
    return s;
  }();
  return set;
}

ForecastRequest forecast_request(const ForecastSetup& setup, const std::string& time_zone) {
  const TimeZone zone(time_zone.empty() ? "UTC" : time_zone);
  return ForecastRequest{
      setup.model, setup.model_params,
      local_to_utc(setup.at, zone, "at (--at)", "a local date and time YYYY-MM-DD[ HH:MM]"),
      static_cast<std::int64_t>(setup.train_days * kSecondsPerDay)};
}

}  // namespace scrutineer::forecast
