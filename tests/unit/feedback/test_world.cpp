// Tests of the loop's World: the city as a World, the overlay's exposure, sepp-grid fitted to
// simulated events (Mohler et al. 2015) recovering μ, θ, ω, and reporting rates read by area.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <iomanip>

#include "loop_test_helpers.hpp"
#include "scrutineer/core/error.hpp"
#include "scrutineer/core/parallel.hpp"
#include "scrutineer/feedback/loop.hpp"
#include "scrutineer/feedback/world.hpp"
#include "scrutineer/geo/region.hpp"
#include "scrutineer/geo/reporting.hpp"

namespace scrutineer::feedback {
namespace {

namespace fs = std::filesystem;

synth::City small_city(std::int32_t days) {
  synth::CityOptions c;
  c.neighbourhoods_x = 3;
  c.neighbourhoods_y = 3;
  c.cells_per_side = 5;  // 225 cells of 100 m
  c.days = days;
  c.background_per_day = 12;
  return synth::generate_city(c);
}

io::MultiPolygon box(double x0, double y0, double x1, double y1) {
  return {io::Polygon{{io::Ring{{x0, x1, x1, x0, x0}, {y0, y0, y1, y1, y0}}}}};
}

TEST(World, CityOverlayEqualsTheEvenSpreadExactly) {
  // Square neighbourhoods of whole cells: I(c, a) = 100² for the 25 cells of a and area(a) =
  // 500², so pop_g(c) = pop_g(a) · 10⁴ / 25·10⁴ = pop_g(a) / 25 (as the old even spread), and the
  // reporting rate of a cell is its neighbourhood's, bit for bit.
  const auto city = small_city(10);
  const auto world = world_from_city(city);
  const auto pop = cell_population(world);
  const auto rate = cell_reporting(world);
  for (auto c : city.grid.valid_cells()) {
    const auto& n = city.neighbourhoods[static_cast<std::size_t>(city.cell_neighbourhood[c])];
    EXPECT_EQ(rate[c], n.reporting_rate);
    for (std::size_t g = 0; g < city.groups.size(); ++g) EXPECT_EQ(pop[g][c], n.population[g] / 25);
  }
  EXPECT_NO_THROW(validate(world));
}

TEST(World, CellsSplitBetweenAreasTakeTheirShares) {
  // Two cells of 100 m: [0,100) and [100,200) x [0,100). Area A = [0,150] x [0,100] (15,000 m²,
  // 300 people, rate 0.8); area B = [150,200] x [0,100] (5,000 m², 50 people, rate 0.4).
  // Cell 0: 300 · 10,000/15,000 = 200 of A. Cell 1: 300 · 5,000/15,000 = 100 of A and
  // 50 · 5,000/5,000 = 50 of B; its rate is 0.8 · ½ + 0.4 · ½ = 0.6.
  World w;
  w.grid.x0 = 0;
  w.grid.y0 = 0;
  w.grid.size = 100;
  w.grid.nx = 2;
  w.grid.ny = 1;
  w.grid.valid = {1, 1};
  w.grid.crs = "EPSG:32630";
  w.mu = {0.1, 0.2};
  w.groups = {"a_people", "b_people"};
  w.areas = {"A", "B"};
  w.population = {{300, 0}, {0, 50}};
  w.total = {300, 50};
  w.reporting = {0.8, 0.4};
  w.overlay = geo::make_overlay(
      w.grid, geo::make_areas({box(0, 0, 150, 100), box(150, 0, 200, 100)}, "EPSG:32630"));
  const auto pop = cell_population(w);
  EXPECT_DOUBLE_EQ(pop[0][0], 200);
  EXPECT_DOUBLE_EQ(pop[0][1], 100);
  EXPECT_DOUBLE_EQ(pop[1][0], 0);
  EXPECT_DOUBLE_EQ(pop[1][1], 50);
  const auto rate = cell_reporting(w);
  EXPECT_DOUBLE_EQ(rate[0], 0.8);
  EXPECT_DOUBLE_EQ(rate[1], 0.6);
  // True-crime shares by area: A gets 0.1 + 0.2 · ½ = 0.2, B 0.2 · ½ = 0.1 -> 2/3, 1/3.
  const auto r = run_loop(w, quick_loop(5, 5, 1, 1));
  EXPECT_DOUBLE_EQ(r.true_area_share[0], 2.0 / 3.0);
  EXPECT_DOUBLE_EQ(r.true_area_share[1], 1.0 / 3.0);
  w.theta = 1.0;
  EXPECT_THROW(validate(w), ConfigError);
}

// The city's areas, group counts and the true events (every crime, recorded or not) in memory.
struct Truth {
  geo::Areas areas;
  study::GroupCounts counts;
  EventSet events;
};

Truth truth_of(const synth::City& city) {
  Truth t;
  std::vector<io::MultiPolygon> polygons;
  std::vector<std::string> ids;
  t.counts.names = city.groups;
  t.counts.by_group.assign(city.groups.size(), {});
  for (const auto& n : city.neighbourhoods) {
    polygons.push_back(box(n.x0, n.y0, n.x1, n.y1));
    ids.push_back(std::to_string(n.id));
    for (std::size_t g = 0; g < city.groups.size(); ++g)
      t.counts.by_group[g].push_back(n.population[g]);
    t.counts.total.push_back(n.total_population);
  }
  t.areas = geo::make_areas(std::move(polygons), city.grid.crs, ids);
  t.events.crs = city.grid.crs;
  t.events.time_zone = "UTC";
  for (std::size_t i = 0; i < city.truth.size(); ++i)
    t.events.push_back(city.truth.t[i], city.truth.x[i], city.truth.y[i], "crime",
                       static_cast<std::int64_t>(i + 2));
  return t;
}

TEST(FitWorld, RecoversTheParametersOfSimulatedEvents) {
  // 1,460 days of the city's true crime (θ = 0.5, ω = 0.2 per day, Σμ = 12 per day): about
  // 12 · 1460 = 17,520 background events and as many children. Tolerances: θ ± 0.03 and ω ± 10%
  // (the EM's standard errors at this size are about 0.005 and 3%); Σμ ± 3% (Poisson sd of the
  // background count, 1/√17,520 = 0.8%); μ summed by neighbourhood (about 1,950 background events
  // each, sd 2.3%, plus children taken for background and back) ± 12%.
  const auto city = small_city(1460);
  const auto t = truth_of(city);
  const auto world = fit_world(t.events, city.grid, t.areas, t.counts,
                               std::vector<double>(t.areas.size(), 1.0), FitWorldOptions().em);
  EXPECT_NEAR(world.theta, 0.5, 0.03);
  EXPECT_NEAR(world.omega, 0.2, 0.02);
  double fitted = 0, truth = 0;
  std::vector<double> by_area(city.neighbourhoods.size(), 0), true_by_area = by_area;
  for (auto c : city.grid.valid_cells()) {
    fitted += world.mu[c];
    truth += city.mu[c];
    by_area[static_cast<std::size_t>(city.cell_neighbourhood[c])] += world.mu[c];
    true_by_area[static_cast<std::size_t>(city.cell_neighbourhood[c])] += city.mu[c];
  }
  EXPECT_NEAR(truth, 12.0, 1e-9);
  EXPECT_NEAR(fitted / truth, 1.0, 0.03);
  for (std::size_t a = 0; a < by_area.size(); ++a)
    EXPECT_NEAR(by_area[a] / true_by_area[a], 1.0, 0.12) << "neighbourhood " << a;
  World one;
  {
    ThreadLimit limit(1);  // the fit does not depend on the thread count
    one = fit_world(t.events, city.grid, t.areas, t.counts,
                    std::vector<double>(t.areas.size(), 1.0), FitWorldOptions().em);
  }
  EXPECT_EQ(one.mu, world.mu);
  EXPECT_EQ(one.theta, world.theta);
  EXPECT_GT(world.burn_in_days, 59.0);
  EXPECT_EQ(world.start % 86400, 0);
  ASSERT_FALSE(world.notes.empty());
}

fs::path temp_folder(const std::string& name) {
  const auto dir = fs::temp_directory_path() / ("scrutineer_feedback_world_" + name);
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

TEST(FitWorld, FromFilesInflatesTheBackgroundByTheReportingRate) {
  // The same events read from the city's true_events.csv, areas.geojson and region.geojson must
  // give the in-memory fit, with every μ_c divided by its neighbourhood's rate from the CSV.
  const auto city = small_city(365);
  const auto dir = temp_folder("files");
  synth::write_city(city, dir);
  {
    std::ofstream csv(dir / "rates.csv");
    csv << std::setprecision(17) << "area,rate\n";
    for (const auto& n : city.neighbourhoods) csv << n.id << "," << n.reporting_rate << "\n";
  }
  study::StudyOptions st;
  st.events = (dir / "true_events.csv").string();
  st.read.format = "generic";
  st.read.columns.time = "time_utc";
  st.read.columns.time_format = "%Y-%m-%dT%H:%M:%SZ";
  st.read.columns.x = "x";
  st.read.columns.y = "y";
  st.read.source_crs = city.grid.crs;
  st.read.time_zone = "UTC";
  st.read.target_crs = city.grid.crs;
  st.region = (dir / "region.geojson").string();
  st.cell_size = 100;
  st.origin_x = city.options.origin_x;
  st.origin_y = city.options.origin_y;
  st.areas = (dir / "areas.geojson").string();
  st.area_id = "id";
  st.groups = {"group_a", "group_b", "group_c"};
  FitWorldOptions o;
  o.reporting_file = (dir / "rates.csv").string();
  const auto study = study::build_study(st);
  EXPECT_EQ(study.counts.outside, 0);  // the city's events all lie in its region
  const auto world = fit_world(study, o);
  const auto t = truth_of(city);
  const auto plain = fit_world(t.events, city.grid, t.areas, t.counts,
                               std::vector<double>(t.areas.size(), 1.0), o.em);
  // make_grid adds a row and a column of cells touching the region's east and north edges
  // (open_cp's rule): they hold no events, so μ = 0 there and the fit is the same.
  EXPECT_DOUBLE_EQ(world.theta, plain.theta);
  EXPECT_DOUBLE_EQ(world.omega, plain.omega);
  double extra = 0;
  for (auto c : world.grid.valid_cells()) extra += world.mu[c];
  for (auto c : city.grid.valid_cells()) {
    const auto& n = city.neighbourhoods[static_cast<std::size_t>(city.cell_neighbourhood[c])];
    const auto w = world.grid.cell_of(city.grid.centre_x(c), city.grid.centre_y(c));
    ASSERT_GE(w, 0);
    EXPECT_NEAR(world.mu[w], plain.mu[c] / n.reporting_rate, 1e-12 * (1 + plain.mu[c]));
    extra -= world.mu[w];
  }
  EXPECT_NEAR(extra, 0.0, 1e-12);
  // The loop runs on the fitted world, identically with 1 and 2 threads.
  auto lo = quick_loop(20, 30, 3, 10);
  lo.mitigations = {Mitigation::kNone, Mitigation::kExploration};
  const auto [one, two] = run_with_1_and_2_threads(world, lo);
  ASSERT_EQ(one.areas.size(), 9u);
  EXPECT_EQ(one.scenarios[1].days_flagged, two.scenarios[1].days_flagged);
  EXPECT_EQ(one.scenarios[0].final_values, two.scenarios[0].final_values);
  EXPECT_EQ(one.notes, world.notes);
  fs::remove_all(dir);
}

TEST(Reporting, RatesByAreaWithNotesAndErrors) {
  const auto dir = temp_folder("reporting");
  const auto areas = geo::make_areas({box(0, 0, 1, 1), box(1, 0, 2, 1), box(2, 0, 3, 1)},
                                     "EPSG:32630", {"a", "b", "c"});
  const auto write = [&](const std::string& text) {
    std::ofstream(dir / "r.csv") << text;
    return (dir / "r.csv").string();
  };
  std::vector<std::string> notes;
  const auto rate = geo::read_reporting_rates(write("area,rate\nb,0.25\na,0.5\nzz,0.3\n"), "area",
                                              "rate", areas, notes);
  EXPECT_EQ(rate, (std::vector<double>{0.5, 0.25, 1.0}));  // c is not named: rate 1
  EXPECT_EQ(notes.size(), 2u);                             // c missing, zz unknown
  EXPECT_THROW(geo::read_reporting_rates(write("area,rate\na,1.5\n"), "area", "rate", areas, notes),
               InputError);
  EXPECT_THROW(geo::read_reporting_rates(write("area,rate\na,x\n"), "area", "rate", areas, notes),
               InputError);
  EXPECT_THROW(
      geo::read_reporting_rates(write("area,rate\na,0.5\na,0.5\n"), "area", "rate", areas, notes),
      InputError);
  EXPECT_THROW(geo::read_reporting_rates(write("id,rate\na,0.5\n"), "area", "rate", areas, notes),
               InputError);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace scrutineer::feedback
