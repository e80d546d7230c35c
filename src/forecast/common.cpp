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

}  // namespace scrutineer::forecast::detail
