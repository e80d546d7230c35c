// Step 3 of read_events: the coordinates into the target CRS with PROJ, in batches. Chooses the
// target (given; else a metric source CRS; else the UTM zone of the median point), checks that it
// is projected and in metres, and records the kept rows' bounding box in WGS 84.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>

#include "reader.hpp"
#include "scrutineer/core/error.hpp"
#include "scrutineer/geo/crs.hpp"

namespace scrutineer::ingest::detail {

namespace {

double median(std::vector<double> v) {
  const auto mid = v.begin() + static_cast<std::ptrdiff_t>(v.size() / 2);
  std::nth_element(v.begin(), mid, v.end());
  return *mid;
}

// The kept rows by kind of coordinates, and the x/y rows' longitude/latitude (rare: portal rows
// without Latitude, BNG-only files) for the default UTM zone and the WGS 84 bounding box.
struct Located {
  std::vector<std::size_t> lonlat, xy;
  std::vector<double> xy_lon, xy_lat;  // aligned with xy
};

Located locate(const Rows& rows, const std::string& source_crs) {
  Located l;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    if (rows.drop[i]) continue;
    if (rows.source[i] == Source::kLonLat) l.lonlat.push_back(i);
    if (rows.source[i] == Source::kXY) l.xy.push_back(i);
  }
  if (!l.xy.empty()) {
    for (auto i : l.xy) l.xy_lon.push_back(rows.a[i]), l.xy_lat.push_back(rows.b[i]);
    geo::Transformer(source_crs, "EPSG:4326")
        .transform_parallel(l.xy_lon.data(), l.xy_lat.data(), l.xy_lon.size());
  }
  return l;
}

std::string choose_target(const Rows& rows, const Located& l, const Plan& plan,
                          const ReadOptions& options, const std::string& path) {
  std::string target = options.target_crs;
  if (target.empty() && l.lonlat.empty()) {
    const auto source = geo::crs_info(plan.source_crs);
    if (source.projected && source.metres_per_unit == 1.0) target = plan.source_crs;
  }
  if (!target.empty()) return target;
  std::vector<double> lon, lat;
  for (auto i : l.lonlat) lon.push_back(rows.a[i]), lat.push_back(rows.b[i]);
  for (std::size_t k = 0; k < l.xy.size(); ++k)
    if (std::isfinite(l.xy_lon[k])) lon.push_back(l.xy_lon[k]), lat.push_back(l.xy_lat[k]);
  if (lon.empty()) throw InputError(path, 0, 0, "no row has coordinates PROJ can read");
  return geo::utm_crs_for(median(std::move(lon)), median(std::move(lat)));
}

void require_metric(const std::string& target) {
  const auto info = geo::crs_info(target);
  if (!info.projected || std::abs(info.metres_per_unit - 1.0) > 1e-12)
    throw ConfigError(fmt::format(
        "target CRS {} ({}) is not a projected CRS in metres: the engine measures cells and "
        "distances in metres (e.g. EPSG:2790 for Chicago, EPSG:27700 for Great Britain)",
        target, info.name));
}

// The WGS 84 bounding box of the projected rows.
class Bounds {
 public:
  explicit Bounds(ReadReport& report) : r_(report) {}
  void extend(double lon, double lat) {
    if (first_) {
      r_.lon_min = r_.lon_max = lon;
      r_.lat_min = r_.lat_max = lat;
      first_ = false;
    }
    r_.lon_min = std::min(r_.lon_min, lon);
    r_.lon_max = std::max(r_.lon_max, lon);
    r_.lat_min = std::min(r_.lat_min, lat);
    r_.lat_max = std::max(r_.lat_max, lat);
  }

 private:
  ReadReport& r_;
  bool first_ = true;
};

// The distinct points among n (x, y) pairs, compared bit for bit: `unique` holds each once, in
// order of first appearance, and `of[k]` is point k's place in it. Exports repeat points (block
// centroids, rounded coordinates: 148,636 Chicago assaults sit at 62,884 places), and PROJ's cost
// is per point.
struct Distinct {
  std::vector<double> x, y;
  std::vector<std::uint32_t> of;
};

Distinct distinct_points(const std::vector<double>& x, const std::vector<double>& y) {
  Distinct d;
  const std::size_t n = x.size();
  d.of.resize(n);
  std::size_t slots = 16;
  while (slots < 2 * n) slots *= 2;
  std::vector<std::uint32_t> table(slots, 0);  // 1 + index into unique, 0 = empty
  const auto bits = [](double v) {
    std::uint64_t b;
    std::memcpy(&b, &v, sizeof b);
    return b;
  };
  for (std::size_t k = 0; k < n; ++k) {
    const std::uint64_t bx = bits(x[k]), by = bits(y[k]);
    std::uint64_t h = (bx * 0x9E3779B97F4A7C15ull) ^ (by + 0x632BE59BD9B4E019ull + (bx >> 17));
    h *= 0xBF58476D1CE4E5B9ull;
    h ^= h >> 31;
    std::size_t s = static_cast<std::size_t>(h) & (slots - 1);
    while (table[s] != 0) {
      const std::uint32_t u = table[s] - 1;
      if (bits(d.x[u]) == bx && bits(d.y[u]) == by) break;
      s = (s + 1) & (slots - 1);
    }
    if (table[s] == 0) {
      table[s] = static_cast<std::uint32_t>(d.x.size() + 1);
      d.x.push_back(x[k]);
      d.y.push_back(y[k]);
    }
    d.of[k] = table[s] - 1;
  }
  return d;
}

// Rows `which` from `from` to `target`: each distinct point once, over the worker threads
// (Transformer::transform_parallel), then every row in file order. A point PROJ cannot take drops
// its row. `lon`/`lat` (empty for geographic rows, whose own values are used) give each row's WGS
// 84 point for the bounds.
class Projection {
 public:
  Projection(Rows& rows, Drops& drops, Bounds& bounds, std::string target)
      : rows_(rows), drops_(drops), bounds_(bounds), target_(std::move(target)) {}
  void run(const std::vector<std::size_t>& which, const std::string& from,
           const std::vector<double>& lon, const std::vector<double>& lat);

 private:
  Rows& rows_;
  Drops& drops_;
  Bounds& bounds_;
  std::string target_;
};

void Projection::run(const std::vector<std::size_t>& which, const std::string& from,
                     const std::vector<double>& lon, const std::vector<double>& lat) {
  if (which.empty()) return;
  geo::Transformer transformer(from, target_);
  Distinct d;
  {
    std::vector<double> x(which.size()), y(which.size());
    for (std::size_t k = 0; k < which.size(); ++k)
      x[k] = rows_.a[which[k]], y[k] = rows_.b[which[k]];
    d = distinct_points(x, y);
  }
  transformer.transform_parallel(d.x.data(), d.y.data(), d.x.size());
  const bool geographic = lon.empty();
  for (std::size_t k = 0; k < which.size(); ++k) {
    const auto i = which[k];
    const double x = d.x[d.of[k]], y = d.y[d.of[k]];
    if (std::isnan(x)) {
      drops_.bad_line(DropReason::kProjectionFailed, rows_.line[i], [&] {
        return fmt::format("PROJ cannot take ({}, {}) from {} to {}", rows_.a[i], rows_.b[i], from,
                           target_);
      });
      rows_.mark(i, DropReason::kProjectionFailed);
      continue;
    }
    if (geographic)
      bounds_.extend(rows_.a[i], rows_.b[i]);
    else if (std::isfinite(lon[k]))
      bounds_.extend(lon[k], lat[k]);
    rows_.a[i] = x;
    rows_.b[i] = y;
  }
}

}  // namespace

std::string project(Rows& rows, const Plan& plan, const ReadOptions& options, Drops& drops,
                    const std::string& path, ReadReport& report) {
  const Located located = locate(rows, plan.source_crs);
  if (located.lonlat.empty() && located.xy.empty()) return "";  // no coordinates (Oakland bins)
  const std::string target = choose_target(rows, located, plan, options, path);
  require_metric(target);
  report.target_crs = target;
  Bounds bounds(report);
  Projection projection(rows, drops, bounds, target);
  projection.run(located.lonlat, "EPSG:4326", {}, {});
  projection.run(located.xy, plan.source_crs, located.xy_lon, located.xy_lat);
  return target;
}

}  // namespace scrutineer::ingest::detail
