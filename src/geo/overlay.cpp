// Cell x area overlay: I(c, a) = area(cell c ∩ area a) by GEOS, stored sparse (CSR by cell).
#include "scrutineer/geo/overlay.hpp"

#include <fmt/format.h>
#include <tbb/blocked_range.h>
#include <tbb/enumerable_thread_specific.h>
#include <tbb/parallel_for.h>

#include <algorithm>
#include <cmath>
#include <optional>
#include <utility>

#include "geos.hpp"
#include "scrutineer/core/error.hpp"
#include "scrutineer/core/progress.hpp"

namespace scrutineer::geo {

namespace {

using Entries = std::vector<std::pair<std::int64_t, double>>;  // (cell, I(c, a)) in cell order

// Index range [first, last] of the cells along one axis that a span [lo, hi] can touch.
std::pair<std::int64_t, std::int64_t> index_span(double lo, double hi, double origin, double size,
                                                 std::int32_t n) {
  const double first = std::floor((lo - origin) / size);
  const double last = std::floor((hi - origin) / size);
  return {static_cast<std::int64_t>(std::clamp(first, 0.0, static_cast<double>(n) - 1)),
          static_cast<std::int64_t>(std::clamp(last, 0.0, static_cast<double>(n) - 1))};
}

Entries overlay_one(const detail::GeosContext& ctx, const Grid& grid,
                    const io::MultiPolygon& area) {
  Entries out;
  const auto b = io::bbox_of(area);
  if (!(b.xmin <= b.xmax) || b.xmax < grid.x0 || b.ymax < grid.y0 ||
      b.xmin > grid.x0 + grid.nx * grid.size || b.ymin > grid.y0 + grid.ny * grid.size)
    return out;
  const GEOSContextHandle_t h = ctx.get();
  auto geometry = detail::to_geos(ctx, area);
  auto prepared = detail::prepare(ctx, geometry.get());
  const auto [ix0, ix1] = index_span(b.xmin, b.xmax, grid.x0, grid.size, grid.nx);
  const auto [iy0, iy1] = index_span(b.ymin, b.ymax, grid.y0, grid.size, grid.ny);
  const double full = grid.size * grid.size;
  for (std::int64_t iy = iy0; iy <= iy1; ++iy)
    for (std::int64_t ix = ix0; ix <= ix1; ++ix) {
      const std::int64_t cell = iy * grid.nx + ix;
      if (!grid.valid[cell]) continue;
      const double x = grid.x0 + ix * grid.size, y = grid.y0 + iy * grid.size;
      auto box = detail::make_box(ctx, x, y, x + grid.size, y + grid.size);
      if (GEOSPreparedContains_r(h, prepared.get(), box.get()) == 1) {
        out.emplace_back(cell, full);
        continue;
      }
      if (GEOSPreparedIntersects_r(h, prepared.get(), box.get()) != 1) continue;
      auto part =
          detail::own(ctx, GEOSIntersection_r(h, geometry.get(), box.get()), "intersection");
      double a = 0;
      if (GEOSArea_r(h, part.get(), &a) != 1)
        throw InternalError(fmt::format("GEOS area failed: {}", ctx.last_error()));
      if (a > 0) out.emplace_back(cell, a);  // touching only: no shared area
    }
  return out;
}

}  // namespace

double Overlay::area_outside_share(std::size_t a) const {
  return area_total[a] > 0 ? 1 - area_covered[a] / area_total[a] : 0;
}

std::vector<double> Overlay::spread_to_cells(const std::vector<double>& area_values) const {
  if (area_values.size() != areas)
    throw ConfigError(
        fmt::format("spread_to_cells: {} values for {} areas", area_values.size(), areas));
  std::vector<double> out(static_cast<std::size_t>(cells), 0.0);
  for (std::int64_t c = 0; c < cells; ++c)
    for (auto k = start[c]; k < start[c + 1]; ++k) {
      const auto a = static_cast<std::size_t>(area[k]);
      // v · I / A in this order: exact when a cell lies wholly in an area of whole cells.
      if (area_total[a] > 0) out[c] += area_values[a] * intersection[k] / area_total[a];
    }
  return out;
}

std::vector<double> Overlay::sum_to_areas(const std::vector<double>& cell_values,
                                          CellSplit split) const {
  if (static_cast<std::int64_t>(cell_values.size()) != cells)
    throw ConfigError(
        fmt::format("sum_to_areas: {} values for {} grid cells", cell_values.size(), cells));
  std::vector<double> out(areas, 0.0);
  for (std::int64_t c = 0; c < cells; ++c) {
    const double denominator = split == CellSplit::kCovered ? cell_covered[c] : cell_area;
    if (start[c] == start[c + 1] || !(denominator > 0)) continue;
    for (auto k = start[c]; k < start[c + 1]; ++k)
      out[area[k]] += cell_values[c] * (intersection[k] / denominator);
  }
  return out;
}

Overlay make_overlay(const Grid& grid, const Areas& areas) {
  if (!grid.crs.empty() && !areas.crs.empty() && grid.crs != areas.crs)
    throw ConfigError(
        fmt::format("the grid is in {} but the areas are in {}: read the areas with "
                    "the grid's CRS",
                    grid.crs, areas.crs));
  const std::size_t n = areas.size();
  std::vector<Entries> per_area(n);
  tbb::enumerable_thread_specific<std::optional<detail::GeosContext>> contexts;
  Progress progress("overlay", static_cast<std::int64_t>(n));
  tbb::parallel_for(tbb::blocked_range<std::size_t>(0, n, 1), [&](const auto& range) {
    auto& ctx = contexts.local();
    if (!ctx) ctx.emplace();
    for (std::size_t a = range.begin(); a != range.end(); ++a)
      per_area[a] = overlay_one(*ctx, grid, areas.polygons[a]);
    progress.advance(static_cast<std::int64_t>(range.size()));
  });
  progress.finish();

  Overlay o;
  o.cells = grid.cells();
  o.areas = n;
  o.cell_area = grid.size * grid.size;
  o.area_total = areas.area.size() == n ? areas.area : std::vector<double>(n, 0.0);
  if (areas.area.size() != n)
    for (std::size_t a = 0; a < n; ++a) o.area_total[a] = polygon_area(areas.polygons[a]);
  // Counting sort by cell; areas are visited in increasing order, so each cell's entries are too.
  o.start.assign(static_cast<std::size_t>(o.cells) + 1, 0);
  for (const auto& entries : per_area)
    for (const auto& [cell, value] : entries) ++o.start[cell + 1];
  for (std::int64_t c = 0; c < o.cells; ++c) o.start[c + 1] += o.start[c];
  const auto total = static_cast<std::size_t>(o.start.back());
  o.area.resize(total);
  o.intersection.resize(total);
  o.area_covered.assign(n, 0.0);
  o.cell_covered.assign(static_cast<std::size_t>(o.cells), 0.0);
  std::vector<std::int64_t> next(o.start.begin(), o.start.end() - 1);
  for (std::size_t a = 0; a < n; ++a)
    for (const auto& [cell, value] : per_area[a]) {
      const auto k = next[cell]++;
      o.area[k] = static_cast<std::int32_t>(a);
      o.intersection[k] = value;
      o.area_covered[a] += value;
      o.cell_covered[cell] += value;
    }
  return o;
}

}  // namespace scrutineer::geo
