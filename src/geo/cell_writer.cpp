// Grid cells written as polygons with value columns (declared in io/vector.hpp).
#include <fmt/format.h>

#include "scrutineer/core/error.hpp"
#include "scrutineer/geo/grid.hpp"
#include "scrutineer/io/layer_description.hpp"
#include "scrutineer/io/vector.hpp"

namespace scrutineer::io {

void write_grid_cells(const std::string& path, const geo::Grid& grid,
                      const std::vector<Column>& columns, const CellWriteOptions& options,
                      const CellDescription& description) {
  const auto valid = grid.valid_cells();
  const auto n_valid = static_cast<std::size_t>(valid.size());
  const auto n_cells = static_cast<std::size_t>(grid.cells());
  for (const auto& c : columns)
    if (c.values.size() != n_cells && c.values.size() != n_valid)
      throw ConfigError(
          fmt::format("column '{}' has {} values: expected one per grid cell ({}) or "
                      "per valid cell ({})",
                      c.name, c.values.size(), n_cells, n_valid));
  if (options.all_cells && n_cells != n_valid)
    for (const auto& c : columns)
      if (c.values.size() != n_cells)
        throw ConfigError(
            fmt::format("column '{}' holds valid cells only; writing every cell needs "
                        "one value per grid cell ({})",
                        c.name, n_cells));
  std::vector<std::int64_t> cells;
  if (options.all_cells) {
    cells.resize(n_cells);
    for (std::size_t c = 0; c < n_cells; ++c) cells[c] = static_cast<std::int64_t>(c);
  } else {
    cells = valid;
  }
  std::vector<MultiPolygon> geometries;
  geometries.reserve(cells.size());
  std::vector<Column> out{{"cell", {}, true}, {"ix", {}, true}, {"iy", {}, true}};
  if (options.all_cells) out.push_back({"valid", {}, true});
  for (const auto& c : columns) out.push_back({c.name, {}, c.integer});
  for (auto& c : out) c.values.reserve(cells.size());
  for (std::size_t i = 0; i < cells.size(); ++i) {
    const std::int64_t cell = cells[i];
    const double ix = static_cast<double>(cell % grid.nx), iy = static_cast<double>(cell / grid.nx);
    const double x = grid.x0 + ix * grid.size, y = grid.y0 + iy * grid.size;
    Ring ring{{x, x + grid.size, x + grid.size, x, x}, {y, y, y + grid.size, y + grid.size, y}};
    geometries.push_back({Polygon{{std::move(ring)}}});
    std::size_t k = 0;
    out[k++].values.push_back(static_cast<double>(cell));
    out[k++].values.push_back(ix);
    out[k++].values.push_back(iy);
    if (options.all_cells) out[k++].values.push_back(grid.valid[cell] ? 1.0 : 0.0);
    for (const auto& c : columns)
      out[k++].values.push_back(c.values.size() == n_cells ? c.values[cell] : c.values[i]);
  }
  // What the layer is, for a GIS (io/layer_description.hpp): the caller's columns, then ours.
  const std::string units = fmt::format(
      "{}{}cell = row-major index iy * {} + ix, ix and iy = column and row from the origin "
      "({}, {}){}",
      description.units, description.units.empty() ? "" : "; ", grid.nx, grid.x0, grid.y0,
      options.all_cells ? ", valid = 1 for a cell of the study region" : "");
  write_polygons(
      path, options.layer, grid.crs, geometries, out, {},
      layer_description(fmt::format("{}: {} m square cells", description.what, grid.size), units,
                        grid.crs));
}

}  // namespace scrutineer::io
