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
ModelInfo stscan_info();

// "1w", "7d", "12h", "30m", "90s" (a positive number and a unit) to seconds; ConfigError naming
// `param` otherwise.
std::int64_t parse_duration(const std::string& text, const std::string& param);

// A zero surface of the grid's size.
Surface empty_surface(const geo::Grid& grid);

// How a continuous model turns its risk function into a cell's risk (one option shared by kde,
// retro and sepp): the value at the cell centre, the mean over a samples x samples lattice of
// midpoints
// ((2a + 1) / (2 samples) of the side: open_cp's `samples = -k` sub-grid), or the exact mean over
// the cell where a closed form exists.
enum class CellRisk { kCentre, kLattice, kExact };
// The declarations of `cell_risk` and `samples` (with `exact` among the choices when the model has
// a closed form) and their reading; ConfigError for samples outside 1..100. `default_rule` is the
// model's default (centre for kde and retro; lattice for sepp, which always averaged 5 x 5).
std::vector<ParamSpec> cell_risk_params(bool exact, const char* default_rule = "centre");
CellRisk read_cell_risk(const ParamSet& p, int& samples, const char* model);

// floor((v - origin) / size) without clipping to the grid (open_cp's cell arithmetic).
inline std::int64_t cell_coordinate(double v, double origin, double size) {
  return static_cast<std::int64_t>(std::floor((v - origin) / size));
}

}  // namespace scrutineer::forecast::detail
