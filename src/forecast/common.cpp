// Helpers shared by the built-in forecasting models.
#include <fmt/format.h>

#include <charconv>
#include <cmath>

#include "builtin.hpp"
#include "scrutineer/core/error.hpp"

namespace scrutineer::forecast::detail {

std::int64_t parse_duration(const std::string& text, const std::string& param) {
  double value = 0;
  const char* end = text.data() + text.size();
  auto [p, ec] = std::from_chars(text.data(), end, value);
  std::int64_t unit = 0;
  if (ec == std::errc() && p + 1 == end) {
    switch (*p) {
      case 's':
        unit = 1;
        break;
      case 'm':
        unit = 60;
        break;
      case 'h':
        unit = 3600;
        break;
      case 'd':
        unit = 86400;
        break;
      case 'w':
        unit = 7 * 86400;
        break;
      default:
        break;
    }
  }
  const double seconds = value * static_cast<double>(unit);
  if (unit == 0 || !(seconds >= 1) || !std::isfinite(seconds))
    throw ConfigError(fmt::format(
        "parameter '{}' must be a positive duration such as 1w, 7d, 12h; got '{}'", param, text));
  return static_cast<std::int64_t>(std::llround(seconds));
}

Surface empty_surface(const geo::Grid& grid) {
  Surface s;
  s.risk.assign(static_cast<std::size_t>(grid.cells()), 0.0);
  return s;
}

std::vector<ParamSpec> cell_risk_params(bool exact, const char* default_rule) {
  std::vector<std::string> choices = {"centre", "lattice"};
  if (exact) choices.push_back("exact");
  return {{"cell_risk", default_rule,
           std::string("a cell's risk: the value at its centre, or its mean over a samples x "
                       "samples lattice of midpoints (open_cp's samples = -k)") +
               (exact ? ", or its exact mean over the cell (closed form)" : ""),
           "open_cp predictors.ContinuousPrediction", choices},
          {"samples", "5", "lattice: samples x samples points per cell", "open_cp: -5", {}}};
}

CellRisk read_cell_risk(const ParamSet& p, int& samples, const char* model) {
  const auto n = p.integer("samples");
  if (n < 1 || n > 100)
    throw ConfigError(fmt::format("{}: samples must be 1..100; got {}", model, n));
  samples = static_cast<int>(n);
  const auto& c = p.text("cell_risk");
  return c == "lattice" ? CellRisk::kLattice : c == "exact" ? CellRisk::kExact : CellRisk::kCentre;
}

}  // namespace scrutineer::forecast::detail
