// Tests of the synthetic city: determinism, the branching construction of the Mohler et al. (2015)
// process against its analytic moments, reporting rates, layout and the files written.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <numeric>
#include <sstream>

#include "scrutineer/core/error.hpp"
#include "scrutineer/core/parallel.hpp"
#include "scrutineer/geo/areas.hpp"
#include "scrutineer/geo/overlay.hpp"
#include "scrutineer/geo/region.hpp"
#include "scrutineer/io/csv.hpp"
#include "scrutineer/synth/city.hpp"

namespace fs = std::filesystem;
using scrutineer::Rng;
using namespace scrutineer::synth;

namespace {

fs::path temp_folder(const std::string& name) {
  const auto path =
      fs::temp_directory_path() / ("scrutineer_synth_" + std::to_string(::getpid()) + "_" + name);
  fs::remove_all(path);
  return path;
}

std::string slurp(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

CityOptions small_city(std::uint64_t seed = 7) {
  CityOptions o;
  o.seed = seed;
  o.days = 365;
  return o;
}

// Per-cell counts of `cells` independent simulate_cell runs.
struct Pooled {
  std::vector<double> all, children;
};
Pooled simulate_cells(int cells, double mu, double theta, double omega, double length,
                      double burn_in) {
  Pooled p;
  for (int c = 0; c < cells; ++c) {
    Rng rng(99, static_cast<std::uint64_t>(c));
    const auto process = simulate_cell(mu, theta, omega, length, burn_in, rng);
    p.all.push_back(static_cast<double>(process.t.size()));
    p.children.push_back(static_cast<double>(std::count_if(
        process.parent.begin(), process.parent.end(), [](auto q) { return q != -1; })));
  }
  return p;
}

double mean(const std::vector<double>& v) {
  return std::accumulate(v.begin(), v.end(), 0.0) / static_cast<double>(v.size());
}
double standard_error(const std::vector<double>& v) {
  const double m = mean(v);
  double ss = 0;
  for (double x : v) ss += (x - m) * (x - m);
  return std::sqrt(ss / static_cast<double>(v.size() - 1) / static_cast<double>(v.size()));
}

}  // namespace

TEST(SynthProcess, ExpectedCountHandValues) {
  // theta = 0: a Poisson process, mu T = 0.05 * 100 = 5.
  EXPECT_DOUBLE_EQ(expected_count(0.05, 0.0, 0.2, 100, 0), 5.0);
  // mu = 0.05, theta = 0.5, omega = 0.2, T = 100, B = 0: m* = 0.1, omega (1 - theta) = 0.1,
  // 0.1 * 100 - 0.1 * 0.5 / 0.1 * (1 - e^-10) = 10 - 0.5 + 0.5 e^-10 = 9.5000227.
  EXPECT_NEAR(expected_count(0.05, 0.5, 0.2, 100, 0), 9.5 + 0.5 * std::exp(-10.0), 1e-12);
  // A long burn-in removes the start-up deficit: B = 200 gives 10 - 0.5 e^-20 (1 - e^-10).
  EXPECT_NEAR(expected_count(0.05, 0.5, 0.2, 100, 200), 10.0, 1e-8);
}

TEST(SynthProcess, MeanCountMatchesAnalyticExpectation) {
  // 20,000 independent cells; the edge-corrected expectation must hold and the asymptotic
  // mu T / (1 - theta) = 10 must be rejected (it is 0.5 away, about 11 standard errors).
  const auto p = simulate_cells(20000, 0.05, 0.5, 0.2, 100, 0);
  const double se = standard_error(p.all);
  EXPECT_NEAR(mean(p.all), expected_count(0.05, 0.5, 0.2, 100, 0), 4 * se);
  EXPECT_GT(std::fabs(mean(p.all) - 10.0), 4 * se);
  // With a burn-in of 60 days (e^-6 residual) the mean is the stationary one, m* T.
  const auto q = simulate_cells(20000, 0.01, 0.5, 0.2, 730, 60);
  EXPECT_NEAR(mean(q.all), expected_count(0.01, 0.5, 0.2, 730, 60), 4 * standard_error(q.all));
  EXPECT_NEAR(mean(q.all), 0.01 * 730 / 0.5, 4 * standard_error(q.all) + 0.01 * 730 * 0.01);
}

TEST(SynthProcess, CountsAreOverdispersedAsAHawkesProcess) {
  // For a stationary Hawkes process Var N(T) -> mu T / (1 - theta)^3 as T grows (Bartlett
  // spectrum at 0: m* / (1 - theta)^2), against mu T / (1 - theta) for its mean: here 58.4 against
  // 14.6, where a Poisson process would give 14.6 for both. The finite-T correction is of order
  // 1 / (omega (1 - theta) T) = 1.4%, allowed for beside 4 standard errors of the sample variance.
  const auto p = simulate_cells(20000, 0.01, 0.5, 0.2, 730, 60);
  const double m = mean(p.all);
  std::vector<double> squares;
  for (double x : p.all) squares.push_back((x - m) * (x - m));
  const double variance = mean(squares), expected = 0.01 * 730 / std::pow(0.5, 3);
  EXPECT_NEAR(variance, expected, 4 * standard_error(squares) + 0.014 * expected);
  EXPECT_GT(variance, 3 * m);
}

TEST(SynthProcess, ChildShareEstimatesTheta) {
  // Near stationarity the triggered rate is theta m*, so children / all estimates theta.
  // Cells are independent, events within a cell are not: the standard error of the ratio comes
  // from the per-cell residuals children_c - theta_hat all_c (delta method).
  for (double theta : {0.2, 0.5, 0.8}) {
    const auto p = simulate_cells(5000, 0.02, theta, 0.5, 365, 80);
    const double all = std::accumulate(p.all.begin(), p.all.end(), 0.0);
    const double children = std::accumulate(p.children.begin(), p.children.end(), 0.0);
    const double estimate = children / all;
    std::vector<double> residual;
    for (std::size_t c = 0; c < p.all.size(); ++c)
      residual.push_back(p.children[c] - estimate * p.all[c]);
    const double se = standard_error(residual) / mean(p.all);
    EXPECT_NEAR(estimate, theta, 4 * se) << "theta " << theta;
  }
}

TEST(SynthProcess, DelaysAreExponentialWithRateOmega) {
  // Delays of children whose parent lies more than 100 / omega before the window end are
  // untruncated (e^-100): their maximum-likelihood rate n / sum(delays) has standard error
  // omega / sqrt(n).
  const double omega = 0.2, length = 2000;
  double sum = 0;
  std::int64_t n = 0;
  for (int c = 0; c < 200; ++c) {
    Rng rng(5, static_cast<std::uint64_t>(c));
    const auto p = simulate_cell(0.1, 0.5, omega, length, 0, rng);
    for (std::size_t i = 0; i < p.t.size(); ++i) {
      const auto parent = p.parent[i];
      if (parent < 0 || p.t[static_cast<std::size_t>(parent)] > length - 100 / omega) continue;
      ASSERT_GE(p.t[i], p.t[static_cast<std::size_t>(parent)]);
      sum += p.t[i] - p.t[static_cast<std::size_t>(parent)];
      ++n;
    }
  }
  ASSERT_GT(n, 10000);
  EXPECT_NEAR(static_cast<double>(n) / sum, omega, 4 * omega / std::sqrt(static_cast<double>(n)));
}

TEST(SynthCity, RecordedShareMatchesReportingRatePerNeighbourhood) {
  const auto city = generate_city(CityOptions{});
  std::vector<double> all(city.neighbourhoods.size()), recorded(city.neighbourhoods.size());
  for (std::size_t i = 0; i < city.truth.size(); ++i) {
    all[static_cast<std::size_t>(city.truth.neighbourhood[i])] += 1;
    recorded[static_cast<std::size_t>(city.truth.neighbourhood[i])] += city.truth.recorded[i];
  }
  // Each true crime is recorded independently with its neighbourhood's rate r: the recorded share
  // is binomial with standard error sqrt(r (1 - r) / n).
  for (std::size_t k = 0; k < all.size(); ++k) {
    const double r = city.neighbourhoods[k].reporting_rate;
    ASSERT_GT(all[k], 200) << city.neighbourhoods[k].name;
    EXPECT_NEAR(recorded[k] / all[k], r, 4 * std::sqrt(r * (1 - r) / all[k]))
        << city.neighbourhoods[k].name;
  }
  // The rates differ enough between neighbourhoods that recorded crime misrepresents true crime.
  double lo = 1, hi = 0;
  for (const auto& n : city.neighbourhoods) {
    lo = std::min(lo, n.reporting_rate);
    hi = std::max(hi, n.reporting_rate);
  }
  EXPECT_GT(hi - lo, 0.15);
}

TEST(SynthCity, TrueCountsMatchTheBackgroundRates) {
  const auto city = generate_city(CityOptions{});
  const auto& o = city.options;
  // mu sums to the city's background rate by construction (both parts are normalised).
  EXPECT_NEAR(std::accumulate(city.mu.begin(), city.mu.end(), 0.0), o.background_per_day, 1e-9);
  // Total count: a sum over independent cells, whose variance is about mu T / (1 - theta)^3
  // per cell (Hawkes clusters); 4 standard errors.
  double expected = 0, variance = 0;
  for (double mu : city.mu) {
    expected += expected_count(mu, o.theta, o.omega, o.days, o.burn_in_days);
    variance += mu * o.days / std::pow(1 - o.theta, 3);
  }
  EXPECT_NEAR(static_cast<double>(city.truth.size()), expected, 4 * std::sqrt(variance));
}

TEST(SynthCity, EventsLieInTheirCellsInTimeOrder) {
  const auto city = generate_city(small_city());
  const auto& truth = city.truth;
  ASSERT_GT(truth.size(), 1000u);
  for (std::size_t i = 0; i < truth.size(); ++i) {
    ASSERT_EQ(city.grid.cell_of(truth.x[i], truth.y[i]), truth.cell[i]) << i;
    ASSERT_EQ(truth.neighbourhood[i],
              city.cell_neighbourhood[static_cast<std::size_t>(truth.cell[i])]);
    ASSERT_EQ((truth.t[i] - city.start) % 60, 0);
    ASSERT_GE(truth.t[i], city.start);
    ASSERT_LT(truth.t[i], city.end);
    if (i > 0) {
      ASSERT_LE(truth.t[i - 1], truth.t[i]);
    }
    const auto p = truth.parent[i];
    ASSERT_GE(p, -2);
    ASSERT_LT(p, static_cast<std::int64_t>(i));
    if (p >= 0) {
      ASSERT_EQ(truth.cell[static_cast<std::size_t>(p)], truth.cell[i]);
      ASSERT_EQ(truth.category[static_cast<std::size_t>(p)], truth.category[i]);
    }
  }
  // The recorded set is exactly the flagged true events, in the same order.
  std::size_t k = 0;
  for (std::size_t i = 0; i < truth.size(); ++i) {
    if (!truth.recorded[i]) continue;
    ASSERT_LT(k, city.recorded.size());
    EXPECT_EQ(city.recorded.t[k], truth.t[i]);
    EXPECT_EQ(city.recorded.x[k], truth.x[i]);
    EXPECT_EQ(city.recorded.source_row[k], static_cast<std::int64_t>(k) + 2);
    ++k;
  }
  EXPECT_EQ(k, city.recorded.size());
  EXPECT_EQ(city.recorded.crs, "EPSG:32630");
}

TEST(SynthCity, LayoutAndTimeWindow) {
  const auto city = generate_city(CityOptions{});
  EXPECT_EQ(city.grid.nx, 50);
  EXPECT_EQ(city.grid.ny, 50);
  EXPECT_EQ(city.grid.cells(), 2500);
  EXPECT_EQ(city.neighbourhoods.size(), 25u);
  EXPECT_EQ(city.neighbourhoods[6].name, "N07");
  // N07 is the second neighbourhood of the second row: x from 600000 + 1000, y from 5806000 + 1000.
  EXPECT_DOUBLE_EQ(city.neighbourhoods[6].x0, 601000.0);
  EXPECT_DOUBLE_EQ(city.neighbourhoods[6].y1, 5808000.0);
  // 2024-01-01 00:00 in London is GMT (UTC+0): 1704067200 (date -u -d 2024-01-01 +%s).
  EXPECT_EQ(city.start, 1704067200);
  EXPECT_EQ(city.end - city.start, 730 * 86400);
}

TEST(SynthCity, PopulationFollowsTheGradientAndReportingTheGroups) {
  CityOptions flat;
  flat.segregation = 0;
  flat.population_noise = 0;
  flat.reporting_noise = 0;
  const auto city = generate_city(flat);
  for (const auto& n : city.neighbourhoods) {
    // No gradient, no noise: each group holds its base share (0.6, 0.25, 0.15) up to rounding.
    EXPECT_NEAR(n.population[0], 0.6 * n.total_population, 1.0);
    EXPECT_NEAR(n.population[1], 0.25 * n.total_population, 1.0);
    // Reporting = 0.6 * 0.8 + 0.25 * 0.4 + 0.15 * 0.6 = 0.67 up to the rounding of people.
    EXPECT_NEAR(n.reporting_rate, 0.67, 1e-3);
    EXPECT_DOUBLE_EQ(n.total_population,
                     std::accumulate(n.population.begin(), n.population.end(), 0.0));
  }
  // Default segregation: group_a's gradient points east (angle 0), group_b's to 120 degrees.
  const auto seg = generate_city(CityOptions{});
  auto share = [&](std::size_t k, std::size_t g) {
    return seg.neighbourhoods[k].population[g] / seg.neighbourhoods[k].total_population;
  };
  double west = 0, east = 0;
  for (std::size_t row = 0; row < 5; ++row) {
    west += share(row * 5, 0);
    east += share(row * 5 + 4, 0);
  }
  EXPECT_GT(east / 5, west / 5 + 0.2);
}

TEST(SynthCity, SameResultWithOneOrTwoThreads) {
  auto run = [](int threads) {
    scrutineer::ThreadLimit limit(threads);
    return generate_city(small_city(11));
  };
  const auto a = run(1), b = run(2);
  EXPECT_EQ(a.truth.t, b.truth.t);
  EXPECT_EQ(a.truth.x, b.truth.x);
  EXPECT_EQ(a.truth.parent, b.truth.parent);
  EXPECT_EQ(a.truth.recorded, b.truth.recorded);
}

TEST(SynthFiles, SameSeedSameBytesDifferentSeedDifferentBytes) {
  const auto one = temp_folder("one"), two = temp_folder("two"), other = temp_folder("other");
  const auto paths = write_city(generate_city(small_city(3)), one);
  write_city(generate_city(small_city(3)), two);
  write_city(generate_city(small_city(4)), other);
  ASSERT_EQ(paths.size(), 5u);
  for (const auto& path : paths) {
    const auto name = path.filename();
    const auto bytes = slurp(one / name);
    ASSERT_GT(bytes.size(), 100u) << name;
    EXPECT_EQ(bytes, slurp(two / name)) << name;
  }
  for (const char* name : {"events.csv", "true_events.csv", "areas.geojson", "truth.json"})
    EXPECT_NE(slurp(one / name), slurp(other / name)) << name;
  // The outline does not depend on the seed.
  EXPECT_EQ(slurp(one / "region.geojson"), slurp(other / "region.geojson"));
  for (const auto& f : {one, two, other}) fs::remove_all(f);
}

TEST(SynthFiles, EventsCsvHoldsTheRecordedCrimes) {
  const auto folder = temp_folder("csv");
  const auto city = generate_city(small_city(5));
  write_city(city, folder);
  scrutineer::io::CsvReader reader((folder / "events.csv").string());
  const std::vector<std::string> header = {"time", "time_utc", "x",        "y",
                                           "lon",  "lat",      "category", "neighbourhood"};
  EXPECT_EQ(reader.header(), header);
  scrutineer::io::CsvRecord record;
  std::size_t rows = 0;
  while (reader.next(record)) {
    ASSERT_EQ(record.size(), 8u);
    EXPECT_EQ(record.line, city.recorded.source_row[rows]);
    EXPECT_EQ(std::stod(std::string(record[2])), city.recorded.x[rows]);
    // The city's corners, transformed with `cs2cs EPSG:32630 EPSG:4326`, bound lon and lat:
    // lon -1.5303329 .. -1.4553081, lat 52.3941638 .. 52.4400368.
    const double lon = std::stod(std::string(record[4])), lat = std::stod(std::string(record[5]));
    EXPECT_GT(lon, -1.5303330);
    EXPECT_LT(lon, -1.4553080);
    EXPECT_GT(lat, 52.3941637);
    EXPECT_LT(lat, 52.4400369);
    ++rows;
  }
  EXPECT_EQ(rows, city.recorded.size());
  // The first day's times are local (GMT in January), so time and time_utc agree.
  scrutineer::io::CsvReader again((folder / "events.csv").string());
  ASSERT_TRUE(again.next(record));
  EXPECT_EQ(std::string(record[0]).substr(0, 10), std::string(record[1]).substr(0, 10));
  fs::remove_all(folder);
}

TEST(SynthFiles, SummerTimesAreWrittenInBritishSummerTime) {
  CityOptions o = small_city(6);
  o.start_date = "2024-07-01";
  o.days = 2;
  o.background_per_day = 200;
  const auto folder = temp_folder("bst");
  write_city(generate_city(o), folder);
  scrutineer::io::CsvReader reader((folder / "events.csv").string());
  scrutineer::io::CsvRecord record;
  ASSERT_TRUE(reader.next(record));
  // BST is UTC+1: "2024-07-01 HH:MM" local is "(HH-1):MM" UTC; the window starts at 2024-06-30
  // 23:00 UTC.
  const std::string local(record[0]), utc(record[1]);
  const int local_minutes = std::stoi(local.substr(11, 2)) * 60 + std::stoi(local.substr(14, 2));
  const int utc_minutes = std::stoi(utc.substr(11, 2)) * 60 + std::stoi(utc.substr(14, 2));
  EXPECT_EQ((local_minutes - utc_minutes + 1440) % 1440, 60) << local << " vs " << utc;
  fs::remove_all(folder);
}

TEST(SynthFiles, TruthAndAreasDescribeTheCity) {
  const auto folder = temp_folder("truth");
  const auto city = generate_city(small_city(8));
  write_city(city, folder);
  const auto truth = nlohmann::json::parse(slurp(folder / "truth.json"));
  EXPECT_EQ(truth["seed"], 8);
  EXPECT_EQ(truth["crs"], "EPSG:32630");
  EXPECT_EQ(truth["grid"]["nx"], 50);
  EXPECT_EQ(truth["process"]["mu"].size(), 2500u);
  EXPECT_EQ(truth["process"]["theta"], 0.5);
  EXPECT_EQ(truth["options"]["days"], "365");
  EXPECT_EQ(truth["counts"]["true"], city.truth.size());
  EXPECT_EQ(truth["counts"]["recorded"], city.recorded.size());
  const auto areas = nlohmann::json::parse(slurp(folder / "areas.geojson"));
  EXPECT_EQ(areas["crs"]["properties"]["name"], "urn:ogc:def:crs:EPSG::32630");
  ASSERT_EQ(areas["features"].size(), 25u);
  std::int64_t recorded = 0;
  for (const auto& f : areas["features"]) {
    const auto& p = f["properties"];
    EXPECT_EQ(p["population"].get<std::int64_t>(), p["group_a"].get<std::int64_t>() +
                                                       p["group_b"].get<std::int64_t>() +
                                                       p["group_c"].get<std::int64_t>());
    recorded += p["recorded_crimes"].get<std::int64_t>();
  }
  EXPECT_EQ(recorded, static_cast<std::int64_t>(city.recorded.size()));
  fs::remove_all(folder);
}

TEST(SynthOptions, DeclaredOnceWithDefaultsFromTheStruct) {
  const auto specs = city_param_specs();
  auto find = [&](const std::string& name) {
    for (const auto& s : specs)
      if (s.name == name) return s;
    ADD_FAILURE() << name;
    return scrutineer::ParamSpec{};
  };
  EXPECT_EQ(find("days").default_value, "730");
  EXPECT_EQ(find("theta").default_value, "0.5");
  EXPECT_EQ(find("crs").default_value, "EPSG:32630");
  scrutineer::ParamSet params(specs);
  params.set_all("seed=42,days=10,theta=0.25");
  params.set("groups", "a,b");  // lists hold commas, so they are set one by one
  EXPECT_THROW(city_options_from(params), scrutineer::ConfigError);  // 2 groups, 3 shares
  params.set("group-shares", "0.5,0.5");
  params.set("reporting-by-group", "0.9,0.3");
  const auto o = city_options_from(params);
  EXPECT_EQ(o.seed, 42u);
  EXPECT_EQ(o.days, 10);
  EXPECT_DOUBLE_EQ(o.theta, 0.25);
  EXPECT_EQ(city_params(o).text("groups"), "a,b");
}

TEST(SynthOptions, OutOfRangeValuesAreConfigErrors) {
  auto bad = [](auto change) {
    CityOptions o;
    change(o);
    EXPECT_THROW(validate(o), scrutineer::ConfigError);
  };
  bad([](CityOptions& o) { o.theta = 1.0; });
  bad([](CityOptions& o) { o.omega = 0; });
  bad([](CityOptions& o) { o.days = 0; });
  bad([](CityOptions& o) { o.start_date = "2024-02-30"; });
  bad([](CityOptions& o) { o.reporting_by_group = "0.5,0.5,1.5"; });
  bad([](CityOptions& o) { o.categories = "burglary:0.5,burglary:0.5"; });
  bad([](CityOptions& o) { o.groups = "id,b,c"; });
  bad([](CityOptions& o) { o.crs = "+proj=utm"; });
  bad([](CityOptions& o) { o.crs = "EPSG:4326"; });  // degrees, not metres
  bad([](CityOptions& o) { o.crs = "EPSG:3435"; });  // Illinois East in US survey feet
  EXPECT_THROW(generate_city([] {
                 CityOptions o;
                 o.time_zone = "Mars/Olympus";
                 return o;
               }()),
               scrutineer::ConfigError);
}

TEST(SynthFiles, GdalReadsTheAreasAndRegionInTheCityCrs) {
  const auto folder = temp_folder("gdal");
  const auto city = generate_city(small_city(9));
  write_city(city, folder);
  const auto region = scrutineer::geo::read_region((folder / "region.geojson").string(), "");
  EXPECT_EQ(region.crs, "EPSG:32630");
  EXPECT_DOUBLE_EQ(region.area, 5000.0 * 5000.0);  // the 5 km square
  const auto areas =
      scrutineer::geo::read_areas((folder / "areas.geojson").string(), "id", region.crs);
  ASSERT_EQ(areas.size(), 25u);
  EXPECT_EQ(areas.ids[0], "1");
  for (std::size_t k = 0; k < areas.size(); ++k) {
    EXPECT_DOUBLE_EQ(areas.area[k], 1e6);  // 1 km x 1 km
    EXPECT_EQ(areas.column("group_b")[k], city.neighbourhoods[k].population[1]);
    EXPECT_NEAR(areas.column("reporting_rate")[k], city.neighbourhoods[k].reporting_rate, 1e-15);
  }
  // Neighbourhood edges lie on cell edges: every cell lies wholly (100 m x 100 m = 10,000 m^2) in
  // exactly its own neighbourhood.
  const auto overlay = scrutineer::geo::make_overlay(city.grid, areas);
  ASSERT_EQ(overlay.entries(), 2500u);
  for (std::int64_t c = 0; c < city.grid.cells(); ++c) {
    const auto k = static_cast<std::size_t>(overlay.start[static_cast<std::size_t>(c)]);
    ASSERT_EQ(overlay.start[static_cast<std::size_t>(c) + 1],
              overlay.start[static_cast<std::size_t>(c)] + 1);
    EXPECT_EQ(overlay.area[k], city.cell_neighbourhood[static_cast<std::size_t>(c)]);
    EXPECT_NEAR(overlay.intersection[k], 1e4, 1e-6);
  }
  fs::remove_all(folder);
}
