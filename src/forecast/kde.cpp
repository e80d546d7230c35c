// Kernel density estimate in space with time weights on each event's age: open_cp's kde.KDE
// (QuantCrimAtLeeds/PredictCode), with Scott's (1992) rule and k-nearest-neighbour bandwidths
// (isotropic, or open_cp's GaussianNearestNeighbour on standardised coordinates).
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <numbers>

#include "builtin.hpp"
#include "scrutineer/core/error.hpp"
#include "scrutineer/core/time.hpp"
#include "scrutineer/forecast/sepp.hpp"

namespace scrutineer::forecast::detail {
namespace {

enum class TimeKernel { kExponential, kQuadratic, kConstant };
enum class Bandwidth { kFixed, kScott, kNearest, kNearestScaled };

struct KdeOptions {
  TimeKernel time = TimeKernel::kExponential;
  double scale_days = 10;
  Bandwidth bandwidth = Bandwidth::kFixed;
  double h = 50;      // fixed standard deviation, metres
  int k = 15;         // nearest neighbour for variable bandwidths
  double cutoff = 5;  // kernels are evaluated within cutoff standard deviations
  CellRisk cell_risk = CellRisk::kCentre;
  int samples = 5;  // lattice: samples x samples midpoints per cell
};

// A 2-D Gaussian N(0, S) with S = [[a, b], [b, c]].
struct Gauss {
  double ia, ib, ic, norm, reach;  // inverse covariance, 1 / (2 pi sqrt|S|), cut-off radius
  static Gauss make(double a, double b, double c, double cutoff) {
    const double det = a * c - b * b;
    const double big = (a + c) / 2 + std::sqrt((a - c) * (a - c) / 4 + b * b);
    return {c / det, -b / det, a / det, 1 / (2 * std::numbers::pi * std::sqrt(det)),
            cutoff * std::sqrt(big)};
  }
  double operator()(double dx, double dy) const {
    return norm * std::exp(-0.5 * (ia * dx * dx + 2 * ib * dx * dy + ic * dy * dy));
  }
};

// Distance from each event to its k-th nearest other event, through a square hash of the events.
std::vector<double> kth_neighbour_distance(const EventSet& e, int k) {
  const auto n = e.size();
  std::vector<double> out(n, 0.0);
  if (n < 2) return out;
  const auto [xmin, xmax] = std::minmax_element(e.x.begin(), e.x.end());
  const auto [ymin, ymax] = std::minmax_element(e.y.begin(), e.y.end());
  const double span = std::max({*xmax - *xmin, *ymax - *ymin, 1.0});
  const double side = std::max(span / std::sqrt(static_cast<double>(n) / 4), 1e-6);
  const auto nx = static_cast<std::int64_t>(std::floor((*xmax - *xmin) / side)) + 1;
  const auto ny = static_cast<std::int64_t>(std::floor((*ymax - *ymin) / side)) + 1;
  std::vector<std::vector<std::size_t>> bucket(static_cast<std::size_t>(nx * ny));
  // Plain copies: clang 14 cannot capture structured bindings in a lambda.
  const double x0 = *xmin, y0 = *ymin;
  auto bx = [&](double x) { return static_cast<std::int64_t>(std::floor((x - x0) / side)); };
  auto by = [&](double y) { return static_cast<std::int64_t>(std::floor((y - y0) / side)); };
  for (std::size_t i = 0; i < n; ++i)
    bucket[static_cast<std::size_t>(by(e.y[i]) * nx + bx(e.x[i]))].push_back(i);
  const auto kk =
      static_cast<std::size_t>(std::min<std::size_t>(static_cast<std::size_t>(k), n - 1));
  std::vector<double> d2;
  for (std::size_t i = 0; i < n; ++i) {
    const auto cx = bx(e.x[i]), cy = by(e.y[i]);
    // Grow rings of buckets until the k-th distance found is within the searched square.
    for (std::int64_t r = 1;; ++r) {
      d2.clear();
      for (auto y = std::max<std::int64_t>(0, cy - r); y <= std::min(ny - 1, cy + r); ++y)
        for (auto x = std::max<std::int64_t>(0, cx - r); x <= std::min(nx - 1, cx + r); ++x)
          for (const auto j : bucket[static_cast<std::size_t>(y * nx + x)])
            if (j != i)
              d2.push_back((e.x[j] - e.x[i]) * (e.x[j] - e.x[i]) +
                           (e.y[j] - e.y[i]) * (e.y[j] - e.y[i]));
      const bool whole = cx - r <= 0 && cy - r <= 0 && cx + r >= nx - 1 && cy + r >= ny - 1;
      if (d2.size() >= kk) {
        std::nth_element(d2.begin(), d2.begin() + static_cast<std::ptrdiff_t>(kk - 1), d2.end());
        const double d = std::sqrt(d2[kk - 1]);
        if (d <= static_cast<double>(r) * side || whole) {
          out[i] = d;
          break;
        }
      } else if (whole) {
        break;
      }
    }
  }
  return out;
}

// The declared parameters as options (unchecked).
KdeOptions kde_options(const ParamSet& p) {
  KdeOptions o;
  const auto& t = p.text("time_kernel");
  o.time = t == "exponential" ? TimeKernel::kExponential
           : t == "quadratic" ? TimeKernel::kQuadratic
                              : TimeKernel::kConstant;
  const auto& s = p.text("space");
  o.bandwidth = s == "fixed"        ? Bandwidth::kFixed
                : s == "scott"      ? Bandwidth::kScott
                : s == "knn_scaled" ? Bandwidth::kNearestScaled
                                    : Bandwidth::kNearest;
  o.scale_days = p.number("time_scale");
  o.h = p.number("bandwidth");
  o.k = static_cast<int>(p.integer("k"));
  o.cutoff = p.number("cutoff");
  return o;
}

// The time kernel weighs ages in days: days needed, minutes for a scale under a day; none
// without a time kernel.
TimeResolution kde_needs(const KdeOptions& o) {
  if (o.time == TimeKernel::kConstant) return TimeResolution::kMonth;
  return o.scale_days < 1 ? TimeResolution::kMinute : TimeResolution::kDay;
}

class Kde final : public Model {
 public:
  explicit Kde(KdeOptions o) : o_(o) {}

  Surface forecast(const EventSet& training, const geo::Grid& grid, std::int64_t at) override {
    auto surface = empty_surface(grid);
    const auto n = training.size();
    if (n == 0) return surface;
    training.require_resolution(kde_needs(o_), o_.scale_days < 1
                                                   ? "kde with a time scale under a day"
                                                   : "kde with a time kernel");
    std::vector<double> w(n);
    for (std::size_t i = 0; i < n; ++i)
      w[i] = time_weight(static_cast<double>(at - training.t[i]) / kSecondsPerDay);
    std::vector<Gauss> kernels = space_kernels(training, w);
    // Scatter each event's kernel onto the cell centres within its reach, in event order, so the
    // result never depends on threads.
    for (std::size_t i = 0; i < n; ++i) {
      if (w[i] == 0) continue;
      const auto& g = kernels.size() == 1 ? kernels[0] : kernels[i];
      const double ex = training.x[i], ey = training.y[i];
      const auto ix0 = std::max<std::int64_t>(0, cell_coordinate(ex - g.reach, grid.x0, grid.size));
      const auto ix1 =
          std::min<std::int64_t>(grid.nx - 1, cell_coordinate(ex + g.reach, grid.x0, grid.size));
      const auto iy0 = std::max<std::int64_t>(0, cell_coordinate(ey - g.reach, grid.y0, grid.size));
      const auto iy1 =
          std::min<std::int64_t>(grid.ny - 1, cell_coordinate(ey + g.reach, grid.y0, grid.size));
      for (auto iy = iy0; iy <= iy1; ++iy) {
        for (auto ix = ix0; ix <= ix1; ++ix) {
          const auto cell = static_cast<std::size_t>(iy * grid.nx + ix);
          if (!grid.valid[cell]) continue;
          surface.risk[cell] += w[i] * cell_value(g, grid, ix, iy, ex, ey);
        }
      }
    }
    return surface;
  }

 private:
  // The kernel's contribution to cell (ix, iy) from the event at (ex, ey); 0 beyond the kernel's
  // reach (per evaluated point).
  double cell_value(const Gauss& g, const geo::Grid& grid, std::int64_t ix, std::int64_t iy,
                    double ex, double ey) const {
    const double r2 = g.reach * g.reach, size = grid.size;
    const auto at = [&](double dx, double dy) { return dx * dx + dy * dy > r2 ? 0.0 : g(dx, dy); };
    // Offsets of the cell's lower-left corner from the event.
    const double lx = grid.x0 + static_cast<double>(ix) * size - ex;
    const double ly = grid.y0 + static_cast<double>(iy) * size - ey;
    switch (o_.cell_risk) {
      case CellRisk::kCentre:  // x0 + (ix + 1/2) size - ex: the centre rule's own arithmetic
        return at(grid.x0 + (static_cast<double>(ix) + 0.5) * size - ex,
                  grid.y0 + (static_cast<double>(iy) + 0.5) * size - ey);
      case CellRisk::kLattice: {
        double sum = 0;
        const int k = o_.samples;
        for (int b = 0; b < k; ++b)
          for (int a = 0; a < k; ++a)
            sum += at(lx + (2 * a + 1) * size / (2 * k), ly + (2 * b + 1) * size / (2 * k));
        return sum / (k * k);
      }
      case CellRisk::kExact: {
        // Axis-aligned Gaussian (ib = 0, checked when the model is made): the mean density over
        // the cell is prod_d (Phi((hi_d) / sd_d) - Phi((lo_d) / sd_d)) / size^2.
        const double sx = 1 / std::sqrt(g.ia), sy = 1 / std::sqrt(g.ic);
        const auto phi = [](double z) { return 0.5 * std::erfc(-z / std::numbers::sqrt2); };
        return (phi((lx + size) / sx) - phi(lx / sx)) * (phi((ly + size) / sy) - phi(ly / sy)) /
               (size * size);
      }
    }
    return 0;
  }

  double time_weight(double age_days) const {
    const double a = age_days / o_.scale_days;
    switch (o_.time) {
      case TimeKernel::kExponential:
        return std::exp(-a) / o_.scale_days;  // e^(-a/beta) / beta
      case TimeKernel::kQuadratic:
        return 1 / (1 + a * a);  // (1 + (a/beta)^2)^-1
      case TimeKernel::kConstant:
        return 1;
    }
    return 0;
  }

  std::vector<Gauss> space_kernels(const EventSet& e, const std::vector<double>& w) const {
    if (o_.bandwidth == Bandwidth::kFixed)
      return {Gauss::make(o_.h * o_.h, 0, o_.h * o_.h, o_.cutoff)};
    if (o_.bandwidth == Bandwidth::kScott) {
      // scipy's gaussian_kde: weighted covariance times n_eff^(-2/(d+4)), n_eff = (sum w)^2 / sum
      // w^2.
      double sw = 0, sw2 = 0, mx = 0, my = 0;
      for (std::size_t i = 0; i < e.size(); ++i)
        sw += w[i], sw2 += w[i] * w[i], mx += w[i] * e.x[i], my += w[i] * e.y[i];
      mx /= sw;
      my /= sw;
      double a = 0, b = 0, c = 0;
      for (std::size_t i = 0; i < e.size(); ++i) {
        const double dx = e.x[i] - mx, dy = e.y[i] - my, v = w[i] / sw;
        a += v * dx * dx, b += v * dx * dy, c += v * dy * dy;
      }
      const double unbias = 1 / (1 - sw2 / (sw * sw));  // numpy.cov with aweights
      const double neff = sw * sw / sw2, f2 = std::pow(neff, -2.0 / 6);
      a *= unbias * f2, b *= unbias * f2, c *= unbias * f2;
      if (!(a * c - b * b > 0))
        throw ConfigError("kde: Scott's rule needs events that are not all on one line");
      return {Gauss::make(a, b, c, o_.cutoff)};
    }
    if (o_.bandwidth == Bandwidth::kNearestScaled) return scaled_nearest_kernels(e);
    const auto d = kth_neighbour_distance(e, o_.k);
    std::vector<Gauss> out;
    out.reserve(e.size());
    for (const double di : d) {
      const double h = std::max(di, 1.0);  // coincident events: at least 1 m
      out.push_back(Gauss::make(h * h, 0, h * h, o_.cutoff));
    }
    return out;
  }

  // open_cp GaussianNearestNeighbour: coordinates divided by their sample sds (s_x, s_y), D_i =
  // distance to the k-th neighbour there (0 becomes 1), covariance D_i^2 diag(s_x^2, s_y^2). A
  // coordinate without a sample sd (fewer than two events, or all equal) uses `bandwidth`.
  std::vector<Gauss> scaled_nearest_kernels(const EventSet& e) const {
    std::vector<double> xy(2 * e.size());
    for (std::size_t i = 0; i < e.size(); ++i) xy[2 * i] = e.x[i], xy[2 * i + 1] = e.y[i];
    const auto sd = knn_bandwidths(2, xy, o_.k, {o_.h, o_.h});
    std::vector<Gauss> out;
    out.reserve(e.size());
    for (std::size_t i = 0; i < e.size(); ++i)
      out.push_back(
          Gauss::make(sd[2 * i] * sd[2 * i], 0, sd[2 * i + 1] * sd[2 * i + 1], o_.cutoff));
    return out;
  }

  KdeOptions o_;
};

}  // namespace

ModelInfo kde_info() {
  std::vector<ParamSpec> params = {
      {"time_kernel",
       "exponential",
       "weight on age a: exponential e^(-a/scale)/scale, "
       "quadratic 1/(1+(a/scale)^2), constant 1",
       "open_cp kde",
       {"exponential", "quadratic", "constant"}},
      {"time_scale", "10", "scale of the time kernel, days", "", {}},
      {"space",
       "fixed",
       "bandwidth: fixed, scott (scipy's rule, full covariance), knn "
       "(distance to the k-th neighbour per event, isotropic), knn_scaled (open_cp's "
       "GaussianNearestNeighbour: k-th neighbour on coordinates scaled to unit sd)",
       "open_cp kde",
       {"fixed", "scott", "knn", "knn_scaled"}},
      {"bandwidth",
       "50",
       "fixed: the Gaussian's standard deviation, metres (knn_scaled: the sd of a "
       "coordinate with no spread)",
       "",
       {}},
      {"k", "15", "knn: which neighbour sets each event's bandwidth", "", {}},
      {"cutoff", "5", "kernels are summed within this many standard deviations", "", {}}};
  for (auto& spec : cell_risk_params(true)) params.push_back(std::move(spec));
  return {"kde",
          "Gaussian kernel density in space weighted by a time kernel on each event's age",
          "open_cp kde.KDE; Scott (1992) Multivariate Density Estimation; Silverman (1986)",
          params,
          [](const ParamSet& p) {
            auto o = kde_options(p);
            o.cell_risk = read_cell_risk(p, o.samples, "kde");
            if (o.cell_risk == CellRisk::kExact && o.bandwidth == Bandwidth::kScott)
              throw ConfigError(
                  "kde: cell_risk=exact needs axis-aligned kernels; Scott's rule gives a full "
                  "covariance (use lattice)");
            if (!(o.scale_days > 0) || !(o.h > 0) || o.k < 1 || !(o.cutoff > 0))
              throw ConfigError(
                  fmt::format("kde: need time_scale > 0, bandwidth > 0, k >= 1, cutoff > 0"));
            return std::make_unique<Kde>(o);
          },
          [](const ParamSet& p) { return kde_needs(kde_options(p)); },
          "days with a time kernel (minutes when time_scale is under a day); any with "
          "time_kernel = constant"};
}

}  // namespace scrutineer::forecast::detail
