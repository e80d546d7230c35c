// Space-time scan statistics: the space-time permutation scan (Kulldorff et al. 2005, PLoS
// Medicine 2(3) e59) and the Poisson space-time scan (Kulldorff 2001, JRSS A 164(1)), with Monte
// Carlo p-values (Dwass 1957), as SaTScan computes them.
#include "scrutineer/scan/scan.hpp"

#include <fmt/format.h>
#include <tbb/parallel_for.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <map>
#include <numeric>
#include <unordered_map>

#include "scrutineer/core/error.hpp"
#include "scrutineer/core/random.hpp"

namespace scrutineer::scan {

std::string_view to_string(ScanModel m) {
  return m == ScanModel::kPoisson ? "poisson" : "permutation";
}

ScanModel scan_model_from_string(std::string_view s) {
  if (s == "permutation") return ScanModel::kPermutation;
  if (s == "poisson") return ScanModel::kPoisson;
  throw ConfigError(fmt::format("stscan: unknown model '{}' (known: permutation, poisson)", s));
}

double scan_llr(double c, double mu, double total) {
  if (!(c > mu)) return 0.0;
  double llr = c * std::log(c / mu);
  if (total - c > 0) llr += (total - c) * std::log((total - c) / (total - mu));
  return llr;
}

namespace {

// A circle: the centre's nearest `size` locations (whole distance ties), of radius `radius`.
struct Zone {
  std::uint32_t centre, size;
  double radius;
};

// The best window of one zone.
struct Best {
  double llr = 0;
  std::int64_t start = 0, end = 0, observed = 0;
  double expected = 0;
};

// Cases of one data set (observed or a replicate) per location as (day, count), days ascending.
using Cases = std::vector<std::vector<std::pair<std::int32_t, std::int32_t>>>;

Cases cases_of(std::size_t locations, const std::vector<std::uint32_t>& loc,
               const std::vector<std::int32_t>& day) {
  std::vector<std::vector<std::int32_t>> days(locations);
  for (std::size_t i = 0; i < loc.size(); ++i) days[loc[i]].push_back(day[i]);
  Cases out(locations);
  for (std::size_t l = 0; l < locations; ++l) {
    auto& d = days[l];
    std::sort(d.begin(), d.end());
    for (const auto v : d) {
      if (!out[l].empty() && out[l].back().first == v)
        ++out[l].back().second;
      else
        out[l].emplace_back(v, 1);
    }
  }
  return out;
}

class Scanner {
 public:
  // `pop`: the Poisson model's population per location (empty = equal populations).
  Scanner(const ScanOptions& o, std::vector<double> lx, std::vector<double> ly,
          std::vector<double> pop, std::int64_t days, std::int64_t cases)
      : o_(o),
        lx_(std::move(lx)),
        ly_(std::move(ly)),
        pop_(std::move(pop)),
        days_(days),
        cases_(cases) {
    const auto n = lx_.size();
    weight_total_ = static_cast<double>(n);
    if (!pop_.empty()) weight_total_ = std::accumulate(pop_.begin(), pop_.end(), 0.0);
    neighbours_.resize(n);
    const double r2 = o.max_radius * o.max_radius;
    const double side = o.max_radius * 1.001 + 1e-9;
    std::unordered_map<std::uint64_t, std::vector<std::uint32_t>> buckets;
    const auto cell = [&](double v) { return static_cast<std::int64_t>(std::floor(v / side)); };
    const auto key = [](std::int64_t a, std::int64_t b) {
      return (static_cast<std::uint64_t>(a) << 32) ^ (static_cast<std::uint64_t>(b) & 0xffffffffu);
    };
    for (std::size_t l = 0; l < n; ++l)
      buckets[key(cell(lx_[l]), cell(ly_[l]))].push_back(static_cast<std::uint32_t>(l));
    tbb::parallel_for(std::size_t{0}, n, [&](std::size_t l) {
      std::vector<std::pair<double, std::uint32_t>> near;
      const auto bx = cell(lx_[l]), by = cell(ly_[l]);
      for (std::int64_t dy = -1; dy <= 1; ++dy)
        for (std::int64_t dx = -1; dx <= 1; ++dx) {
          const auto it = buckets.find(key(bx + dx, by + dy));
          if (it == buckets.end()) continue;
          for (const auto j : it->second) {
            const double ex = lx_[j] - lx_[l], ey = ly_[j] - ly_[l];
            const double d2 = ex * ex + ey * ey;
            if (d2 <= r2) near.emplace_back(d2, j);
          }
        }
      std::sort(near.begin(), near.end());
      neighbours_[l] = std::move(near);
    });
  }

  const std::vector<std::pair<double, std::uint32_t>>& neighbours(std::uint32_t l) const {
    return neighbours_[l];
  }

  // Each zone's best window (zones in centre order, then size), with the day totals `day_total`.
  // With `keep` false only the largest LLR is returned (in the first entry).
  std::vector<std::pair<Zone, Best>> scan(const Cases& cases,
                                          const std::vector<std::int64_t>& loc_total,
                                          const std::vector<std::int64_t>& day_total, bool keep,
                                          bool parallel) const {
    const auto n = lx_.size();
    std::vector<std::int64_t> day_prefix(static_cast<std::size_t>(days_) + 1, 0);
    for (std::int64_t d = 0; d < days_; ++d)
      day_prefix[static_cast<std::size_t>(d) + 1] =
          day_prefix[static_cast<std::size_t>(d)] + day_total[static_cast<std::size_t>(d)];
    std::vector<std::vector<std::pair<Zone, Best>>> per(n);
    const auto body = [&](std::size_t l) {
      // The zone's cases per day, only days with cases, ascending.
      std::vector<std::pair<std::int32_t, std::int64_t>> z, merged;
      const auto& near = neighbours_[l];
      std::int64_t zone_cases = 0;
      double zone_pop = 0;
      Best best_here;
      for (std::size_t k = 0; k < near.size();) {
        const double d2 = near[k].first;
        for (; k < near.size() && near[k].first == d2; ++k) {
          const auto j = near[k].second;
          zone_cases += loc_total[j];
          if (!pop_.empty()) zone_pop += pop_[j];
          merged.clear();
          std::size_t a = 0;
          for (const auto& [d, c] : cases[j]) {
            for (; a < z.size() && z[a].first < d; ++a) merged.push_back(z[a]);
            if (a < z.size() && z[a].first == d)
              merged.emplace_back(d, z[a++].second + c);
            else
              merged.emplace_back(d, c);
          }
          merged.insert(merged.end(), z.begin() + static_cast<std::ptrdiff_t>(a), z.end());
          z.swap(merged);
        }
        // Poisson: the zone's population (its number of locations when they are equal), a
        // share of the total (SaTScan's "percent of the population at risk").
        const double weight = pop_.empty() ? static_cast<double>(k) : zone_pop;
        const double share = o_.model == ScanModel::kPermutation
                                 ? static_cast<double>(zone_cases) / static_cast<double>(cases_)
                                 : weight / weight_total_;
        if (share > o_.max_space_fraction) break;
        if (zone_cases < o_.min_cases) continue;
        const Best b = best_window(z, day_prefix, zone_cases, weight);
        if (b.llr <= 0) continue;
        const Zone zone{static_cast<std::uint32_t>(l), static_cast<std::uint32_t>(k),
                        std::sqrt(d2)};
        if (keep)
          per[l].emplace_back(zone, b);
        else if (b.llr > best_here.llr)
          best_here = b;
      }
      if (!keep && best_here.llr > 0) per[l].emplace_back(Zone{}, best_here);
    };
    if (parallel)
      tbb::parallel_for(std::size_t{0}, n, body);
    else
      for (std::size_t l = 0; l < n; ++l) body(l);
    std::vector<std::pair<Zone, Best>> out;
    if (keep) {
      for (auto& v : per) out.insert(out.end(), v.begin(), v.end());
      return out;
    }
    Best top;
    for (auto& v : per)
      if (!v.empty() && v.front().second.llr > top.llr) top = v.front().second;
    out.emplace_back(Zone{}, top);
    return out;
  }

 private:
  // A window that does not start and end on days with cases of the zone shrinks to one that does
  // with the same c and a mu no larger (C_D and |D| only grow with the window), so an LLR no
  // smaller: only those windows are scanned (O(m^2) for m case days, not O(T w)). Among equal
  // LLRs the first by end day, then by latest start, is kept.
  Best best_window(const std::vector<std::pair<std::int32_t, std::int64_t>>& z,
                   const std::vector<std::int64_t>& day_prefix, std::int64_t zone_cases,
                   double zone_weight) const {
    const auto total = static_cast<double>(cases_);
    Best best;
    const auto score = [&](std::int64_t s, std::int64_t e, std::int64_t c) {
      // returns false once the window is too long (it only grows from here)
      const auto lo = static_cast<std::size_t>(s), hi = static_cast<std::size_t>(e) + 1;
      double mu;
      if (o_.model == ScanModel::kPermutation) {
        // mu = C_Z C_D / C (Kulldorff et al. 2005, eq. 1-2)
        const auto window_cases = day_prefix[hi] - day_prefix[lo];
        if (static_cast<double>(window_cases) > o_.max_time_fraction * total) return false;
        mu = static_cast<double>(zone_cases) * static_cast<double>(window_cases) / total;
      } else {
        // population constant in time: mu = C pop(Z)/pop |D|/T (Kulldorff 2001), with equal
        // populations C |Z|/L |D|/T
        const auto len = static_cast<double>(e - s + 1);
        if (len > o_.max_time_fraction * static_cast<double>(days_)) return false;
        mu = total * (zone_weight / weight_total_) * (len / static_cast<double>(days_));
      }
      if (c < o_.min_cases) return true;
      const double llr = scan_llr(static_cast<double>(c), mu, total);
      if (llr > best.llr) best = {llr, s, e, c, mu};
      return true;
    };
    if (o_.prospective) {
      const std::int64_t e = days_ - 1;
      std::int64_t c = 0;
      for (std::size_t i = z.size(); i-- > 0;) {
        if (e - z[i].first + 1 > o_.max_days) break;
        c += z[i].second;
        if (!score(z[i].first, e, c)) break;
      }
      return best;
    }
    for (std::size_t j = 0; j < z.size(); ++j) {
      std::int64_t c = 0;
      for (std::size_t i = j + 1; i-- > 0;) {
        if (z[j].first - z[i].first + 1 > o_.max_days) break;
        c += z[i].second;
        if (!score(z[i].first, z[j].first, c)) break;
      }
    }
    return best;
  }

  const ScanOptions& o_;
  std::vector<double> lx_, ly_, pop_;
  double weight_total_ = 0;  // the total population (the number of locations when equal)
  std::int64_t days_, cases_;
  std::vector<std::vector<std::pair<double, std::uint32_t>>> neighbours_;
};

void check(const ScanOptions& o) {
  if (!(o.max_radius >= 0) || !std::isfinite(o.max_radius))
    throw ConfigError(fmt::format("stscan: max_radius must be >= 0 metres; got {}", o.max_radius));
  for (const double f : {o.max_space_fraction, o.max_time_fraction})
    if (!(f > 0 && f <= 1))
      throw ConfigError(
          fmt::format("stscan: the largest space and time fractions must be in (0, 1]; got {}", f));
  if (o.max_days < 1) throw ConfigError("stscan: max_days must be >= 1");
  if (o.min_cases < 1) throw ConfigError("stscan: min_cases must be >= 1");
  if (o.replications < 0 || o.replications > 1000000)
    throw ConfigError("stscan: replications must be 0 to 1,000,000");
}

// The Poisson model's populations (Kulldorff 2001): one per location, finite and >= 0, a positive
// total, and positive wherever a case sits (a case where nobody lives has no expectation; SaTScan
// refuses it too).
void check_population(const std::vector<double>& pop, const std::vector<double>& lx,
                      const std::vector<double>& ly, const std::vector<std::uint32_t>& loc) {
  if (pop.empty()) return;
  if (pop.size() != lx.size())
    throw ConfigError(
        fmt::format("stscan: {} populations for {} locations", pop.size(), lx.size()));
  double total = 0;
  for (std::size_t l = 0; l < pop.size(); ++l) {
    if (!std::isfinite(pop[l]) || pop[l] < 0)
      throw ConfigError(fmt::format(
          "stscan: the location at ({}, {}) has population {}; populations are finite and >= 0",
          lx[l], ly[l], pop[l]));
    total += pop[l];
  }
  if (!(total > 0)) throw ConfigError("stscan: the total population is 0");
  std::vector<std::int64_t> cases(pop.size(), 0);
  for (const auto l : loc) ++cases[l];
  for (std::size_t l = 0; l < pop.size(); ++l)
    if (cases[l] > 0 && !(pop[l] > 0))
      throw ConfigError(fmt::format(
          "stscan: {} case(s) at the location ({}, {}), whose population is 0: the population "
          "must cover every location with cases",
          cases[l], lx[l], ly[l]));
}

// Draws a location with probability proportional to its population (inversion of the cumulative
// sums), or uniformly when the populations are equal (as before populations were added).
class LocationDraw {
 public:
  LocationDraw(const std::vector<double>& pop, std::size_t locations) : locations_(locations) {
    double sum = 0;
    for (const double p : pop) cumulative_.push_back(sum += p);
    for (std::size_t l = pop.size(); l-- > 0;)
      if (pop[l] > 0) {
        last_ = l;
        break;
      }
  }
  std::uint32_t operator()(Rng& rng) const {
    if (cumulative_.empty()) return static_cast<std::uint32_t>(rng.below(locations_));
    const double u = rng.uniform() * cumulative_.back();
    const auto it = std::upper_bound(cumulative_.begin(), cumulative_.end(), u);
    // u < the total, except by rounding: then the last location with a population
    return static_cast<std::uint32_t>(
        std::min(static_cast<std::size_t>(it - cumulative_.begin()), last_));
  }

 private:
  std::size_t locations_, last_ = 0;
  std::vector<double> cumulative_;
};

std::uint64_t coordinate_key(double x, double y) {
  std::uint64_t a, b;
  std::memcpy(&a, &x, sizeof a);
  std::memcpy(&b, &y, sizeof b);
  return a * 0x9E3779B97F4A7C15ull ^ (b + 0x632BE59BD9B4E019ull + (a << 6) + (a >> 2));
}

}  // namespace

ScanResult space_time_scan(const ScanInput& in, const ScanOptions& o) {
  check(o);
  const auto n = in.x.size();
  if (in.y.size() != n || in.day.size() != n)
    throw InternalError("space_time_scan: x, y and day differ in length");
  ScanResult result;
  result.cases = static_cast<std::int64_t>(n);
  if (n == 0) return result;
  // Locations: the distinct event coordinates (sorted), or the Poisson model's cells.
  std::vector<double> lx, ly;
  std::vector<std::uint32_t> loc(n);
  if (o.model == ScanModel::kPermutation && !in.lpop.empty())
    throw ConfigError("stscan: populations are for the Poisson model only");
  if (o.model == ScanModel::kPermutation) {
    std::map<std::pair<double, double>, std::uint32_t> index;
    for (std::size_t i = 0; i < n; ++i) index.emplace(std::make_pair(in.x[i], in.y[i]), 0);
    for (auto& [xy, id] : index) {
      id = static_cast<std::uint32_t>(lx.size());
      lx.push_back(xy.first);
      ly.push_back(xy.second);
    }
    for (std::size_t i = 0; i < n; ++i) loc[i] = index.at({in.x[i], in.y[i]});
  } else {
    if (in.lx.empty() || in.lx.size() != in.ly.size())
      throw ConfigError("stscan: the Poisson model needs its locations (a grid's cells)");
    lx = in.lx;
    ly = in.ly;
    std::unordered_multimap<std::uint64_t, std::uint32_t> index;
    for (std::size_t l = 0; l < lx.size(); ++l)
      index.emplace(coordinate_key(lx[l], ly[l]), static_cast<std::uint32_t>(l));
    for (std::size_t i = 0; i < n; ++i) {
      bool found = false;
      const auto range = index.equal_range(coordinate_key(in.x[i], in.y[i]));
      for (auto it = range.first; it != range.second && !found; ++it)
        if (lx[it->second] == in.x[i] && ly[it->second] == in.y[i]) {
          loc[i] = it->second;
          found = true;
        }
      if (!found)
        throw ConfigError(
            fmt::format("stscan: case {} at ({}, {}) is on no location", i + 1, in.x[i], in.y[i]));
    }
    check_population(in.lpop, lx, ly, loc);
  }
  const auto [lo, hi] = std::minmax_element(in.day.begin(), in.day.end());
  result.first_day = *lo;
  result.days = *hi - *lo + 1;
  result.locations = static_cast<std::int64_t>(lx.size());
  if (result.days > 100000) throw ConfigError("stscan: the cases span more than 100,000 days");
  std::vector<std::int32_t> day(n);
  for (std::size_t i = 0; i < n; ++i) day[i] = static_cast<std::int32_t>(in.day[i] - *lo);
  const auto locations = lx.size();
  const auto days = static_cast<std::size_t>(result.days);
  // in.lpop is empty unless the model is Poisson (refused above otherwise).
  const Scanner scanner(o, lx, ly, in.lpop, result.days, result.cases);
  const LocationDraw draw(in.lpop, locations);
  const auto totals = [&](const std::vector<std::uint32_t>& l, const std::vector<std::int32_t>& d,
                          std::vector<std::int64_t>& lt, std::vector<std::int64_t>& dt) {
    lt.assign(locations, 0);
    dt.assign(days, 0);
    for (std::size_t i = 0; i < n; ++i) {
      ++lt[l[i]];
      ++dt[static_cast<std::size_t>(d[i])];
    }
  };
  std::vector<std::int64_t> loc_total, day_total;
  totals(loc, day, loc_total, day_total);
  auto zones = scanner.scan(cases_of(locations, loc, day), loc_total, day_total, true, true);
  // Replications: permute the days among the cases (permutation model) or place the C cases at
  // locations drawn in proportion to their populations (uniformly when equal) and uniformly drawn
  // days (Poisson, population constant in time, conditioned on C).
  result.replicate_max.assign(static_cast<std::size_t>(o.replications), 0.0);
  tbb::parallel_for(0, o.replications, [&](int r) {
    Rng rng(o.seed, static_cast<std::uint64_t>(r) + 1);
    std::vector<std::uint32_t> l = loc;
    std::vector<std::int32_t> d = day;
    if (o.model == ScanModel::kPermutation) {
      for (std::size_t i = n; i > 1; --i) std::swap(d[i - 1], d[rng.below(i)]);
    } else {
      for (std::size_t i = 0; i < n; ++i) {
        l[i] = draw(rng);
        d[i] = static_cast<std::int32_t>(rng.below(days));
      }
    }
    std::vector<std::int64_t> lt, dt;
    totals(l, d, lt, dt);
    const auto top = scanner.scan(cases_of(locations, l, d), lt, dt, false, false);
    result.replicate_max[static_cast<std::size_t>(r)] = top.front().second.llr;
  });
  std::vector<double> sorted_max = result.replicate_max;
  std::sort(sorted_max.begin(), sorted_max.end());
  // Most likely cluster first, then those sharing no location with an earlier one (SaTScan's
  // "no geographical overlap"); equal LLRs keep centre order, then size.
  std::stable_sort(zones.begin(), zones.end(),
                   [](const auto& a, const auto& b) { return a.second.llr > b.second.llr; });
  std::vector<char> used(locations, 0);
  const auto total = static_cast<double>(n);
  for (const auto& [zone, best] : zones) {
    const auto& near = scanner.neighbours(zone.centre);
    bool free = true;
    for (std::uint32_t k = 0; k < zone.size && free; ++k) free = !used[near[k].second];
    if (!free) continue;
    for (std::uint32_t k = 0; k < zone.size; ++k) used[near[k].second] = 1;
    ScanCluster c;
    c.x = lx[zone.centre];
    c.y = ly[zone.centre];
    c.radius = zone.radius;
    c.locations = zone.size;
    c.start = best.start + result.first_day;
    c.end = best.end + result.first_day;
    c.observed = best.observed;
    c.expected = best.expected;
    const double c_out = total - static_cast<double>(best.observed);
    const double mu_out = total - best.expected;
    c.relative_risk = c_out > 0 && mu_out > 0
                          ? (static_cast<double>(best.observed) / best.expected) / (c_out / mu_out)
                          : std::numeric_limits<double>::infinity();
    c.llr = best.llr;
    const auto beaten =
        sorted_max.end() - std::lower_bound(sorted_max.begin(), sorted_max.end(), best.llr);
    c.p = static_cast<double>(1 + beaten) / static_cast<double>(1 + o.replications);
    result.clusters.push_back(c);
  }
  return result;
}

}  // namespace scrutineer::scan
