// Stochastic declustering (Zhuang, Ogata & Vere-Jones 2002) of the continuous self-exciting point
// process of Mohler, Short, Brantingham, Schoenberg & Tita (2011), JASA 106(493), with truncated
// variable-bandwidth Gaussian KDEs and neighbour search instead of an N x N matrix.
#include <fmt/format.h>
#include <tbb/parallel_for.h>
#include <tbb/parallel_invoke.h>

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <cstring>
#include <numbers>
#include <numeric>

#include "approximate_exp.hpp"
#include "scrutineer/core/error.hpp"
#include "scrutineer/core/random.hpp"
#include "scrutineer/forecast/sepp.hpp"

namespace scrutineer::forecast {
namespace {

constexpr int kTimeAverageSamples = 100;  // open_cp AverageTimeAdjustedKernel: 100 points

// Largest number of buckets per coordinate of a KernelSum, by dimension.
std::int64_t bucket_cap(int dims) { return dims == 1 ? 4096 : dims == 2 ? 256 : 48; }
// Buckets per typical kernel width, so a lookup visits few components out of reach.
int buckets_per_width(int dims) { return dims == 1 ? 4 : dims == 2 ? 3 : 2; }

double median(std::vector<double> v) {
  const auto mid = v.begin() + static_cast<std::ptrdiff_t>(v.size() / 2);
  std::nth_element(v.begin(), mid, v.end());
  return *mid;
}

// The indices 0..n-1 sorted by `less` (stably, so ties stay in index order), returned; calls
// run(order, r, e) for each run order[r, e) of equal elements (neither less than the other), in
// sorted order.
template <class Less, class Run>
std::vector<std::size_t> sorted_runs(std::size_t n, Less less, Run run) {
  std::vector<std::size_t> order(n);
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(), less);
  for (std::size_t r = 0, e = 0; r < n; r = e) {
    for (e = r + 1; e < n && !less(order[r], order[e]);) ++e;
    run(order, r, e);
  }
  return order;
}

// Points bucketed by square cells of side `side` (keys sorted), for "who is within `side` of q".
class CellIndex {
 public:
  CellIndex(const SeppPoints& p, std::vector<std::uint32_t> members, double side) : side_(side) {
    if (members.empty()) return;
    x0_ = y0_ = INFINITY;
    double x1 = -INFINITY, y1 = -INFINITY;
    for (const auto i : members) {
      x0_ = std::min(x0_, p.x[i]), x1 = std::max(x1, p.x[i]);
      y0_ = std::min(y0_, p.y[i]), y1 = std::max(y1, p.y[i]);
    }
    nx_ = static_cast<std::int64_t>(std::floor((x1 - x0_) / side_)) + 1;
    ny_ = static_cast<std::int64_t>(std::floor((y1 - y0_) / side_)) + 1;
    entries_.reserve(members.size());
    for (const auto i : members) entries_.push_back({key(cx(p.x[i]), cy(p.y[i])), i});
    std::sort(entries_.begin(), entries_.end());  // by key, then by index (= by time)
    members_.reserve(entries_.size());
    for (const auto& e : entries_) members_.push_back(e.second);
  }

  // Calls f(begin, end) with the members (ascending) of each of the 3 x 3 cells around (x, y).
  template <class F>
  void near(double x, double y, F&& f) const {
    if (entries_.empty()) return;
    const auto qx = cx(x), qy = cy(y);
    if (qx < -1 || qy < -1 || qx > nx_ || qy > ny_) return;  // every member is farther than side
    for (auto ix = qx - 1; ix <= qx + 1; ++ix)
      for (auto iy = qy - 1; iy <= qy + 1; ++iy) {
        if (ix < 0 || iy < 0 || ix >= nx_ || iy >= ny_) continue;
        const auto k = key(ix, iy);
        const auto lo = std::lower_bound(entries_.begin(), entries_.end(), Entry{k, 0});
        auto hi = lo;
        while (hi != entries_.end() && hi->first == k) ++hi;
        const auto* base = members_.data();
        f(base + (lo - entries_.begin()), base + (hi - entries_.begin()));
      }
  }

 private:
  using Entry = std::pair<std::int64_t, std::uint32_t>;
  std::int64_t cx(double x) const {
    return static_cast<std::int64_t>(std::max(-2.0, std::floor((x - x0_) / side_)));
  }
  std::int64_t cy(double y) const {
    return static_cast<std::int64_t>(std::max(-2.0, std::floor((y - y0_) / side_)));
  }
  std::int64_t key(std::int64_t ix, std::int64_t iy) const { return ix * ny_ + iy; }

  double side_, x0_ = 0, y0_ = 0;
  std::int64_t nx_ = 0, ny_ = 0;
  std::vector<Entry> entries_;
  std::vector<std::uint32_t> members_;
};

// k-th smallest distance from point i to the others in one dimension: the k-th step of a two-way
// merge outward from i's position in the sorted order, squared.
double kth_distance_sq_1d(const std::vector<double>& z, const std::vector<std::size_t>& order,
                          std::size_t pos, std::size_t k) {
  const std::size_t i = order[pos], n = order.size();
  std::size_t left = pos, right = pos + 1;
  double gap = 0;
  for (std::size_t step = 0; step < k; ++step) {
    const double gl = left > 0 ? z[i] - z[order[left - 1]] : INFINITY;
    const double gr = right < n ? z[order[right]] - z[i] : INFINITY;
    gap = gl <= gr ? gl : gr;
    gl <= gr ? --left : ++right;
  }
  return gap * gap;
}

// Points of 2 or 3 coordinates (point-major) in a k-d tree (Bentley 1975; Friedman, Bentley &
// Finkel 1977): each node holds a run of `order_` and the bounding box of its points, split at the
// median of its widest coordinate down to leaves of kLeaf points. The k-th nearest distance of a
// point is searched nearer child first, skipping a node whose box is no nearer than the k-th
// distance found so far. Squared distances are computed as sum_d (z_jd - z_id)^2 in coordinate
// order, so the k-th smallest is the same double whatever order the points are visited in; a box's
// distance is computed the same way from its faces, and rounding is monotone, so it is no larger
// than the computed distance of any point inside: a skipped node cannot hold a nearer point.
template <std::size_t D>
class NeighbourTree {
 public:
  explicit NeighbourTree(const std::vector<double>& z) : z_(z), order_(z.size() / D) {
    std::iota(order_.begin(), order_.end(), std::size_t{0});
    nodes_.resize(1);
    build(0, 0, order_.size());
  }

  double kth_distance_sq(std::size_t i, std::size_t k, std::vector<double>& heap) const {
    heap.clear();
    const double* q = &z_[i * D];
    std::size_t stack[64], depth = 0;
    stack[depth++] = 0;
    while (depth > 0) {
      const Node& node = nodes_[stack[--depth]];
      if (heap.size() == k && box_distance_sq(node, q) >= heap.front()) continue;
      if (node.left == 0) {
        for (auto r = node.begin; r < node.end; ++r) offer(i, order_[r], k, heap);
        continue;
      }
      const bool left_first = q[node.axis] < node.split;
      stack[depth++] = left_first ? node.left + 1 : node.left;  // the farther child waits
      stack[depth++] = left_first ? node.left : node.left + 1;
    }
    return heap.front();
  }

 private:
  static constexpr std::size_t kLeaf = 16;
  struct Node {
    std::size_t begin, end, left = 0;  // children at left and left + 1; 0 for a leaf
    std::size_t axis = 0;
    double split = 0;  // the children hold the points below and above this on `axis`
    double lo[D] = {}, hi[D] = {};
  };

  // Fills node `at` (already allocated) with the points order_[begin, end) and their subtree.
  void build(std::size_t at, std::size_t begin, std::size_t end) {
    Node node{begin, end};
    for (std::size_t d = 0; d < D; ++d) node.lo[d] = INFINITY, node.hi[d] = -INFINITY;
    for (auto r = begin; r < end; ++r)
      for (std::size_t d = 0; d < D; ++d) {
        const double v = z_[order_[r] * D + d];
        node.lo[d] = std::min(node.lo[d], v), node.hi[d] = std::max(node.hi[d], v);
      }
    if (end - begin <= kLeaf) {
      nodes_[at] = node;
      return;
    }
    for (std::size_t d = 1; d < D; ++d)
      if (node.hi[d] - node.lo[d] > node.hi[node.axis] - node.lo[node.axis]) node.axis = d;
    const std::size_t mid = begin + (end - begin) / 2, axis = node.axis;
    auto at_ = [&](std::size_t r) { return order_.begin() + static_cast<std::ptrdiff_t>(r); };
    std::nth_element(at_(begin), at_(mid), at_(end), [&](std::size_t a, std::size_t b) {
      return z_[a * D + axis] < z_[b * D + axis];
    });
    node.split = z_[order_[mid] * D + axis];
    node.left = nodes_.size();
    nodes_.resize(nodes_.size() + 2);
    nodes_[at] = node;
    build(node.left, begin, mid);
    build(node.left + 1, mid, end);
  }
  double box_distance_sq(const Node& node, const double* q) const {
    double s = 0;
    for (std::size_t d = 0; d < D; ++d) {
      const double gap = q[d] < node.lo[d]   ? node.lo[d] - q[d]
                         : q[d] > node.hi[d] ? q[d] - node.hi[d]
                                             : 0.0;
      s += gap * gap;
    }
    return s;
  }
  void offer(std::size_t i, std::size_t j, std::size_t k, std::vector<double>& heap) const {
    if (j == i) return;
    double s = 0;
    for (std::size_t d = 0; d < D; ++d)
      s += (z_[j * D + d] - z_[i * D + d]) * (z_[j * D + d] - z_[i * D + d]);
    if (heap.size() < k) {
      heap.push_back(s);
      std::push_heap(heap.begin(), heap.end());
    } else if (s < heap.front()) {
      std::pop_heap(heap.begin(), heap.end());
      heap.back() = s;
      std::push_heap(heap.begin(), heap.end());
    }
  }

  const std::vector<double>& z_;
  std::vector<std::size_t> order_;
  std::vector<Node> nodes_;
};

std::vector<double> column_sds(int dims, const std::vector<double>& points,
                               const std::vector<double>& fallback_sd) {
  const auto D = static_cast<std::size_t>(dims);
  const std::size_t n = points.size() / D;
  std::vector<double> sd(fallback_sd.begin(), fallback_sd.end());
  if (n < 2) return sd;
  for (std::size_t d = 0; d < D; ++d) {
    double mean = 0, ss = 0;
    for (std::size_t i = 0; i < n; ++i) mean += points[i * D + d];
    mean /= static_cast<double>(n);
    for (std::size_t i = 0; i < n; ++i)
      ss += (points[i * D + d] - mean) * (points[i * D + d] - mean);
    const double s = std::sqrt(ss / static_cast<double>(n - 1));
    if (s >= 1e-8) sd[d] = s;
  }
  return sd;
}

void check_sorted(const SeppPoints& p) {
  if (p.x.size() != p.size() || p.y.size() != p.size())
    throw ConfigError(
        fmt::format("sepp: {} times but {} x and {} y", p.size(), p.x.size(), p.y.size()));
  for (std::size_t j = 1; j < p.size(); ++j)
    if (p.t[j] < p.t[j - 1])
      throw ConfigError(fmt::format("sepp: event times must be sorted; event {} at {} follows {}",
                                    j, p.t[j], p.t[j - 1]));
}

// Initial probabilities (open_cp initial_p_matrix, after Rosser & Cheng): background weight 1,
// trigger weight e^(-dt / scale) e^(-d^2 / (2 sd^2)), normalised per child; only pairs within the
// cut-offs (open_cp uses every earlier event here).
void initial_probabilities(const SeppPoints& p, const SeppOptions& o, SeppFit& fit) {
  tbb::parallel_for(std::size_t{0}, p.size(), [&](std::size_t j) {
    double total = 1;
    for (auto k = fit.pairs.start[j]; k < fit.pairs.start[j + 1]; ++k) {
      const auto i = fit.pairs.parent[k];
      const double dx = p.x[j] - p.x[i], dy = p.y[j] - p.y[i];
      fit.p_pair[k] = std::exp(-(p.t[j] - p.t[i]) / o.init_time_scale) *
                      std::exp(-(dx * dx + dy * dy) / (2 * o.init_space_sd * o.init_space_sd));
      total += fit.p_pair[k];
    }
    fit.p_background[j] = 1 / total;
    for (auto k = fit.pairs.start[j]; k < fit.pairs.start[j + 1]; ++k) fit.p_pair[k] /= total;
  });
}

// Draws each event's parent (or the background) from its row of p with its own seeded stream, and
// refits the three kernels on the sample (the paper's step 2, open_cp sample_points).
void sample_and_estimate(const SeppPoints& p, const SeppOptions& o, int iteration, SeppFit& fit) {
  const auto n = p.size();
  std::vector<std::int64_t> parent(n, -1);
  tbb::parallel_for(std::size_t{0}, n, [&](std::size_t j) {
    Rng rng(o.seed, (static_cast<std::uint64_t>(iteration) << 32) | j);
    const double u = rng.uniform();
    double acc = 0;  // parents in ascending order, then the background (open_cp's order)
    for (auto k = fit.pairs.start[j]; k < fit.pairs.start[j + 1]; ++k) {
      acc += fit.p_pair[k];
      if (u < acc) {
        parent[j] = fit.pairs.parent[k];
        return;
      }
    }
  });
  std::vector<double> bt, bxy, trig;
  for (std::size_t j = 0; j < n; ++j) {
    if (parent[j] < 0) {
      bt.push_back(p.t[j]);
      bxy.insert(bxy.end(), {p.x[j], p.y[j]});
    } else {
      const auto i = static_cast<std::size_t>(parent[j]);
      trig.insert(trig.end(), {p.t[j] - p.t[i], p.x[j] - p.x[i], p.y[j] - p.y[i]});
    }
  }
  fit.sampled_background = bt.size();
  fit.sampled_triggered = trig.size() / 3;
  const double s = o.init_space_sd, r = o.kernel_sds;
  // nu(t) mu(x, y) integrates to the number of background events; g to triggered / N. The three
  // kernels are independent, so they are built side by side (their bucket grids are serial).
  const bool fast = o.kernel_sums == KernelSums::kFast;
  tbb::parallel_invoke(
      [&] {
        auto sd = knn_bandwidths(1, bt, o.k_time, {o.init_time_scale});
        fit.nu = KernelSum(1, std::move(bt), std::move(sd),
                           static_cast<double>(fit.sampled_background), r, fast);
      },
      [&] {
        auto sd = knn_bandwidths(2, bxy, o.k_space, {s, s});
        fit.mu = KernelSum(2, std::move(bxy), std::move(sd), 1.0, r, fast);
      },
      [&] {
        auto sd = knn_bandwidths(3, trig, o.k_trigger, {o.init_time_scale, s, s});
        fit.g =
            KernelSum(3, std::move(trig), std::move(sd),
                      static_cast<double>(fit.sampled_triggered) / static_cast<double>(n), r, fast);
      });
}

// Events grouped by equal time, and by equal place (many events share a block's coordinates): the
// background kernels are evaluated once per distinct time and place, the same values as per event.
struct Distinct {
  std::vector<std::uint32_t> of;     // event j's group
  std::vector<std::uint32_t> first;  // an event of each group
};

Distinct distinct_times(const SeppPoints& p) {
  Distinct d;
  d.of.resize(p.size());
  for (std::size_t j = 0; j < p.size(); ++j) {
    if (j == 0 || p.t[j] != p.t[j - 1]) d.first.push_back(static_cast<std::uint32_t>(j));
    d.of[j] = static_cast<std::uint32_t>(d.first.size() - 1);
  }
  return d;
}

Distinct distinct_places(const SeppPoints& p) {
  Distinct d;
  d.of.resize(p.size());
  auto less = [&](std::size_t a, std::size_t b) {
    return std::pair(p.x[a], p.y[a]) < std::pair(p.x[b], p.y[b]);
  };
  sorted_runs(p.size(), less,
              [&](const std::vector<std::size_t>& order, std::size_t r, std::size_t e) {
                for (auto i = r; i < e; ++i)
                  d.of[order[i]] = static_cast<std::uint32_t>(d.first.size());
                d.first.push_back(static_cast<std::uint32_t>(order[r]));
              });
  return d;
}

// The E-step (the paper's eq. 9-10 with the kernels of this iteration): p_jj proportional to
// nu(t_j) mu(x_j, y_j), p_ij to g(t_j - t_i, x_j - x_i, y_j - y_i), each row normalised. A row
// where every kernel vanishes (truncation) is taken as background.
void e_step(const SeppPoints& p, const Distinct& times, const Distinct& places, SeppFit& fit) {
  std::vector<double> nu(times.first.size()), mu(places.first.size());
  tbb::parallel_for(std::size_t{0}, nu.size(),
                    [&](std::size_t g) { nu[g] = fit.nu(&p.t[times.first[g]]); });
  tbb::parallel_for(std::size_t{0}, mu.size(), [&](std::size_t g) {
    const double xy[2] = {p.x[places.first[g]], p.y[places.first[g]]};
    mu[g] = fit.mu(xy);
  });
  tbb::parallel_for(std::size_t{0}, p.size(), [&](std::size_t j) {
    const double b = nu[times.of[j]] * mu[places.of[j]];
    double total = b;
    for (auto k = fit.pairs.start[j]; k < fit.pairs.start[j + 1]; ++k) {
      const auto i = fit.pairs.parent[k];
      const double d[3] = {p.t[j] - p.t[i], p.x[j] - p.x[i], p.y[j] - p.y[i]};
      fit.p_pair[k] = fit.g(d);
      total += fit.p_pair[k];
    }
    if (!(total > 0)) {
      fit.p_background[j] = 1;
      for (auto k = fit.pairs.start[j]; k < fit.pairs.start[j + 1]; ++k) fit.p_pair[k] = 0;
      return;
    }
    fit.p_background[j] = b / total;
    for (auto k = fit.pairs.start[j]; k < fit.pairs.start[j + 1]; ++k) fit.p_pair[k] /= total;
  });
}

void summarise(const SeppPoints& p, SeppFit& fit) {
  double sp = 0, sdt = 0, sd2 = 0;  // reduced in child order: independent of threads
  for (std::size_t j = 0; j < p.size(); ++j)
    for (auto k = fit.pairs.start[j]; k < fit.pairs.start[j + 1]; ++k) {
      const auto i = fit.pairs.parent[k];
      const double dx = p.x[j] - p.x[i], dy = p.y[j] - p.y[i];
      sp += fit.p_pair[k];
      sdt += fit.p_pair[k] * (p.t[j] - p.t[i]);
      sd2 += fit.p_pair[k] * (dx * dx + dy * dy);
    }
  fit.triggered_share = p.size() ? sp / static_cast<double>(p.size()) : 0;
  fit.mean_delay = sp > 0 ? sdt / sp : 0;
  fit.spatial_sd = sp > 0 ? std::sqrt(sd2 / (2 * sp)) : 0;
  if (p.size() == 0 || fit.nu.components() == 0) return;
  // open_cp averages nu over 100 random times in the middle half of the training span; we use
  // the 100 midpoints of that interval so the result is reproducible.
  const double t0 = p.t.front(), span = p.t.back() - p.t.front();
  double sum = 0;
  for (int m = 0; m < kTimeAverageSamples; ++m) {
    const double t = t0 + span / 4 + (m + 0.5) * span / 2 / kTimeAverageSamples;
    sum += fit.nu(&t);
  }
  fit.nu_average = sum / kTimeAverageSamples;
}

}  // namespace

KernelSum::KernelSum(int dims, std::vector<double> centres, std::vector<double> sds, double scale,
                     double reach, bool fast)
    : dims_(dims),
      fast_(fast),
      count_(centres.size() / static_cast<std::size_t>(dims)),
      scale_(scale),
      reach_(reach),
      centre_(std::move(centres)) {
  const auto D = static_cast<std::size_t>(dims);
  inv_sd_.resize(sds.size());
  norm_.assign(count_, 1.0);
  for (std::size_t m = 0; m < count_; ++m)
    for (std::size_t d = 0; d < D; ++d) {
      inv_sd_[m * D + d] = 1 / sds[m * D + d];
      norm_[m] /= std::sqrt(2 * std::numbers::pi) * sds[m * D + d];
    }
  if (count_ == 0) return;
  size_buckets(sds);
  fill_buckets(sds);
  group_wide();
  if (fast && dims == 1) {  // the listed components' values in bucket order (sum_bucket_1d)
    listed_centre_.resize(index_.size());
    listed_inv_sd_.resize(index_.size());
    listed_norm_.resize(index_.size());
    for (std::size_t k = 0; k < index_.size(); ++k)
      listed_centre_[k] = centre_[index_[k]], listed_inv_sd_[k] = inv_sd_[index_[k]],
      listed_norm_[k] = norm_[index_[k]];
  }
}

void KernelSum::size_buckets(const std::vector<double>& sds) {
  const auto D = static_cast<std::size_t>(dims_);
  const double reach = reach_;
  lo_.assign(D, INFINITY);
  side_.assign(D, 0);
  n_.assign(D, 1);
  std::vector<double> hi(D, -INFINITY), width(count_);
  for (std::size_t d = 0; d < D; ++d) {
    for (std::size_t m = 0; m < count_; ++m) {
      const double c = centre_[m * D + d], w = reach * sds[m * D + d];
      lo_[d] = std::min(lo_[d], c - w);
      hi[d] = std::max(hi[d], c + w);
      width[m] = 2 * w;
    }
    const double extent = hi[d] - lo_[d];
    const auto want =
        static_cast<std::int64_t>(std::ceil(extent * buckets_per_width(dims_) / median(width)));
    n_[d] = std::clamp<std::int64_t>(want, 1, bucket_cap(dims_));
    side_[d] = extent / static_cast<double>(n_[d]);
  }
}

void KernelSum::fill_buckets(const std::vector<double>& sds) {
  const auto D = static_cast<std::size_t>(dims_);
  const double reach = reach_;
  // Each component is listed in every bucket its box overlaps: a count pass, then a fill pass, in
  // component order (so sums are taken in a fixed order). A component much wider than the typical
  // one (e.g. a k-th distance of 0 set to 1 standard deviation of the data) is kept on a separate
  // list checked at every lookup, so memory stays proportional to the components.
  std::int64_t buckets = 1;
  for (const auto v : n_) buckets *= v;
  start_.assign(static_cast<std::size_t>(buckets) + 1, 0);
  const double typical = std::pow(2 * buckets_per_width(dims_) + 2, dims_);
  std::vector<std::int64_t> box(count_ * 2 * D);  // first and last bucket per coordinate
  std::vector<bool> wide(count_, false);
  for (std::size_t m = 0; m < count_; ++m) {
    double cells = 1;
    for (std::size_t d = 0; d < D; ++d) {
      const double c = centre_[m * D + d], w = reach * sds[m * D + d];
      auto& b0 = box[(m * D + d) * 2];
      auto& b1 = box[(m * D + d) * 2 + 1];
      b0 = std::clamp<std::int64_t>(
          static_cast<std::int64_t>(std::floor((c - w - lo_[d]) / side_[d])), 0, n_[d] - 1);
      b1 = std::clamp<std::int64_t>(
          static_cast<std::int64_t>(std::floor((c + w - lo_[d]) / side_[d])), 0, n_[d] - 1);
      cells *= static_cast<double>(b1 - b0 + 1);
    }
    wide[m] = cells > 8 * typical;
    if (wide[m]) wide_.push_back(static_cast<std::uint32_t>(m));
  }
  auto visit = [&](std::size_t m, auto&& f) {
    if (wide[m]) return;
    std::int64_t at[3] = {0, 0, 0};
    for (std::size_t d = 0; d < D; ++d) at[d] = box[(m * D + d) * 2];
    for (;;) {
      std::int64_t b = 0;
      for (std::size_t d = 0; d < D; ++d) b = b * n_[d] + at[d];
      f(static_cast<std::size_t>(b));
      std::size_t d = D;
      while (d > 0 && at[d - 1] == box[((m * D + d - 1) * 2) + 1])
        at[d - 1] = box[(m * D + d - 1) * 2], --d;
      if (d == 0) return;
      ++at[d - 1];
    }
  };
  for (std::size_t m = 0; m < count_; ++m) visit(m, [&](std::size_t b) { ++start_[b + 1]; });
  std::partial_sum(start_.begin(), start_.end(), start_.begin());
  index_.resize(start_.back());
  std::vector<std::size_t> fill(start_.begin(), start_.end() - 1);
  for (std::size_t m = 0; m < count_; ++m)
    visit(m, [&](std::size_t b) { index_[fill[b]++] = static_cast<std::uint32_t>(m); });
}

// Component m's z^2 at q: summed over the coordinates in order.
template <std::size_t D>
double KernelSum::z2(const double* q, std::size_t m) const {
  double sum = 0;
  for (std::size_t d = 0; d < D; ++d) {
    const double z = (q[d] - centre_[m * D + d]) * inv_sd_[m * D + d];
    sum += z * z;
  }
  return sum;
}

// The bucket holding q, -1 when q lies outside every component's reach.
template <std::size_t D>
std::int64_t KernelSum::bucket_of(const double* q) const {
  std::int64_t b = 0;
  for (std::size_t d = 0; d < D; ++d) {
    const double f = std::floor((q[d] - lo_[d]) / side_[d]);
    if (!(f >= 0 && f < static_cast<double>(n_[d]))) return -1;
    b = b * n_[d] + static_cast<std::int64_t>(f);
  }
  return b;
}

// Component m's truncated Gaussian at q: norm e^(-z^2 / 2) where z^2 <= reach^2, else 0.
template <std::size_t D>
double KernelSum::term(const double* q, std::size_t m, double r2) const {
  const double z2m = z2<D>(q, m);
  return z2m <= r2 ? norm_[m] * std::exp(-0.5 * z2m) : 0.0;
}

// The sum is taken over the bucket's components in component order, then over the wide ones in
// component order, always as sum += term. A term out of reach is 0, and adding +0 leaves a sum >= 0
// unchanged, so a term out of reach may be skipped; and components with the same centre and sds
// (events at one place, whose k-th neighbour distances are then equal) have the same term, which is
// computed once per evaluation and added once per component, in order. Either way the additions,
// and the bits, are those of the plain sum.
template <std::size_t D>
double KernelSum::evaluate(const double* q) const {
  const std::int64_t b = bucket_of<D>(q);
  if (b < 0) return 0;  // outside every component's reach
  const auto bucket = static_cast<std::size_t>(b);
  const double r2 = reach_ * reach_;
  // term<D>(q, m, r2) in two passes: z^2 of each listed component, kept (without a branch) when
  // in reach; then norm e^(-z^2 / 2) of the kept ones, added in order.
  constexpr std::size_t kBlock = 64;
  double kept_z2[kBlock], kept_norm[kBlock], sum = 0;
  std::size_t held = 0;
  auto flush = [&] {
    for (std::size_t i = 0; i < held; ++i) sum += kept_norm[i] * std::exp(-0.5 * kept_z2[i]);
    held = 0;
  };
  for (auto k = start_[bucket]; k < start_[bucket + 1]; ++k) {
    const std::size_t m = index_[k];
    const double z2m = z2<D>(q, m);
    kept_z2[held] = z2m, kept_norm[held] = norm_[m];
    held += z2m <= r2 ? 1 : 0;
    if (held == kBlock) flush();
  }
  flush();
  if (wide_.empty()) return scale_ * sum / static_cast<double>(count_);
  thread_local std::vector<double> value;
  value.resize(wide_distinct_.size());
  for (std::size_t w = 0; w < wide_distinct_.size(); ++w)
    value[w] = term<D>(q, wide_distinct_[w], r2);
  for (const auto slot : wide_slot_) sum += value[slot];
  return scale_ * sum / static_cast<double>(count_);
}

namespace {

// The kernel sums of kernel_sums=fast take four doubles at a time (Quad, approximate_exp.hpp, and
// e^x by its exp_table_quad): one AVX2 register where the CPU has it (add_exp_block's clone), two
// SSE2 registers elsewhere; the same operations elementwise either way (no fused multiply-add), so
// the sums do not depend on the CPU. QuadBits: their bits.
using QuadBits = std::int64_t __attribute__((vector_size(32)));

// part[l] += weight[i] e^(x[i]) for the i < n (n a multiple of 4) with i % 4 = l: four partial
// sums, each taken in index order. Compiled twice (AVX2 and the baseline) and picked at load time.
[[gnu::target_clones("avx2", "default")]] void add_exp_block(const double* x, const double* weight,
                                                             std::size_t n, double* part) {
  Quad sum;
  std::memcpy(&sum, part, sizeof sum);
  for (std::size_t i = 0; i < n; i += 4) {
    Quad xs, ws;
    std::memcpy(&xs, x + i, sizeof xs);
    std::memcpy(&ws, weight + i, sizeof ws);
    exp_table_quad(xs);
    sum += ws * xs;
  }
  std::memcpy(part, &sum, sizeof sum);
}

// part[l] += the sum over i < n with i % 4 = l of weight[i] e^(-z_i^2 / 2), z_i = (q - centre[i])
// inv_sd[i], for the terms in reach (z_i^2 <= r2; the others add 0): kernel_sums=fast's 1-D
// sums, over a bucket's components copied in bucket order, so that the loads are contiguous and
// there is nothing to compact. z_i^2 is KernelSum::z2<1>'s (0 + z^2 = z^2), so the same terms are
// in reach as in the exact sum.
[[gnu::target_clones("avx2", "default")]] void sum_bucket_1d(const double* centre,
                                                             const double* inv_sd,
                                                             const double* weight, std::size_t n,
                                                             double q, double r2, double* part) {
  Quad sum;
  std::memcpy(&sum, part, sizeof sum);
  auto add = [&](const Quad& c, const Quad& inv, const Quad& w) {
    const Quad z = (q - c) * inv, z2 = z * z;
    const QuadBits in_reach = z2 <= r2;
    Quad x = -0.5 * z2;
    exp_table_quad(x);
    sum += reinterpret_cast<Quad>(reinterpret_cast<QuadBits>(w) & in_reach) * x;
  };
  std::size_t i = 0;
  for (; i + 4 <= n; i += 4) {
    Quad c, inv, w;
    std::memcpy(&c, centre + i, sizeof c);
    std::memcpy(&inv, inv_sd + i, sizeof inv);
    std::memcpy(&w, weight + i, sizeof w);
    add(c, inv, w);
  }
  if (i < n) {  // the last one to three, the other lanes at q with weight 0
    Quad c = Quad{} + q, inv = {}, w = {};
    for (std::size_t l = 0; i + l < n; ++l)
      c[l] = centre[i + l], inv[l] = inv_sd[i + l], w[l] = weight[i + l];
    add(c, inv, w);
  }
  std::memcpy(part, &sum, sizeof sum);
}

}  // namespace

double approximate_exp(double x) { return exp_taylor(Pair{x, x})[0]; }

// kernel_sums=fast: the same components and reach as evaluate(), e^x by exp_table_quad (within 4u,
// below kApproximateExpError), the in-reach terms summed in blocks by four partial sums, and the
// wide components' distinct terms multiplied by how many components share them. Every term is
// within kApproximateExpError (plus one rounding) of the exact one, all terms are positive, so the
// sum is within that relative error plus the rounding of the two summation orders
// (docs/forecast.md).
template <std::size_t D>
double KernelSum::evaluate_fast(const double* q) const {
  const std::int64_t b = bucket_of<D>(q);
  if (b < 0) return 0;
  const auto bucket = static_cast<std::size_t>(b);
  const double r2 = reach_ * reach_;
  constexpr std::size_t kBlock = 64;
  double half_z2[kBlock + 3], norm[kBlock + 3], part[4] = {0, 0, 0, 0};
  std::size_t held = 0;
  auto flush = [&] {  // pads to a multiple of 4 with terms of weight 0 (adding +0 changes no sum)
    while (held % 4) half_z2[held] = 0, norm[held++] = 0;
    add_exp_block(half_z2, norm, held, part);
    held = 0;
  };
  if constexpr (D == 1) {
    const std::size_t k = start_[bucket];
    sum_bucket_1d(&listed_centre_[k], &listed_inv_sd_[k], &listed_norm_[k], start_[bucket + 1] - k,
                  q[0], r2, part);
  } else {
    for (auto k = start_[bucket]; k < start_[bucket + 1]; ++k) {
      const std::size_t m = index_[k];
      const double z2m = z2<D>(q, m);
      half_z2[held] = -0.5 * z2m, norm[held] = norm_[m];  // kept only when in reach, branch-free
      held += z2m <= r2 ? 1 : 0;
      if (held == kBlock) flush();
    }
  }
  for (std::size_t w = 0; w < wide_distinct_.size(); ++w) {
    const std::size_t m = wide_distinct_[w];
    const double z2m = z2<D>(q, m);
    if (z2m <= r2) {
      half_z2[held] = -0.5 * z2m, norm[held] = wide_count_[w] * norm_[m];
      if (++held == kBlock) flush();
    }
  }
  flush();
  const double sum = (part[0] + part[1]) + (part[2] + part[3]);
  return scale_ * sum / static_cast<double>(count_);
}

// Groups the wide components by centre and sds (bitwise equal), for evaluate().
void KernelSum::group_wide() {
  const auto D = static_cast<std::size_t>(dims_);
  auto key = [&](std::size_t w) {
    const std::size_t m = wide_[w];
    std::array<double, 6> k{};
    for (std::size_t d = 0; d < D; ++d) k[d] = centre_[m * D + d], k[3 + d] = inv_sd_[m * D + d];
    return k;
  };
  wide_slot_.assign(wide_.size(), 0);
  auto less = [&](std::size_t a, std::size_t b) { return key(a) < key(b); };
  sorted_runs(wide_.size(), less,
              [&](const std::vector<std::size_t>& order, std::size_t r, std::size_t e) {
                for (auto i = r; i < e; ++i)
                  wide_slot_[order[i]] = static_cast<std::uint32_t>(wide_distinct_.size());
                wide_distinct_.push_back(wide_[order[r]]);
                wide_count_.push_back(static_cast<double>(e - r));
              });
}

double KernelSum::operator()(const double* q) const {
  if (count_ == 0) return 0;
  switch (dims_) {
    case 1:
      return fast_ ? evaluate_fast<1>(q) : evaluate<1>(q);
    case 2:
      return fast_ ? evaluate_fast<2>(q) : evaluate<2>(q);
    case 3:
      return fast_ ? evaluate_fast<3>(q) : evaluate<3>(q);
    default:
      throw InternalError(fmt::format("KernelSum: {} dimensions", dims_));
  }
}

std::vector<double> knn_bandwidths(int dims, const std::vector<double>& points, int k,
                                   const std::vector<double>& fallback_sd) {
  const auto D = static_cast<std::size_t>(dims);
  const std::size_t n = points.size() / D;
  const auto sd = column_sds(dims, points, fallback_sd);
  std::vector<double> z(points.size());
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t d = 0; d < D; ++d) z[i * D + d] = points[i * D + d] / sd[d];
  const std::size_t kk =
      n == 0 ? 0 : std::min<std::size_t>(static_cast<std::size_t>(std::max(k, 1)), n - 1);
  std::vector<double> out(points.size());
  auto put = [&](std::size_t i, double dk2) {
    double dk = std::sqrt(dk2);
    if (dk == 0) dk = 1;  // open_cp: a zero k-th distance becomes 1 (in standardised units)
    for (std::size_t d = 0; d < D; ++d) out[i * D + d] = dk * sd[d];
  };
  if (kk == 0) {
    for (std::size_t i = 0; i < n; ++i) put(i, 0);
    return out;
  }
  if (dims == 1) {
    std::vector<std::size_t> order(n);
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::stable_sort(order.begin(), order.end(),
                     [&](std::size_t a, std::size_t b) { return z[a] < z[b]; });
    tbb::parallel_for(std::size_t{0}, n, [&](std::size_t pos) {
      put(order[pos], kth_distance_sq_1d(z, order, pos, kk));
    });
    return out;
  }
  // Points at one place (many events share a block's coordinates) have the same distances to all
  // the others, so the k-th is searched once per distinct point.
  auto less = [&](std::size_t a, std::size_t b) {
    return std::lexicographical_compare(&z[a * D], &z[a * D] + D, &z[b * D], &z[b * D] + D);
  };
  std::vector<std::size_t> first;  // first[g]: where distinct point g starts in `order`
  const auto order = sorted_runs(
      n, less,
      [&](const std::vector<std::size_t>&, std::size_t r, std::size_t) { first.push_back(r); });
  first.push_back(n);
  auto search = [&](const auto& tree) {
    tbb::parallel_for(std::size_t{0}, first.size() - 1, [&](std::size_t g) {
      thread_local std::vector<double> heap;
      const double dk2 = tree.kth_distance_sq(order[first[g]], kk, heap);
      for (auto r = first[g]; r < first[g + 1]; ++r) put(order[r], dk2);
    });
  };
  if (dims == 2) {
    search(NeighbourTree<2>(z));
  } else if (dims == 3) {
    search(NeighbourTree<3>(z));
  } else {
    throw InternalError(fmt::format("knn_bandwidths: {} dimensions", dims));
  }
  return out;
}

SeppPairs sepp_pairs(const SeppPoints& p, double time_cutoff, double space_cutoff, bool inclusive,
                     bool same_instant) {
  const auto n = p.size();
  SeppPairs out;
  out.start.assign(n + 1, 0);
  std::vector<std::uint32_t> all(n);
  std::iota(all.begin(), all.end(), 0u);
  const CellIndex index(p, std::move(all), space_cutoff);
  const double r2 = space_cutoff * space_cutoff;
  // Times equal to within this are equal: a delay of exactly time_cutoff computed from two
  // rounded times must not fall on either side by its last bit (inclusive mode only).
  constexpr double kTimeTie = 1e-9;
  // Parents of j: earlier events with 0 < t_j - t_i < time_cutoff and distance < space_cutoff
  // (strict); or t_j - t_i <= time_cutoff and distance <= space_cutoff (inclusive); with
  // same_instant, also the earlier indices at t_j.
  auto parents = [&](std::size_t j, auto&& emit) {
    index.near(p.x[j], p.y[j], [&](const std::uint32_t* b, const std::uint32_t* e) {
      const auto* first =
          inclusive
              ? std::partition_point(
                    b, e, [&](std::uint32_t i) { return p.t[j] - p.t[i] > time_cutoff + kTimeTie; })
              : std::partition_point(
                    b, e, [&](std::uint32_t i) { return !(p.t[i] > p.t[j] - time_cutoff); });
      for (const auto* it = first; it != e; ++it) {
        // members are in index (= time) order: stop at j's instant, or at j with same_instant
        if (same_instant ? *it >= j : !(p.t[*it] < p.t[j])) break;
        const double dx = p.x[j] - p.x[*it], dy = p.y[j] - p.y[*it];
        const double d2 = dx * dx + dy * dy;
        if (inclusive ? d2 <= r2 : d2 < r2) emit(*it);
      }
    });
  };
  tbb::parallel_for(std::size_t{0}, n, [&](std::size_t j) {
    std::size_t c = 0;
    parents(j, [&](std::uint32_t) { ++c; });
    out.start[j + 1] = c;
  });
  std::partial_sum(out.start.begin(), out.start.end(), out.start.begin());
  out.parent.resize(out.start.back());
  tbb::parallel_for(std::size_t{0}, n, [&](std::size_t j) {
    auto at = out.start[j];
    parents(j, [&](std::uint32_t i) { out.parent[at++] = i; });
    std::sort(out.parent.begin() + static_cast<std::ptrdiff_t>(out.start[j]),
              out.parent.begin() + static_cast<std::ptrdiff_t>(out.start[j + 1]));
  });
  return out;
}

SeppFit fit_sepp(const SeppPoints& points, const SeppOptions& options) {
  check_sorted(points);
  SeppFit fit;
  fit.pairs = sepp_pairs(points, options.time_cutoff, options.space_cutoff,
                         options.inclusive_cutoffs, options.same_instant_triggers);
  fit.p_background.assign(points.size(), 1.0);
  fit.p_pair.assign(fit.pairs.parent.size(), 0.0);
  initial_probabilities(points, options, fit);
  const auto times = distinct_times(points), places = distinct_places(points);
  for (int it = 0; it < options.iterations; ++it) {
    sample_and_estimate(points, options, it, fit);
    e_step(points, times, places, fit);
  }
  summarise(points, fit);
  return fit;
}

std::vector<double> sepp_intensity(const SeppFit& fit, const SeppPoints& points,
                                   const SeppOptions& options, double t,
                                   const std::vector<double>& qx, const std::vector<double>& qy) {
  std::vector<std::uint32_t> recent;  // events with 0 < t - t_i < time cutoff
  for (std::size_t i = 0; i < points.size(); ++i)
    if (points.t[i] < t && t - points.t[i] < options.time_cutoff)
      recent.push_back(static_cast<std::uint32_t>(i));
  const CellIndex index(points, std::move(recent), options.space_cutoff);
  const double r2 = options.space_cutoff * options.space_cutoff;
  std::vector<double> out(qx.size());
  // open_cp's SEPPPredictor.predict as coded evaluates nu at t (past the last event: the KDE's
  // edge); its docstring, and the default here, use nu's average (summarise).
  const double nu = options.nu_at_forecast_time ? fit.nu(&t) : fit.nu_average;
  tbb::parallel_for(std::size_t{0}, qx.size(), [&](std::size_t q) {
    const double xy[2] = {qx[q], qy[q]};
    double sum = nu * fit.mu(xy);
    index.near(qx[q], qy[q], [&](const std::uint32_t* b, const std::uint32_t* e) {
      for (const auto* it = b; it != e; ++it) {
        const double d[3] = {t - points.t[*it], qx[q] - points.x[*it], qy[q] - points.y[*it]};
        if (d[1] * d[1] + d[2] * d[2] < r2) sum += fit.g(d);
      }
    });
    out[q] = sum;
  });
  return out;
}

}  // namespace scrutineer::forecast
