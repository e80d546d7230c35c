// Baselines: `naive` (count of events per cell, open_cp's CountingGridKernel) and `random` (seeded
// uniform risk, the baseline every model must beat).
#include "builtin.hpp"
#include "scrutineer/core/random.hpp"

namespace scrutineer::forecast::detail {
namespace {

class Naive final : public Model {
 public:
  Surface forecast(const EventSet& training, const geo::Grid& grid, std::int64_t) override {
    auto surface = empty_surface(grid);
    // Events outside the grid's extent or in invalid cells are not counted (open_cp clips to the
    // region first; invalid cells are masked afterwards).
    for (std::size_t i = 0; i < training.size(); ++i) {
      const auto cell = grid.cell_of(training.x[i], training.y[i]);
      if (grid.is_valid(cell)) surface.risk[static_cast<std::size_t>(cell)] += 1.0;
    }
    return surface;
  }
};

class RandomModel final : public Model {
 public:
  explicit RandomModel(std::uint64_t seed) : seed_(seed) {}
  Surface forecast(const EventSet&, const geo::Grid& grid, std::int64_t at) override {
    auto surface = empty_surface(grid);
    // One stream per forecast time, so a backtest's periods differ but every run repeats.
    Rng rng(seed_, static_cast<std::uint64_t>(at));
    for (std::int64_t c = 0; c < grid.cells(); ++c)
      if (grid.is_valid(c)) surface.risk[static_cast<std::size_t>(c)] = rng.uniform();
    return surface;
  }

 private:
  std::uint64_t seed_;
};

}  // namespace

ModelInfo naive_info() {
  return {"naive",
          "count of training events per cell",
          "open_cp naive.CountingGridKernel (QuantCrimAtLeeds/PredictCode); Chainey, Tompson & "
          "Uhlig (2008), Security Journal 21",
          {},
          [](const ParamSet&) { return std::make_unique<Naive>(); },
          [](const ParamSet&) { return TimeResolution::kMonth; },
          "any (month-only data are enough)"};
}

ModelInfo random_info() {
  return {"random",
          "uniform random risk per valid cell (seeded baseline)",
          "baseline",
          {{"seed", "1", "random seed; the stream is the forecast time", "", {}}},
          [](const ParamSet& p) {
            return std::make_unique<RandomModel>(static_cast<std::uint64_t>(p.integer("seed")));
          },
          [](const ParamSet&) { return TimeResolution::kMonth; },
          "any (month-only data are enough)"};
}

}  // namespace scrutineer::forecast::detail
