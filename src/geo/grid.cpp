// Grid construction over a region (open_cp's extent rule) and its GEOS validity mask.
#include "scrutineer/geo/grid.hpp"

#include <fmt/format.h>
#include <tbb/blocked_range.h>
#include <tbb/enumerable_thread_specific.h>
#include <tbb/parallel_for.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>

#include "geos.hpp"
#include "scrutineer/core/error.hpp"
#include "scrutineer/geo/region.hpp"

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

namespace {

struct PreparedRegion {
  detail::GeosContext ctx;
  detail::Geom geometry;
  detail::Prepared prepared;
  explicit PreparedRegion(const io::MultiPolygon& polygons)
      : geometry(detail::to_geos(ctx, polygons)), prepared(detail::prepare(ctx, geometry.get())) {}
};

// First and one-past-last cell index along an axis, as open_cp's mask_grid_by_intersection:
// floor of the low offset to floor of the high offset, inclusive. When the high edge lies on a
// grid line this keeps the cell beyond it, which holds the points on that edge (cells are
// half-open for assignment) and touches the region.
std::pair<double, double> cell_span(double lo, double hi, double origin, double size) {
  return {std::floor((lo - origin) / size), std::floor((hi - origin) / size) + 1};
}

}  // namespace

Grid make_grid(const Region& region, double cell_size, double origin_x, double origin_y) {
  if (!(cell_size > 0) || !std::isfinite(cell_size))
    throw ConfigError(
        fmt::format("cell size must be a positive number of metres, found {}", cell_size));
  if (!std::isfinite(origin_x) || !std::isfinite(origin_y))
    throw ConfigError("the grid origin must be finite");
  if (region.polygons.empty()) throw ConfigError("the region has no polygon to lay a grid over");
  const auto [fx0, fx1] = cell_span(region.bbox.xmin, region.bbox.xmax, origin_x, cell_size);
  const auto [fy0, fy1] = cell_span(region.bbox.ymin, region.bbox.ymax, origin_y, cell_size);
  const double nx = fx1 - fx0, ny = fy1 - fy0;
  if (nx * ny > static_cast<double>(std::numeric_limits<std::int32_t>::max()))
    throw ConfigError(
        fmt::format("a {} m grid over this region would have {:.0f} x {:.0f} cells; "
                    "use larger cells",
                    cell_size, nx, ny));
  Grid grid;
  grid.size = cell_size;
  grid.x0 = origin_x + fx0 * cell_size;
  grid.y0 = origin_y + fy0 * cell_size;
  grid.nx = static_cast<std::int32_t>(nx);
  grid.ny = static_cast<std::int32_t>(ny);
  grid.crs = region.crs;
  grid.valid.assign(static_cast<std::size_t>(grid.cells()), 0);

  tbb::enumerable_thread_specific<std::optional<PreparedRegion>> local;
  tbb::parallel_for(tbb::blocked_range<std::int32_t>(0, grid.ny, 1), [&](const auto& rows) {
    auto& slot = local.local();
    if (!slot) slot.emplace(region.polygons);
    for (std::int32_t iy = rows.begin(); iy != rows.end(); ++iy) {
      const double y = grid.y0 + iy * cell_size;
      for (std::int32_t ix = 0; ix < grid.nx; ++ix) {
        const double x = grid.x0 + ix * cell_size;
        auto box = detail::make_box(slot->ctx, x, y, x + cell_size, y + cell_size);
        // Intersects includes touching at an edge or corner (open_cp's rule).
        grid.valid[static_cast<std::size_t>(iy) * grid.nx + ix] =
            GEOSPreparedIntersects_r(slot->ctx.get(), slot->prepared.get(), box.get()) == 1;
      }
    }
  });
  return grid;
}

Grid grid_over_points(const std::vector<double>& x, const std::vector<double>& y,
                      const std::string& crs, double cell_size, double origin_x, double origin_y) {
  if (!(cell_size > 0) || !std::isfinite(cell_size))
    throw ConfigError(
        fmt::format("cell size must be a positive number of metres, found {}", cell_size));
  if (x.empty()) throw InputError("", 0, 0, "no events to lay a grid over");
  const auto [xmin, xmax] = std::minmax_element(x.begin(), x.end());
  const auto [ymin, ymax] = std::minmax_element(y.begin(), y.end());
  const auto [fx0, fx1] = cell_span(*xmin, *xmax, origin_x, cell_size);
  const auto [fy0, fy1] = cell_span(*ymin, *ymax, origin_y, cell_size);
  Grid grid;
  grid.size = cell_size;
  grid.x0 = origin_x + fx0 * cell_size;
  grid.y0 = origin_y + fy0 * cell_size;
  grid.nx = static_cast<std::int32_t>(fx1 - fx0);
  grid.ny = static_cast<std::int32_t>(fy1 - fy0);
  grid.valid.assign(static_cast<std::size_t>(grid.cells()), 1);
  grid.crs = crs;
  return grid;
}

}  // namespace scrutineer::geo
