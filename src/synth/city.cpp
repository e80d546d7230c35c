// The synthetic city's generator. True crime per cell is the self-exciting process of Mohler et al.
// (2015), JASA 110(512), simulated exactly by its branching (cluster) construction.
#include "scrutineer/synth/city.hpp"

#include <fmt/format.h>
#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>

#include <algorithm>
#include <cmath>
#include <numbers>
#include <numeric>
#include <tuple>

#include "scrutineer/core/error.hpp"
#include "scrutineer/core/time.hpp"
#include "synth_internal.hpp"

namespace scrutineer::synth {

namespace {

// Independent random streams of one seed: layout streams first, then one stream per cell, so a
// cell's events never depend on the thread that simulated it.
constexpr std::uint64_t kStreamPopulation = 1;
constexpr std::uint64_t kStreamReporting = 2;
constexpr std::uint64_t kStreamBackground = 3;
constexpr std::uint64_t kStreamFirstCell = std::uint64_t{1} << 32;

constexpr double kMinReporting = 0.05, kMaxReporting = 0.95;

std::vector<double> normalised(std::vector<double> v) {
  const double sum = std::accumulate(v.begin(), v.end(), 0.0);
  for (auto& x : v) x /= sum;
  return v;
}

geo::Grid make_city_grid(const CityOptions& o) {
  geo::Grid grid;
  grid.x0 = o.origin_x;
  grid.y0 = o.origin_y;
  grid.size = o.cell_size;
  grid.nx = o.neighbourhoods_x * o.cells_per_side;
  grid.ny = o.neighbourhoods_y * o.cells_per_side;
  grid.valid.assign(static_cast<std::size_t>(grid.cells()), 1);
  grid.crs = o.crs;
  return grid;
}

// Group shares follow a smooth gradient across the city, one direction per group (evenly spread
// angles), plus neighbourhood noise: softmax of log(share_g) + s (u cos a_g + v sin a_g) 2 + e.
void add_population(City& city, const std::vector<double>& base_shares) {
  const auto& o = city.options;
  Rng rng(o.seed, kStreamPopulation);
  const auto groups = static_cast<double>(city.groups.size());
  const std::size_t nbx = static_cast<std::size_t>(o.neighbourhoods_x);
  for (auto& n : city.neighbourhoods) {
    const auto k = static_cast<std::size_t>(n.id - 1);
    const double u = (static_cast<double>(k % nbx) + 0.5) / o.neighbourhoods_x - 0.5;
    const double v = (static_cast<double>(k / nbx) + 0.5) / o.neighbourhoods_y - 0.5;
    // Log-normal total with mean population_mean: E[e^{sZ - s^2/2}] = 1.
    constexpr double kSpread = 0.25;
    const double total =
        o.population_mean * std::exp(kSpread * rng.normal() - kSpread * kSpread / 2);
    std::vector<double> weight(city.groups.size());
    for (std::size_t g = 0; g < weight.size(); ++g) {
      const double angle = 2 * std::numbers::pi * static_cast<double>(g) / groups;
      weight[g] = std::exp(std::log(base_shares[g]) +
                           2 * o.segregation * (u * std::cos(angle) + v * std::sin(angle)) +
                           o.population_noise * rng.normal());
    }
    const auto share = normalised(weight);
    n.population.clear();
    for (double s : share) n.population.push_back(std::round(total * s));
    n.total_population = std::accumulate(n.population.begin(), n.population.end(), 0.0);
  }
}

// Reporting rate = population-weighted mean of the groups' rates plus noise, clamped.
void add_reporting(City& city) {
  Rng rng(city.options.seed, kStreamReporting);
  for (auto& n : city.neighbourhoods) {
    double rate = 0;
    for (std::size_t g = 0; g < city.groups.size(); ++g)
      rate += city.group_reporting[g] *
              (n.total_population > 0 ? n.population[g] / n.total_population : 0.0);
    rate += city.options.reporting_noise * rng.normal();
    n.reporting_rate = std::clamp(rate, kMinReporting, kMaxReporting);
  }
}

void add_neighbourhoods(City& city, const std::vector<double>& group_shares) {
  const auto& o = city.options;
  const std::int32_t count = o.neighbourhoods_x * o.neighbourhoods_y;
  const int width = std::max(2, static_cast<int>(fmt::format("{}", count).size()));
  const double side = o.cells_per_side * o.cell_size;
  for (std::int32_t k = 0; k < count; ++k) {
    Neighbourhood n;
    n.id = k + 1;
    n.name = fmt::format("N{:0{}}", n.id, width);
    n.x0 = o.origin_x + (k % o.neighbourhoods_x) * side;
    n.y0 = o.origin_y + (k / o.neighbourhoods_x) * side;
    n.x1 = n.x0 + side;
    n.y1 = n.y0 + side;
    city.neighbourhoods.push_back(std::move(n));
  }
  const auto& grid = city.grid;
  city.cell_neighbourhood.resize(static_cast<std::size_t>(grid.cells()));
  for (std::int64_t c = 0; c < grid.cells(); ++c) {
    const auto ix = static_cast<std::int32_t>(c % grid.nx) / o.cells_per_side;
    const auto iy = static_cast<std::int32_t>(c / grid.nx) / o.cells_per_side;
    city.cell_neighbourhood[static_cast<std::size_t>(c)] = iy * o.neighbourhoods_x + ix;
  }
  add_population(city, group_shares);
  add_reporting(city);
}

// Background rate mu_n (events per cell per day): a smooth base, e^{sum of three plane waves with
// wavelengths about the city's size}, plus Gaussian hotspots; each part normalised to its share.
void add_background(City& city) {
  const auto& o = city.options;
  const auto& grid = city.grid;
  Rng rng(o.seed, kStreamBackground);
  const double width = grid.nx * grid.size, height = grid.ny * grid.size;
  const std::size_t cells = static_cast<std::size_t>(grid.cells());
  std::vector<double> base(cells, 0.0);
  constexpr int kWaves = 3;
  constexpr double kAmplitude = 0.35;
  for (int w = 0; w < kWaves; ++w) {
    const double angle = rng.uniform(0, 2 * std::numbers::pi);
    const double wavelength = std::max(width, height) * rng.uniform(0.7, 1.5);
    const double phase = rng.uniform(0, 2 * std::numbers::pi);
    for (std::size_t c = 0; c < cells; ++c) {
      const double x = grid.centre_x(static_cast<std::int64_t>(c)) - grid.x0;
      const double y = grid.centre_y(static_cast<std::int64_t>(c)) - grid.y0;
      base[c] +=
          kAmplitude *
          std::cos(2 * std::numbers::pi * (x * std::cos(angle) + y * std::sin(angle)) / wavelength +
                   phase);
    }
  }
  for (auto& b : base) b = std::exp(b);
  base = normalised(std::move(base));
  std::vector<double> hot(cells, 0.0);
  const double hot_share = o.hotspots > 0 ? o.hotspot_share : 0.0;
  for (std::int32_t h = 0; h < o.hotspots; ++h) {
    const double cx = grid.x0 + width * rng.uniform(0.1, 0.9);
    const double cy = grid.y0 + height * rng.uniform(0.1, 0.9);
    const double weight = rng.uniform(0.5, 1.5);
    std::vector<double> kernel(cells);
    for (std::size_t c = 0; c < cells; ++c) {
      const double dx = grid.centre_x(static_cast<std::int64_t>(c)) - cx;
      const double dy = grid.centre_y(static_cast<std::int64_t>(c)) - cy;
      kernel[c] = std::exp(-(dx * dx + dy * dy) / (2 * o.hotspot_radius * o.hotspot_radius));
    }
    const double sum = std::accumulate(kernel.begin(), kernel.end(), 0.0);
    if (sum > 0) {
      for (std::size_t c = 0; c < cells; ++c) hot[c] += weight * kernel[c] / sum;
    } else {  // a radius far below the cell size: the hotspot is its own cell
      hot[static_cast<std::size_t>(grid.cell_of(cx, cy))] += weight;
    }
  }
  if (hot_share > 0) hot = normalised(std::move(hot));
  city.mu.resize(cells);
  for (std::size_t c = 0; c < cells; ++c)
    city.mu[c] = o.background_per_day * ((1 - hot_share) * base[c] + hot_share * hot[c]);
}

// One cell's events before the global merge.
struct CellEvents {
  CellProcess process;
  std::vector<std::int32_t> category;
  std::vector<double> x, y;
  std::vector<std::uint8_t> recorded;
};

// A uniform position inside [lo, hi), on whole centimetres so that the written text is exact.
double uniform_centimetres(double lo, double hi, Rng& rng) {
  const double first = std::ceil(lo * 100), end = std::ceil(hi * 100);
  const auto span = static_cast<std::uint64_t>(std::max(1.0, end - first));
  return (first + static_cast<double>(rng.below(span))) / 100;
}

CellEvents simulate_cell_events(const City& city, std::int64_t c,
                                const std::vector<double>& category_cumulative) {
  const auto& o = city.options;
  const auto& grid = city.grid;
  Rng rng(o.seed, kStreamFirstCell + static_cast<std::uint64_t>(c));
  CellEvents out;
  out.process = simulate_cell(city.mu[static_cast<std::size_t>(c)], o.theta, o.omega, o.days,
                              o.burn_in_days, rng);
  const auto area = city.cell_neighbourhood[static_cast<std::size_t>(c)];
  const double rate = city.neighbourhoods[static_cast<std::size_t>(area)].reporting_rate;
  const double left = grid.x0 + static_cast<double>(c % grid.nx) * grid.size;
  const double bottom = grid.y0 + static_cast<double>(c / grid.nx) * grid.size;
  const std::size_t n = out.process.t.size();
  for (std::size_t i = 0; i < n; ++i) {
    const auto parent = out.process.parent[i];
    std::int32_t category = 0;
    if (parent >= 0) {  // a repeat is the same kind of crime as the event that triggered it
      category = out.category[static_cast<std::size_t>(parent)];
    } else {
      const double u = rng.uniform();
      while (category + 1 < static_cast<std::int32_t>(category_cumulative.size()) &&
             u >= category_cumulative[static_cast<std::size_t>(category)])
        ++category;
    }
    out.category.push_back(category);
    out.x.push_back(uniform_centimetres(left, left + grid.size, rng));
    out.y.push_back(uniform_centimetres(bottom, bottom + grid.size, rng));
    out.recorded.push_back(rng.bernoulli(rate) ? 1 : 0);
  }
  return out;
}

void add_events(City& city, const std::vector<double>& category_cumulative) {
  const auto cells = static_cast<std::size_t>(city.grid.cells());
  std::vector<CellEvents> per_cell(cells);
  tbb::parallel_for(tbb::blocked_range<std::size_t>(0, cells), [&](const auto& range) {
    for (std::size_t c = range.begin(); c != range.end(); ++c)
      per_cell[c] = simulate_cell_events(city, static_cast<std::int64_t>(c), category_cumulative);
  });
  // Whole minutes, counted from the window start (local midnight of start_date).
  auto minute_of = [&](double days) { return static_cast<std::int64_t>(std::floor(days * 1440)); };
  std::vector<std::tuple<std::int64_t, std::size_t, std::size_t>> order;  // minute, cell, index
  for (std::size_t c = 0; c < cells; ++c)
    for (std::size_t i = 0; i < per_cell[c].process.t.size(); ++i)
      order.emplace_back(minute_of(per_cell[c].process.t[i]), c, i);
  std::sort(order.begin(), order.end());
  std::vector<std::vector<std::int64_t>> global(cells);
  for (std::size_t c = 0; c < cells; ++c) global[c].resize(per_cell[c].process.t.size());
  for (std::size_t k = 0; k < order.size(); ++k)
    global[std::get<1>(order[k])][std::get<2>(order[k])] = static_cast<std::int64_t>(k);
  auto& truth = city.truth;
  for (const auto& [minute, c, i] : order) {
    const auto& e = per_cell[c];
    const auto parent = e.process.parent[i];
    truth.t.push_back(city.start + minute * 60);
    truth.x.push_back(e.x[i]);
    truth.y.push_back(e.y[i]);
    truth.cell.push_back(static_cast<std::int32_t>(c));
    truth.neighbourhood.push_back(city.cell_neighbourhood[c]);
    truth.category.push_back(e.category[i]);
    truth.parent.push_back(parent >= 0 ? global[c][static_cast<std::size_t>(parent)] : parent);
    truth.recorded.push_back(e.recorded[i]);
  }
}

void add_recorded(City& city) {
  auto& events = city.recorded;
  events.categories = city.categories;
  events.resolution = TimeResolution::kMinute;
  events.crs = city.options.crs;
  events.time_zone = city.options.time_zone;
  const auto& truth = city.truth;
  std::int64_t line = 1;  // events.csv: the header is line 1
  for (std::size_t i = 0; i < truth.size(); ++i) {
    if (!truth.recorded[i]) continue;
    events.push_back(truth.t[i], truth.x[i], truth.y[i],
                     city.categories[static_cast<std::size_t>(truth.category[i])], ++line);
  }
}

}  // namespace

CellProcess simulate_cell(double mu, double theta, double omega, double length, double burn_in,
                          Rng& rng) {
  struct Raw {
    double t;
    std::int64_t parent;
  };
  std::vector<Raw> all;
  const auto background = rng.poisson(mu * (length + burn_in));
  for (std::int64_t i = 0; i < background; ++i) all.push_back({rng.uniform(-burn_in, length), -1});
  // The kernel theta omega e^{-omega t} is theta times the Exp(omega) density: each event has
  // Poisson(theta) children at Exp(omega) delays; children beyond the window are never seen.
  for (std::size_t i = 0; i < all.size(); ++i) {
    const auto children = rng.poisson(theta);
    for (std::int64_t k = 0; k < children; ++k) {
      const double t = all[i].t + rng.exponential(omega);
      if (t < length) all.push_back({t, static_cast<std::int64_t>(i)});
    }
  }
  std::vector<std::size_t> kept;
  for (std::size_t i = 0; i < all.size(); ++i)
    if (all[i].t >= 0) kept.push_back(i);
  std::stable_sort(kept.begin(), kept.end(),
                   [&](std::size_t a, std::size_t b) { return all[a].t < all[b].t; });
  std::vector<std::int64_t> index(all.size(), -2);
  for (std::size_t k = 0; k < kept.size(); ++k) index[kept[k]] = static_cast<std::int64_t>(k);
  CellProcess out;
  out.t.reserve(kept.size());
  out.parent.reserve(kept.size());
  for (auto i : kept) {
    out.t.push_back(all[i].t);
    const auto p = all[i].parent;
    out.parent.push_back(p < 0 ? -1 : index[static_cast<std::size_t>(p)]);
  }
  return out;
}

double expected_count(double mu, double theta, double omega, double length, double burn_in) {
  const double stationary = mu / (1 - theta);
  const double rate = omega * (1 - theta);
  return stationary * length -
         stationary * theta / rate * std::exp(-rate * burn_in) * (1 - std::exp(-rate * length));
}

City generate_city(const CityOptions& options) {
  validate(options);
  City city;
  city.options = options;
  city.groups = split_list(options.groups);
  city.group_reporting = parse_numbers(options.reporting_by_group, "reporting-by-group");
  const auto group_shares = normalised(parse_numbers(options.group_shares, "group-shares"));
  std::vector<double> cumulative;
  for (const auto& [name, share] : parse_categories(options.categories)) {
    city.categories.push_back(name);
    city.category_shares.push_back(share);
  }
  city.category_shares = normalised(city.category_shares);
  std::partial_sum(city.category_shares.begin(), city.category_shares.end(),
                   std::back_inserter(cumulative));
  const TimeZone zone(options.time_zone);
  city.start = zone.to_utc(*parse_iso_datetime(options.start_date));
  city.end = city.start + static_cast<std::int64_t>(options.days) * kSecondsPerDay;
  city.grid = make_city_grid(options);
  add_neighbourhoods(city, group_shares);
  add_background(city);
  add_events(city, cumulative);
  add_recorded(city);
  return city;
}

}  // namespace scrutineer::synth
