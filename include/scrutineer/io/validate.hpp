// The input-validation layer for coordinates (dates: valid_year and valid_time in core/time.hpp),
// used by ingest for every point it reads (issue 19, item 14).
#pragma once

#include <cmath>

namespace scrutineer::io {

// Below this magnitude a non-zero coordinate is taken for a corrupt number (1e-320, a subnormal,
// was kept as a point on the equator): no survey or GPS gives a position to 1e-300 of a degree or
// a metre, and such values come from binary garbage or a broken export.
inline constexpr double kTinyCoordinate = 1e-300;

// Finite, and either exactly 0 or at least kTinyCoordinate in magnitude.
inline bool plausible_coordinate(double v) {
  return std::isfinite(v) && (v == 0 || std::abs(v) >= kTinyCoordinate);
}

}  // namespace scrutineer::io
