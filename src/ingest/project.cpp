// Step 3 of read_events: the coordinates into the target CRS with PROJ, in batches. Chooses the
// target (given; else a metric source CRS; else the UTM zone of the median point), checks that it
// is projected and in metres, and records the kept rows' bounding box in WGS 84.
#include <fmt/format.h>
#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>

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

// The kept rows of each kind in file order: counted, then listed, over kRowParts consecutive parts
// in parallel.
Located locate(const Rows& rows, const std::string& source_crs) {
  const std::size_t n = rows.size();
  const auto part = [n](std::size_t p) { return n * p / kRowParts; };
  const auto kind = [&](std::size_t i) { return rows.drop[i] ? Source::kNone : rows.source[i]; };
  std::vector<std::size_t> lonlat_at(kRowParts + 1, 0), xy_at(kRowParts + 1, 0);
  tbb::parallel_for(std::size_t{0}, kRowParts, [&](std::size_t p) {
    for (std::size_t i = part(p); i < part(p + 1); ++i) {
      lonlat_at[p + 1] += kind(i) == Source::kLonLat;
      xy_at[p + 1] += kind(i) == Source::kXY;
    }
  });
  for (std::size_t p = 0; p < kRowParts; ++p) {
    lonlat_at[p + 1] += lonlat_at[p];
    xy_at[p + 1] += xy_at[p];
  }
  Located l;
  l.lonlat.resize(lonlat_at.back());
  l.xy.resize(xy_at.back());
  tbb::parallel_for(std::size_t{0}, kRowParts, [&](std::size_t p) {
    std::size_t a = lonlat_at[p], b = xy_at[p];
    for (std::size_t i = part(p); i < part(p + 1); ++i) {
      if (kind(i) == Source::kLonLat) l.lonlat[a++] = i;
      if (kind(i) == Source::kXY) l.xy[b++] = i;
    }
  });
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

// The WGS 84 bounding box of some rows: each bound is the first value met, in row order, among
// those equal to the extreme, so boxes of consecutive parts joined in order equal the box of all.
struct Box {
  bool any = false;
  double lon_min = 0, lon_max = 0, lat_min = 0, lat_max = 0;
  void extend(double lon, double lat) { join({true, lon, lon, lat, lat}); }
  void join(const Box& o) {
    if (!o.any) return;
    if (!any) {
      *this = o;
      return;
    }
    lon_min = std::min(lon_min, o.lon_min);
    lon_max = std::max(lon_max, o.lon_max);
    lat_min = std::min(lat_min, o.lat_min);
    lat_max = std::max(lat_max, o.lat_max);
  }
};

std::uint64_t bits(double v) {
  std::uint64_t b;
  std::memcpy(&b, &v, sizeof b);
  return b;
}

std::uint64_t point_hash(double x, double y) {
  const std::uint64_t bx = bits(x), by = bits(y);
  std::uint64_t h = (bx * 0x9E3779B97F4A7C15ull) ^ (by + 0x632BE59BD9B4E019ull + (bx >> 17));
  h *= 0xBF58476D1CE4E5B9ull;
  return h ^ (h >> 31);
}

// The distinct points among n (x, y) pairs, compared bit for bit: `x`/`y` hold each once and
// `of[k]` is point k's place there. Exports repeat points (block centroids, rounded coordinates:
// 148,636 Chicago assaults sit at 62,884 places), and PROJ's cost is per point. The points are
// split by the top bits of their hash into kRowParts groups (group_by_hash) searched in parallel,
// each an open addressing table keyed by the low bits; the groups' points follow each other. Their
// order changes no value: each point is projected on its own.
struct Distinct {
  std::vector<double> x, y;
  std::vector<std::uint32_t> of;
};

struct Group {
  std::vector<double> x, y;  // its distinct points
};

// Group g's points (index[begin..end), in order) into out, their places into of.
void search_group(const std::vector<double>& x, const std::vector<double>& y,
                  const std::vector<std::uint64_t>& hash, const std::uint32_t* begin,
                  const std::uint32_t* end, Group& out, std::vector<std::uint32_t>& of) {
  std::size_t slots = 16;
  while (slots < 2 * static_cast<std::size_t>(end - begin)) slots *= 2;
  std::vector<std::uint32_t> table(slots, 0);  // 1 + index into out.x, 0 = empty
  for (const std::uint32_t* it = begin; it != end; ++it) {
    const std::size_t k = *it;
    std::size_t s = static_cast<std::size_t>(hash[k]) & (slots - 1);
    while (table[s] != 0) {
      const std::uint32_t u = table[s] - 1;
      if (bits(out.x[u]) == bits(x[k]) && bits(out.y[u]) == bits(y[k])) break;
      s = (s + 1) & (slots - 1);
    }
    if (table[s] == 0) {
      table[s] = static_cast<std::uint32_t>(out.x.size() + 1);
      out.x.push_back(x[k]);
      out.y.push_back(y[k]);
    }
    of[k] = table[s] - 1;
  }
}

Distinct distinct_points(const std::vector<double>& x, const std::vector<double>& y) {
  const std::size_t n = x.size();
  std::vector<std::uint64_t> hash(n);
  tbb::parallel_for(tbb::blocked_range<std::size_t>(0, n, 1 << 14), [&](const auto& r) {
    for (std::size_t k = r.begin(); k != r.end(); ++k) hash[k] = point_hash(x[k], y[k]);
  });
  const HashGroups groups = group_by_hash(hash, {});
  std::vector<Group> found(kRowParts);
  Distinct d;
  d.of.resize(n);
  tbb::parallel_for(std::size_t{0}, kRowParts, [&](std::size_t g) {
    const std::uint32_t* first = groups.index.data();
    search_group(x, y, hash, first + groups.start[g], first + groups.start[g + 1], found[g], d.of);
  });
  std::vector<std::uint32_t> base(kRowParts + 1, 0);
  for (std::size_t g = 0; g < kRowParts; ++g) {
    base[g + 1] = base[g] + static_cast<std::uint32_t>(found[g].x.size());
    d.x.insert(d.x.end(), found[g].x.begin(), found[g].x.end());
    d.y.insert(d.y.end(), found[g].y.begin(), found[g].y.end());
  }
  tbb::parallel_for(tbb::blocked_range<std::size_t>(0, n, 1 << 14), [&](const auto& r) {
    for (std::size_t k = r.begin(); k != r.end(); ++k) d.of[k] += base[hash[k] >> 61];
  });
  return d;
}

// Rows `which` from `from` to `target`: each distinct point once, over the worker threads
// (Transformer::transform_parallel), then the rows in kRowParts consecutive parts in parallel. A
// point PROJ cannot take drops its row (counted afterwards in file order). `lon`/`lat` (empty for
// geographic rows, whose own values are used) give each row's WGS 84 point for the bounds.
class Projection {
 public:
  Projection(Rows& rows, Drops& drops, std::string target)
      : rows_(rows), drops_(drops), target_(std::move(target)) {}
  // `d`: the distinct points of rows `which` (distinct_of).
  void run(const std::vector<std::size_t>& which, Distinct d, const std::string& from,
           const std::vector<double>& lon, const std::vector<double>& lat);
  const Box& box() const { return box_; }

 private:
  Rows& rows_;
  Drops& drops_;
  std::string target_;
  Box box_;
};

// The distinct points of rows `which`. Found before anything asks PROJ (a Transformer, the target's
// facts), which waits for its search for the operation (geo::TransformSearch, started when the
// columns were known), so that they overlap the search.
Distinct distinct_of(const Rows& rows, const std::vector<std::size_t>& which) {
  std::vector<double> x(which.size()), y(which.size());
  tbb::parallel_for(tbb::blocked_range<std::size_t>(0, which.size(), 1 << 14), [&](const auto& r) {
    for (std::size_t k = r.begin(); k != r.end(); ++k)
      x[k] = rows.a[which[k]], y[k] = rows.b[which[k]];
  });
  return distinct_points(x, y);
}

void Projection::run(const std::vector<std::size_t>& which, Distinct d, const std::string& from,
                     const std::vector<double>& lon, const std::vector<double>& lat) {
  if (which.empty()) return;
  geo::Transformer transformer(from, target_);
  transformer.transform_parallel(d.x.data(), d.y.data(), d.x.size());
  const bool geographic = lon.empty();
  std::vector<Box> boxes(kRowParts);
  std::vector<std::vector<std::size_t>> failed(kRowParts);  // positions in `which`, ascending
  tbb::parallel_for(std::size_t{0}, kRowParts, [&](std::size_t p) {
    for (std::size_t k = which.size() * p / kRowParts; k < which.size() * (p + 1) / kRowParts;
         ++k) {
      const auto i = which[k];
      const double x = d.x[d.of[k]], y = d.y[d.of[k]];
      if (std::isnan(x)) {
        failed[p].push_back(k);
        continue;
      }
      if (geographic)
        boxes[p].extend(rows_.a[i], rows_.b[i]);
      else if (std::isfinite(lon[k]))
        boxes[p].extend(lon[k], lat[k]);
      rows_.a[i] = x;
      rows_.b[i] = y;
    }
  });
  for (std::size_t p = 0; p < kRowParts; ++p) {
    box_.join(boxes[p]);
    for (const auto k : failed[p]) {
      const auto i = which[k];
      drops_.bad_line(DropReason::kProjectionFailed, rows_.line[i], [&] {
        return fmt::format("PROJ cannot take ({}, {}) from {} to {}", rows_.a[i], rows_.b[i], from,
                           target_);
      });
      rows_.mark(i, DropReason::kProjectionFailed);
    }
  }
}

}  // namespace

std::string project(Rows& rows, const Plan& plan, const ReadOptions& options, Drops& drops,
                    const std::string& path, ReadReport& report) {
  const Located located = locate(rows, plan.source_crs);
  if (located.lonlat.empty() && located.xy.empty()) return "";  // no coordinates (Oakland bins)
  Distinct lonlat = distinct_of(rows, located.lonlat);          // before the first wait for PROJ
  const std::string target = choose_target(rows, located, plan, options, path);
  require_metric(target);
  report.target_crs = target;
  Projection projection(rows, drops, target);
  projection.run(located.lonlat, std::move(lonlat), "EPSG:4326", {}, {});
  projection.run(located.xy, distinct_of(rows, located.xy), plan.source_crs, located.xy_lon,
                 located.xy_lat);
  const Box& box = projection.box();
  if (box.any) {
    report.lon_min = box.lon_min;
    report.lon_max = box.lon_max;
    report.lat_min = box.lat_min;
    report.lat_max = box.lat_max;
  }
  return target;
}

}  // namespace scrutineer::ingest::detail
