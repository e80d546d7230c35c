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
  Retro(double bandwidth, Kernel kernel, double sds, CellRisk cell_risk, int samples)
      : h_(bandwidth),
        cutoff_(bandwidth * bandwidth),
        kernel_(kernel),
        sds_(sds),
        cell_risk_(cell_risk),
        samples_(samples) {}

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
        for (auto ix = ix0; ix <= ix1; ++ix) {
          const auto cell = iy * grid.nx + ix;
          if (!grid.valid[static_cast<std::size_t>(cell)]) continue;
          // The cell's lower-left corner, open_cp's index * size + origin.
          const double cx = static_cast<double>(ix) * size + grid.x0;
          const double cy = static_cast<double>(iy) * size + grid.y0;
          surface.risk[static_cast<std::size_t>(cell)] += cell_value(cx, cy, ex, ey, size);
        }
      }
    }
    return surface;
  }

 private:
  // The kernel at the cell centre, or its mean over the samples x samples midpoint lattice;
  // (cx, cy) is the cell's lower-left corner, (ex, ey) the event. The centre is open_cp's
  // corner + size / 2 minus the event, in its order, so that d = h ties fall as in open_cp.
  double cell_value(double cx, double cy, double ex, double ey, double size) const {
    const auto at = [&](double px, double py) {
      const double dx = px - ex, dy = py - ey, d2 = dx * dx + dy * dy;
      return d2 > cutoff_ ? 0.0 : weight(d2);  // the support is d <= h, inclusive (open_cp)
    };
    if (cell_risk_ == CellRisk::kCentre) return at(cx + size / 2, cy + size / 2);
    double sum = 0;
    const int k = samples_;
    for (int b = 0; b < k; ++b)
      for (int a = 0; a < k; ++a)
        sum += at(cx + (2 * a + 1) * size / (2 * k), cy + (2 * b + 1) * size / (2 * k));
    return sum / (k * k);
  }

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
  CellRisk cell_risk_;
  int samples_;
};

}  // namespace

ModelInfo retro_info() {
  std::vector<ParamSpec> params = {
      {"bandwidth", "200", "kernel radius h in metres (weight 0 beyond)", "open_cp Quartic", {}},
      {"kernel",
       "quartic",
       "quartic (1 - d^2/h^2)^2 or truncated gaussian",
       "open_cp",
       {"quartic", "gaussian"}},
      {"sds",
       "3",
       "gaussian only: standard deviations spanned by h",
       "open_cp TruncatedGaussian",
       {}}};
  // No closed form of the truncated kernels' integral over a square: centre or lattice.
  for (auto& spec : cell_risk_params(false)) params.push_back(std::move(spec));
  return {"retro",
          "retrospective hotspot: kernel sum over training events at cell centres (or a lattice)",
          "open_cp retrohotspot.RetroHotSpotGrid (centre) and RetroHotSpot (continuous); Chainey & "
          "Ratcliffe (2005)",
          params,
          [](const ParamSet& p) {
            const double h = p.number("bandwidth"), sds = p.number("sds");
            if (!(h > 0)) throw ConfigError(fmt::format("retro: bandwidth must be > 0; got {}", h));
            if (!(sds > 0)) throw ConfigError(fmt::format("retro: sds must be > 0; got {}", sds));
            int samples = 5;
            const auto cell_risk = read_cell_risk(p, samples, "retro");
            return std::make_unique<Retro>(
                h, p.text("kernel") == "quartic" ? Kernel::kQuartic : Kernel::kGaussian, sds,
                cell_risk, samples);
          },
          [](const ParamSet&) { return TimeResolution::kMonth; },
          "any (month-only data are enough)"};
}

}  // namespace scrutineer::forecast::detail
