// The Knox test (scrutineer/nearrepeat/knox.hpp; docs/nearrepeat.md).
#include "scrutineer/nearrepeat/knox.hpp"

#include <fmt/format.h>
#include <tbb/parallel_for.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <unordered_map>

#include "scrutineer/core/error.hpp"
#include "scrutineer/core/random.hpp"
#include "scrutineer/io/csv.hpp"
#include "scrutineer/report/html.hpp"

namespace scrutineer::nearrepeat {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

double distance_of(double dx, double dy, Distance distance) {
  return distance == Distance::kEuclidean ? std::sqrt(dx * dx + dy * dy)
                                          : std::abs(dx) + std::abs(dy);
}

void check(const KnoxOptions& o) {
  if (!(o.spatial_bandwidth > 0) || !std::isfinite(o.spatial_bandwidth))
    throw ConfigError("nearrepeat: the spatial bandwidth must be a positive number");
  if (!(o.temporal_bandwidth > 0) || !std::isfinite(o.temporal_bandwidth))
    throw ConfigError("nearrepeat: the temporal bandwidth must be a positive number");
  if (o.spatial_bands < 1 || o.spatial_bands > 100)
    throw ConfigError("nearrepeat: the number of spatial bands must be 1 to 100");
  if (o.temporal_bands < 1 || o.temporal_bands > 100)
    throw ConfigError("nearrepeat: the number of temporal bands must be 1 to 100");
  if (o.permutations < 1 || o.permutations > 1000000)
    throw ConfigError("nearrepeat: the number of permutations must be 1 to 1,000,000");
}

// A uniform integer in [0, n) from the engine's 64-bit output, unbiased, without a division in the
// common case (Lemire 2019, "Fast random integer generation in an interval", ACM TOMACS 29(1)):
// the shuffle of 45,000 times per permutation would otherwise spend most of its time dividing.
__extension__ typedef unsigned __int128 Wide;
std::uint64_t bounded(Rng& rng, std::uint64_t n) {
  Wide m = static_cast<Wide>(rng.next()) * n;
  auto low = static_cast<std::uint64_t>(m);
  if (low < n) {
    const std::uint64_t threshold = (0 - n) % n;
    while (low < threshold) {
      m = static_cast<Wide>(rng.next()) * n;
      low = static_cast<std::uint64_t>(m);
    }
  }
  return static_cast<std::uint64_t>(m >> 64);
}

// A close pair: two events (indices) within the largest spatial band, and its spatial band.
struct Pair {
  std::uint32_t a, b;
  std::uint32_t band;
};

// Pairs within the largest spatial band, each once, found through a grid of that cell size. The
// events are renumbered in the grid's cell order (`order[k]` = the input index of event k), and
// pairs name the new numbers, so that a pair's two events lie close in memory.
std::vector<Pair> close_pairs(const std::vector<double>& x, const std::vector<double>& y,
                              const KnoxOptions& o, std::vector<std::uint32_t>& order) {
  const double reach = o.spatial_bandwidth * o.spatial_bands;
  const double cell = reach * (1 + 1e-9);  // |dx| <= reach spans at most two adjacent cells
  const auto n = x.size();
  double x0 = std::numeric_limits<double>::infinity(), y0 = x0;
  for (std::size_t i = 0; i < n; ++i) {
    x0 = std::min(x0, x[i]);
    y0 = std::min(y0, y[i]);
  }
  std::vector<std::uint64_t> key(n);
  const auto pack = [](std::int64_t ix, std::int64_t iy) {
    return (static_cast<std::uint64_t>(ix) << 32) | static_cast<std::uint64_t>(iy);
  };
  for (std::size_t i = 0; i < n; ++i) {
    const auto ix = static_cast<std::int64_t>(std::floor((x[i] - x0) / cell));
    const auto iy = static_cast<std::int64_t>(std::floor((y[i] - y0) / cell));
    if (ix > 0x7fffffff || iy > 0x7fffffff)
      throw ConfigError("nearrepeat: the events span too many spatial bandwidths for the grid");
    key[i] = pack(ix + 1, iy + 1);  // +1: neighbours at -1 stay non-negative
  }
  order.resize(n);
  std::iota(order.begin(), order.end(), 0u);
  std::stable_sort(order.begin(), order.end(),
                   [&](std::uint32_t a, std::uint32_t b) { return key[a] < key[b]; });
  std::unordered_map<std::uint64_t, std::pair<std::size_t, std::size_t>> cells;
  for (std::size_t k = 0; k < n;) {
    std::size_t e = k;
    while (e < n && key[order[e]] == key[order[k]]) ++e;
    cells.emplace(key[order[k]], std::make_pair(k, e));
    k = e;
  }
  std::vector<Pair> pairs;
  const auto consider = [&](std::size_t i, std::size_t j) {
    const auto a = static_cast<std::uint32_t>(i), b = static_cast<std::uint32_t>(j);
    const double d = distance_of(x[order[i]] - x[order[j]], y[order[i]] - y[order[j]], o.distance);
    const int band = space_band(d, o);
    if (band <= o.spatial_bands)
      pairs.push_back({std::min(a, b), std::max(a, b), static_cast<std::uint32_t>(band)});
  };
  // Each unordered pair once: within a cell (j after i), and with 4 of the 8 neighbours.
  const std::int64_t forward[4][2] = {{1, -1}, {1, 0}, {1, 1}, {0, 1}};
  for (const auto& [k, range] : cells) {
    const auto ix = static_cast<std::int64_t>(k >> 32);
    const auto iy = static_cast<std::int64_t>(k & 0xffffffffu);
    for (std::size_t i = range.first; i < range.second; ++i)
      for (std::size_t j = i + 1; j < range.second; ++j) consider(i, j);
    for (const auto& f : forward) {
      const auto it = cells.find(pack(ix + f[0], iy + f[1]));
      if (it == cells.end()) continue;
      for (std::size_t i = range.first; i < range.second; ++i)
        for (std::size_t j = it->second.first; j < it->second.second; ++j) consider(i, j);
    }
  }
  // A fixed order (the map's is not), and locality for the permutation loop.
  std::sort(pairs.begin(), pairs.end(),
            [](const Pair& p, const Pair& q) { return p.a != q.a ? p.a < q.a : p.b < q.b; });
  return pairs;
}

// Pairs of all events in each time band (a permutation of the times leaves them unchanged).
std::vector<std::int64_t> time_band_totals(std::vector<double> t, const KnoxOptions& o) {
  std::sort(t.begin(), t.end());
  const auto n = static_cast<std::int64_t>(t.size());
  std::vector<std::int64_t> within(static_cast<std::size_t>(o.temporal_bands) + 1, 0);
  // within[k]: pairs whose difference lies in bands 0..k-1 (before the edge of band k - 1).
  for (int k = 1; k <= o.temporal_bands; ++k) {
    std::int64_t count = 0, j = 0;
    for (std::int64_t i = 0; i < n; ++i) {
      // events j < i with band(t[i] - t[j]) < k
      while (j < i &&
             time_band(t[static_cast<std::size_t>(i)] - t[static_cast<std::size_t>(j)], o) >= k)
        ++j;
      count += i - j;
    }
    within[static_cast<std::size_t>(k)] = count;
  }
  std::vector<std::int64_t> totals(static_cast<std::size_t>(o.temporal_bands) + 1);
  for (int k = 0; k < o.temporal_bands; ++k)
    totals[static_cast<std::size_t>(k)] =
        within[static_cast<std::size_t>(k) + 1] - within[static_cast<std::size_t>(k)];
  totals[static_cast<std::size_t>(o.temporal_bands)] =
      n * (n - 1) / 2 - within[static_cast<std::size_t>(o.temporal_bands)];
  return totals;
}

// The close pairs by their first event (CSR): pairs of event a are packed[start[a]..start[a+1]),
// each the other event's index (low 25 bits) and the spatial band (high 7 bits): 4 bytes a pair,
// so the permutation loop streams little memory.
constexpr std::uint32_t kIndexBits = 25;
constexpr std::uint32_t kIndexMask = (1u << kIndexBits) - 1;

struct PairList {
  std::vector<std::size_t> start;
  std::vector<std::uint32_t> packed;
};

PairList pack_pairs(const std::vector<Pair>& pairs, std::size_t n) {
  PairList list;
  list.start.assign(n + 1, 0);
  for (const auto& p : pairs) ++list.start[p.a + 1];
  for (std::size_t i = 0; i < n; ++i) list.start[i + 1] += list.start[i];
  list.packed.reserve(pairs.size());
  for (const auto& p : pairs) list.packed.push_back(p.b | (p.band << kIndexBits));  // sorted by a
  return list;
}

// Whole-day times (the usual case: date-only records) as integers from the earliest, with the
// band of every possible difference looked up (time_band itself), so the permutation loop reads
// 4-byte times and does no comparisons. Not `ok` for fractional times or spans over 2^20 days.
struct IntegerTimes {
  bool ok = false;
  std::vector<std::int32_t> t;
  std::vector<std::uint8_t> band;  // [difference in days]
};

IntegerTimes integer_times(const std::vector<double>& t, const KnoxOptions& o) {
  IntegerTimes it;
  const auto [lo, hi] = std::minmax_element(t.begin(), t.end());
  if (*hi - *lo > (1 << 20)) return it;
  for (double v : t)
    if (v != std::floor(v)) return it;
  it.t.reserve(t.size());
  for (double v : t) it.t.push_back(static_cast<std::int32_t>(v - *lo));
  const auto span = static_cast<std::size_t>(*hi - *lo);
  it.band.resize(span + 1);
  for (std::size_t d = 0; d <= span; ++d)
    it.band[d] = static_cast<std::uint8_t>(time_band(static_cast<double>(d), o));
  it.ok = true;
  return it;
}

// Close pairs by band, times as doubles.
void count_close(const PairList& pairs, const std::vector<double>& t, const KnoxOptions& o,
                 std::int64_t* table) {
  const int cols = o.temporal_bands + 1;
  const int nt = o.temporal_bands;
  std::vector<double> edge(static_cast<std::size_t>(nt));  // as time_band compares
  for (int k = 0; k < nt; ++k) edge[static_cast<std::size_t>(k)] = (k + 1) * o.temporal_bandwidth;
  const bool strict = o.convention == Convention::kNrc;  // [a, b) rather than (a, b]
  for (std::size_t a = 0; a < t.size(); ++a) {
    const double ta = t[a];
    for (std::size_t k = pairs.start[a]; k < pairs.start[a + 1]; ++k) {
      const std::uint32_t v = pairs.packed[k];
      const double dt = std::abs(ta - t[v & kIndexMask]);
      int tb = 0;
      if (strict)
        while (tb < nt && dt >= edge[static_cast<std::size_t>(tb)]) ++tb;
      else
        while (tb < nt && dt > edge[static_cast<std::size_t>(tb)]) ++tb;
      ++table[static_cast<int>(v >> kIndexBits) * cols + tb];
    }
  }
}

// The same with whole-day times. Four interleaved tables, so that consecutive pairs of one cell
// (most fall in the same few) do not wait on each other's increment.
void count_close(const PairList& pairs, const std::vector<std::int32_t>& t,
                 const std::vector<std::uint8_t>& band, int cols, int rows, std::int64_t* table) {
  const auto cells = static_cast<std::size_t>(rows * cols);
  std::vector<std::int64_t> sub(4 * cells, 0);
  std::size_t k = 0;
  for (std::size_t a = 0; a < t.size(); ++a) {
    const std::int32_t ta = t[a];
    for (const std::size_t end = pairs.start[a + 1]; k < end; ++k) {
      const std::uint32_t v = pairs.packed[k];
      const std::int32_t d = ta - t[v & kIndexMask];
      ++sub[(k & 3) * cells + (v >> kIndexBits) * static_cast<std::size_t>(cols) +
            band[static_cast<std::size_t>(d < 0 ? -d : d)]];
    }
  }
  for (std::size_t c = 0; c < cells; ++c)
    table[c] += sub[c] + sub[cells + c] + sub[2 * cells + c] + sub[3 * cells + c];
}

// The table for one assignment of times to events: the close pairs counted, then the "more than"
// row by subtraction from each time band's pairs.
template <class CountClose>
void count_table(const std::vector<std::int64_t>& totals, const KnoxOptions& o, std::int64_t* table,
                 CountClose count_close_pairs) {
  const int cols = o.temporal_bands + 1;
  const int rows = o.spatial_bands + 2;
  std::fill(table, table + rows * cols, 0);
  count_close_pairs(table);
  for (int c = 0; c < cols; ++c) {
    std::int64_t close = 0;
    for (int r = 0; r <= o.spatial_bands; ++r) close += table[r * cols + c];
    table[(rows - 1) * cols + c] = totals[static_cast<std::size_t>(c)] - close;
  }
}

std::string number(double v) {
  if (std::isnan(v)) return "";
  return fmt::format("{}", v);
}

}  // namespace

int space_band(double d, const KnoxOptions& o) {
  const int n = o.spatial_bands;
  const double b = o.spatial_bandwidth;
  if (d == 0) return 0;
  if (o.convention == Convention::kNrc) {
    for (int k = 1; k <= n; ++k)
      if (d < k * b) return k;
    return n + 1;
  }
  for (int k = 1; k <= n; ++k)
    if (d <= k * b) return k;
  return n + 1;
}

int time_band(double days, const KnoxOptions& o) {
  const int n = o.temporal_bands;
  const double w = o.temporal_bandwidth;
  if (o.convention == Convention::kNrc) {
    for (int k = 0; k < n; ++k)
      if (days < (k + 1) * w) return k;
    return n;
  }
  for (int k = 0; k < n; ++k)
    if (days <= (k + 1) * w) return k;
  return n;
}

std::vector<std::string> space_labels(const KnoxOptions& o) {
  const double b = o.spatial_bandwidth;
  const int n = o.spatial_bands;
  std::vector<std::string> labels;
  if (o.convention == Convention::kNrc) {
    labels.push_back("Same location");
    for (int k = 1; k <= n; ++k)
      labels.push_back(fmt::format("{:g} to {:g} m", k == 1 ? 1.0 : (k - 1) * b + 1, k * b));
    labels.push_back(fmt::format("More than {:g} m", n * b));
  } else {
    labels.push_back("0 m (same location)");
    for (int k = 1; k <= n; ++k)
      labels.push_back(fmt::format("({:g}, {:g}] m", (k - 1) * b, k * b));
    labels.push_back(fmt::format("> {:g} m", n * b));
  }
  return labels;
}

std::vector<std::string> time_labels(const KnoxOptions& o) {
  const double w = o.temporal_bandwidth;
  const int n = o.temporal_bands;
  std::vector<std::string> labels;
  for (int k = 0; k < n; ++k) {
    if (o.convention == Convention::kNrc)
      labels.push_back(fmt::format("{:g} to {:g} days", k == 0 ? 0.0 : k * w + 1, (k + 1) * w));
    else
      labels.push_back(fmt::format("{}{:g}, {:g}] days", k == 0 ? "[" : "(", k * w, (k + 1) * w));
  }
  labels.push_back(o.convention == Convention::kNrc ? fmt::format("More than {:g} days", n * w)
                                                    : fmt::format("> {:g} days", n * w));
  return labels;
}

KnoxResult knox(const std::vector<double>& x, const std::vector<double>& y,
                const std::vector<double>& t, const KnoxOptions& o) {
  check(o);
  if (x.size() != y.size() || x.size() != t.size())
    throw ConfigError("nearrepeat: x, y and t must have the same length");
  if (x.size() < 2) throw ConfigError("nearrepeat: the Knox test needs at least 2 events");
  if (x.size() > kIndexMask) throw ConfigError("nearrepeat: more than 33,554,431 events");
  for (std::size_t i = 0; i < x.size(); ++i)
    if (!std::isfinite(x[i]) || !std::isfinite(y[i]) || !std::isfinite(t[i]))
      throw ConfigError(fmt::format("nearrepeat: event {} has a missing coordinate or time", i));

  KnoxResult result;
  result.options = o;
  result.events = static_cast<std::int64_t>(x.size());
  result.pairs = result.events * (result.events - 1) / 2;
  result.space_labels = space_labels(o);
  result.time_labels = time_labels(o);
  const int rows = o.spatial_bands + 2, cols = o.temporal_bands + 1;
  const auto size = static_cast<std::size_t>(rows * cols);

  // NRC 1.3 holds coordinates in single precision (docs/nearrepeat.md: with them, and only with
  // them, its published counts are reproduced); distances are then taken between those values.
  std::vector<double> xs, ys;
  if (o.convention == Convention::kNrc) {
    xs.reserve(x.size());
    ys.reserve(y.size());
    for (std::size_t i = 0; i < x.size(); ++i) {
      xs.push_back(static_cast<double>(static_cast<float>(x[i])));
      ys.push_back(static_cast<double>(static_cast<float>(y[i])));
    }
  }
  const bool nrc = o.convention == Convention::kNrc;
  std::vector<std::uint32_t> order;
  const auto pairs = pack_pairs(close_pairs(nrc ? xs : x, nrc ? ys : y, o, order), x.size());
  std::vector<double> t_in(t.size());  // the times in the pairs' numbering
  for (std::size_t i = 0; i < t.size(); ++i) t_in[i] = t[order[i]];
  result.close_pairs = static_cast<std::int64_t>(pairs.packed.size());
  const auto totals = time_band_totals(t_in, o);
  const auto whole = integer_times(t_in, o);
  const int cols_ = o.temporal_bands + 1;
  // One assignment of times (a permutation of the events' times; identity for the observed).
  const auto table_for = [&](const std::vector<std::uint32_t>* shuffle, std::int64_t* table) {
    if (whole.ok) {
      std::vector<std::int32_t> ti = whole.t;
      if (shuffle)
        for (std::size_t i = 0; i < ti.size(); ++i) ti[i] = whole.t[(*shuffle)[i]];
      count_table(totals, o, table, [&](std::int64_t* tab) {
        count_close(pairs, ti, whole.band, cols_, o.spatial_bands + 2, tab);
      });
    } else {
      std::vector<double> td = t_in;
      if (shuffle)
        for (std::size_t i = 0; i < td.size(); ++i) td[i] = t_in[(*shuffle)[i]];
      count_table(totals, o, table, [&](std::int64_t* tab) { count_close(pairs, td, o, tab); });
    }
  };
  std::vector<std::int64_t> observed(size);
  table_for(nullptr, observed.data());

  const auto perms = static_cast<std::size_t>(o.permutations);
  std::vector<std::int64_t> permuted(perms * size);
  tbb::parallel_for(tbb::blocked_range<std::size_t>(0, perms),
                    [&](const tbb::blocked_range<std::size_t>& range) {
                      std::vector<std::uint32_t> perm(t.size());
                      for (std::size_t p = range.begin(); p != range.end(); ++p) {
                        // Fisher-Yates on its own stream (stream 0 is left for other uses)
                        std::iota(perm.begin(), perm.end(), 0u);
                        Rng rng(o.seed, p + 1);
                        for (std::size_t i = perm.size() - 1; i > 0; --i)
                          std::swap(perm[i], perm[bounded(rng, i + 1)]);
                        table_for(&perm, permuted.data() + p * size);
                      }
                    });

  std::vector<double> values(perms);
  for (int r = 0; r < rows; ++r)
    for (int c = 0; c < cols; ++c) {
      const auto idx = static_cast<std::size_t>(r * cols + c);
      KnoxCell cell;
      cell.space_band = r;
      cell.time_band = c;
      cell.observed = observed[idx];
      std::int64_t at_least = 0;
      double sum = 0;
      for (std::size_t p = 0; p < perms; ++p) {
        const auto v = permuted[p * size + idx];
        values[p] = static_cast<double>(v);
        sum += static_cast<double>(v);
        if (v >= cell.observed) ++at_least;
      }
      const double mean = sum / static_cast<double>(perms);
      double ss = 0;
      for (double v : values) ss += (v - mean) * (v - mean);
      std::sort(values.begin(), values.end());
      cell.expected_mean = mean;
      cell.expected_median =
          perms % 2 == 1 ? values[perms / 2] : (values[perms / 2 - 1] + values[perms / 2]) / 2;
      cell.perm_min = static_cast<std::int64_t>(values.front());
      cell.perm_max = static_cast<std::int64_t>(values.back());
      cell.sd = perms > 1 ? std::sqrt(ss / static_cast<double>(perms - 1)) : kNaN;
      cell.knox_ratio = mean > 0 ? static_cast<double>(cell.observed) / mean : kNaN;
      cell.p_value = static_cast<double>(1 + at_least) / static_cast<double>(1 + perms);
      cell.z = cell.sd > 0 ? (static_cast<double>(cell.observed) - mean) / cell.sd : kNaN;
      result.cells.push_back(cell);
    }
  return result;
}

std::string knox_csv(const KnoxResult& r) {
  std::string out =
      "space_band,time_band,observed,expected_mean,expected_median,knox_ratio,p_value,z\n";
  for (const auto& c : r.cells)
    out += fmt::format("{},{},{},{},{},{},{},{}\n",
                       io::csv_field(r.space_labels[static_cast<std::size_t>(c.space_band)]),
                       io::csv_field(r.time_labels[static_cast<std::size_t>(c.time_band)]),
                       c.observed, number(c.expected_mean), number(c.expected_median),
                       number(c.knox_ratio), number(c.p_value), number(c.z));
  return out;
}

std::string knox_svg(const KnoxResult& r, double alpha) {
  const int rows = static_cast<int>(r.space_labels.size());
  const int cols = static_cast<int>(r.time_labels.size());
  const int label_w = 170, cell_w = 120, cell_h = 40, top = 70;
  const int width = label_w + cols * cell_w + 20, height = top + rows * cell_h + 60;
  double top_ratio = 2;
  for (const auto& c : r.cells)
    if (std::isfinite(c.knox_ratio)) top_ratio = std::max(top_ratio, std::min(c.knox_ratio, 5.0));
  std::string s = fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{}\" height=\"{}\" "
      "font-family=\"sans-serif\" font-size=\"12\">\n"
      "<title>Knox ratios (observed / mean of {} permutations), {} convention</title>\n"
      "<text x=\"10\" y=\"20\" font-size=\"14\" font-weight=\"bold\">Knox ratio, {} events, "
      "{} convention, {} distance</text>\n"
      "<text x=\"10\" y=\"38\">Bold, outlined: p &lt;= {:g} ({} permutations); colour: "
      "white = 1 or less, red = {:.3g} or more</text>\n",
      width, height, r.options.permutations, to_string(r.options.convention), r.events,
      to_string(r.options.convention), to_string(r.options.distance), alpha, r.options.permutations,
      top_ratio);
  for (int c = 0; c < cols; ++c)
    s += fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>\n",
                     label_w + c * cell_w + cell_w / 2, top - 8,
                     report::escape_html(r.time_labels[static_cast<std::size_t>(c)]));
  for (int row = 0; row < rows; ++row) {
    const int yy = top + row * cell_h;
    s += fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>\n", label_w - 8,
                     yy + cell_h / 2 + 4,
                     report::escape_html(r.space_labels[static_cast<std::size_t>(row)]));
    for (int c = 0; c < cols; ++c) {
      const auto& cell = r.at(row, c);
      double f = std::isfinite(cell.knox_ratio)
                     ? std::clamp((cell.knox_ratio - 1) / (top_ratio - 1), 0.0, 1.0)
                     : 0.0;
      const int g = static_cast<int>(std::lround(255 * (1 - f)));
      const bool sig = cell.p_value <= alpha && cell.knox_ratio > 1;
      const int xx = label_w + c * cell_w;
      s += fmt::format(
          "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"rgb(255,{},{})\" "
          "stroke=\"{}\" stroke-width=\"{}\"><title>{} x {}: observed {}, mean expected {:.4g}, "
          "p = {:.4g}</title></rect>\n",
          xx, yy, cell_w, cell_h, g, g, sig ? "#000" : "#bbb", sig ? 2.5 : 1,
          report::escape_html(r.space_labels[static_cast<std::size_t>(row)]),
          report::escape_html(r.time_labels[static_cast<std::size_t>(c)]), cell.observed,
          cell.expected_mean, cell.p_value);
      s += fmt::format(
          "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\"{}>{}</text>\n", xx + cell_w / 2,
          yy + cell_h / 2 + 4, sig ? " font-weight=\"bold\"" : "",
          std::isfinite(cell.knox_ratio) ? fmt::format("{:.2f}", cell.knox_ratio) : "n/a");
    }
  }
  s += "</svg>\n";
  return s;
}

std::string knox_summary(const KnoxResult& r, double alpha) {
  const auto& o = r.options;
  const bool nrc = o.convention == Convention::kNrc;
  const auto significant = [&](const KnoxCell& c) {
    return c.p_value <= alpha && std::isfinite(c.knox_ratio) && c.knox_ratio > 1;
  };
  // Up to which day a row is over-represented: the run of significant bands from the first.
  const auto run_of = [&](int row) {
    int k = 0;
    while (k < o.temporal_bands && significant(r.at(row, k))) ++k;
    return k;
  };
  const auto up_to = [&](int bands) { return fmt::format("{:g}", bands * o.temporal_bandwidth); };
  std::string s = fmt::format(
      "Knox test: {} events, {} pairs, {} convention, {} distance, {} permutations (seed {}); "
      "significant: p <= {:g} and Knox ratio > 1.\n",
      r.events, r.pairs, to_string(o.convention), to_string(o.distance), o.permutations, o.seed,
      alpha);
  if (nrc)
    s += fmt::format(
        "Bands as NRC 1.3 counts them: its label 'a to b' is the interval [a - 1, b), e.g. "
        "'{}' = [{:g}, {:g}) m and '{}' = [0, {:g}) days (docs/nearrepeat.md).\n",
        r.space_labels[1], 1.0, o.spatial_bandwidth, r.time_labels[0], o.temporal_bandwidth);
  s += "\n";
  std::vector<std::string> lines;
  int best_row = -1, best_col = -1;
  for (int row = 1; row <= o.spatial_bands; ++row) {
    const int k = run_of(row);
    if (k > 0)
      lines.push_back(fmt::format(
          "Within {} of an initial incident, near repeats are over-represented for up to {} days.",
          r.space_labels[static_cast<std::size_t>(row)], up_to(k)));
    for (int c = 0; c < o.temporal_bands; ++c)
      if (significant(r.at(row, c)) &&
          (best_row < 0 || r.at(row, c).knox_ratio > r.at(best_row, best_col).knox_ratio)) {
        best_row = row;
        best_col = c;
      }
  }
  if (lines.empty()) {
    s += "No significant near repeat pattern found.\n";
  } else {
    s += "A significant near repeat pattern found. After an incident, there is evidence of an "
         "over-representation of events in the local area for a certain amount of time:\n";
    for (const auto& l : lines) s += "  " + l + "\n";
    const auto& b = r.at(best_row, best_col);
    s += fmt::format(
        "The most over-represented significant space-time range is {} and {}: the chance of "
        "another incident is about {:.0f} percent greater than if there were no pattern (Knox "
        "ratio {:.3f}).\n",
        r.space_labels[static_cast<std::size_t>(best_row)],
        r.time_labels[static_cast<std::size_t>(best_col)], (b.knox_ratio - 1) * 100, b.knox_ratio);
  }
  const int same = run_of(0);
  if (same > 0) {
    int bc = 0;
    for (int c = 1; c < same; ++c)
      if (r.at(0, c).knox_ratio > r.at(0, bc).knox_ratio) bc = c;
    s += fmt::format(
        "A significant repeat victimization pattern found: events at the same location are "
        "over-represented for up to {} days after an initial incident; the most over-represented "
        "range is {} (about {:.0f} percent greater, Knox ratio {:.3f}).\n",
        up_to(same), r.time_labels[static_cast<std::size_t>(bc)],
        (r.at(0, bc).knox_ratio - 1) * 100, r.at(0, bc).knox_ratio);
  } else {
    s += "No significant repeat victimization (same location) pattern found.\n";
  }
  s += fmt::format("\nThe smallest p-value {} permutations allow is {:.4g}.\n", o.permutations,
                   1.0 / (1 + o.permutations));
  return s;
}

Distance distance_from_string(const std::string& name) {
  if (name == "euclidean") return Distance::kEuclidean;
  if (name == "manhattan") return Distance::kManhattan;
  throw ConfigError("nearrepeat: unknown distance '" + name + "': expected euclidean or manhattan");
}

Convention convention_from_string(const std::string& name) {
  if (name == "nrc") return Convention::kNrc;
  if (name == "exact") return Convention::kExact;
  throw ConfigError("nearrepeat: unknown convention '" + name + "': expected nrc or exact");
}

std::string to_string(Distance d) { return d == Distance::kEuclidean ? "euclidean" : "manhattan"; }
std::string to_string(Convention c) { return c == Convention::kNrc ? "nrc" : "exact"; }

}  // namespace scrutineer::nearrepeat
