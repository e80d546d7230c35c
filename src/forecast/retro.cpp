// Retrospective hotspotting: a quartic (or truncated Gaussian) kernel summed over the training
// events at cell centres, as open_cp's retrohotspot.RetroHotSpotGrid (Chainey & Ratcliffe 2005, GIS
// and Crime Mapping; the quartic kernel of Bailey & Gatrell 1995).
#include <fmt/format.h>

#include <cmath>

#include "builtin.hpp"
#include "scrutineer/core/error.hpp"

namespace scrutineer::forecast::detail {
namespace {

enum class Kernel { kQuartic, kGaussian };

class Retro final : public Model {
 public:
  Retro(double bandwidth, Kernel kernel, double sds)
      : h_(bandwidth), cutoff_(bandwidth * bandwidth), kernel_(kernel), sds_(sds) {}

  Surface forecast(const EventSet& training, const geo::Grid& grid, std::int64_t) override {
    auto surface = empty_surface(grid);
    const double size = grid.size;
    // Each event adds to the centres within h; events are visited in time order so each cell's sum
    // is accumulated in the same order as open_cp's per-cell sum over events.
    for (std::size_t i = 0; i < training.size(); ++i) {
      const double ex = training.x[i], ey = training.y[i];
      const auto ix0 = std::max<std::int64_t>(0, cell_coordinate(ex - h_, grid.x0, size) - 1);
      const auto ix1 =
          std::min<std::int64_t>(grid.nx - 1, cell_coordinate(ex + h_, grid.x0, size) + 1);
      const auto iy0 = std::max<std::int64_t>(0, cell_coordinate(ey - h_, grid.y0, size) - 1);
      const auto iy1 =
          std::min<std::int64_t>(grid.ny - 1, cell_coordinate(ey + h_, grid.y0, size) + 1);
      for (auto iy = iy0; iy <= iy1; ++iy) {
        // open_cp's centre: index * size + origin + size / 2.
        const double dy = static_cast<double>(iy) * size + grid.y0 + size / 2 - ey;
        for (auto ix = ix0; ix <= ix1; ++ix) {
          const auto cell = iy * grid.nx + ix;
          if (!grid.valid[static_cast<std::size_t>(cell)]) continue;
          const double dx = static_cast<double>(ix) * size + grid.x0 + size / 2 - ex;
          const double d2 = dx * dx + dy * dy;
          if (d2 > cutoff_) continue;  // the support is d <= h, inclusive (open_cp)
          surface.risk[static_cast<std::size_t>(cell)] += weight(d2);
        }
      }
    }
    return surface;
  }

 private:
  double weight(double d2) const {
    if (kernel_ == Kernel::kQuartic) {
      const double u = 1 - d2 / cutoff_;  // W(d) = (1 - d^2/h^2)^2
      return u * u;
    }
    // Truncated Gaussian: h spans `sds` standard deviations, W(d) = exp(-(d/h * sds)^2 / 2).
    return std::exp(-(d2 / cutoff_ * sds_ * sds_) / 2);
  }
  double h_, cutoff_;
  Kernel kernel_;
  double sds_;
};

}  // namespace

ModelInfo retro_info() {
  return {
      "retro",
      "retrospective hotspot: kernel sum over training events at cell centres",
      "open_cp retrohotspot.RetroHotSpotGrid; Chainey & Ratcliffe (2005)",
      {{"bandwidth", "200", "kernel radius h in metres (weight 0 beyond)", "open_cp Quartic", {}},
       {"kernel",
        "quartic",
        "quartic (1 - d^2/h^2)^2 or truncated gaussian",
        "open_cp",
        {"quartic", "gaussian"}},
       {"sds",
        "3",
        "gaussian only: standard deviations spanned by h",
        "open_cp TruncatedGaussian",
        {}}},
      [](const ParamSet& p) {
        const double h = p.number("bandwidth"), sds = p.number("sds");
        if (!(h > 0)) throw ConfigError(fmt::format("retro: bandwidth must be > 0; got {}", h));
        if (!(sds > 0)) throw ConfigError(fmt::format("retro: sds must be > 0; got {}", sds));
        return std::make_unique<Retro>(
            h, p.text("kernel") == "quartic" ? Kernel::kQuartic : Kernel::kGaussian, sds);
      },
      [](const ParamSet&) { return TimeResolution::kMonth; },
      "any (month-only data are enough)"};
}

}  // namespace scrutineer::forecast::detail
