// The study set-up shared by every front end (issue 12): events read and filtered, the region,
// the grid and its validity mask, events clipped by one rule, areas with group counts and the
// cell x area overlay (docs/study.md).
#include "scrutineer/study/study.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <climits>
#include <cmath>
#include <future>
#include <optional>

#include "scrutineer/core/error.hpp"
#include "scrutineer/core/local_time.hpp"
#include "scrutineer/core/time.hpp"
#include "scrutineer/ingest/format.hpp"

namespace scrutineer::study {

namespace {

// The categories of the events with their counts, most frequent first (at most 30 named), for the
// message of a category that matches none.
std::string present_categories(const EventSet& e) {
  std::vector<std::int64_t> counts(e.categories.size(), 0);
  for (auto c : e.category) ++counts[static_cast<std::size_t>(c)];
  std::vector<std::size_t> order(counts.size());
  for (std::size_t c = 0; c < order.size(); ++c) order[c] = c;
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return counts[a] > counts[b]; });
  std::string out;
  std::size_t named = 0;
  for (auto c : order) {
    if (counts[c] == 0) continue;
    if (named++ == 30) {
      out += ", ...";
      break;
    }
    out += fmt::format("{}'{}' ({})", out.empty() ? "" : ", ", e.categories[c], counts[c]);
  }
  return out.empty() ? "none" : out;
}

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

void check(const StudyOptions& o) {
  if (o.events.empty() && o.region.empty() && o.areas.empty())
    throw ConfigError("study: give the events, a region or the areas");
  if (!(o.cell_size >= 0) || !std::isfinite(o.cell_size))
    throw ConfigError(
        fmt::format("study: expected a cell size >= 0 metres, found {}", o.cell_size));
  if (o.valid != "touches" && o.valid != "shares-area")
    throw ConfigError(
        fmt::format("study: valid cells are \"touches\" or \"shares-area\", found '{}'", o.valid));
  if (!o.areas.empty() && o.area_id.empty())
    throw ConfigError("study: give the areas' id column with the areas");
  if (o.areas.empty() && (!o.groups.empty() || !o.total.empty() || !o.area_id.empty()))
    throw ConfigError("study: groups, a total column and an area id need the areas");
  if (o.events.empty() && (!o.category.empty() || !o.from.empty() || !o.to.empty()))
    throw ConfigError("study: a category or date filter needs the events");
}

void read_events(const StudyOptions& o, Study& s) {
  auto read = o.read;
  if (lower(read.target_crs) == "utm") read.target_crs.clear();  // the median point's zone
  auto result = ingest::read_events(o.events, read);
  s.has_events = true;
  s.read = std::move(result.report);
  s.events = std::move(result.events);
  s.crs = s.events.crs;
  s.counts.rows_read = s.read.rows_read;
  s.counts.rows_kept = s.read.rows_kept;
  s.counts.rows_dropped = s.read.rows_dropped;
  auto& e = s.events;
  if (!o.category.empty()) e = e.filter(keep_category(e, o.category, o.events + ": category"));
  s.counts.after_category = static_cast<std::int64_t>(e.size());
  if (!o.from.empty() || !o.to.empty()) {
    const TimeZone zone(e.time_zone.empty() ? "UTC" : e.time_zone);
    const auto from = o.from.empty() ? INT64_MIN : local_to_utc(o.from, zone, "from");
    const auto to = o.to.empty() ? INT64_MAX : local_to_utc(o.to, zone, "to");
    std::vector<bool> keep(e.size());
    for (std::size_t i = 0; i < e.size(); ++i) keep[i] = e.t[i] >= from && e.t[i] < to;
    e = e.filter(keep);
  }
  s.counts.after_dates = static_cast<std::int64_t>(e.size());
  s.counts.inside = s.counts.after_dates;
}

// The area of each grid cell inside the region (GEOS), as the overlay of the region as one area.
std::vector<double> areas_inside(const geo::Grid& grid, const geo::Region& region) {
  return geo::make_overlay(grid, geo::make_areas({region.polygons}, region.crs)).cell_covered;
}

// The region read, and the grid laid over it when one is asked for, on their own thread while the
// events are read (build_study).
struct EarlyRegion {
  geo::Region region;
  std::optional<geo::Grid> grid;
};

EarlyRegion read_early(const StudyOptions& o, const std::string& crs) {
  EarlyRegion early{geo::read_region(o.region, crs), std::nullopt};
  if (o.cell_size > 0)
    early.grid = geo::make_grid(early.region, o.cell_size, o.origin_x, o.origin_y);
  return early;
}

void clip(const StudyOptions& o, Study& s) {
  auto& e = s.events;
  const auto inside = geo::inside_region(s.region, e.x, e.y);
  std::int64_t in = 0;
  for (const auto v : inside) in += v;
  s.counts.inside = in;
  s.counts.outside = static_cast<std::int64_t>(e.size()) - in;
  s.counts.clipped = o.clip;
  if (!o.clip) return;
  e = e.filter(std::vector<bool>(inside.begin(), inside.end()));
  if (e.empty())
    throw ConfigError(fmt::format("study: no event lies inside the region {}", s.region.source));
}

}  // namespace

std::vector<bool> keep_category(const EventSet& e, const std::string& category,
                                const std::string& what) {
  // Case-insensitive: exports spell one offence "BURGLARY" (Chicago) or "Burglary" (UK).
  std::vector<bool> wanted(e.categories.size());
  for (std::size_t c = 0; c < wanted.size(); ++c)
    wanted[c] = ingest::ascii_iequals(e.categories[c], category);
  std::vector<bool> keep(e.size());
  bool any = false;
  for (std::size_t i = 0; i < e.size(); ++i) {
    keep[i] = wanted[static_cast<std::size_t>(e.category[i])];
    any = any || keep[i];
  }
  if (!any)
    throw ConfigError(fmt::format(
        "{}: no event has the category '{}' (compared ignoring case); the categories present "
        "are: {}",
        what, category, present_categories(e)));
  return keep;
}

Study build_study(const StudyOptions& o) {
  check(o);
  Study s;
  s.options = o;
  // The region file is read (GDAL), and the grid laid over it, while the events are read, when the
  // events' CRS is known before reading them: the target CRS given. Events without coordinates have
  // no CRS, and then the region is read again below, as the rule says.
  std::future<EarlyRegion> early;
  const std::string guess = o.read.target_crs;
  if (!o.events.empty() && !o.region.empty() && o.areas.empty() && !guess.empty() &&
      lower(guess) != "utm")
    early = std::async(std::launch::async, [&o, guess] { return read_early(o, guess); });
  if (!o.events.empty()) read_events(o, s);
  // The CRS of the region and areas: the events', else the option's.
  const std::string crs = s.has_events ? s.crs : o.read.target_crs;

  if (!o.areas.empty()) {
    s.has_areas = true;
    s.areas = geo::read_areas(o.areas, o.area_id, crs);
    if (!s.has_events) s.crs = s.areas.crs;
    if (!s.areas.repaired.empty())
      s.notes.push_back(fmt::format("{} area polygons were invalid and repaired (MakeValid)",
                                    s.areas.repaired.size()));
    if (!o.groups.empty()) {
      std::vector<GroupSpec> specs;
      for (const auto& text : o.groups) specs.push_back(parse_group(text));
      GroupOptions group_options;
      group_options.total_column = o.total;
      group_options.ethnicity_columns = o.ethnicity_columns;
      s.groups = combine_groups(specs, s.areas.numeric_names, s.areas.numeric, group_options);
      for (const auto& n : s.groups.notes) s.notes.push_back(n);
    }
  }

  // The one rule: the region file, else the union of the areas, else none.
  std::optional<geo::Grid> early_grid;
  if (!o.region.empty() || s.has_areas) {
    const auto& path = o.region.empty() ? o.areas : o.region;
    const std::string region_crs = s.has_areas ? s.areas.crs : crs;
    if (early.valid() && region_crs == guess) {
      EarlyRegion ready = early.get();
      s.region = std::move(ready.region);
      early_grid = std::move(ready.grid);
    } else {
      s.region = geo::read_region(path, region_crs);
    }
    s.has_region = true;
    if (!s.has_events && !s.has_areas) s.crs = s.region.crs;
    s.region_source = o.region.empty() ? fmt::format("the union of the areas {}", o.areas)
                                       : fmt::format("{}", o.region);
  } else {
    s.region_source = "none: the grid covers the events' bounding box, every cell valid";
  }

  if (o.cell_size > 0) {
    s.has_grid = true;
    if (s.has_region) {
      s.grid = early_grid ? std::move(*early_grid)
                          : geo::make_grid(s.region, o.cell_size, o.origin_x, o.origin_y);
      if (o.cell_areas || o.valid == "shares-area") s.cell_area = areas_inside(s.grid, s.region);
      if (o.valid == "shares-area")
        for (std::size_t c = 0; c < s.cell_area.size(); ++c)
          s.grid.valid[c] = s.grid.valid[c] && s.cell_area[c] > 0;
    } else {
      s.grid = geo::grid_over_points(s.events.x, s.events.y, s.events.crs, o.cell_size, o.origin_x,
                                     o.origin_y);
    }
  }
  if (s.has_events && s.has_region) clip(o, s);

  if (s.has_areas && s.has_grid) {
    s.overlay = geo::make_overlay(s.grid, s.areas);
    double outside = 0, all = 0;
    for (std::size_t a = 0; a < s.areas.size() && !s.groups.total.empty(); ++a) {
      outside += s.groups.total[a] * s.overlay.area_outside_share(a);
      all += s.groups.total[a];
    }
    if (all > 0 && outside > 1e-6 * all)
      s.notes.push_back(fmt::format(
          "{:.2f}% of the population lives in parts of areas outside the grid's valid cells and is "
          "left out",
          100 * outside / all));
  }
  return s;
}

std::string Study::describe() const {
  std::string out;
  if (has_events) {
    out += fmt::format("events: {} rows read from {}, {} kept, {} dropped (CRS {}, zone {})\n",
                       counts.rows_read, read.path, counts.rows_kept, counts.rows_dropped,
                       events.crs, events.time_zone);
    out += fmt::format("events: {} after the category filter, {} after the date filter\n",
                       counts.after_category, counts.after_dates);
  }
  out += fmt::format("region: {}\n", region_source);
  if (has_events)
    out += fmt::format("events: {} inside the region, {} outside ({})\n", counts.inside,
                       counts.outside,
                       !has_region      ? "no region"
                       : counts.clipped ? "dropped"
                                        : "kept: they count as missed");
  if (has_grid)
    out += fmt::format("grid: {} x {} cells of {} m, {} valid\n", grid.nx, grid.ny, grid.size,
                       grid.valid_count());
  if (has_areas)
    out += fmt::format(
        "areas: {} areas from {}{}\n", areas.size(), areas.source,
        groups.names.empty() ? "" : fmt::format(", groups {}", fmt::join(groups.names, ", ")));
  return out;
}

}  // namespace scrutineer::study
