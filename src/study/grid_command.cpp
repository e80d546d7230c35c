// `scrutineer grid` logic: the study (region, grid, mask, events outside), the overlay table.
#include "scrutineer/study/grid_command.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "scrutineer/core/error.hpp"
#include "scrutineer/io/atomic_file.hpp"
#include "scrutineer/io/csv.hpp"
#include "scrutineer/io/vector.hpp"

namespace scrutineer::study {

namespace {

std::string csv_field(const std::string& s) { return io::csv_field(s); }  // issue 19, item 16

}  // namespace

GridCommandResult run_grid(const StudyOptions& study, const GridCommandOptions& options) {
  if (study.region.empty()) throw ConfigError("a region file is needed (--region)");
  if (!(study.cell_size > 0))
    throw ConfigError(fmt::format("expected a cell size > 0, found {}", study.cell_size));
  if (study.areas.empty() && (!options.overlay_output.empty() || !options.spread.empty()))
    throw ConfigError("--overlay and --spread need --areas");
  if (!study.areas.empty() && study.area_id.empty())
    throw ConfigError("--areas needs --id, the name of the areas' id field");
  if (!options.output.empty()) io::vector_driver_for(options.output);  // fail before the work

  auto o = study;
  o.clip = false;  // the command lists the events outside the region; it writes no events
  GridCommandResult r;
  r.study = build_study(o);
  const auto& s = r.study;
  if (s.has_events) {
    // Events come sorted by time: list the first outside ones in file order instead.
    const auto inside = geo::inside_region(s.region, s.events.x, s.events.y);
    for (std::size_t i = 0; i < inside.size(); ++i)
      if (!inside[i])
        r.outside_rows.push_back(s.events.source_row.empty() ? static_cast<std::int64_t>(i) + 2
                                                             : s.events.source_row[i]);
    std::sort(r.outside_rows.begin(), r.outside_rows.end());
    if (r.outside_rows.size() > 10) r.outside_rows.resize(10);
  }
  std::vector<io::Column> columns;
  if (s.has_areas) {
    for (const auto& name : options.spread)
      columns.push_back({name, s.overlay.spread_to_cells(s.areas.column(name)), false});
    if (!options.overlay_output.empty())
      write_overlay_csv(options.overlay_output, s.grid, s.areas, s.overlay);
  }
  if (!options.output.empty())
    io::write_grid_cells(
        options.output, s.grid, columns, {options.all_cells, "cells"},
        {"Grid cells of the study region",
         options.spread.empty()
             ? std::string()
             : fmt::format("{} = the areas' column spread to cells by area share (its units)",
                           fmt::join(options.spread, ", "))});
  return r;
}

std::string describe(const GridCommandResult& r, const GridCommandOptions& options) {
  const auto& s = r.study;
  const geo::Grid& g = s.grid;
  std::string out = fmt::format("region {}: area {:.0f} (square CRS units) in {}", s.region.source,
                                s.region.area, g.crs);
  if (!s.region.repaired.empty())
    out += fmt::format(" ({} feature(s) repaired by MakeValid)", s.region.repaired.size());
  out += fmt::format("\ngrid: {} x {} cells of {:g}, lower-left ({:.3f}, {:.3f}); {} valid of {}\n",
                     g.nx, g.ny, g.size, g.x0, g.y0, g.valid_count(), g.cells());
  if (s.has_events) {
    out += fmt::format("events: {} read, {} outside the region", s.events.size(), s.counts.outside);
    if (!r.outside_rows.empty()) {
      out += " (first at lines";
      for (const auto line : r.outside_rows) out += fmt::format(" {}", line);
      out += ")";
    }
    out += "\n";
  }
  if (s.has_areas) {
    std::size_t partly = 0;
    double worst = 0;
    std::string worst_id;
    for (std::size_t a = 0; a < s.areas.size(); ++a) {
      const double share = s.overlay.area_outside_share(a);
      if (share > 1e-9) ++partly;
      if (share > worst) {
        worst = share;
        worst_id = s.areas.ids[a];
      }
    }
    out += fmt::format(
        "areas {}: {} areas, {} cell x area pairs; {} area(s) partly outside the "
        "valid cells",
        s.areas.source, s.areas.size(), s.overlay.entries(), partly);
    if (partly) out += fmt::format(" (most: {} with {:.1f}% outside)", worst_id, worst * 100);
    out += "\n";
    if (!s.areas.repaired.empty())
      out += fmt::format("areas: {} feature(s) repaired by MakeValid\n", s.areas.repaired.size());
  }
  if (!options.output.empty()) out += fmt::format("cells written to {}\n", options.output);
  if (!options.overlay_output.empty())
    out += fmt::format("overlay written to {}\n", options.overlay_output);
  return out;
}

void write_overlay_csv(const std::string& path, const geo::Grid& grid, const geo::Areas& areas,
                       const geo::Overlay& overlay) {
  io::AtomicFile file(path);
  auto& out = file.stream();
  out << "cell,ix,iy,area_id,intersection,cell_share,area_share\n";
  std::string line;
  for (std::int64_t c = 0; c < overlay.cells; ++c)
    for (auto k = overlay.start[c]; k < overlay.start[c + 1]; ++k) {
      line.clear();
      fmt::format_to(std::back_inserter(line), "{},{},{},{},{:.17g},{:.17g},{:.17g}\n", c,
                     c % grid.nx, c / grid.nx, csv_field(areas.ids[overlay.area[k]]),
                     overlay.intersection[k], overlay.cell_share(k), overlay.area_share(k));
      out << line;
    }
  file.commit();
}

}  // namespace scrutineer::study
