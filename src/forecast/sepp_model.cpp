// The `sepp` model: the continuous self-exciting point process of Mohler, Short, Brantingham,
// Schoenberg & Tita (2011), JASA 106(493), behind the Model interface (open_cp's SEPPTrainer).
#include <fmt/format.h>

#include "builtin.hpp"
#include "scrutineer/core/error.hpp"
#include "scrutineer/core/time.hpp"
#include "scrutineer/forecast/sepp.hpp"

namespace scrutineer::forecast::detail {
namespace {

// The triggering kernel works in days (time_cutoff, init_time_scale).
constexpr TimeResolution kNeeds = TimeResolution::kDay;

class Sepp final : public Model {
 public:
  Sepp(SeppOptions options, int samples) : o_(options), samples_(samples) {}

  Surface forecast(const EventSet& training, const geo::Grid& grid, std::int64_t at) override {
    training.require_resolution(kNeeds, "sepp");
    Surface s = empty_surface(grid);
    s.is_rate = true;  // expected events per cell per day at `at`
    s.rate_period_seconds = kSecondsPerDay;
    // Days from the first training event (open_cp measures from the first event too).
    SeppPoints p;
    for (std::size_t i = 0; i < training.size() && training.t[i] < at; ++i) {
      p.t.push_back(static_cast<double>(training.t[i] - training.t[0]) / kSecondsPerDay);
      p.x.push_back(training.x[i]);
      p.y.push_back(training.y[i]);
    }
    if (p.size() == 0) return s;
    const auto fit = fit_sepp(p, o_);
    // samples x samples midpoints per valid cell; risk = cell area x mean intensity.
    const auto cells = grid.valid_cells();
    const auto per = static_cast<std::size_t>(samples_ * samples_);
    std::vector<double> qx, qy;
    qx.reserve(cells.size() * per);
    qy.reserve(cells.size() * per);
    const double step = grid.size / samples_;
    for (const auto c : cells) {
      const double cx = grid.x0 + static_cast<double>(c % grid.nx) * grid.size;
      const double cy = grid.y0 + static_cast<double>(c / grid.nx) * grid.size;
      for (int a = 0; a < samples_; ++a)
        for (int b = 0; b < samples_; ++b) {
          qx.push_back(cx + (b + 0.5) * step);
          qy.push_back(cy + (a + 0.5) * step);
        }
    }
    const double t = static_cast<double>(at - training.t[0]) / kSecondsPerDay;
    const auto lambda = sepp_intensity(fit, p, o_, t, qx, qy);
    for (std::size_t k = 0; k < cells.size(); ++k) {
      double sum = 0;
      for (std::size_t m = 0; m < per; ++m) sum += lambda[k * per + m];
      s.risk[static_cast<std::size_t>(cells[k])] =
          grid.size * grid.size * sum / static_cast<double>(per);
    }
    return s;
  }

 private:
  SeppOptions o_;
  int samples_;
};

}  // namespace

ModelInfo sepp_info() {
  return {
      "sepp",
      "continuous self-exciting point process fitted by stochastic declustering with KDEs",
      "Mohler, Short, Brantingham, Schoenberg & Tita (2011), JASA 106(493); Zhuang, Ogata & "
      "Vere-Jones (2002), JASA 97(458); open_cp sepp.SEPPTrainer",
      {{"iterations", "40", "declustering iterations", "open_cp SEPPTrainer.train", {}},
       {"k_time",
        "100",
        "k-th neighbour for the background time kernel nu(t)",
        "Mohler et al. (2011); open_cp",
        {}},
       {"k_space",
        "15",
        "k-th neighbour for the background space kernel mu(x,y)",
        "Mohler et al. (2011); open_cp",
        {}},
       {"k_trigger",
        "15",
        "k-th neighbour for the triggering kernel g(t,x,y)",
        "Mohler et al. (2011); open_cp",
        {}},
       {"time_cutoff", "120", "days: pairs trigger only when 0 < dt < this", "open_cp", {}},
       {"space_cutoff", "500", "metres: pairs trigger only when distance < this", "open_cp", {}},
       {"init_time_scale",
        "0.1",
        "days: initial trigger weight e^(-dt/scale)",
        "Rosser & Cheng (2016); open_cp",
        {}},
       {"init_space_sd",
        "50",
        "metres: initial trigger weight e^(-d^2/(2 sd^2))",
        "Rosser & Cheng (2016); open_cp",
        {}},
       {"kernel_sds",
        "5",
        "each KDE Gaussian is truncated at this many standard deviations",
        "",
        {}},
       {"samples", "5", "prediction: samples x samples midpoints averaged per cell", "", {}},
       {"seed", "1", "random seed of the declustering samples", "", {}}},
      [](const ParamSet& p) {
        SeppOptions o;
        o.iterations = static_cast<int>(p.integer("iterations"));
        o.k_time = static_cast<int>(p.integer("k_time"));
        o.k_space = static_cast<int>(p.integer("k_space"));
        o.k_trigger = static_cast<int>(p.integer("k_trigger"));
        o.time_cutoff = p.number("time_cutoff");
        o.space_cutoff = p.number("space_cutoff");
        o.init_time_scale = p.number("init_time_scale");
        o.init_space_sd = p.number("init_space_sd");
        o.kernel_sds = p.number("kernel_sds");
        o.seed = static_cast<std::uint64_t>(p.integer("seed"));
        const auto samples = static_cast<int>(p.integer("samples"));
        if (o.iterations < 0 || o.k_time < 1 || o.k_space < 1 || o.k_trigger < 1 ||
            !(o.time_cutoff > 0) || !(o.space_cutoff > 0) || !(o.init_time_scale > 0) ||
            !(o.init_space_sd > 0) || !(o.kernel_sds > 0) || samples < 1 || samples > 100)
          throw ConfigError(
              "sepp: need iterations >= 0, k_time, k_space, k_trigger >= 1, positive "
              "cut-offs, initial scales and kernel_sds, 1 <= samples <= 100");
        return std::make_unique<Sepp>(o, samples);
      },
      [](const ParamSet&) { return kNeeds; },
      "days"};
}

}  // namespace scrutineer::forecast::detail
