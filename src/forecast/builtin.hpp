// The built-in models' registry entries and helpers they share (private to src/forecast).
#pragma once

#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "scrutineer/forecast/model.hpp"

namespace scrutineer::forecast::detail {

ModelInfo naive_info();
ModelInfo random_info();
ModelInfo retro_info();
ModelInfo prohotspot_info();
ModelInfo sepp_grid_info();
ModelInfo kde_info();
ModelInfo sepp_info();
ModelInfo gistar_info();

// "1w", "7d", "12h", "30m", "90s" (a positive number and a unit) to seconds; ConfigError naming
// `param` otherwise.
std::int64_t parse_duration(const std::string& text, const std::string& param);

// A zero surface of the grid's size.
Surface empty_surface(const geo::Grid& grid);

// floor((v - origin) / size) without clipping to the grid (open_cp's cell arithmetic).
inline std::int64_t cell_coordinate(double v, double origin, double size) {
  return static_cast<std::int64_t>(std::floor((v - origin) / size));
}

}  // namespace scrutineer::forecast::detail
