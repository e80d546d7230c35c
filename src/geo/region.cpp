// The study region: union of a vector source's polygons (GEOS), and events inside or outside it.
#include "scrutineer/geo/region.hpp"

#include <tbb/blocked_range.h>
#include <tbb/enumerable_thread_specific.h>
#include <tbb/parallel_for.h>

#include <cmath>
#include <optional>

#include "crs_resolve.hpp"
#include "geos.hpp"
#include "scrutineer/core/error.hpp"

namespace scrutineer::geo {

namespace {

Region union_of(const std::vector<io::MultiPolygon>& features, const std::string& crs) {
  detail::GeosContext ctx;
  io::MultiPolygon all;
  for (const auto& f : features) all.insert(all.end(), f.begin(), f.end());
  auto geometry = detail::to_geos(ctx, all);
  auto merged = detail::own(ctx, GEOSUnaryUnion_r(ctx.get(), geometry.get()), "union");
  Region region;
  region.crs = crs;
  region.polygons = detail::from_geos(ctx, merged.get());
  region.bbox = io::bbox_of(region.polygons);
  double area = 0;
  if (GEOSArea_r(ctx.get(), merged.get(), &area) == 1) region.area = area;
  return region;
}

// Per-thread GEOS copy of the region, built on first use by each thread.
struct RegionGeos {
  detail::GeosContext ctx;
  detail::Geom geometry;
  detail::Prepared prepared;
  explicit RegionGeos(const io::MultiPolygon& polygons)
      : geometry(detail::to_geos(ctx, polygons)), prepared(detail::prepare(ctx, geometry.get())) {}
};

}  // namespace

Region read_region(const std::string& path, const std::string& target_crs) {
  const auto layer = detail::read_projected(path, target_crs, "region");
  Region region = union_of(layer.geometries, layer.crs);
  region.source = path;
  region.repaired = layer.repaired;
  return region;
}

Region make_region(const io::MultiPolygon& polygons, const std::string& crs) {
  if (polygons.empty()) throw ConfigError("a region needs at least one polygon");
  return union_of({polygons}, crs);
}

std::vector<std::uint8_t> inside_region(const Region& region, const std::vector<double>& x,
                                        const std::vector<double>& y) {
  if (x.size() != y.size()) throw InternalError("inside_region: x and y differ in length");
  std::vector<std::uint8_t> inside(x.size(), 0);
  if (region.polygons.empty()) return inside;
  tbb::enumerable_thread_specific<std::optional<RegionGeos>> local;
  const auto& b = region.bbox;
  tbb::parallel_for(tbb::blocked_range<std::size_t>(0, x.size(), 4096), [&](const auto& range) {
    auto& slot = local.local();
    if (!slot) slot.emplace(region.polygons);
    const GEOSContextHandle_t h = slot->ctx.get();
    for (std::size_t i = range.begin(); i != range.end(); ++i) {
      // The comparisons are false for NaN, so a point without coordinates is outside.
      if (!(x[i] >= b.xmin && x[i] <= b.xmax && y[i] >= b.ymin && y[i] <= b.ymax)) continue;
      auto point = detail::own(slot->ctx, GEOSGeom_createPointFromXY_r(h, x[i], y[i]), "point");
      inside[i] = GEOSPreparedCovers_r(h, slot->prepared.get(), point.get()) == 1;
    }
  });
  return inside;
}

OutsideReport report_outside(const Region& region, const std::vector<double>& x,
                             const std::vector<double>& y) {
  const auto inside = inside_region(region, x, y);
  OutsideReport report;
  report.total = static_cast<std::int64_t>(inside.size());
  for (std::size_t i = 0; i < inside.size(); ++i) {
    if (inside[i]) continue;
    ++report.outside;
    if (report.first_outside.size() < 10)
      report.first_outside.push_back(static_cast<std::int64_t>(i));
  }
  return report;
}

}  // namespace scrutineer::geo
