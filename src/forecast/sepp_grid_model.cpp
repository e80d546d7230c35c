// The `sepp-grid` model: the grid self-exciting point process of Mohler et al. (2015), JASA
// 110(512) (PredPol's model) behind the Model interface, with Lum & Isaac's (2016) settings as a
// preset.
#include <fmt/format.h>

#include "builtin.hpp"
#include "scrutineer/core/error.hpp"
#include "scrutineer/core/time.hpp"
#include "scrutineer/forecast/sepp_grid.hpp"

namespace scrutineer::forecast::detail {
namespace {

// The self-excitation decays over time units: days need daily times, shorter units minutes.
TimeResolution needs_for_unit(std::int64_t unit) {
  return unit < kSecondsPerDay ? TimeResolution::kMinute : TimeResolution::kDay;
}

class SeppGrid final : public Model {
 public:
  SeppGrid(SeppGridOptions options, std::int64_t unit, std::int64_t window, bool whole_units,
           bool warm)
      : options_(options), unit_(unit), window_(window), whole_(whole_units), warm_(warm) {}

  Surface forecast(const EventSet& training, const geo::Grid& grid, std::int64_t at) override {
    training.require_resolution(
        needs_for_unit(unit_),
        unit_ < kSecondsPerDay ? "sepp-grid with a time unit under a day" : "sepp-grid");
    // Sliding window of fixed length, or growing from the first training event (window = 0).
    const std::int64_t start = window_ > 0 ? at - window_ : (training.empty() ? at : training.t[0]);
    const double T = static_cast<double>(at - start) / static_cast<double>(unit_);
    // Reused from one forecast to the next (a daily backtest or feedback loop): no allocation per
    // cell and day once the vectors have grown.
    auto& cells = cells_;
    cells.resize(static_cast<std::size_t>(grid.cells()));
    for (auto& times : cells) times.clear();
    for (std::size_t i = 0; i < training.size(); ++i) {
      if (training.t[i] < start || training.t[i] >= at) continue;
      const auto c = grid.cell_of(training.x[i], training.y[i]);
      if (!grid.is_valid(c)) continue;
      const auto age = training.t[i] - start;
      // Whole units (Lum & Isaac: days) or exact times in units from the window start.
      const double tau = whole_ ? static_cast<double>(age / unit_)
                                : static_cast<double>(age) / static_cast<double>(unit_);
      cells[static_cast<std::size_t>(c)].push_back(tau);
    }
    Surface s = empty_surface(grid);
    if (T <= 0) return s;
    const bool can_warm = warm_ && last_.mu.size() == cells.size();
    last_ = fit_sepp_grid(cells, T, options_, can_warm ? &last_ : nullptr);
    s.risk = sepp_grid_intensity(last_, cells, T, options_.arithmetic);
    s.is_rate = true;  // events per unit of time at `at` (Mohler et al. 2015, eq. 1)
    s.rate_period_seconds = unit_;
    return s;
  }

 private:
  SeppGridOptions options_;
  std::int64_t unit_, window_;
  bool whole_, warm_;
  SeppGridFit last_;
  std::vector<std::vector<double>> cells_;
};

}  // namespace

ModelInfo sepp_grid_info() {
  return {
      "sepp-grid",
      "grid self-exciting point process fitted by EM (PredPol's model)",
      "Mohler, Short, Malinowski, Johnson, Tita, Bertozzi & Brantingham (2015), JASA 110(512); "
      "Lum & Isaac (2016), Significance 13(5)",
      {{"compat",
        "none",
        "lum-isaac: their EM (stop on any test, plain M-step, whole days, 180-day "
        "window; add e_step=as-coded for their E-step's normalisation); explicit parameters "
        "below still override it",
        "Lum & Isaac (2016) predpol.py",
        {"none", "lum-isaac"}},
       {"time_unit", "1d", "model time unit (rates are per unit)", "Lum & Isaac: days", {}},
       {"window",
        "180d",
        "training window length (sliding); 0 = growing from the first event",
        "Lum & Isaac: 180 days",
        {}},
       {"whole_units",
        "",
        "times in whole units from the window start (default: true with "
        "compat=lum-isaac, else false)",
        "Lum & Isaac",
        {"", "true", "false"}},
       {"theta0", "1", "starting theta", "Lum & Isaac", {}},
       {"omega0", "1", "starting omega (per time unit)", "Lum & Isaac", {}},
       {"mu0", "1", "starting mu_n (per time unit)", "Lum & Isaac", {}},
       {"tol_theta", "1e-5", "stop tolerance on |delta theta|", "Lum & Isaac", {}},
       {"tol_omega", "1e-5", "stop tolerance on |delta omega|", "Lum & Isaac", {}},
       {"tol_mu", "1e-4", "stop tolerance on sum_n |delta mu_n|", "Lum & Isaac", {}},
       {"stop",
        "",
        "all: every test must pass; any: the first passing test stops (Lum & Isaac's "
        "loop). Default: any with compat=lum-isaac, else all",
        "",
        {"", "all", "any"}},
       {"e_step",
        "exact",
        "exact: each child's triggering weights divided by its own intensity (Mohler et al. "
        "2015, eq. 4); as-coded: by the intensity at the event after the parent, as NumPy "
        "broadcasting makes predpol.py do (Lum & Isaac's published numbers)",
        "Mohler et al. (2015) eq. 4; Lum & Isaac (2016) predpol.py",
        {"exact", "as-coded"}},
       {"arithmetic",
        "exact",
        "exact: the E-step's exp and divisions give the same bits whatever the thread count; "
        "fast: e^x by a polynomial and one reciprocal of lambda per time group, each EM "
        "iteration's mu, theta and omega within a relative 4 L (2e-14 + 10 u) + (4 N + 40) u of "
        "the exact iteration's (L: most distinct times after a cell's first, N events, u = 2^-53; "
        "docs/forecast.md), and each cell's intensity within 2e-14 + (2 n + 6) u of the exact one "
        "(n its events); needs e_step=exact",
        "",
        {"exact", "fast"}},
       {"accelerate",
        "none",
        "none: the plain EM; squarem: SQUAREM's SqS3 steps with a residual safeguard, stopping "
        "under the same tolerances (fewer iterations; fits differ from the plain EM's by about "
        "the tolerances, docs/forecast.md)",
        "Varadhan & Roland (2008), Scand. J. Statist. 35(2)",
        {"none", "squarem"}},
       {"max_iterations", "1000", "EM iteration cap", "", {}},
       {"edge_corrected",
        "",
        "Daws's edge-corrected M-step (default: false)",
        "Daws, MatthewDaws/SEPP",
        {"", "true", "false"}},
       {"warm_start", "false", "start each refit from the previous fit (daily refits)", "", {}}},
      [](const ParamSet& p) {
        const bool li = p.text("compat") == "lum-isaac";
        SeppGridOptions o;
        o.log_likelihood = false;  // the forecast reads theta, omega and mu only
        o.theta0 = p.number("theta0");
        o.omega0 = p.number("omega0");
        o.mu0 = p.number("mu0");
        o.tol_theta = p.number("tol_theta");
        o.tol_omega = p.number("tol_omega");
        o.tol_mu = p.number("tol_mu");
        o.max_iterations = static_cast<int>(p.integer("max_iterations"));
        o.e_step = parse_sepp_grid_e_step(p.text("e_step"), "sepp-grid e_step");
        o.arithmetic = parse_sepp_grid_arithmetic(p.text("arithmetic"), "sepp-grid arithmetic");
        o.accelerate = parse_sepp_grid_accelerate(p.text("accelerate"), "sepp-grid accelerate");
        check_sepp_grid_options(o);
        const auto& stop = p.values().at("stop");
        o.stop = (stop.empty() ? li : stop == "any") ? SeppGridStop::kAny : SeppGridStop::kAll;
        const auto& edge = p.values().at("edge_corrected");
        o.edge_corrected = edge.empty() ? false : p.flag("edge_corrected");
        const auto& whole = p.values().at("whole_units");
        const bool whole_units = whole.empty() ? li : p.flag("whole_units");
        if (!(o.omega0 > 0) || !(o.theta0 >= 0) || !(o.mu0 > 0) || o.max_iterations < 1)
          throw ConfigError(
              "sepp-grid: need omega0 > 0, theta0 >= 0, mu0 > 0, max_iterations >= 1");
        const auto& w = p.text("window");
        const std::int64_t window = w == "0" ? 0 : parse_duration(w, "window");
        return std::make_unique<SeppGrid>(o, parse_duration(p.text("time_unit"), "time_unit"),
                                          window, whole_units, p.flag("warm_start"));
      },
      [](const ParamSet& p) {
        return needs_for_unit(parse_duration(p.text("time_unit"), "time_unit"));
      },
      "days; minutes when time_unit is under a day"};
}

}  // namespace scrutineer::forecast::detail
