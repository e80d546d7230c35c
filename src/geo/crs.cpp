// Coordinate reference systems through PROJ: batch transforms with normalised (lon, lat) axis
// order.
#include "scrutineer/geo/crs.hpp"

#include <fmt/format.h>
#include <proj.h>

#include <cmath>
#include <limits>
#include <utility>

#include "scrutineer/core/error.hpp"

namespace scrutineer::geo {

namespace {

PJ_CONTEXT* new_context() {
  PJ_CONTEXT* ctx = proj_context_create();
  if (!ctx) throw InternalError("PROJ: cannot create a context");
  // Errors are reported through our exceptions, not PROJ's log on stderr.
  proj_log_level(ctx, PJ_LOG_NONE);
  return ctx;
}

std::string context_error(PJ_CONTEXT* ctx) {
  const int err = proj_context_errno(ctx);
  const char* text = err ? proj_context_errno_string(ctx, err) : nullptr;
  return text ? text : "unknown CRS";
}

// RAII holder for a PJ created on a context (the context outlives it).
struct PjHolder {
  PJ* pj = nullptr;
  ~PjHolder() {
    if (pj) proj_destroy(pj);
  }
};

}  // namespace

Transformer::Transformer(const std::string& from_crs, const std::string& to_crs)
    : from_(from_crs), to_(to_crs) {
  PJ_CONTEXT* ctx = new_context();
  ctx_ = ctx;
  // Check each end on its own, so the message names the CRS that is wrong.
  for (const std::string* crs : {&from_, &to_}) {
    PjHolder one{proj_create(ctx, crs->c_str())};
    if (!one.pj || !proj_is_crs(one.pj)) {
      const std::string why = context_error(ctx);
      release();
      throw ConfigError(fmt::format(
          "unknown coordinate reference system '{}' ({}): expected an EPSG code such as "
          "EPSG:2790, a WKT text or a PROJ string",
          *crs, why));
    }
  }
  identity_ = from_ == to_;
  PjHolder raw{proj_create_crs_to_crs(ctx, from_.c_str(), to_.c_str(), nullptr)};
  if (!raw.pj) {
    const std::string why = context_error(ctx);
    release();
    throw ConfigError(
        fmt::format("PROJ finds no transformation from {} to {}: {}", from_, to_, why));
  }
  // EPSG:4326 is latitude-first; normalising makes every geographic CRS longitude-first.
  PJ* normalised = proj_normalize_for_visualization(ctx, raw.pj);
  if (!normalised) {
    release();
    throw ConfigError(fmt::format("PROJ cannot normalise the axis order of {} -> {}", from_, to_));
  }
  pj_ = normalised;
}

Transformer::~Transformer() { release(); }

void Transformer::release() {
  if (pj_) proj_destroy(static_cast<PJ*>(pj_));
  if (ctx_) proj_context_destroy(static_cast<PJ_CONTEXT*>(ctx_));
  pj_ = nullptr;
  ctx_ = nullptr;
}

Transformer::Transformer(Transformer&& o) noexcept { *this = std::move(o); }

Transformer& Transformer::operator=(Transformer&& o) noexcept {
  if (this == &o) return *this;
  release();
  from_ = std::move(o.from_);
  to_ = std::move(o.to_);
  ctx_ = std::exchange(o.ctx_, nullptr);
  pj_ = std::exchange(o.pj_, nullptr);
  identity_ = o.identity_;
  return *this;
}

std::size_t Transformer::transform(double* x, double* y, std::size_t n) {
  constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
  std::size_t failed = 0;
  if (n == 0) return 0;
  if (!identity_) {
    proj_trans_generic(static_cast<PJ*>(pj_), PJ_FWD, x, sizeof(double), n, y, sizeof(double), n,
                       nullptr, 0, 0, nullptr, 0, 0);
    // proj_trans_generic sets errno-like state per call, not per point: a failed point is HUGE_VAL.
    proj_errno_reset(static_cast<PJ*>(pj_));
  }
  for (std::size_t i = 0; i < n; ++i) {
    if (!std::isfinite(x[i]) || !std::isfinite(y[i])) {
      x[i] = kNaN;
      y[i] = kNaN;
      ++failed;
    }
  }
  return failed;
}

std::size_t Transformer::transform(std::vector<double>& x, std::vector<double>& y) {
  if (x.size() != y.size())
    throw InternalError(
        fmt::format("Transformer: {} x values but {} y values", x.size(), y.size()));
  return transform(x.data(), y.data(), x.size());
}

bool Transformer::transform(double& x, double& y) { return transform(&x, &y, 1) == 0; }

std::string utm_crs_for(double lon, double lat) {
  if (!std::isfinite(lon) || !std::isfinite(lat) || lon < -180 || lon > 180 || lat < -90 ||
      lat > 90)
    throw ConfigError(fmt::format(
        "cannot choose a UTM zone for longitude {}, latitude {}: expected -180..180, -90..90", lon,
        lat));
  int zone = static_cast<int>(std::floor((lon + 180.0) / 6.0)) + 1;
  if (zone > 60) zone = 60;  // lon = 180 exactly
  // Exceptions of the UTM standard: south-west Norway (band V) and Svalbard (band X).
  if (lat >= 56 && lat < 64 && lon >= 3 && lon < 12) zone = 32;
  if (lat >= 72 && lat < 84 && lon >= 0 && lon < 42) {
    if (lon < 9)
      zone = 31;
    else if (lon < 21)
      zone = 33;
    else if (lon < 33)
      zone = 35;
    else
      zone = 37;
  }
  return fmt::format("EPSG:{}", (lat >= 0 ? 32600 : 32700) + zone);
}

CrsInfo crs_info(const std::string& crs) {
  PJ_CONTEXT* ctx = new_context();
  struct CtxHolder {
    PJ_CONTEXT* ctx;
    ~CtxHolder() { proj_context_destroy(ctx); }
  } ctx_holder{ctx};
  PjHolder pj{proj_create(ctx, crs.c_str())};
  if (!pj.pj || !proj_is_crs(pj.pj))
    throw ConfigError(
        fmt::format("unknown coordinate reference system '{}' ({})", crs, context_error(ctx)));
  CrsInfo info;
  if (const char* name = proj_get_name(pj.pj)) info.name = name;
  if (const char* wkt = proj_as_wkt(ctx, pj.pj, PJ_WKT2_2019, nullptr)) info.wkt = wkt;
  const PJ_TYPE type = proj_get_type(pj.pj);
  info.geographic = type == PJ_TYPE_GEOGRAPHIC_2D_CRS || type == PJ_TYPE_GEOGRAPHIC_3D_CRS;
  info.projected = type == PJ_TYPE_PROJECTED_CRS;
  if (info.projected) {
    PjHolder cs{proj_crs_get_coordinate_system(ctx, pj.pj)};
    double factor = 1.0;
    if (cs.pj && proj_cs_get_axis_info(ctx, cs.pj, 0, nullptr, nullptr, nullptr, &factor, nullptr,
                                       nullptr, nullptr))
      info.metres_per_unit = factor;
  }
  return info;
}

}  // namespace scrutineer::geo
