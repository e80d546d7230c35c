// Prospective hotspotting: Bowers, Johnson & Pease (2004), Brit. J. Criminology 44(5), 641-658, on
// a grid exactly as open_cp's prohotspot.ProspectiveHotSpot with ClassicWeight.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "builtin.hpp"
#include "scrutineer/core/error.hpp"
#include "scrutineer/core/time.hpp"

namespace scrutineer::forecast::detail {
namespace {

enum class Distance { kChebyshev, kManhattan, kEuclidean };
// How an event's age is measured: real elapsed time, or on the source's local wall clock as
// open_cp does (it reads naive local times), which differ by the clock change between them.
enum class Clock { kElapsed, kWall };

class ProHotspot final : public Model {
 public:
  ProHotspot(double space_bw, double time_bw, std::int64_t unit, Distance distance, Clock clock)
      : space_bw_(space_bw), time_bw_(time_bw), unit_(unit), distance_(distance), clock_(clock) {}

  Surface forecast(const EventSet& training, const geo::Grid& grid, std::int64_t at) override {
    auto surface = empty_surface(grid);
    // Every distance used is >= the Chebyshev distance, so |dx|, |dy| < space_bw bounds the search.
    const auto reach = static_cast<std::int64_t>(std::ceil(space_bw_)) - 1;
    const TimeZone zone(clock_ == Clock::kWall && !training.time_zone.empty() ? training.time_zone
                                                                              : "UTC");
    const std::int64_t wall_at = zone.to_local(at);
    for (std::size_t i = 0; i < training.size(); ++i) {
      if (training.t[i] >= at) continue;
      // dt = floor(age / unit): whole time units, so 6 days is week 0 (open_cp).
      const std::int64_t age = wall_at - zone.to_local(training.t[i]);
      const auto dt = static_cast<double>(age / unit_);
      if (!(dt < time_bw_)) continue;
      // The event's cell, unclipped: events just outside the grid still weigh on cells inside.
      const auto ex = cell_coordinate(training.x[i], grid.x0, grid.size);
      const auto ey = cell_coordinate(training.y[i], grid.y0, grid.size);
      const auto x0 = std::max<std::int64_t>(0, ex - reach),
                 x1 = std::min<std::int64_t>(grid.nx - 1, ex + reach);
      const auto y0 = std::max<std::int64_t>(0, ey - reach),
                 y1 = std::min<std::int64_t>(grid.ny - 1, ey + reach);
      for (auto cy = y0; cy <= y1; ++cy) {
        for (auto cx = x0; cx <= x1; ++cx) {
          const auto cell = cy * grid.nx + cx;
          if (!grid.valid[static_cast<std::size_t>(cell)]) continue;
          const double dd = distance(std::abs(cx - ex), std::abs(cy - ey));
          if (!(dd < space_bw_)) continue;  // ClassicWeight: dd < space, dt < time bandwidth
          surface.risk[static_cast<std::size_t>(cell)] += 1 / ((1 + dd) * (1 + dt));
        }
      }
    }
    return surface;
  }

 private:
  double distance(std::int64_t ax, std::int64_t ay) const {
    const auto fx = static_cast<double>(ax), fy = static_cast<double>(ay);
    switch (distance_) {
      case Distance::kChebyshev:
        return std::max(fx, fy);
      case Distance::kManhattan:
        return fx + fy;
      case Distance::kEuclidean:
        return std::sqrt(fx * fx + fy * fy);
    }
    return 0;
  }
  double space_bw_, time_bw_;
  std::int64_t unit_;
  Distance distance_;
  Clock clock_;
};

}  // namespace

ModelInfo prohotspot_info() {
  return {
      "prohotspot",
      "prospective hotspot: sum of 1/((1+dd)(1+dt)) over events near in cells and time units",
      "Bowers, Johnson & Pease (2004), Brit. J. Criminology 44(5); open_cp ProspectiveHotSpot",
      {{"space_bandwidth",
        "8",
        "cells; weight 0 when dd >= this",
        "open_cp ClassicWeight (400 m / 50 m)",
        {}},
       {"time_bandwidth", "8", "time units; weight 0 when dt >= this", "open_cp ClassicWeight", {}},
       {"time_unit",
        "1w",
        "length of one time unit (dt = floor(age / unit)): 1w, 7d, 1d, ...",
        "Bowers et al. (2004): weeks",
        {}},
       {"distance",
        "chebyshev",
        "cell distance: chebyshev (diagonal neighbours at 1), "
        "manhattan (at 2) or euclidean",
        "open_cp DistanceDiagonalsSame",
        {"chebyshev", "manhattan", "euclidean"}},
       {"clock",
        "elapsed",
        "how an event's age is measured: elapsed (real time) or wall (the source's local clock, "
        "so ages across a clock change differ by its hour, as in open_cp)",
        "open_cp ProspectiveHotSpot.predict subtracts naive local times",
        {"elapsed", "wall"}}},
      [](const ParamSet& p) {
        const double sb = p.number("space_bandwidth"), tb = p.number("time_bandwidth");
        if (!(sb > 0) || !(tb > 0))
          throw ConfigError(
              fmt::format("prohotspot: bandwidths must be > 0; got space {} and time {}", sb, tb));
        const auto& d = p.text("distance");
        const auto distance = d == "chebyshev"   ? Distance::kChebyshev
                              : d == "manhattan" ? Distance::kManhattan
                                                 : Distance::kEuclidean;
        const Clock clock = p.text("clock") == "wall" ? Clock::kWall : Clock::kElapsed;
        return std::make_unique<ProHotspot>(
            sb, tb, parse_duration(p.text("time_unit"), "time_unit"), distance, clock);
      },
      // Month-only data are usable: every crime is dated the 1st, so ages are whole months.
      [](const ParamSet&) { return TimeResolution::kMonth; },
      "any (with month-only data every crime is dated the 1st: ages are whole months)"};
}

}  // namespace scrutineer::forecast::detail
