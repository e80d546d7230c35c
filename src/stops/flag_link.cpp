// Stops inside and outside flagged cells by group (stops/flag_link.hpp).
#include "scrutineer/stops/flag_link.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <set>
#include <unordered_set>

#include "scrutineer/core/error.hpp"
#include "scrutineer/geo/crs.hpp"
#include "scrutineer/geo/region.hpp"
#include "scrutineer/io/csv.hpp"

namespace scrutineer::stops {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

std::string num(double x) { return std::isfinite(x) ? fmt::format("{:.6f}", x) : ""; }

}  // namespace

FlagLink link_flags(const StopRecords& records, const geo::Grid& grid,
                    const disparity::FlagTable& flags, const std::string& reference, double level) {
  if (flags.format == disparity::FlagFormat::kArea)
    throw ConfigError("stops: area flags cannot be linked to stops (grid cells are needed)");
  FlagLink link;
  link.model = flags.model;
  auto periods = flags.periods;
  std::sort(periods.begin(), periods.end(),
            [](const auto& a, const auto& b) { return a.start < b.start; });
  link.periods = static_cast<std::int64_t>(periods.size());
  std::vector<std::unordered_set<std::int64_t>> flagged(periods.size());
  std::set<std::int64_t> ever;
  for (std::size_t p = 0; p < periods.size(); ++p)
    for (const auto cell : periods[p].units) {
      flagged[p].insert(cell);
      ever.insert(cell);
    }
  link.flagged_cells = static_cast<std::int64_t>(ever.size());
  const auto last_length = periods.size() > 1
                               ? periods.back().start - periods[periods.size() - 2].start
                               : std::int64_t{86400};
  geo::Transformer to_grid("EPSG:4326", grid.crs);
  std::vector<std::int64_t> inside(records.groups.size(), 0), outside(records.groups.size(), 0);
  for (const auto& s : records.stops) {
    if (s.group < 0) continue;
    if (!s.has_location) {
      ++link.no_location;
      continue;
    }
    const auto next = std::upper_bound(periods.begin(), periods.end(), s.local,
                                       [](std::int64_t t, const auto& p) { return t < p.start; });
    if (next == periods.begin() ||
        (next == periods.end() && s.local >= periods.back().start + last_length)) {
      ++link.outside_periods;
      continue;
    }
    const auto p = static_cast<std::size_t>(next - periods.begin() - 1);
    double x = s.lon, y = s.lat;
    const auto cell = to_grid.transform(x, y) ? grid.cell_of(x, y) : -1;
    if (cell < 0) {
      ++link.outside_grid;
      continue;
    }
    ++link.used;
    ++(flagged[p].count(cell) ? inside : outside)[static_cast<std::size_t>(s.group)];
  }
  std::int64_t all_in = 0, all_out = 0;
  for (std::size_t g = 0; g < inside.size(); ++g) {
    all_in += inside[g];
    all_out += outside[g];
  }
  const auto ref = std::find(records.groups.begin(), records.groups.end(), reference);
  if (ref == records.groups.end())
    throw ConfigError(fmt::format("reference: '{}' is not a group of the records", reference));
  const auto r = static_cast<std::size_t>(ref - records.groups.begin());
  for (std::size_t g = 0; g < records.groups.size(); ++g) {
    FlagLinkRow row;
    row.group = records.groups[g];
    row.inside = inside[g];
    row.outside = outside[g];
    row.share_inside =
        all_in > 0 ? static_cast<double>(inside[g]) / static_cast<double>(all_in) : kNaN;
    row.share_outside =
        all_out > 0 ? static_cast<double>(outside[g]) / static_cast<double>(all_out) : kNaN;
    row.odds = woolf_odds_ratio(inside[g], inside[r], outside[g], outside[r], level);
    if (g == r) row.odds.interval = {kNaN, kNaN};
    link.rows.push_back(row);
  }
  return link;
}

FlagLink link_flags(const StopRecords& records, const FlagLinkOptions& o,
                    const std::string& reference, double level) {
  if (o.region.empty())
    throw ConfigError("stops: flags need the forecast's region (flag_region = FILE) for its grid");
  const auto region = geo::read_region(o.region, o.crs);
  const auto grid = geo::make_grid(region, o.cell_size, o.origin_x, o.origin_y);
  const auto table = disparity::read_flags(o.flags, o.read, &grid, nullptr);
  auto link = link_flags(records, grid, table, reference, level);
  link.flags = o.flags;
  return link;
}

std::string flag_link_csv(const FlagLink& link, std::int64_t min_cell) {
  const auto hidden = [&](std::int64_t n) { return n > 0 && n < min_cell; };
  const auto count = [&](std::int64_t n) { return hidden(n) ? std::string() : std::to_string(n); };
  std::string out =
      "group,inside,outside,share_inside,share_outside,odds_ratio,odds_ratio_low,"
      "odds_ratio_high\n";
  for (const auto& r : link.rows) {
    const bool h = hidden(r.inside) || hidden(r.outside);
    out += fmt::format("{},{},{},{},{},{},{},{}\n", io::csv_field(r.group), count(r.inside),
                       count(r.outside), h ? "" : num(r.share_inside),
                       h ? "" : num(r.share_outside), h ? "" : num(r.odds.ratio),
                       h ? "" : num(r.odds.interval.low), h ? "" : num(r.odds.interval.high));
  }
  return out;
}

}  // namespace scrutineer::stops
