// Coordinate reference systems through PROJ: batch transforms with normalised (lon, lat) axis
// order.
#include "scrutineer/geo/crs.hpp"

#include <fmt/format.h>
#include <proj.h>
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <mutex>
#include <set>
#include <utility>
#include <vector>

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

// The process's store of what PROJ's database gave: the operation found for each pair of CRS and
// the facts of each CRS, kept on one context of its own and used under the mutex only. The search
// for an operation (proj_create_crs_to_crs) reads many tables of proj.db and costs tens of
// milliseconds; copying its result onto another context (proj_clone) costs well under one.
class Store {
 public:
  static Store& get() {
    static Store* store = new Store;  // never destroyed: Transformers may outlive static objects
    return *store;
  }
  // Throws the ConfigError of an unknown CRS.
  void require(const std::string& crs) {
    const std::lock_guard lock(mutex_);
    require_locked(crs);
  }
  bool known(const std::string& crs) {
    const std::lock_guard lock(mutex_);
    return known_locked(crs);
  }
  // A context of its own and on it a copy of the normalised operation from -> to: one given back
  // earlier (give_back) when there is one, else a new context and a copy (proj_clone re-creates
  // the operation from its text: about a millisecond). Reusing a copy changes no value: PROJ picks
  // among an operation's alternatives for each point anew.
  std::pair<PJ_CONTEXT*, PJ*> take(const std::string& from, const std::string& to) {
    const std::lock_guard lock(mutex_);
    auto& idle = idle_[{from, to}];
    if (!idle.empty()) {
      const auto copy = idle.back();
      idle.pop_back();
      return copy;
    }
    PJ* found = operation_locked(from, to);
    PJ_CONTEXT* ctx = new_context();
    PJ* copy = proj_clone(ctx, found);
    if (!copy) {
      proj_context_destroy(ctx);
      throw InternalError(fmt::format("PROJ cannot copy the operation {} -> {}", from, to));
    }
    return {ctx, copy};
  }
  // Keeps a context and copy from take() for the next Transformer of the same pair.
  void give_back(const std::string& from, const std::string& to, PJ_CONTEXT* ctx, PJ* pj) {
    proj_errno_reset(pj);
    const std::lock_guard lock(mutex_);
    idle_[{from, to}].emplace_back(ctx, pj);
  }
  // Searches the operation from -> to now, unless it is known, so that a later Transformer finds
  // it. Throws as operation_locked does.
  void search(const std::string& from, const std::string& to) {
    const std::lock_guard lock(mutex_);
    operation_locked(from, to);
  }
  CrsInfo info(const std::string& crs) {
    const std::lock_guard lock(mutex_);
    auto it = infos_.find(crs);
    if (it == infos_.end()) it = infos_.emplace(crs, make_info(crs)).first;
    return it->second;
  }

 private:
  Store() : ctx_(new_context()) {}
  bool known_locked(const std::string& crs) {
    if (known_.count(crs)) return true;
    PjHolder one{proj_create(ctx_, crs.c_str())};
    if (!one.pj || !proj_is_crs(one.pj)) return false;
    known_.insert(crs);
    return true;
  }
  void require_locked(const std::string& crs) {
    if (known_locked(crs)) return;
    throw ConfigError(
        fmt::format("unknown coordinate reference system '{}' ({}): expected an EPSG code such as "
                    "EPSG:2790, a WKT text or a PROJ string",
                    crs, context_error(ctx_)));
  }
  // The normalised operation from -> to, searched in PROJ's database on first use.
  PJ* operation_locked(const std::string& from, const std::string& to) {
    auto it = operations_.find({from, to});
    if (it != operations_.end()) return it->second;
    // Check each end on its own, so the message names the CRS that is wrong.
    require_locked(from);
    require_locked(to);
    PjHolder raw{proj_create_crs_to_crs(ctx_, from.c_str(), to.c_str(), nullptr)};
    if (!raw.pj)
      throw ConfigError(fmt::format("PROJ finds no transformation from {} to {}: {}", from, to,
                                    context_error(ctx_)));
    // EPSG:4326 is latitude-first; normalising makes every geographic CRS longitude-first.
    PJ* normalised = proj_normalize_for_visualization(ctx_, raw.pj);
    if (!normalised)
      throw ConfigError(fmt::format("PROJ cannot normalise the axis order of {} -> {}", from, to));
    return operations_.emplace(std::make_pair(from, to), normalised).first->second;
  }
  CrsInfo make_info(const std::string& crs);

  std::mutex mutex_;
  PJ_CONTEXT* ctx_;
  std::map<std::pair<std::string, std::string>, PJ*> operations_;
  // Copies given back by Transformers, one context each: at most as many as were ever in use at
  // once.
  std::map<std::pair<std::string, std::string>, std::vector<std::pair<PJ_CONTEXT*, PJ*>>> idle_;
  std::map<std::string, CrsInfo> infos_;
  std::set<std::string> known_;
};

}  // namespace

Transformer::Transformer(const std::string& from_crs, const std::string& to_crs)
    : from_(from_crs), to_(to_crs) {
  const auto [ctx, pj] = Store::get().take(from_, to_);
  ctx_ = ctx;
  pj_ = pj;
  identity_ = from_ == to_;
}

Transformer::~Transformer() { release(); }

void Transformer::release() {
  if (pj_)
    Store::get().give_back(from_, to_, static_cast<PJ_CONTEXT*>(ctx_), static_cast<PJ*>(pj_));
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

std::size_t Transformer::transform_parallel(double* x, double* y, std::size_t n) {
  constexpr std::size_t kMinPart = 1 << 13;  // below this a copy of the operation costs more
  const auto threads = static_cast<std::size_t>(tbb::this_task_arena::max_concurrency());
  const std::size_t parts = std::min(threads, n / kMinPart);
  if (parts <= 1 || identity_) return transform(x, y, n);
  std::vector<std::size_t> failed(parts, 0);
  tbb::parallel_for(std::size_t{0}, parts, [&](std::size_t p) {
    const std::size_t begin = n * p / parts, end = n * (p + 1) / parts;
    if (p == 0) {
      failed[p] = transform(x + begin, y + begin, end - begin);
    } else {
      Transformer own(from_, to_);  // its own context, a copy of the operation
      failed[p] = own.transform(x + begin, y + begin, end - begin);
    }
  });
  std::size_t total = 0;
  for (auto f : failed) total += f;
  return total;
}

TransformSearch::TransformSearch(std::string from_crs, std::string to_crs)
    : thread_([from = std::move(from_crs), to = std::move(to_crs)] {
        try {
          Store::get().search(from, to);
        } catch (...) {  // never out of the thread: the Transformer reports it
        }
      }) {}

TransformSearch::~TransformSearch() { thread_.join(); }

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

CrsInfo Store::make_info(const std::string& crs) {
  PjHolder pj{proj_create(ctx_, crs.c_str())};
  if (!pj.pj || !proj_is_crs(pj.pj))
    throw ConfigError(
        fmt::format("unknown coordinate reference system '{}' ({})", crs, context_error(ctx_)));
  CrsInfo info;
  if (const char* name = proj_get_name(pj.pj)) info.name = name;
  if (const char* wkt = proj_as_wkt(ctx_, pj.pj, PJ_WKT2_2019, nullptr)) info.wkt = wkt;
  const PJ_TYPE type = proj_get_type(pj.pj);
  info.geographic = type == PJ_TYPE_GEOGRAPHIC_2D_CRS || type == PJ_TYPE_GEOGRAPHIC_3D_CRS;
  info.projected = type == PJ_TYPE_PROJECTED_CRS;
  if (info.projected) {
    PjHolder cs{proj_crs_get_coordinate_system(ctx_, pj.pj)};
    double factor = 1.0;
    if (cs.pj && proj_cs_get_axis_info(ctx_, cs.pj, 0, nullptr, nullptr, nullptr, &factor, nullptr,
                                       nullptr, nullptr))
      info.metres_per_unit = factor;
  }
  return info;
}

CrsInfo crs_info(const std::string& crs) { return Store::get().info(crs); }

bool is_known_crs(const std::string& crs) { return Store::get().known(crs); }

void require_known_crs(const std::string& crs) { Store::get().require(crs); }

}  // namespace scrutineer::geo
