// Stochastic declustering (Zhuang, Ogata & Vere-Jones 2002) of the continuous self-exciting point
// process of Mohler, Short, Brantingham, Schoenberg & Tita (2011), JASA 106(493), with truncated
// variable-bandwidth Gaussian KDEs and neighbour search instead of an N x N matrix.
#include <fmt/format.h>
#include <tbb/parallel_for.h>

#include <algorithm>
#include <cmath>
#include <numbers>
#include <numeric>

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

// k-th smallest squared distance from point i to the other points, by a sweep outward along the
// first coordinate of the sorted order (stops once the gap alone exceeds the current k-th).
double kth_distance_sq(int dims, const std::vector<double>& z,
                       const std::vector<std::size_t>& order, std::size_t pos, std::size_t k,
                       std::vector<double>& heap) {
  const auto D = static_cast<std::size_t>(dims);
  const std::size_t i = order[pos];
  heap.clear();
  auto dist_sq = [&](std::size_t j) {
    double s = 0;
    for (std::size_t d = 0; d < D; ++d)
      s += (z[j * D + d] - z[i * D + d]) * (z[j * D + d] - z[i * D + d]);
    return s;
  };
  auto offer = [&](double s) {
    if (heap.size() < k) {
      heap.push_back(s);
      std::push_heap(heap.begin(), heap.end());
    } else if (s < heap.front()) {
      std::pop_heap(heap.begin(), heap.end());
      heap.back() = s;
      std::push_heap(heap.begin(), heap.end());
    }
  };
  std::size_t left = pos, right = pos + 1;
  const std::size_t n = order.size();
  if (dims == 1) {  // in one dimension the k-th nearest is the k-th step of a two-way merge
    double gap = 0;
    for (std::size_t step = 0; step < k; ++step) {
      const double gl = left > 0 ? z[i] - z[order[left - 1]] : INFINITY;
      const double gr = right < n ? z[order[right]] - z[i] : INFINITY;
      gap = gl <= gr ? gl : gr;
      gl <= gr ? --left : ++right;
    }
    return gap * gap;
  }
  while (left > 0 || right < n) {
    const double gl = left > 0 ? z[i * D] - z[order[left - 1] * D] : INFINITY;
    const double gr = right < n ? z[order[right] * D] - z[i * D] : INFINITY;
    const bool go_left = gl <= gr;
    const double gap = go_left ? gl : gr;
    if (heap.size() == k && gap * gap >= heap.front()) break;
    offer(dist_sq(go_left ? order[--left] : order[right++]));
  }
  return heap.front();
}

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
  auto nu_sd = knn_bandwidths(1, bt, o.k_time, {o.init_time_scale});
  auto mu_sd = knn_bandwidths(2, bxy, o.k_space, {s, s});
  auto g_sd = knn_bandwidths(3, trig, o.k_trigger, {o.init_time_scale, s, s});
  // nu(t) mu(x, y) integrates to the number of background events; g to triggered / N.
  fit.nu =
      KernelSum(1, std::move(bt), std::move(nu_sd), static_cast<double>(fit.sampled_background), r);
  fit.mu = KernelSum(2, std::move(bxy), std::move(mu_sd), 1.0, r);
  fit.g = KernelSum(3, std::move(trig), std::move(g_sd),
                    static_cast<double>(fit.sampled_triggered) / static_cast<double>(n), r);
}

// The E-step (the paper's eq. 9-10 with the kernels of this iteration): p_jj proportional to
// nu(t_j) mu(x_j, y_j), p_ij to g(t_j - t_i, x_j - x_i, y_j - y_i), each row normalised. A row
// where every kernel vanishes (truncation) is taken as background.
void e_step(const SeppPoints& p, SeppFit& fit) {
  tbb::parallel_for(std::size_t{0}, p.size(), [&](std::size_t j) {
    const double xy[2] = {p.x[j], p.y[j]};
    const double b = fit.nu(&p.t[j]) * fit.mu(xy);
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
                     double reach)
    : dims_(dims),
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

double KernelSum::term(const double* q, std::uint32_t m) const {
  const auto D = static_cast<std::size_t>(dims_);
  double z2 = 0;
  for (std::size_t d = 0; d < D; ++d) {
    const double z = (q[d] - centre_[m * D + d]) * inv_sd_[m * D + d];
    z2 += z * z;
  }
  return z2 <= reach_ * reach_ ? norm_[m] * std::exp(-0.5 * z2) : 0.0;
}

double KernelSum::operator()(const double* q) const {
  if (count_ == 0) return 0;
  const auto D = static_cast<std::size_t>(dims_);
  std::int64_t b = 0;
  for (std::size_t d = 0; d < D; ++d) {
    const double f = std::floor((q[d] - lo_[d]) / side_[d]);
    if (!(f >= 0 && f < static_cast<double>(n_[d]))) return 0;  // outside every component's reach
    b = b * n_[d] + static_cast<std::int64_t>(f);
  }
  const auto bucket = static_cast<std::size_t>(b);
  double sum = 0;
  for (auto k = start_[bucket]; k < start_[bucket + 1]; ++k) sum += term(q, index_[k]);
  for (const auto m : wide_) sum += term(q, m);
  return scale_ * sum / static_cast<double>(count_);
}

std::vector<double> knn_bandwidths(int dims, const std::vector<double>& points, int k,
                                   const std::vector<double>& fallback_sd) {
  const auto D = static_cast<std::size_t>(dims);
  const std::size_t n = points.size() / D;
  const auto sd = column_sds(dims, points, fallback_sd);
  std::vector<double> z(points.size());
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t d = 0; d < D; ++d) z[i * D + d] = points[i * D + d] / sd[d];
  std::vector<std::size_t> order(n);
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return z[a * D] < z[b * D]; });
  const std::size_t kk =
      n == 0 ? 0 : std::min<std::size_t>(static_cast<std::size_t>(std::max(k, 1)), n - 1);
  std::vector<double> out(points.size());
  tbb::parallel_for(std::size_t{0}, n, [&](std::size_t pos) {
    thread_local std::vector<double> heap;
    const std::size_t i = order[pos];
    double dk = kk == 0 ? 0 : std::sqrt(kth_distance_sq(dims, z, order, pos, kk, heap));
    if (dk == 0) dk = 1;  // open_cp: a zero k-th distance becomes 1 (in standardised units)
    for (std::size_t d = 0; d < D; ++d) out[i * D + d] = dk * sd[d];
  });
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
  for (int it = 0; it < options.iterations; ++it) {
    sample_and_estimate(points, options, it, fit);
    e_step(points, fit);
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
