// One forecast from a model of the registry at a given time, and its outputs (the logic behind
// `scrutineer forecast` and `scrutineer models`).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "scrutineer/core/events.hpp"
#include "scrutineer/forecast/model.hpp"
#include "scrutineer/geo/grid.hpp"

namespace scrutineer::forecast {

struct ForecastRequest {
  std::string model;               // registry name
  std::string params;              // "k=v,k=v"
  std::int64_t at = 0;             // UTC seconds: the forecast is for the period starting here
  std::int64_t train_seconds = 0;  // training window [at - train, at); 0 = every event before at
};

// The training events (t < at, within the window) in the grid's CRS and the model's surface.
// Throws ConfigError for an unknown model or parameter, or for events in another CRS than the grid.
Surface forecast_at(const EventSet& events, const geo::Grid& grid, const ForecastRequest& request);

// cell,ix,iy,x,y,risk,rank for every valid cell (x, y: the cell centre; rank 1 = highest, in the
// order `ranking` gives: valid cells best first). Written atomically.
void write_surface_csv(const std::string& path, const geo::Grid& grid, const Surface& surface,
                       const std::vector<std::int64_t>& ranking);

// The registry as text: each model with its summary, paper and parameters (name, default, help,
// source). `markdown` gives tables for docs/forecast.md.
std::string describe_models(bool markdown);

}  // namespace scrutineer::forecast
