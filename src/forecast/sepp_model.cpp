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
  Sepp(SeppOptions options, CellRisk cell_risk, int samples)
      : o_(options), cell_risk_(cell_risk), samples_(samples) {}

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
    // The shared cell rule (builtin.hpp): the cell centre, or samples x samples midpoints
    // ((2a + 1) / (2 samples) of the side, open_cp's samples = -k); risk = cell area x mean
    // intensity.
    const auto cells = grid.valid_cells();
    const int k = cell_risk_ == CellRisk::kLattice ? samples_ : 1;
    const auto per = static_cast<std::size_t>(k * k);
    std::vector<double> qx, qy;
    qx.reserve(cells.size() * per);
    qy.reserve(cells.size() * per);
    const double step = grid.size / k;
    for (const auto c : cells) {
      const double cx = grid.x0 + static_cast<double>(c % grid.nx) * grid.size;
      const double cy = grid.y0 + static_cast<double>(c / grid.nx) * grid.size;
      for (int a = 0; a < k; ++a)
        for (int b = 0; b < k; ++b) {
          qx.push_back(cx + (b + 0.5) * step);
          qy.push_back(cy + (a + 0.5) * step);
        }
    }
    const double t = static_cast<double>(at - training.t[0]) / kSecondsPerDay;
    const auto lambda = sepp_intensity(fit, p, o_, t, qx, qy);
    for (std::size_t c = 0; c < cells.size(); ++c) {
      double sum = 0;
      for (std::size_t m = 0; m < per; ++m) sum += lambda[c * per + m];
      s.risk[static_cast<std::size_t>(cells[c])] =
          grid.size * grid.size * sum / static_cast<double>(per);
    }
    return s;
  }

 private:
  SeppOptions o_;
  CellRisk cell_risk_;
  int samples_;
};

// One of the open_cp switches: its own value, or under `auto` the one `compat` implies.
bool open_cp_setting(const ParamSet& p, const char* name, const char* open_cp_value) {
  const auto& v = p.text(name);
  if (v == "auto") return p.text("compat") == "open_cp";
  return v == open_cp_value;
}

std::vector<ParamSpec> sepp_params() {
  std::vector<ParamSpec> params = {
      {"iterations", "40", "declustering iterations", "open_cp SEPPTrainer.train", {}},
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
      {"kernel_sums",
       "exact",
       "exact: every KDE sum the same to the last bit whatever the thread count; fast: e^x by a "
       "polynomial and sums in another order, each kernel value within a relative 2.1e-14 + "
       "2.3e-16 n of the exact one (n terms; docs/forecast.md)",
       "",
       {"exact", "fast"}},
      {"seed", "1", "random seed of the declustering samples", "", {}},
      {"compat",
       "none",
       "open_cp: every open_cp switch below that is left at auto takes open_cp's setting",
       "open_cp sepp.SEPPTrainer",
       {"none", "open_cp"}},
      {"cutoffs",
       "auto",
       "fit pairs: strict (0 < dt < time_cutoff, distance < space_cutoff, as the forecast) or "
       "open_cp (dt <= time_cutoff, distance <= space_cutoff); auto: open_cp under "
       "compat=open_cp, else strict",
       "open_cp sepp.p_matrix_fast",
       {"auto", "strict", "open_cp"}},
      {"same_instant",
       "auto",
       "exclude: events at the same instant never trigger each other; open_cp: an earlier row at "
       "the same instant may be a parent (delay 0); auto: open_cp under compat=open_cp, else "
       "exclude",
       "open_cp sepp.p_matrix",
       {"auto", "exclude", "open_cp"}},
      {"background_time",
       "auto",
       "forecast background: docstring (nu averaged over the middle half of the training span) "
       "or as-coded (nu at the forecast time); auto: as-coded under compat=open_cp, else "
       "docstring",
       "open_cp sepp.AverageTimeAdjustedKernel / SEPPPredictor.predict",
       {"auto", "docstring", "as-coded"}}};
  // sepp has always averaged a 5 x 5 lattice: that stays its default.
  for (auto& spec : cell_risk_params(false, "lattice")) params.push_back(std::move(spec));
  return params;
}

std::unique_ptr<Model> make_sepp(const ParamSet& p) {
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
  o.kernel_sums = p.text("kernel_sums") == "fast" ? KernelSums::kFast : KernelSums::kExact;
  o.inclusive_cutoffs = open_cp_setting(p, "cutoffs", "open_cp");
  o.same_instant_triggers = open_cp_setting(p, "same_instant", "open_cp");
  o.nu_at_forecast_time = open_cp_setting(p, "background_time", "as-coded");
  int samples = 5;
  const auto cell_risk = read_cell_risk(p, samples, "sepp");
  if (o.iterations < 0 || o.k_time < 1 || o.k_space < 1 || o.k_trigger < 1 ||
      !(o.time_cutoff > 0) || !(o.space_cutoff > 0) || !(o.init_time_scale > 0) ||
      !(o.init_space_sd > 0) || !(o.kernel_sds > 0))
    throw ConfigError(
        "sepp: need iterations >= 0, k_time, k_space, k_trigger >= 1, positive "
        "cut-offs, initial scales and kernel_sds");
  return std::make_unique<Sepp>(o, cell_risk, samples);
}

}  // namespace

ModelInfo sepp_info() {
  return {"sepp",
          "continuous self-exciting point process fitted by stochastic declustering with KDEs",
          "Mohler, Short, Brantingham, Schoenberg & Tita (2011), JASA 106(493); Zhuang, Ogata & "
          "Vere-Jones (2002), JASA 97(458); open_cp sepp.SEPPTrainer",
          sepp_params(),
          make_sepp,
          [](const ParamSet&) { return kNeeds; },
          "days"};
}

}  // namespace scrutineer::forecast::detail
