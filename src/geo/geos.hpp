// Private GEOS helpers (reentrant C API, one context per thread): RAII handles and conversion
// between io::MultiPolygon and GEOS geometries.
#pragma once

#include <geos_c.h>

#include <memory>
#include <string>

#include "scrutineer/io/vector.hpp"

namespace scrutineer::geo::detail {

// One GEOS context; never shared between threads. Keeps the last error message for exceptions.
class GeosContext {
 public:
  GeosContext();
  ~GeosContext();
  GeosContext(const GeosContext&) = delete;
  GeosContext& operator=(const GeosContext&) = delete;
  GEOSContextHandle_t get() const { return handle_; }
  const std::string& last_error() const { return error_; }

 private:
  GEOSContextHandle_t handle_;
  std::string error_;
};

struct GeomDeleter {
  GEOSContextHandle_t ctx;
  void operator()(GEOSGeometry* g) const { GEOSGeom_destroy_r(ctx, g); }
};
using Geom = std::unique_ptr<GEOSGeometry, GeomDeleter>;

struct PreparedDeleter {
  GEOSContextHandle_t ctx;
  void operator()(const GEOSPreparedGeometry* g) const { GEOSPreparedGeom_destroy_r(ctx, g); }
};
using Prepared = std::unique_ptr<const GEOSPreparedGeometry, PreparedDeleter>;

// Throws InternalError with GEOS's message when `g` is null.
Geom own(const GeosContext& ctx, GEOSGeometry* g, const char* what);
Prepared prepare(const GeosContext& ctx, const GEOSGeometry* g);

// A GEOS MultiPolygon holding the polygons as given (no validity repair).
Geom to_geos(const GeosContext& ctx, const io::MultiPolygon& polygons);
// The polygons of a GEOS geometry (Polygon, MultiPolygon or a collection); other parts dropped.
io::MultiPolygon from_geos(const GeosContext& ctx, const GEOSGeometry* g);
// The closed square [x0, x1] x [y0, y1].
Geom make_box(const GeosContext& ctx, double x0, double y0, double x1, double y1);

}  // namespace scrutineer::geo::detail
