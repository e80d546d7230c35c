// The recipe's time-resolution check: each model (and the feedback stage's fitted truth) declares
// the time it needs (forecast::ModelInfo::needs); month-only data are refused at the recipe line.
#pragma once

#include <optional>
#include <string>

#include "scrutineer/core/events.hpp"
#include "scrutineer/evaluate/backtest_options.hpp"
#include "scrutineer/ingest/ingest.hpp"
#include "scrutineer/recipe/recipe.hpp"

namespace scrutineer::recipe {

// The data's time resolution as [data] declares it, with what declared it: the user's time
// pattern, else the named format's (police-uk: "%Y-%m", months). Nothing when only the data can
// tell (format = "auto", a time pattern detected from the rows, an events file's own column).
struct DeclaredTime {
  TimeResolution resolution;
  std::string source;  // e.g. "format police-uk (time pattern %Y-%m)"
};
std::optional<DeclaredTime> declared_resolution(const ingest::ReadOptions& read);

// Why data of resolution `have` (as `source` gives them) cannot feed the model, or "" when they
// can. Names the models that can.
std::string model_time_refusal(const evaluate::ModelSpec& model, TimeResolution have,
                               const std::string& source);
// The same for the feedback stage's truth = "fitted" (sepp-grid fitted by the day).
std::string fitted_truth_refusal(TimeResolution have, const std::string& source);

// Once the events are read (when the format did not declare their resolution): throws ConfigError
// at the recipe position of the first model or truth the data cannot feed.
void check_time_resolution(const Recipe& recipe, TimeResolution have, const std::string& source);

}  // namespace scrutineer::recipe
