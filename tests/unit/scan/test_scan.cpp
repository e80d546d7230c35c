// Space-time scans (Kulldorff et al. 2005 permutation; Kulldorff 2001 Poisson): the LLR of a 2 x 2
// table by hand, a planted cluster found with its observed and expected counts, p-values that do
// not depend on the thread count, and the outputs.
#include <gtest/gtest.h>
#include <tbb/global_control.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <string>

#include "scrutineer/core/error.hpp"
#include "scrutineer/core/random.hpp"
#include "scrutineer/scan/command.hpp"
#include "scrutineer/scan/scan.hpp"

namespace scrutineer::scan {
namespace {

TEST(SpaceTimeScan, PermutationTwoByTwoByHand) {
  // Two locations 100 m apart, two days. Cases: location 0: 3 on day 0; location 1: 1 on day 0,
  // 2 on day 1. C = 6. Circles of one location (max radius 50), windows of one day (max_days 1).
  // Location 1 x day 1: c = 2, mu = C_Z C_D / C = 3 x 2 / 6 = 1,
  //   LLR = 2 ln 2 + 4 ln(4/5) = 0.4937202, RR = (2/1) / (4/5) = 2.5.
  // Location 0 x day 0: c = 3, mu = 3 x 4 / 6 = 2, LLR = 3 ln(3/2) + 3 ln(3/4) = 0.3533491,
  //   RR = (3/2) / (3/4) = 2.
  ScanInput in;
  in.x = {0, 0, 0, 100, 100, 100};
  in.y = {0, 0, 0, 0, 0, 0};
  in.day = {10, 10, 10, 10, 11, 11};
  ScanOptions o;
  o.max_radius = 50;
  o.max_days = 1;
  o.max_time_fraction = 1;  // day 0 holds 4 of the 6 cases
  o.replications = 9;
  const auto r = space_time_scan(in, o);
  ASSERT_EQ(r.clusters.size(), 2u);
  EXPECT_NEAR(scan_llr(2, 1, 6), 2 * std::log(2.0) + 4 * std::log(0.8), 1e-15);
  const auto& a = r.clusters[0];
  EXPECT_EQ(a.x, 100);
  EXPECT_EQ(a.start, 11);
  EXPECT_EQ(a.end, 11);
  EXPECT_EQ(a.observed, 2);
  EXPECT_NEAR(a.expected, 1.0, 1e-15);
  EXPECT_NEAR(a.llr, 0.4937202, 1e-7);
  EXPECT_NEAR(a.relative_risk, 2.5, 1e-15);
  const auto& b = r.clusters[1];
  EXPECT_EQ(b.x, 0);
  EXPECT_EQ(b.start, 10);
  EXPECT_EQ(b.observed, 3);
  EXPECT_NEAR(b.expected, 2.0, 1e-15);
  EXPECT_NEAR(b.llr, 3 * std::log(1.5) + 3 * std::log(0.75), 1e-15);
  EXPECT_NEAR(b.llr, 0.3533491, 1e-7);
  EXPECT_NEAR(b.relative_risk, 2.0, 1e-15);
  EXPECT_EQ(r.days, 2);
  EXPECT_EQ(r.locations, 2);
}

// 400 background cases spread over a 20 x 20 lattice (100 m) and 60 days, plus 12 planted at
// (1000, 1000) on days 40-42.
ScanInput planted() {
  ScanInput in;
  Rng rng(7);
  for (int i = 0; i < 400; ++i) {
    in.x.push_back(100.0 * static_cast<double>(rng.below(20)));
    in.y.push_back(100.0 * static_cast<double>(rng.below(20)));
    in.day.push_back(static_cast<std::int64_t>(rng.below(60)));
  }
  for (int i = 0; i < 12; ++i) {
    in.x.push_back(1000);
    in.y.push_back(1000);
    in.day.push_back(40 + i % 3);
  }
  return in;
}

TEST(SpaceTimeScan, PlantedPermutationClusterFound) {
  const auto in = planted();
  ScanOptions o;
  o.max_radius = 150;
  o.max_days = 7;
  o.replications = 99;
  const auto r = space_time_scan(in, o);
  ASSERT_FALSE(r.clusters.empty());
  const auto& c = r.clusters[0];
  EXPECT_EQ(c.x, 1000);
  EXPECT_EQ(c.y, 1000);
  EXPECT_LE(c.start, 40);
  EXPECT_GE(c.end, 42);
  EXPECT_NEAR(c.p, 0.01, 1e-12);  // no replication reaches it: 1 / (1 + 99)
  // Observed and expected counted directly: cases in the circle and window; C_Z C_D / C.
  std::int64_t in_zone = 0, in_window = 0, both = 0;
  for (std::size_t i = 0; i < in.x.size(); ++i) {
    const bool z = std::hypot(in.x[i] - c.x, in.y[i] - c.y) <= c.radius;
    const bool d = in.day[i] >= c.start && in.day[i] <= c.end;
    in_zone += z;
    in_window += d;
    both += z && d;
  }
  EXPECT_EQ(c.observed, both);
  EXPECT_GE(c.observed, 12);
  EXPECT_NEAR(c.expected, static_cast<double>(in_zone) * static_cast<double>(in_window) / 412.0,
              1e-12);
  const double mu = c.expected, n = 412, k = static_cast<double>(c.observed);
  EXPECT_NEAR(c.llr, k * std::log(k / mu) + (n - k) * std::log((n - k) / (n - mu)), 1e-9);
}

TEST(SpaceTimeScan, PlantedPoissonClusterFound) {
  auto in = planted();
  for (int ix = 0; ix < 20; ++ix)
    for (int iy = 0; iy < 20; ++iy) {
      in.lx.push_back(100.0 * ix);
      in.ly.push_back(100.0 * iy);
    }
  ScanOptions o;
  o.model = ScanModel::kPoisson;
  o.max_radius = 150;
  o.max_days = 7;
  o.replications = 99;
  const auto r = space_time_scan(in, o);
  ASSERT_FALSE(r.clusters.empty());
  const auto& c = r.clusters[0];
  EXPECT_EQ(c.x, 1000);
  EXPECT_EQ(c.y, 1000);
  EXPECT_NEAR(c.p, 0.01, 1e-12);
  // mu = C |Z| / L x |D| / T (equal populations): 412 x locations / 400 x days / 60.
  const double days = static_cast<double>(c.end - c.start + 1);
  EXPECT_EQ(r.days, 60);
  EXPECT_NEAR(c.expected, 412.0 * static_cast<double>(c.locations) / 400.0 * days / 60.0, 1e-9);
  // A case off every location is refused.
  in.x.push_back(55);
  in.y.push_back(0);
  in.day.push_back(1);
  EXPECT_THROW(space_time_scan(in, o), ConfigError);
}

TEST(SpaceTimeScan, PoissonWithPopulationsByHand) {
  // Kulldorff (2001): mu = C pop(Z)/pop |D|/T. Two cells 1 km apart, A at x = 0 of population 1
  // and B at x = 1000 of population 3 (pop = 4); two days (T = 2). Cases: A: 2 on day 0; B: 3 on
  // day 0 and 1 on day 1; C = 6. Circles of one cell (max radius 0), windows of one day.
  //   A x day 0: c = 2, mu = 6 x 1/4 x 1/2 = 0.75,
  //     LLR = 2 ln(2/0.75) + 4 ln(4/5.25) = 1.9616585 - 1.0877349 = 0.8739236,
  //     RR = (2/0.75) / (4/5.25) = 3.5.
  //   B x day 0: c = 3, mu = 6 x 3/4 x 1/2 = 2.25,
  //     LLR = 3 ln(3/2.25) + 3 ln(3/3.75) = 0.8630462 - 0.6694307 = 0.1936155, RR = 5/3.
  // With equal populations B x day 0 would be the most likely (mu = 1.5, LLR = 0.8630462) and
  // A x day 0 second (mu = 1.5, LLR = 2 ln(4/3) + 4 ln(8/9) = 0.1042320).
  ScanInput in;
  in.x = {0, 0, 1000, 1000, 1000, 1000};
  in.y = {0, 0, 0, 0, 0, 0};
  in.day = {0, 0, 0, 0, 0, 1};
  in.lx = {0, 1000};
  in.ly = {0, 0};
  ScanOptions o;
  o.model = ScanModel::kPoisson;
  o.max_radius = 0;
  o.max_days = 1;
  o.max_space_fraction = 1;
  o.replications = 19;
  const auto equal = space_time_scan(in, o);
  ASSERT_EQ(equal.clusters.size(), 2u);
  EXPECT_EQ(equal.clusters[0].x, 1000);
  EXPECT_NEAR(equal.clusters[0].expected, 1.5, 1e-15);
  EXPECT_NEAR(equal.clusters[0].llr, 0.8630462, 1e-7);
  EXPECT_NEAR(equal.clusters[1].llr, 0.1042320, 1e-7);
  in.lpop = {1, 3};
  const auto r = space_time_scan(in, o);
  ASSERT_EQ(r.clusters.size(), 2u);
  const auto& a = r.clusters[0];
  EXPECT_EQ(a.x, 0);
  EXPECT_EQ(a.start, 0);
  EXPECT_EQ(a.end, 0);
  EXPECT_EQ(a.observed, 2);
  EXPECT_NEAR(a.expected, 0.75, 1e-15);
  EXPECT_NEAR(a.llr, 2 * std::log(2 / 0.75) + 4 * std::log(4 / 5.25), 1e-14);
  EXPECT_NEAR(a.llr, 0.8739236, 1e-7);
  EXPECT_NEAR(a.relative_risk, 3.5, 1e-14);
  const auto& b = r.clusters[1];
  EXPECT_EQ(b.x, 1000);
  EXPECT_EQ(b.observed, 3);
  EXPECT_NEAR(b.expected, 2.25, 1e-15);
  EXPECT_NEAR(b.llr, 0.1936155, 1e-7);
  EXPECT_NEAR(b.relative_risk, 5.0 / 3.0, 1e-14);
  // The space limit is a share of the population: B holds 3/4 > 1/2, so only A is scanned.
  o.max_space_fraction = 0.5;
  const auto half = space_time_scan(in, o);
  ASSERT_EQ(half.clusters.size(), 1u);
  EXPECT_EQ(half.clusters[0].x, 0);
  // Bad populations: a case where nobody lives, negative, wrong length; permutation model.
  in.lpop = {1, 0};
  EXPECT_THROW(space_time_scan(in, o), ConfigError);
  in.lpop = {1, -3};
  EXPECT_THROW(space_time_scan(in, o), ConfigError);
  in.lpop = {1};
  EXPECT_THROW(space_time_scan(in, o), ConfigError);
  in.lpop = {1, 3};
  o.model = ScanModel::kPermutation;
  EXPECT_THROW(space_time_scan(in, o), ConfigError);
}

TEST(SpaceTimeScan, PoissonReplicationsFollowThePopulation) {
  // All the population at A (B and C have none): every replication must put the 6 cases at A on
  // uniformly drawn days of 4. A case drawn at B or C (as a uniform draw of cells would) would
  // make a cylinder with mu = 0, an infinite LLR. With the 6 cases at A on 4 days one day holds
  // c >= 2 > mu = 6 x 1 x 1/4 = 1.5, so each maximum is > 0, and at most 6 ln(6/1.5) (all on one
  // day). Results do not depend on the thread count.
  ScanInput in;
  in.x = {0, 0, 0, 0, 0, 0};
  in.y = {0, 0, 0, 0, 0, 0};
  in.day = {0, 0, 0, 1, 2, 3};
  in.lx = {0, 1000, 2000};
  in.ly = {0, 0, 0};
  in.lpop = {1, 0, 0};
  ScanOptions o;
  o.model = ScanModel::kPoisson;
  o.max_radius = 0;
  o.max_days = 1;
  o.max_space_fraction = 1;
  o.replications = 19;
  const auto r = space_time_scan(in, o);
  ASSERT_EQ(r.clusters.size(), 1u);
  EXPECT_NEAR(r.clusters[0].expected, 6.0 / 4.0, 1e-15);  // C x 1 x 1/4
  ASSERT_EQ(r.replicate_max.size(), 19u);
  for (const double m : r.replicate_max) {
    EXPECT_GT(m, 0);
    EXPECT_LE(m, 6 * std::log(4.0) + 1e-12);
  }
  in.lpop = {2, 1, 1};
  const auto many = space_time_scan(in, o);
  ScanResult one;
  {
    tbb::global_control limit(tbb::global_control::max_allowed_parallelism, 1);
    one = space_time_scan(in, o);
  }
  EXPECT_EQ(many.replicate_max, one.replicate_max);
}

TEST(SpaceTimeScan, ReplicationsIndependentOfThreads) {
  const auto in = planted();
  ScanOptions o;
  o.max_radius = 150;
  o.max_days = 7;
  o.replications = 19;
  o.seed = 3;
  const auto many = space_time_scan(in, o);
  ScanResult one;
  {
    tbb::global_control limit(tbb::global_control::max_allowed_parallelism, 1);
    one = space_time_scan(in, o);
  }
  EXPECT_EQ(many.replicate_max, one.replicate_max);
  ASSERT_EQ(many.clusters.size(), one.clusters.size());
  for (std::size_t i = 0; i < many.clusters.size(); ++i)
    EXPECT_EQ(many.clusters[i].p, one.clusters[i].p);
  o.seed = 4;  // another seed, other replications
  EXPECT_NE(space_time_scan(in, o).replicate_max, many.replicate_max);
}

TEST(SpaceTimeScan, RefusesBadOptions) {
  ScanInput in;
  in.x = {0};
  in.y = {0};
  in.day = {0};
  ScanOptions o;
  o.max_space_fraction = 0;
  EXPECT_THROW(space_time_scan(in, o), ConfigError);
  o = {};
  o.max_days = 0;
  EXPECT_THROW(space_time_scan(in, o), ConfigError);
  o = {};
  o.model = ScanModel::kPoisson;  // without locations
  EXPECT_THROW(space_time_scan(in, o), ConfigError);
  EXPECT_THROW(scan_model_from_string("bernoulli"), ConfigError);
}

// `scrutineer stscan --model poisson` on tests/data/stscan/planted.csv (12 cases at 4 locations
// 1 km apart over 10 days) with cells of 1 km: the cells [350000, 351000) .. [353000, 354000).
StScanCommandOptions planted_poisson() {
  StScanCommandOptions o;
  o.study.events = std::string(SCRUTINEER_TEST_DATA) + "/stscan/planted.csv";
  o.study.read.format = "generic";
  o.study.read.columns.time = "date";
  o.study.read.columns.time_format = "%Y-%m-%d";
  o.study.read.columns.x = "x";
  o.study.read.columns.y = "y";
  o.study.read.time_zone = "UTC";
  o.study.read.source_crs = "EPSG:26971";
  o.study.cell_size = 1000;
  o.study.progress = false;
  o.scan.model = ScanModel::kPoisson;
  o.scan.max_radius = 500;
  o.scan.replications = 19;
  o.alpha = 1;
  return o;
}

TEST(SpaceTimeScan, PopulationFileApportionedToCells) {
  // tests/data/stscan/population.geojson: "west" (pop 100) covers the first two cells, "east"
  // (pop 300) the last two, so by area share the cells hold 50, 50, 150, 150 (total 400). The 3
  // cases in the first cell on 2019-01-05 (one day of T = 10): mu = 12 x 50/400 x 1/10 = 0.15,
  // LLR = 3 ln(3/0.15) + 9 ln(9/11.85) = 6.5112672, RR = (3/0.15) / (9/11.85) = 26.333333.
  // With equal populations mu = 12 x 1/4 x 1/10 = 0.3.
  auto o = planted_poisson();
  const auto equal = run_stscan(o);
  EXPECT_NEAR(equal.listed.front().expected, 0.3, 1e-15);
  o.population = std::string(SCRUTINEER_TEST_DATA) + "/stscan/population.geojson";
  o.population_field = "pop";
  const auto r = run_stscan(o);
  ASSERT_FALSE(r.listed.empty());
  const auto& c = r.listed.front();
  EXPECT_EQ(c.x, 350500);
  EXPECT_EQ(c.observed, 3);
  EXPECT_NEAR(c.expected, 0.15, 1e-15);
  EXPECT_NEAR(c.llr, 3 * std::log(20.0) + 9 * std::log(9 / 11.85), 1e-12);
  EXPECT_NEAR(c.llr, 6.5112672, 1e-7);
  EXPECT_NEAR(c.relative_risk, 20 / (9 / 11.85), 1e-12);
  EXPECT_NE(r.summary.find("400 in all"), std::string::npos) << r.summary;
}

std::string error_of(const StScanCommandOptions& o) {
  try {
    run_stscan(o);
  } catch (const Error& e) {
    return e.what();
  }
  return "no error";
}

TEST(SpaceTimeScan, PopulationFileErrors) {
  const auto folder = std::filesystem::temp_directory_path() / "scrutineer_scan_population";
  std::filesystem::create_directories(folder);
  const auto layer = [&](const std::string& name, const std::string& second) {
    const auto path = (folder / name).string();
    std::ofstream(path)
        << R"({"type":"FeatureCollection","crs":{"type":"name","properties":{"name":)"
        << R"("urn:ogc:def:crs:EPSG::26971"}},"features":[)"
        << R"({"type":"Feature","properties":{"pop":10},"geometry":{"type":"Polygon",)"
        << R"("coordinates":[[[350000,570000],[352000,570000],[352000,571000],[350000,571000],)"
        << R"([350000,570000]]]}},{"type":"Feature","properties":{"pop":)" << second
        << R"(},"geometry":{"type":"Polygon","coordinates":[[[352000,570000],[354000,570000],)"
        << R"([354000,571000],[352000,571000],[352000,570000]]]}}]})";
    return path;
  };
  auto o = planted_poisson();
  o.population = layer("negative.geojson", "-5");
  o.population_field = "pop";
  EXPECT_NE(error_of(o).find("negative.geojson:2: feature 2: the population count in 'pop' is "
                             "negative (-5)"),
            std::string::npos)
      << error_of(o);
  o.population = layer("null.geojson", "null");
  EXPECT_NE(error_of(o).find(
                "null.geojson:2: feature 2: expected a population count in 'pop', found none"),
            std::string::npos)
      << error_of(o);
  o.population = layer("text.geojson", R"("many")");
  EXPECT_NE(error_of(o).find("text.geojson:2: feature 2: expected a population count in 'pop', "
                             "found 'many'"),
            std::string::npos)
      << error_of(o);
  o.population = layer("zero.geojson", "0");  // cases in the east cells, where nobody lives
  EXPECT_NE(error_of(o).find("whose population is 0"), std::string::npos) << error_of(o);
  o.population = std::string(SCRUTINEER_TEST_DATA) + "/stscan/population.geojson";
  o.population_field = "persons";
  EXPECT_NE(error_of(o).find("has no field 'persons' (fields: 'name', 'pop')"), std::string::npos)
      << error_of(o);
  o.population_field = "";
  EXPECT_NE(error_of(o).find("go together"), std::string::npos) << error_of(o);
  o.population_field = "pop";
  o.scan.model = ScanModel::kPermutation;
  EXPECT_NE(error_of(o).find("are for the Poisson model"), std::string::npos) << error_of(o);
  std::filesystem::remove_all(folder);
}

TEST(SpaceTimeScan, OutputsListTheClusters) {
  ScanCluster c;
  c.x = 1;
  c.y = 2;
  c.radius = 3;
  c.locations = 4;
  c.start = 17167;  // 2017-01-01
  c.end = 17168;
  c.observed = 5;
  c.expected = 1.5;
  c.relative_risk = 4;
  c.llr = 2.25;
  c.p = 0.01;
  EXPECT_EQ(clusters_csv({c}),
            "rank,x,y,radius,locations,start,end,observed,expected,relative_risk,llr,p\n"
            "1,1,2,3,4,2017-01-01,2017-01-02,5,1.5,4,2.25,0.01\n");
  const auto g = clusters_geojson({c}, "EPSG:2790");
  EXPECT_NE(g.find("\"start\":\"2017-01-01\""), std::string::npos);
  EXPECT_NE(g.find("[4,2]"), std::string::npos);  // the first vertex: (x + r, y)
}

}  // namespace
}  // namespace scrutineer::scan
