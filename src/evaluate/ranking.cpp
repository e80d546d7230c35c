// One ranking of the valid cells per surface (evaluate/ranking.hpp): tie order, a stable radix
// sort by risk, and the ROC AUC's Mann-Whitney U read off the ranking.
#include "scrutineer/evaluate/ranking.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>

namespace scrutineer::evaluate {

namespace {

// SplitMix64 finaliser (Steele, Lea & Flood 2014): a cell's tie key depends only on (seed, cell),
// never on which other cells tie, so a ranking does not change when unrelated risks change.
std::uint64_t mix(std::uint64_t z) {
  z += 0x9e3779b97f4a7c15ULL;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

double sortable(double r) {
  if (std::isnan(r)) return -HUGE_VAL;
  return r == 0 ? 0.0 : r;  // -0 and +0 compare equal: one key
}

// An unsigned key whose increasing order is the decreasing order of the (sortable) risk.
std::uint64_t descending_key(double r) {
  const auto u = std::bit_cast<std::uint64_t>(sortable(r));
  const std::uint64_t ascending = (u >> 63) != 0 ? ~u : (u | (std::uint64_t{1} << 63));
  return ~ascending;
}

}  // namespace

std::vector<std::int64_t> tie_order(const geo::Grid& grid, TieRule rule, std::uint64_t seed) {
  std::vector<std::int64_t> cells = grid.valid_cells();  // increasing cell index
  switch (rule) {
    case TieRule::kRowMajor:
      break;
    case TieRule::kOpenCp:
      std::reverse(cells.begin(), cells.end());
      break;
    case TieRule::kRandom: {
      const std::uint64_t base = mix(seed);
      std::vector<std::pair<std::uint64_t, std::int64_t>> keyed(cells.size());
      for (std::size_t i = 0; i < cells.size(); ++i)
        keyed[i] = {mix(base ^ static_cast<std::uint64_t>(cells[i])), cells[i]};
      std::sort(keyed.begin(), keyed.end());  // key, then cell
      for (std::size_t i = 0; i < cells.size(); ++i) cells[i] = keyed[i].second;
      break;
    }
  }
  return cells;
}

std::vector<std::int64_t> rank_by_risk(const std::vector<double>& risk,
                                       const std::vector<std::int64_t>& tie_ordered) {
  const std::size_t n = tie_ordered.size();
  std::vector<std::pair<std::uint64_t, std::int64_t>> a(n), b(n);
  std::uint64_t all_and = ~std::uint64_t{0}, all_or = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const auto key = descending_key(risk[static_cast<std::size_t>(tie_ordered[i])]);
    a[i] = {key, tie_ordered[i]};
    all_and &= key;
    all_or |= key;
  }
  // LSD radix sort by bytes, stable, so equal keys keep the tie order; a byte equal in every key
  // (all_and and all_or agree on it) leaves the order as it is and is skipped.
  for (int shift = 0; shift < 64; shift += 8) {
    if (((all_and ^ all_or) >> shift & 0xff) == 0) continue;
    std::array<std::size_t, 257> start{};
    for (const auto& e : a) ++start[(e.first >> shift & 0xff) + 1];
    for (std::size_t d = 1; d < start.size(); ++d) start[d] += start[d - 1];
    for (const auto& e : a) b[start[e.first >> shift & 0xff]++] = e;
    a.swap(b);
  }
  std::vector<std::int64_t> out(n);
  for (std::size_t i = 0; i < n; ++i) out[i] = a[i].second;
  return out;
}

AucCounts auc_from_ranking(const std::vector<std::int64_t>& ranking,
                           const std::vector<double>& risk,
                           const std::vector<std::int32_t>& counts) {
  const std::size_t v = ranking.size();
  double rank_sum = 0, positives = 0;
  std::size_t a = 0;
  while (a < v) {
    // Descending positions [a, b) hold one risk: ascending ranks v - b + 1 .. v - a.
    std::size_t b = a;
    const double r = sortable(risk[static_cast<std::size_t>(ranking[a])]);
    while (b < v && sortable(risk[static_cast<std::size_t>(ranking[b])]) == r) ++b;
    const std::size_t i = v - b, j = v - a;
    const double mid = (static_cast<double>(i + 1) + static_cast<double>(j)) / 2;
    for (auto k = a; k < b; ++k)
      if (counts[static_cast<std::size_t>(ranking[k])] > 0) {
        rank_sum += mid;
        positives += 1;
      }
    a = b;
  }
  const double negatives = static_cast<double>(v) - positives;
  AucCounts out;
  out.pairs = positives * negatives;
  out.u = out.pairs > 0 ? rank_sum - positives * (positives + 1) / 2 : 0.0;
  return out;
}

// A count or a coverage fixes how many cells before ranking, and risk descending then tie position
// ascending is a strict total order, so selecting them (nth_element, then sorting the selected)
// gives the same cells in the same order as ranking every valid cell, in O(cells) instead of a
// radix sort's passes.
std::vector<std::int64_t> top_cells(const std::vector<double>& risk,
                                    const std::vector<std::int64_t>& tie_ordered,
                                    const Policy& policy) {
  if (policy.mode != PolicyMode::kCount && policy.mode != PolicyMode::kCoverage) {
    auto flags = rank_by_risk(risk, tie_ordered);
    flags.resize(static_cast<std::size_t>(cells_for_policy(flags, policy)));
    return flags;
  }
  const auto n = tie_ordered.size();
  // A count or a coverage reads the number of ranked cells only: the tie order has as many.
  const auto k = static_cast<std::size_t>(cells_for_policy(tie_ordered, policy));
  struct Ranked {
    double risk;
    std::size_t position;  // in the tie order
  };
  std::vector<Ranked> ranked(n);
  for (std::size_t p = 0; p < n; ++p)
    ranked[p] = {sortable(risk[static_cast<std::size_t>(tie_ordered[p])]), p};
  const auto before = [](const Ranked& a, const Ranked& b) {
    return a.risk > b.risk || (a.risk == b.risk && a.position < b.position);
  };
  if (k < n)
    std::nth_element(ranked.begin(), ranked.begin() + static_cast<std::ptrdiff_t>(k), ranked.end(),
                     before);
  std::sort(ranked.begin(), ranked.begin() + static_cast<std::ptrdiff_t>(k), before);
  std::vector<std::int64_t> flags(k);
  for (std::size_t i = 0; i < k; ++i) flags[i] = tie_ordered[ranked[i].position];
  return flags;
}

}  // namespace scrutineer::evaluate
