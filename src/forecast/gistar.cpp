// Getis-Ord Gi* hot spots (Getis & Ord 1992; Ord & Getis 1995) with Benjamini & Hochberg's (1995)
// FDR correction, and the `gistar` model: risk = z (or 1 on significant hot cells).
#include "scrutineer/forecast/gistar.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <numeric>

#include "builtin.hpp"
#include "scrutineer/core/error.hpp"

namespace scrutineer::forecast {
namespace {

// Summed-area table of v over the grid: s[(iy + 1) (nx + 1) + ix + 1] = sum over cells with
// row <= iy and column <= ix.
std::vector<double> summed_area(const std::vector<double>& v, const geo::Grid& grid) {
  const std::size_t w = static_cast<std::size_t>(grid.nx) + 1;
  std::vector<double> s(w * (static_cast<std::size_t>(grid.ny) + 1), 0.0);
  for (std::int32_t iy = 0; iy < grid.ny; ++iy)
    for (std::int32_t ix = 0; ix < grid.nx; ++ix) {
      const auto c = static_cast<std::size_t>(iy) * grid.nx + static_cast<std::size_t>(ix);
      const auto at = (static_cast<std::size_t>(iy) + 1) * w + static_cast<std::size_t>(ix) + 1;
      s[at] = v[c] + s[at - 1] + s[at - w] - s[at - w - 1];
    }
  return s;
}

// Sum over the cells ix0..ix1, iy0..iy1 (inclusive, already clamped to the grid).
double box(const std::vector<double>& s, std::size_t w, std::int32_t ix0, std::int32_t ix1,
           std::int32_t iy0, std::int32_t iy1) {
  const auto a = [&](std::int32_t x, std::int32_t y) {
    return s[static_cast<std::size_t>(y) * w + static_cast<std::size_t>(x)];
  };
  return a(ix1 + 1, iy1 + 1) - a(ix0, iy1 + 1) - a(ix1 + 1, iy0) + a(ix0, iy0);
}

}  // namespace

std::vector<double> benjamini_hochberg(const std::vector<double>& p) {
  const auto n = p.size();
  std::vector<std::size_t> order(n);
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](auto a, auto b) { return p[a] < p[b]; });
  std::vector<double> q(n);
  double running = 1.0;  // min over m >= k, walking from the largest p down
  for (std::size_t k = n; k-- > 0;) {
    const double v = p[order[k]] * static_cast<double>(n) / static_cast<double>(k + 1);
    running = std::min(running, std::min(1.0, v));
    q[order[k]] = running;
  }
  return q;
}

GiStarResult getis_ord_gistar(const std::vector<double>& counts, const geo::Grid& grid,
                              const GiStarOptions& options) {
  if (options.distance < 0 || !(options.alpha > 0 && options.alpha < 1))
    throw ConfigError(fmt::format("gistar: need distance >= 0 and 0 < alpha < 1; got {} and {}",
                                  options.distance, options.alpha));
  if (static_cast<std::int64_t>(counts.size()) != grid.cells())
    throw ConfigError(
        fmt::format("gistar: {} counts for a grid of {} cells", counts.size(), grid.cells()));
  const auto cells = static_cast<std::size_t>(grid.cells());
  GiStarResult r;
  r.z.assign(cells, 0.0);
  r.p.assign(cells, 1.0);
  r.hot.assign(cells, HotSpot::kNone);
  std::vector<double> x(cells, 0.0), valid(cells, 0.0);
  double sum = 0, sum2 = 0;
  for (std::size_t c = 0; c < cells; ++c) {
    if (!grid.is_valid(static_cast<std::int64_t>(c))) continue;
    x[c] = counts[c];
    valid[c] = 1;
    sum += counts[c];
    sum2 += counts[c] * counts[c];
    ++r.n;
  }
  const double n = static_cast<double>(r.n);
  if (r.n > 0) {
    r.mean = sum / n;
    r.sd = std::sqrt(std::max(0.0, sum2 / n - r.mean * r.mean));
  }
  const auto sx = summed_area(x, grid), sv = summed_area(valid, grid);
  const std::size_t w = static_cast<std::size_t>(grid.nx) + 1;
  const std::int32_t d = options.distance;
  std::vector<std::size_t> valid_cells;
  for (std::size_t c = 0; c < cells; ++c) {
    if (valid[c] == 0) continue;
    valid_cells.push_back(c);
    const auto ix = static_cast<std::int32_t>(c % static_cast<std::size_t>(grid.nx));
    const auto iy = static_cast<std::int32_t>(c / static_cast<std::size_t>(grid.nx));
    const std::int32_t x0 = std::max(0, ix - d), x1 = std::min(grid.nx - 1, ix + d);
    const std::int32_t y0 = std::max(0, iy - d), y1 = std::min(grid.ny - 1, iy + d);
    const double wi = box(sv, w, x0, x1, y0, y1);     // W_i = S1_i (binary weights)
    const double local = box(sx, w, x0, x1, y0, y1);  // sum_j w_ij x_j
    const double var = (n * wi - wi * wi) / (n - 1);
    const double den = r.sd * std::sqrt(std::max(0.0, var));
    if (r.n > 1 && den > 0) r.z[c] = (local - r.mean * wi) / den;
    r.p[c] = std::erfc(std::abs(r.z[c]) / std::sqrt(2.0));  // 2 (1 - Phi(|z|))
  }
  r.q = r.p;
  if (options.fdr) {
    std::vector<double> pv;
    for (const auto c : valid_cells) pv.push_back(r.p[c]);
    const auto qv = benjamini_hochberg(pv);
    for (std::size_t k = 0; k < valid_cells.size(); ++k) r.q[valid_cells[k]] = qv[k];
  }
  for (const auto c : valid_cells)
    if (r.q[c] <= options.alpha && r.z[c] != 0)
      r.hot[c] = r.z[c] > 0 ? HotSpot::kHot : HotSpot::kCold;
  return r;
}

MannKendall mann_kendall(const std::vector<double>& x) {
  MannKendall r;
  const auto n = static_cast<double>(x.size());
  for (std::size_t i = 0; i < x.size(); ++i)
    for (std::size_t j = i + 1; j < x.size(); ++j) r.s += (x[j] > x[i]) - (x[j] < x[i]);
  auto sorted = x;
  std::sort(sorted.begin(), sorted.end());
  double ties = 0;  // sum_g t_g (t_g - 1) (2 t_g + 5)
  for (std::size_t i = 0; i < sorted.size();) {
    std::size_t j = i;
    while (j < sorted.size() && sorted[j] == sorted[i]) ++j;
    const auto t = static_cast<double>(j - i);
    ties += t * (t - 1) * (2 * t + 5);
    i = j;
  }
  r.var = (n * (n - 1) * (2 * n + 5) - ties) / 18;
  if (r.var > 0 && r.s != 0) {
    r.z = (r.s - (r.s > 0 ? 1 : -1)) / std::sqrt(r.var);
    r.p = std::erfc(std::abs(r.z) / std::sqrt(2.0));
  }
  return r;
}

std::string_view to_string(EmergingClass c) {
  static constexpr std::string_view kNames[] = {"none",
                                                "new hot",
                                                "consecutive hot",
                                                "intensifying hot",
                                                "persistent hot",
                                                "diminishing hot",
                                                "sporadic hot",
                                                "oscillating hot",
                                                "historical hot",
                                                "new cold",
                                                "consecutive cold",
                                                "intensifying cold",
                                                "persistent cold",
                                                "diminishing cold",
                                                "sporadic cold",
                                                "oscillating cold",
                                                "historical cold"};
  return kNames[static_cast<std::size_t>(c)];
}

namespace {

// One side (hot: sign = +1, cold: -1) of the classification of one cell; kNone if it does not fit.
EmergingClass classify_side(const std::vector<HotSpot>& state, const std::vector<double>& z,
                            int sign, double trend_alpha) {
  const auto n = state.size();
  const HotSpot same = sign > 0 ? HotSpot::kHot : HotSpot::kCold;
  const HotSpot other = sign > 0 ? HotSpot::kCold : HotSpot::kHot;
  const auto offset = sign > 0 ? 0 : 8;  // the cold classes follow the hot ones
  const auto pick = [&](EmergingClass hot) {
    return static_cast<EmergingClass>(static_cast<int>(hot) + offset);
  };
  std::size_t count = 0, run = 0;
  for (const auto s : state) count += s == same;
  while (run < n && state[n - 1 - run] == same) ++run;
  const bool most = static_cast<double>(count) >= 0.9 * static_cast<double>(n);
  if (run == 0) return most ? pick(EmergingClass::kHistoricalHot) : EmergingClass::kNone;
  if (count == 1) return pick(EmergingClass::kNewHot);
  if (run >= 2 && count == run && !most) return pick(EmergingClass::kConsecutiveHot);
  if (most) {
    const auto mk = mann_kendall(z);
    if (mk.p <= trend_alpha && mk.z * sign > 0) return pick(EmergingClass::kIntensifyingHot);
    if (mk.p <= trend_alpha && mk.z * sign < 0) return pick(EmergingClass::kDiminishingHot);
    return pick(EmergingClass::kPersistentHot);
  }
  for (std::size_t t = 0; t + 1 < n; ++t)
    if (state[t] == other) return pick(EmergingClass::kOscillatingHot);
  return pick(EmergingClass::kSporadicHot);
}

}  // namespace

std::vector<EmergingClass> classify_emerging(const std::vector<GiStarResult>& slices,
                                             double trend_alpha) {
  if (slices.empty()) return {};
  const auto cells = slices.front().hot.size();
  for (const auto& s : slices)
    if (s.hot.size() != cells || s.z.size() != cells)
      throw ConfigError("classify_emerging: the slices have different numbers of cells");
  std::vector<EmergingClass> out(cells, EmergingClass::kNone);
  std::vector<HotSpot> state(slices.size());
  std::vector<double> z(slices.size());
  for (std::size_t c = 0; c < cells; ++c) {
    for (std::size_t t = 0; t < slices.size(); ++t) {
      state[t] = slices[t].hot[c];
      z[t] = slices[t].z[c];
    }
    out[c] = classify_side(state, z, +1, trend_alpha);
    if (out[c] == EmergingClass::kNone) out[c] = classify_side(state, z, -1, trend_alpha);
  }
  return out;
}

namespace detail {
namespace {

class GiStar final : public Model {
 public:
  GiStar(GiStarOptions options, bool hot_only) : options_(options), hot_only_(hot_only) {}

  Surface forecast(const EventSet& training, const geo::Grid& grid, std::int64_t) override {
    std::vector<double> counts(static_cast<std::size_t>(grid.cells()), 0.0);
    for (std::size_t i = 0; i < training.size(); ++i) {
      const auto cell = grid.cell_of(training.x[i], training.y[i]);
      if (grid.is_valid(cell)) counts[static_cast<std::size_t>(cell)] += 1.0;
    }
    const auto g = getis_ord_gistar(counts, grid, options_);
    auto s = empty_surface(grid);
    for (std::size_t c = 0; c < s.risk.size(); ++c)
      s.risk[c] = hot_only_ ? (g.hot[c] == HotSpot::kHot ? 1.0 : 0.0) : g.z[c];
    return s;
  }

 private:
  GiStarOptions options_;
  bool hot_only_;
};

}  // namespace

ModelInfo gistar_info() {
  return {"gistar",
          "Getis-Ord Gi* z-score of the training counts per cell (hot-spot map)",
          "Getis & Ord (1992), Geographical Analysis 24(3); Ord & Getis (1995), Geographical "
          "Analysis 27(4); Benjamini & Hochberg (1995), JRSS B 57(1)",
          {{"distance",
            "1",
            "neighbourhood: valid cells within this Chebyshev distance in cells (queen "
            "contiguity of order d), the cell itself included",
            "ArcGIS Hot Spot Analysis on a fishnet: contiguity edges and corners",
            {}},
           {"alpha", "0.05", "significance level of a hot or cold cell", "", {}},
           {"correction",
            "fdr",
            "fdr: Benjamini-Hochberg over the valid cells; none: raw p-values",
            "Benjamini & Hochberg (1995); ArcGIS's FDR option",
            {"fdr", "none"}},
           {"risk",
            "z",
            "z: the Gi* z-score (significant hot cells rank first); hot: 1 on significant hot "
            "cells, 0 elsewhere (the hot-spot map)",
            "",
            {"z", "hot"}}},
          [](const ParamSet& p) {
            GiStarOptions o;
            const auto d = p.integer("distance");
            if (d < 0 || d > 1000)
              throw ConfigError(fmt::format("gistar: distance must be 0..1000 cells; got {}", d));
            o.distance = static_cast<int>(d);
            o.alpha = p.number("alpha");
            if (!(o.alpha > 0 && o.alpha < 1))
              throw ConfigError(fmt::format("gistar: alpha must be in (0, 1); got {}", o.alpha));
            o.fdr = p.text("correction") == "fdr";
            return std::make_unique<GiStar>(o, p.text("risk") == "hot");
          },
          // Counts per cell over the training window: the month of each event is enough.
          [](const ParamSet&) { return TimeResolution::kMonth; },
          "any (month-only data are enough)"};
}

}  // namespace detail
}  // namespace scrutineer::forecast
