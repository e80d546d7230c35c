// Grid helpers.
#include "scrutineer/geo/grid.hpp"

namespace scrutineer::geo {

std::vector<std::int64_t> Grid::valid_cells() const {
  std::vector<std::int64_t> out;
  for (std::int64_t c = 0; c < cells(); ++c)
    if (valid[c]) out.push_back(c);
  return out;
}

std::int64_t Grid::valid_count() const {
  std::int64_t n = 0;
  for (const auto v : valid) n += v != 0;
  return n;
}

}  // namespace scrutineer::geo
