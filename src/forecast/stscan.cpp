// Prospective space-time permutation scan as a forecasting model: Kulldorff et al. (2005), PLoS
// Medicine 2(3) e59, as open_cp's stscan.STSTrainer / stscan2.STScanNumpy and STScanProvider run it
// (Adepeju, Rosser & Cheng 2016, IJGIS 30(11)).
#include "scrutineer/forecast/stscan.hpp"

#include <fmt/format.h>
#include <tbb/parallel_for.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <tuple>
#include <unordered_map>

#include "builtin.hpp"
#include "scrutineer/core/error.hpp"
#include "scrutineer/core/time.hpp"

namespace scrutineer::forecast {
namespace {

// The best window of one disc: open_cp scores every (disc, window) pair; only each disc's best
// pair can be chosen first among the pairs of its disc, and a chosen pair drops its whole disc.
struct DiscScore {
  double statistic;
  double d2;             // squared radius
  std::uint32_t centre;  // event index of the centre
  std::uint32_t disc;    // the disc's number among its centre's scored discs
  std::int32_t window;   // index into the windows
  std::int32_t observed;
};

// Kulldorff et al. (2005), eq. (3) as open_cp writes it (stscan2._statistic).
double llr(std::int64_t c, double mu, std::int64_t n) {
  const auto a = static_cast<double>(c);
  double stat = a * (std::log(a) - std::log(mu));
  stat += static_cast<double>(n - c) *
          (std::log(static_cast<double>(n - c)) - std::log(static_cast<double>(n) - mu));
  return stat;
}

// Events grouped in square buckets of side >= radius, so every event within `radius` of a point
// lies in the point's bucket or one of its 8 neighbours.
class Buckets {
 public:
  Buckets(const std::vector<double>& x, const std::vector<double>& y, double radius)
      : side_(radius * 1.001 + 1e-9) {
    for (std::size_t i = 0; i < x.size(); ++i) map_[key(cell(x[i]), cell(y[i]))].push_back(i);
  }
  template <typename F>
  void near(double px, double py, F&& f) const {
    const auto bx = cell(px), by = cell(py);
    for (std::int64_t dy = -1; dy <= 1; ++dy)
      for (std::int64_t dx = -1; dx <= 1; ++dx) {
        const auto it = map_.find(key(bx + dx, by + dy));
        if (it == map_.end()) continue;
        for (const auto j : it->second) f(j);
      }
  }

 private:
  std::int64_t cell(double v) const { return static_cast<std::int64_t>(std::floor(v / side_)); }
  static std::uint64_t key(std::int64_t a, std::int64_t b) {
    return (static_cast<std::uint64_t>(a) << 32) ^ (static_cast<std::uint64_t>(b) & 0xffffffffu);
  }
  double side_;
  std::unordered_map<std::uint64_t, std::vector<std::size_t>> map_;
};

// numpy's `less` for doubles (NaNs last).
inline bool npy_less(double a, double b) { return a < b || (b != b && a == a); }

// numpy's aheapsort on e[lo, lo + n) (1-based heap indices), values travelling with indices.
void npy_aheapsort(std::vector<std::pair<double, std::size_t>>& e, std::size_t lo, std::size_t n) {
  const auto a = [&](std::size_t k) -> std::pair<double, std::size_t>& { return e[lo + k - 1]; };
  const auto sift = [&](std::size_t i, std::size_t size, std::pair<double, std::size_t> tmp) {
    for (std::size_t j = i << 1; j <= size;) {
      if (j < size && npy_less(a(j).first, a(j + 1).first)) ++j;
      if (!npy_less(tmp.first, a(j).first)) break;
      a(i) = a(j);
      i = j;
      j += j;
    }
    a(i) = tmp;
  };
  for (std::size_t l = n >> 1; l > 0; --l) sift(l, n, a(l));
  for (; n > 1;) {
    const auto tmp = a(n);
    a(n) = a(1);
    --n;
    sift(1, n, tmp);
  }
}

}  // namespace

std::vector<std::size_t> numpy_argsort(const std::vector<double>& v) {
  // numpy/core/src/npysort/quicksort.cpp (aquicksort_), numpy 1.24: written from its algorithm and
  // checked against np.argsort on arrays full of ties (tests/unit/forecast/test_stscan.cpp). Each
  // index travels with its value (e[k] = (v[t[k]], t[k])), so the comparisons, hence the order, are
  // numpy's, while memory is read in sequence.
  constexpr std::ptrdiff_t kSmall = 15;
  const auto num = static_cast<std::ptrdiff_t>(v.size());
  std::vector<std::pair<double, std::size_t>> e(v.size());
  for (std::size_t k = 0; k < v.size(); ++k) e[k] = {v[k], k};
  std::vector<std::size_t> t(v.size());
  std::iota(t.begin(), t.end(), std::size_t{0});
  if (num < 2) return t;
  std::vector<std::pair<std::ptrdiff_t, std::ptrdiff_t>> stack;
  std::vector<int> depths;
  int depth = 0;
  for (auto u = static_cast<std::uint64_t>(num); u >>= 1;) ++depth;
  int cdepth = depth * 2;
  std::ptrdiff_t pl = 0, pr = num - 1;
  const auto at = [&](std::ptrdiff_t k) -> std::pair<double, std::size_t>& {
    return e[static_cast<std::size_t>(k)];
  };
  const auto val = [&](std::ptrdiff_t k) { return at(k).first; };
  const auto swap = [&](std::ptrdiff_t a, std::ptrdiff_t b) { std::swap(at(a), at(b)); };
  for (;;) {
    if (cdepth < 0) {
      npy_aheapsort(e, static_cast<std::size_t>(pl), static_cast<std::size_t>(pr - pl + 1));
    } else {
      while (pr - pl > kSmall) {
        const auto pm = pl + ((pr - pl) >> 1);
        if (npy_less(val(pm), val(pl))) swap(pm, pl);
        if (npy_less(val(pr), val(pm))) swap(pr, pm);
        if (npy_less(val(pm), val(pl))) swap(pm, pl);
        const double vp = val(pm);
        auto pi = pl, pj = pr - 1;
        swap(pm, pj);
        for (;;) {
          do ++pi;
          while (npy_less(val(pi), vp));
          do --pj;
          while (npy_less(vp, val(pj)));
          if (pi >= pj) break;
          swap(pi, pj);
        }
        swap(pi, pr - 1);
        if (pi - pl < pr - pi) {
          stack.emplace_back(pi + 1, pr);
          pr = pi - 1;
        } else {
          stack.emplace_back(pl, pi - 1);
          pl = pi + 1;
        }
        depths.push_back(--cdepth);
      }
      for (auto pi = pl + 1; pi <= pr; ++pi) {
        const auto vi = at(pi);
        auto pj = pi;
        for (; pj > pl && npy_less(vi.first, val(pj - 1)); --pj) at(pj) = at(pj - 1);
        at(pj) = vi;
      }
    }
    if (stack.empty()) break;
    std::tie(pl, pr) = stack.back();
    stack.pop_back();
    cdepth = depths.back();
    depths.pop_back();
  }
  for (std::size_t k = 0; k < e.size(); ++k) t[k] = e[k].second;
  return t;
}

std::vector<StScanCluster> stscan_clusters(const std::vector<double>& x,
                                           const std::vector<double>& y,
                                           const std::vector<std::int64_t>& age,
                                           const StScanOptions& options) {
  const std::size_t n = x.size();
  if (y.size() != n || age.size() != n)
    throw InternalError("stscan_clusters: x, y and age differ in length");
  if (n == 0) return {};
  const auto big_n = static_cast<std::int64_t>(n);
  const double nd = static_cast<double>(n);
  // Windows (stscan2.make_time_ranges): the distinct ages <= window, each holding the events
  // with age <= it; those holding more than time_fraction N are dropped (a suffix: counts grow).
  std::vector<std::int64_t> sorted = age;
  std::sort(sorted.begin(), sorted.end());
  std::vector<std::int64_t> windows, window_count;
  for (std::size_t i = 0; i < n; ++i) {
    if (sorted[i] > options.window) break;
    if (!windows.empty() && windows.back() == sorted[i]) continue;
    const auto count = static_cast<std::int64_t>(
        std::upper_bound(sorted.begin(), sorted.end(), sorted[i]) - sorted.begin());
    if (static_cast<double>(count) > nd * options.time_fraction) break;
    windows.push_back(sorted[i]);
    window_count.push_back(count);
  }
  if (windows.empty()) return {};
  // Each event's window rank (the window equal to its age), or -1 when in no window.
  std::vector<std::int32_t> rank(n, -1);
  for (std::size_t i = 0; i < n; ++i) {
    const auto it = std::lower_bound(windows.begin(), windows.end(), age[i]);
    if (it != windows.end() && *it == age[i])
      rank[i] = static_cast<std::int32_t>(it - windows.begin());
  }
  const double r2 = options.radius * options.radius;
  const double space_limit = nd * options.space_fraction;
  const Buckets buckets(x, y, options.radius);
  // ln mu and ln(N - mu) for every disc size and window (numpy mode scores every pair).
  const auto max_space = static_cast<std::size_t>(std::floor(space_limit)) + 1;
  std::vector<double> log_mu, log_rest;
  if (options.numpy_ties) {
    log_mu.resize(max_space * windows.size());
    log_rest.resize(log_mu.size());
    for (std::size_t sz = 0; sz < max_space; ++sz)
      for (std::size_t w = 0; w < windows.size(); ++w) {
        const double mu = static_cast<double>(static_cast<std::int64_t>(sz) * window_count[w]) / nd;
        log_mu[sz * windows.size() + w] = std::log(mu);
        log_rest[sz * windows.size() + w] = std::log(nd - mu);
      }
  }
  std::vector<std::vector<DiscScore>> per_centre(n);
  tbb::parallel_for(std::size_t{0}, n, [&](std::size_t i) {
    std::vector<std::pair<double, std::size_t>> near;
    buckets.near(x[i], y[i], [&](std::size_t j) {
      const double dx = x[j] - x[i], dy = y[j] - y[i];
      const double d2 = dx * dx + dy * dy;  // numpy: sum over axis 0 of (coords - centre)**2
      if (d2 <= r2) near.emplace_back(d2, j);
    });
    std::sort(near.begin(), near.end());
    std::vector<std::int32_t> ranks;  // window ranks of the disc's events, ascending
    auto& out = per_centre[i];
    std::uint32_t disc = 0;
    const auto centre = static_cast<std::uint32_t>(i);
    for (std::size_t k = 0; k < near.size();) {
      const double d2 = near[k].first;
      for (; k < near.size() && near[k].first == d2; ++k) {
        const auto r = rank[near[k].second];
        if (r >= 0) ranks.insert(std::upper_bound(ranks.begin(), ranks.end(), r), r);
      }
      const auto space = static_cast<std::int64_t>(k);
      if (space <= 1 || static_cast<double>(space) > space_limit) continue;
      if (options.numpy_ties) {
        // Every (disc, window) pair open_cp scores, in its order (windows by length); c > 1
        // needs the disc's second event.
        if (ranks.size() < 2) continue;
        std::size_t p = 0;
        for (auto w = static_cast<std::size_t>(ranks[1]); w < windows.size(); ++w) {
          while (p < ranks.size() && static_cast<std::size_t>(ranks[p]) <= w) ++p;
          const auto c = static_cast<std::int64_t>(p);
          const double mu = static_cast<double>(space * window_count[w]) / nd;
          if (c <= 1 || !(static_cast<double>(c) > mu)) continue;
          // llr(c, mu, N) with the logarithms of mu from the table (the same doubles)
          const auto a = static_cast<double>(c);
          const auto cell = static_cast<std::size_t>(space) * windows.size() + w;
          double stat = a * (std::log(a) - log_mu[cell]);
          stat += static_cast<double>(big_n - c) *
                  (std::log(static_cast<double>(big_n - c)) - log_rest[cell]);
          out.push_back(
              {stat, d2, centre, disc, static_cast<std::int32_t>(w), static_cast<std::int32_t>(c)});
        }
        ++disc;
        continue;
      }
      // For a fixed count c the statistic falls as mu grows, so within a run of windows with the
      // same c the first wins: only windows where c steps up (an event's own age) are scored.
      DiscScore best{-std::numeric_limits<double>::infinity(), d2, centre, disc, 0, 0};
      for (std::size_t m = 0; m < ranks.size(); ++m) {
        if (m + 1 < ranks.size() && ranks[m + 1] == ranks[m]) continue;
        const auto c = static_cast<std::int64_t>(m + 1);
        const auto w = static_cast<std::size_t>(ranks[m]);
        const double mu = static_cast<double>(space * window_count[w]) / nd;
        if (c <= 1 || !(static_cast<double>(c) > mu)) continue;
        const double stat = llr(c, mu, big_n);
        if (stat > best.statistic)
          best = {
              stat, d2, centre, disc, static_cast<std::int32_t>(w), static_cast<std::int32_t>(c)};
      }
      if (best.observed > 0) {
        out.push_back(best);
        ++disc;
      }
    }
  });
  // Discs are numbered across centres, so a disc found to meet a cluster is skipped at once
  // after (the clusters only grow in number).
  std::vector<std::size_t> disc_offset(n + 1, 0);
  std::size_t pairs = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const auto& v = per_centre[i];
    disc_offset[i + 1] = disc_offset[i] + (v.empty() ? 0 : v.back().disc + 1);
    pairs += v.size();
  }
  std::vector<DiscScore> all;
  all.reserve(pairs);
  for (auto& v : per_centre) {
    all.insert(all.end(), v.begin(), v.end());
    std::vector<DiscScore>().swap(v);
  }
  // open_cp sorts every pair by -statistic with numpy's argsort (introsort); numpy_ties repeats
  // its order, otherwise equal statistics keep the scan order (docs/stscan.md).
  std::vector<std::size_t> order;
  if (options.numpy_ties) {
    std::vector<double> key(all.size());
    for (std::size_t k = 0; k < all.size(); ++k) key[k] = -all[k].statistic;
    order = numpy_argsort(key);
  } else {
    order.resize(all.size());
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
      return all[a].statistic > all[b].statistic;
    });
  }
  std::vector<char> dropped(disc_offset[n], 0);
  std::vector<StScanCluster> chosen;
  for (const auto k : order) {
    const auto& s = all[k];
    const auto id = disc_offset[s.centre] + s.disc;
    if (dropped[id]) continue;
    const double cx = x[s.centre], cy = y[s.centre], radius = std::sqrt(s.d2);
    bool free = true;
    for (const auto& c : chosen) {
      const double dx = cx - c.x, dy = cy - c.y;
      const double reach = c.radius + radius;
      if (!(dx * dx + dy * dy > reach * reach)) {
        free = false;
        break;
      }
    }
    dropped[id] = 1;  // chosen now, or meeting a cluster: either way its disc is done
    if (!free) continue;
    const auto w = static_cast<std::size_t>(s.window);
    StScanCluster c;
    c.x = cx;
    c.y = cy;
    c.radius = radius;
    c.age = windows[w];
    for (std::size_t j = 0; j < n; ++j) {
      const double dx = x[j] - cx, dy = y[j] - cy;
      c.space += dx * dx + dy * dy <= s.d2;
    }
    c.time = window_count[w];
    c.expected = static_cast<double>(c.space * c.time) / nd;
    c.observed = s.observed;
    c.statistic = s.statistic;
    chosen.push_back(c);
  }
  // open_cp maximise_clusters: the radius grows to the nearest event outside (over all events).
  for (auto& c : chosen) {
    const double rr = c.radius * c.radius;
    double best = std::numeric_limits<double>::infinity();
    for (std::size_t j = 0; j < n; ++j) {
      const double dx = x[j] - c.x, dy = y[j] - c.y;
      const double d2 = dx * dx + dy * dy;
      if (d2 > rr && d2 < best) best = d2;
    }
    c.max_radius = std::isfinite(best) ? std::sqrt(best) : c.radius;
  }
  return chosen;
}

std::vector<double> stscan_grid_risk(const std::vector<StScanCluster>& clusters,
                                     const geo::Grid& grid, bool maximal) {
  std::vector<double> risk(static_cast<std::size_t>(grid.cells()), 0.0);
  const auto k = static_cast<double>(clusters.size());
  std::vector<std::pair<double, std::int64_t>> cells;
  for (std::size_t n = 0; n < clusters.size(); ++n) {
    const auto& c = clusters[n];
    const double radius = maximal ? c.max_radius : c.radius;
    cells.clear();
    const auto lo = [&](double v, double o) {
      return std::max<std::int64_t>(0, detail::cell_coordinate(v, o, grid.size) - 1);
    };
    const auto ix0 = lo(c.x - radius, grid.x0), iy0 = lo(c.y - radius, grid.y0);
    const auto ix1 = std::min<std::int64_t>(
        grid.nx - 1, detail::cell_coordinate(c.x + radius, grid.x0, grid.size) + 1);
    const auto iy1 = std::min<std::int64_t>(
        grid.ny - 1, detail::cell_coordinate(c.y + radius, grid.y0, grid.size) + 1);
    for (auto iy = iy0; iy <= iy1; ++iy)
      for (auto ix = ix0; ix <= ix1; ++ix) {
        // open_cp: (x + 0.5) * grid_size + region.xmin, distance sqrt(dx^2 + dy^2) <= radius.
        const double xc = (static_cast<double>(ix) + 0.5) * grid.size + grid.x0;
        const double yc = (static_cast<double>(iy) + 0.5) * grid.size + grid.y0;
        const double d = std::sqrt((xc - c.x) * (xc - c.x) + (yc - c.y) * (yc - c.y));
        if (d <= radius) cells.emplace_back(d, iy * grid.nx + ix);
      }
    // Farthest first; Python's sort(reverse=True) keeps equal distances in row-major order.
    std::stable_sort(cells.begin(), cells.end(),
                     [](const auto& a, const auto& b) { return a.first > b.first; });
    const double base = k - static_cast<double>(n) - 1;
    const auto m = static_cast<double>(cells.size());
    for (std::size_t i = 0; i < cells.size(); ++i)
      risk[static_cast<std::size_t>(cells[i].second)] = base + static_cast<double>(i + 1) / m;
  }
  for (std::int64_t cell = 0; cell < grid.cells(); ++cell)
    if (!grid.is_valid(cell)) risk[static_cast<std::size_t>(cell)] = 0.0;
  return risk;
}

namespace detail {
namespace {

enum class Clock { kElapsed, kWall };

class StScan final : public Model {
 public:
  StScan(StScanOptions options, bool maximal, Clock clock)
      : options_(options), maximal_(maximal), clock_(clock) {}

  Surface forecast(const EventSet& training, const geo::Grid& grid, std::int64_t at) override {
    const TimeZone zone(clock_ == Clock::kWall && !training.time_zone.empty() ? training.time_zone
                                                                              : "UTC");
    const std::int64_t wall_at = zone.to_local(at);
    std::vector<double> x, y;
    std::vector<std::int64_t> age;
    for (std::size_t i = 0; i < training.size(); ++i) {
      if (training.t[i] >= at) continue;  // open_cp: timestamps < time
      x.push_back(training.x[i]);
      y.push_back(training.y[i]);
      age.push_back(wall_at - zone.to_local(training.t[i]));
    }
    auto s = empty_surface(grid);
    s.risk = stscan_grid_risk(stscan_clusters(x, y, age, options_), grid, maximal_);
    return s;
  }

 private:
  StScanOptions options_;
  bool maximal_;
  Clock clock_;
};

}  // namespace

ModelInfo stscan_info() {
  return {
      "stscan",
      "prospective space-time scan: cells in the most likely clusters (discs x windows ending "
      "now), ranked by cluster",
      "Kulldorff, Heffernan, Hartman, Assuncao & Mostashari (2005), PLoS Medicine 2(3) e59; "
      "Adepeju, Rosser & Cheng (2016), IJGIS 30(11); open_cp STSTrainer / STScanProvider",
      {{"radius",
        "3000",
        "metres: the largest disc radius",
        "open_cp STSTrainer.geographic_radius_limit; STScanProvider(radius)",
        {}},
       {"window",
        "12w",
        "the longest time window ending at the forecast time: 12w, 21d, ...",
        "open_cp STSTrainer.time_max_interval; STScanProvider(max_interval)",
        {}},
       {"space_fraction",
        "0.5",
        "a disc holds at most this fraction of the training events",
        "open_cp geographic_population_limit; Kulldorff et al. (2005): 50%",
        {}},
       {"time_fraction",
        "0.5",
        "a window holds at most this fraction of the training events",
        "open_cp time_population_limit",
        {}},
       {"max",
        "false",
        "true: cells within the clusters enlarged to the nearest event outside "
        "(maximise_clusters); false: within the clusters' own radii (but see max_rule)",
        "open_cp STScanProvider(use_max_clusters)",
        {"false", "true"}},
       {"max_rule",
        "as-documented",
        "as-documented: max as its docstring says; as-coded: as open_cp's grid_prediction "
        "does, which tests the flag the wrong way round (max=false uses the enlarged radii)",
        "open_cp stscan.STSResult.grid_prediction",
        {"as-documented", "as-coded"}},
       {"clock",
        "elapsed",
        "how an event's age is measured: elapsed (real time) or wall (the source's local clock, "
        "so ages across a clock change differ by its hour, as in open_cp)",
        "open_cp STSTrainer.to_scanner subtracts naive local times",
        {"elapsed", "wall"}},
       {"ties",
        "scan",
        "order among equal statistics: scan (open_cp's scan order: centre, radius, window) or "
        "numpy (the order numpy's argsort quicksort gives them, as open_cp's run)",
        "open_cp stscan2.STScanNumpy.find_all_clusters: np.argsort(-statistic)",
        {"scan", "numpy"}}},
      [](const ParamSet& p) {
        StScanOptions o;
        o.radius = p.number("radius");
        if (!(o.radius > 0) || !std::isfinite(o.radius))
          throw ConfigError(fmt::format("stscan: radius must be > 0 metres; got {}", o.radius));
        o.window = parse_duration(p.text("window"), "window");
        o.space_fraction = p.number("space_fraction");
        o.time_fraction = p.number("time_fraction");
        for (const double f : {o.space_fraction, o.time_fraction})
          if (!(f >= 0 && f <= 1))
            throw ConfigError(fmt::format(
                "stscan: space_fraction and time_fraction must be in [0, 1]; got {}", f));
        o.numpy_ties = p.text("ties") == "numpy";
        const bool max = p.text("max") == "true";
        const bool maximal = p.text("max_rule") == "as-coded" ? !max : max;
        return std::make_unique<StScan>(o, maximal,
                                        p.text("clock") == "wall" ? Clock::kWall : Clock::kElapsed);
      },
      // Windows end at the forecast time and start at an event's time: times of day matter.
      [](const ParamSet&) { return TimeResolution::kDay; },
      "days"};
}

}  // namespace detail
}  // namespace scrutineer::forecast
