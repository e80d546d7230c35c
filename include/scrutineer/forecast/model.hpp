// The forecasting-model interface and registry (XGBoost-style: one file per model plus one
// registration). Each model cites its paper in its ModelInfo and in docs/methods.md.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "scrutineer/core/events.hpp"
#include "scrutineer/core/params.hpp"
#include "scrutineer/geo/grid.hpp"

namespace scrutineer::forecast {

// Risk per grid cell (size grid.cells(); invalid cells hold 0). When `is_rate` is true, risk is the
// expected number of events per cell over the next `rate_period_seconds` (usable for likelihoods).
struct Surface {
  std::vector<double> risk;
  bool is_rate = false;
  std::int64_t rate_period_seconds = 0;
};

class Model {
 public:
  virtual ~Model() = default;
  // Forecast for the period starting at `at` (UTC seconds) from `training`: the events the caller
  // chose as the training window, all with t < at, sorted by time, in the grid's CRS.
  virtual Surface forecast(const EventSet& training, const geo::Grid& grid, std::int64_t at) = 0;
};

struct ModelInfo {
  std::string name;     // registry key, e.g. "prohotspot"
  std::string summary;  // one line
  std::string
      citation;  // the paper, e.g. "Bowers, Johnson & Pease (2004), Brit. J. Criminology 44(5)"
  std::vector<ParamSpec> params;
  std::function<std::unique_ptr<Model>(const ParamSet&)> make;
  // The coarsest time resolution of the data the model can use with these parameters (kMonth =
  // any data). Declared once here: the model's forecast, `scrutineer models` and the recipe's
  // parse-time check all call it, so they cannot disagree.
  std::function<TimeResolution(const ParamSet&)> needs;
  // The same in words for `scrutineer models` ("days; minutes when time_unit is under a day").
  std::string needs_text;
};

// Registry. Models register themselves in src/forecast/registry.cpp.
const std::vector<ModelInfo>& models();
// Throws ConfigError naming the known models when `name` is unknown.
const ModelInfo& find_model(const std::string& name);
// Builds a model from "name" and "k=v,k=v" parameter text.
std::unique_ptr<Model> make_model(const std::string& name, const std::string& params = "");
ParamSet model_params(const std::string& name);
// The time resolution model `name` needs with parameters "k=v,k=v" (ModelInfo::needs).
TimeResolution time_needed(const std::string& name, const std::string& params = "");
// True when data of resolution `have` are fine enough for a method needing `needed`.
inline bool resolution_suffices(TimeResolution have, TimeResolution needed) {
  return static_cast<int>(have) <= static_cast<int>(needed);
}

}  // namespace scrutineer::forecast
