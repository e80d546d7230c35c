// Private GEOS helpers: contexts, ownership and conversion of polygons.
#include "geos.hpp"

#include <fmt/format.h>

#include <vector>

#include "scrutineer/core/error.hpp"

namespace scrutineer::geo::detail {

namespace {

extern "C" void keep_message(const char* message, void* userdata) {
  *static_cast<std::string*>(userdata) = message ? message : "";
}

GEOSGeometry* ring_to_geos(GEOSContextHandle_t h, const io::Ring& ring) {
  GEOSCoordSequence* seq = GEOSCoordSeq_copyFromArrays_r(h, ring.x.data(), ring.y.data(), nullptr,
                                                         nullptr, ring.x.size());
  return seq ? GEOSGeom_createLinearRing_r(h, seq) : nullptr;
}

void ring_from_geos(GEOSContextHandle_t h, const GEOSGeometry* ring, io::Ring& out) {
  const GEOSCoordSequence* seq = GEOSGeom_getCoordSeq_r(h, ring);
  unsigned int n = 0;
  GEOSCoordSeq_getSize_r(h, seq, &n);
  out.x.resize(n);
  out.y.resize(n);
  GEOSCoordSeq_copyToArrays_r(h, seq, out.x.data(), out.y.data(), nullptr, nullptr);
}

void polygons_from_geos(GEOSContextHandle_t h, const GEOSGeometry* g, io::MultiPolygon& out) {
  const int type = GEOSGeomTypeId_r(h, g);
  if (type == GEOS_POLYGON) {
    if (GEOSisEmpty_r(h, g)) return;
    io::Polygon p;
    p.rings.emplace_back();
    ring_from_geos(h, GEOSGetExteriorRing_r(h, g), p.rings.back());
    const int holes = GEOSGetNumInteriorRings_r(h, g);
    for (int i = 0; i < holes; ++i) {
      p.rings.emplace_back();
      ring_from_geos(h, GEOSGetInteriorRingN_r(h, g, i), p.rings.back());
    }
    out.push_back(std::move(p));
  } else if (type == GEOS_MULTIPOLYGON || type == GEOS_GEOMETRYCOLLECTION) {
    const int n = GEOSGetNumGeometries_r(h, g);
    for (int i = 0; i < n; ++i) polygons_from_geos(h, GEOSGetGeometryN_r(h, g, i), out);
  }
}

}  // namespace

GeosContext::GeosContext() : handle_(GEOS_init_r()) {
  GEOSContext_setErrorMessageHandler_r(handle_, keep_message, &error_);
}

GeosContext::~GeosContext() { GEOS_finish_r(handle_); }

Geom own(const GeosContext& ctx, GEOSGeometry* g, const char* what) {
  if (!g) throw InternalError(fmt::format("GEOS {} failed: {}", what, ctx.last_error()));
  return Geom(g, GeomDeleter{ctx.get()});
}

Prepared prepare(const GeosContext& ctx, const GEOSGeometry* g) {
  const GEOSPreparedGeometry* p = GEOSPrepare_r(ctx.get(), g);
  if (!p) throw InternalError(fmt::format("GEOS prepare failed: {}", ctx.last_error()));
  return Prepared(p, PreparedDeleter{ctx.get()});
}

Geom to_geos(const GeosContext& ctx, const io::MultiPolygon& polygons) {
  const GEOSContextHandle_t h = ctx.get();
  std::vector<GEOSGeometry*> parts;
  auto release = [&] {
    for (auto* p : parts) GEOSGeom_destroy_r(h, p);
  };
  for (const auto& polygon : polygons) {
    if (polygon.rings.empty()) continue;
    GEOSGeometry* shell = ring_to_geos(h, polygon.rings[0]);
    std::vector<GEOSGeometry*> holes;
    bool ok = shell != nullptr;
    for (std::size_t i = 1; ok && i < polygon.rings.size(); ++i) {
      holes.push_back(ring_to_geos(h, polygon.rings[i]));
      ok = holes.back() != nullptr;
    }
    if (!ok) {
      if (shell) GEOSGeom_destroy_r(h, shell);
      for (auto* g : holes)
        if (g) GEOSGeom_destroy_r(h, g);
      release();
      throw InternalError(fmt::format("GEOS ring failed: {}", ctx.last_error()));
    }
    parts.push_back(
        GEOSGeom_createPolygon_r(h, shell, holes.data(), static_cast<unsigned>(holes.size())));
  }
  GEOSGeometry* multi = GEOSGeom_createCollection_r(h, GEOS_MULTIPOLYGON, parts.data(),
                                                    static_cast<unsigned>(parts.size()));
  if (!multi) release();  // on success the collection owns the parts
  return own(ctx, multi, "multipolygon");
}

io::MultiPolygon from_geos(const GeosContext& ctx, const GEOSGeometry* g) {
  io::MultiPolygon out;
  polygons_from_geos(ctx.get(), g, out);
  return out;
}

Geom make_box(const GeosContext& ctx, double x0, double y0, double x1, double y1) {
  return own(ctx, GEOSGeom_createRectangle_r(ctx.get(), x0, y0, x1, y1), "rectangle");
}

}  // namespace scrutineer::geo::detail
