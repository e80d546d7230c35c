// The Knox test: band edges by hand in both conventions, the NRC's published two-event example,
// an independent brute-force count, the table's invariants and thread-count independence.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <vector>

#include "scrutineer/core/error.hpp"
#include "scrutineer/core/parallel.hpp"
#include "scrutineer/core/random.hpp"
#include "scrutineer/nearrepeat/knox.hpp"

namespace nr = scrutineer::nearrepeat;

namespace {

nr::KnoxOptions options(nr::Convention c, double sb = 100, int sn = 3, double tb = 2, int tn = 2) {
  nr::KnoxOptions o;
  o.convention = c;
  o.spatial_bandwidth = sb;
  o.spatial_bands = sn;
  o.temporal_bandwidth = tb;
  o.temporal_bands = tn;
  o.permutations = 19;
  o.seed = 7;
  return o;
}

}  // namespace

// Edges by hand from the definitions in docs/nearrepeat.md (nrc: [a - 1, b); exact: (a, b]);
// same location is distance 0 in both.
TEST(Knox, SpaceBandEdges) {
  const auto nrc = options(nr::Convention::kNrc);
  EXPECT_EQ(nr::space_band(0, nrc), 0);
  EXPECT_EQ(nr::space_band(0.5, nrc), 1);  // "same location" is distance 0
  EXPECT_EQ(nr::space_band(1, nrc), 1);    // "1 to 100"
  EXPECT_EQ(nr::space_band(99.999, nrc), 1);
  EXPECT_EQ(nr::space_band(100, nrc), 2);  // 100 m is counted in "101 to 200"
  EXPECT_EQ(nr::space_band(299.9, nrc), 3);
  EXPECT_EQ(nr::space_band(300, nrc), 4);  // "More than 300"
  const auto ex = options(nr::Convention::kExact);
  EXPECT_EQ(nr::space_band(0, ex), 0);
  EXPECT_EQ(nr::space_band(0.5, ex), 1);
  EXPECT_EQ(nr::space_band(100, ex), 1);  // (0, 100]
  EXPECT_EQ(nr::space_band(100.001, ex), 2);
  EXPECT_EQ(nr::space_band(300, ex), 3);
  EXPECT_EQ(nr::space_band(300.001, ex), 4);
}

TEST(Knox, TimeBandEdges) {
  const auto nrc = options(nr::Convention::kNrc);
  EXPECT_EQ(nr::time_band(0, nrc), 0);
  EXPECT_EQ(nr::time_band(1, nrc), 0);
  EXPECT_EQ(nr::time_band(2, nrc), 1);  // labelled "3 to 4 days" yet holds 2 days apart
  EXPECT_EQ(nr::time_band(3, nrc), 1);
  EXPECT_EQ(nr::time_band(4, nrc), 2);  // "More than 4 days" holds 4 days apart
  const auto ex = options(nr::Convention::kExact);
  EXPECT_EQ(nr::time_band(2, ex), 0);  // [0, 2]
  EXPECT_EQ(nr::time_band(3, ex), 1);
  EXPECT_EQ(nr::time_band(4, ex), 1);  // (2, 4]
  EXPECT_EQ(nr::time_band(5, ex), 2);
}

TEST(Knox, Labels) {
  const auto nrc = options(nr::Convention::kNrc);
  EXPECT_EQ(nr::space_labels(nrc),
            (std::vector<std::string>{"Same location", "1 to 100 m", "101 to 200 m", "201 to 300 m",
                                      "More than 300 m"}));
  EXPECT_EQ(nr::time_labels(nrc),
            (std::vector<std::string>{"0 to 2 days", "3 to 4 days", "More than 4 days"}));
  const auto ex = options(nr::Convention::kExact);
  EXPECT_EQ(nr::space_labels(ex)[1], "(0, 100] m");
  EXPECT_EQ(nr::time_labels(ex),
            (std::vector<std::string>{"[0, 2] days", "(2, 4] days", "> 4 days"}));
}

// The NRC's own output on two events 100 m and 3 days apart (tobydavies/NearRepeat, notebook
// "Inconsistency with Near Repeat Calculator"; wsteenbeek/NearRepeat vignette NRC.Rmd): with
// 2 x 200 m and 2 x 3 days the pair is in "1 to 200" x "4 to 6"; with 100 m bands in "101 to 200"
// x "4 to 6".
TEST(Knox, NrcPathologicalExample) {
  const std::vector<double> x{0, 0}, y{0, 100}, t{0, 3};
  auto o = options(nr::Convention::kNrc, 200, 2, 3, 2);
  auto r = nr::knox(x, y, t, o);
  EXPECT_EQ(r.pairs, 1);
  EXPECT_EQ(r.space_labels[1], "1 to 200 m");
  EXPECT_EQ(r.time_labels[1], "4 to 6 days");
  for (const auto& c : r.cells)
    EXPECT_EQ(c.observed, c.space_band == 1 && c.time_band == 1 ? 1 : 0);
  o.spatial_bandwidth = 100;
  r = nr::knox(x, y, t, o);
  EXPECT_EQ(r.space_labels[2], "101 to 200 m");
  for (const auto& c : r.cells)
    EXPECT_EQ(c.observed, c.space_band == 2 && c.time_band == 1 ? 1 : 0);
  // As labelled (exact): 100 m is in (0, 100] and 3 days in [0, 3].
  o.convention = nr::Convention::kExact;
  r = nr::knox(x, y, t, o);
  for (const auto& c : r.cells)
    EXPECT_EQ(c.observed, c.space_band == 1 && c.time_band == 0 ? 1 : 0);
}

// Four events by hand, Euclidean and Manhattan: A(0,0) day 0, B(60,80) day 1, C(0,0) day 5,
// D(1000,0) day 2. Pairs: AB d=100 (Manhattan 140) dt=1; AC d=0 dt=5; AD d=1000 dt=2;
// BC d=100 dt=4; BD d=~946 dt=1; CD d=1000 dt=3. Bands 100 m x 2, 2 days x 2.
TEST(Knox, HandCountedTable) {
  const std::vector<double> x{0, 60, 0, 1000}, y{0, 80, 0, 0}, t{0, 1, 5, 2};
  auto o = options(nr::Convention::kNrc, 100, 2, 2, 2);
  auto r = nr::knox(x, y, t, o);
  // nrc: AB [100,200) x [0,2) -> (2,0); AC same x [4,inf) -> (0,2); AD more x [2,4) -> (3,1);
  // BC (2, [4,inf)) -> (2,2); BD (3,0); CD (3,1).
  EXPECT_EQ(r.at(2, 0).observed, 1);
  EXPECT_EQ(r.at(0, 2).observed, 1);
  EXPECT_EQ(r.at(2, 2).observed, 1);
  EXPECT_EQ(r.at(3, 0).observed, 1);
  EXPECT_EQ(r.at(3, 1).observed, 2);
  EXPECT_EQ(r.close_pairs, 3);  // AB, AC, BC are within 200 m
  // exact: AB (0,100] x [0,2] -> (1,0); AC 0 m x (4,inf) -> (0,2); BC (1, (2,4]) -> (1,1);
  // AD more x [0,2] -> (3,0); BD (3,0); CD (3,1).
  o.convention = nr::Convention::kExact;
  r = nr::knox(x, y, t, o);
  EXPECT_EQ(r.at(1, 0).observed, 1);
  EXPECT_EQ(r.at(0, 2).observed, 1);
  EXPECT_EQ(r.at(1, 1).observed, 1);
  EXPECT_EQ(r.at(3, 0).observed, 2);
  EXPECT_EQ(r.at(3, 1).observed, 1);
  // Manhattan: AB is 140 m -> (100, 200] in exact.
  o.distance = nr::Distance::kManhattan;
  r = nr::knox(x, y, t, o);
  EXPECT_EQ(r.at(2, 0).observed, 1);
  EXPECT_EQ(r.at(1, 0).observed, 0);
}

namespace {

// Brute force over all pairs with integer arithmetic (squared distances against squared edges),
// written from the definitions, not from the library's code.
std::vector<std::int64_t> brute(const std::vector<std::int64_t>& x,
                                const std::vector<std::int64_t>& y,
                                const std::vector<std::int64_t>& t, std::int64_t b, int sn,
                                std::int64_t w, int tn, bool nrc, bool manhattan) {
  std::vector<std::int64_t> table(static_cast<std::size_t>((sn + 2) * (tn + 1)), 0);
  for (std::size_t i = 0; i < x.size(); ++i)
    for (std::size_t j = i + 1; j < x.size(); ++j) {
      const std::int64_t dx = x[i] - x[j], dy = y[i] - y[j];
      const std::int64_t dt = t[i] > t[j] ? t[i] - t[j] : t[j] - t[i];
      // compare "distance" against an edge e: Euclidean by squares, Manhattan directly
      const auto below = [&](std::int64_t e, bool strict) {
        const std::int64_t lhs = manhattan ? std::abs(dx) + std::abs(dy) : dx * dx + dy * dy;
        const std::int64_t rhs = manhattan ? e : e * e;
        return strict ? lhs < rhs : lhs <= rhs;
      };
      int s = sn + 1;
      if (dx == 0 && dy == 0)
        s = 0;
      else
        for (int k = sn; k >= 1; --k)
          if (below(k * b, nrc)) s = k;
      int c = tn;
      for (int k = tn - 1; k >= 0; --k)
        if (nrc ? dt < (k + 1) * w : dt <= (k + 1) * w) c = k;
      ++table[static_cast<std::size_t>(s * (tn + 1) + c)];
    }
  return table;
}

}  // namespace

TEST(Knox, MatchesBruteForceOnLattice) {
  // 600 events on a 10 m lattice (many distances exactly on band edges, many same places and
  // days), clustered so near pairs exist.
  scrutineer::Rng rng(42);
  std::vector<std::int64_t> xi, yi, ti;
  for (int i = 0; i < 600; ++i) {
    xi.push_back(10 * static_cast<std::int64_t>(rng.below(60)));
    yi.push_back(10 * static_cast<std::int64_t>(rng.below(40)));
    ti.push_back(static_cast<std::int64_t>(rng.below(30)));
  }
  std::vector<double> x(xi.begin(), xi.end()), y(yi.begin(), yi.end()), t(ti.begin(), ti.end());
  for (bool nrc : {true, false})
    for (bool manhattan : {false, true}) {
      auto o = options(nrc ? nr::Convention::kNrc : nr::Convention::kExact, 50, 3, 3, 3);
      o.distance = manhattan ? nr::Distance::kManhattan : nr::Distance::kEuclidean;
      const auto r = nr::knox(x, y, t, o);
      const auto expected = brute(xi, yi, ti, 50, 3, 3, 3, nrc, manhattan);
      ASSERT_EQ(r.cells.size(), expected.size());
      for (std::size_t k = 0; k < expected.size(); ++k)
        EXPECT_EQ(r.cells[k].observed, expected[k])
            << "cell " << k << (nrc ? " nrc" : " exact") << (manhattan ? " manhattan" : "");
    }
}

// Every permuted table holds all pairs, and a permutation of the times does not change how many
// pairs fall in each time band: so the means sum to the pairs, column by column as observed.
TEST(Knox, TableInvariantsAndStatistics) {
  scrutineer::Rng rng(3);
  std::vector<double> x, y, t;
  for (int i = 0; i < 400; ++i) {
    x.push_back(rng.uniform(0, 2000));
    y.push_back(rng.uniform(0, 2000));
    t.push_back(std::floor(rng.uniform(0, 60)));
  }
  auto o = options(nr::Convention::kNrc, 100, 3, 2, 2);
  o.permutations = 99;
  const auto r = nr::knox(x, y, t, o);
  EXPECT_EQ(r.pairs, 400 * 399 / 2);
  const int cols = 3;
  for (int c = 0; c < cols; ++c) {
    double mean_sum = 0;
    std::int64_t observed_sum = 0;
    for (int s = 0; s < 5; ++s) {
      mean_sum += r.at(s, c).expected_mean;
      observed_sum += r.at(s, c).observed;
    }
    EXPECT_NEAR(mean_sum, static_cast<double>(observed_sum), 1e-6) << c;
  }
  for (const auto& c : r.cells) {
    // p = (1 + k) / 100 for an integer k in 0..99
    const double k = c.p_value * 100 - 1;
    EXPECT_NEAR(k, std::round(k), 1e-9);
    EXPECT_GE(c.p_value, 0.01);
    EXPECT_LE(c.p_value, 1.0);
    if (c.expected_mean > 0) {
      EXPECT_DOUBLE_EQ(c.knox_ratio, static_cast<double>(c.observed) / c.expected_mean);
    }
    if (c.sd > 0) {
      EXPECT_DOUBLE_EQ(c.z, (static_cast<double>(c.observed) - c.expected_mean) / c.sd);
    }
    EXPECT_LE(c.perm_min, c.expected_median);
    EXPECT_GE(c.perm_max, c.expected_median);
  }
}

TEST(Knox, SameForAnyThreadCount) {
  scrutineer::Rng rng(9);
  std::vector<double> x, y, t;
  for (int i = 0; i < 300; ++i) {
    x.push_back(rng.uniform(0, 1000));
    y.push_back(rng.uniform(0, 1000));
    t.push_back(std::floor(rng.uniform(0, 20)));
  }
  auto o = options(nr::Convention::kNrc);
  o.permutations = 64;
  nr::KnoxResult one, many;
  {
    scrutineer::ThreadLimit limit(1);
    one = nr::knox(x, y, t, o);
  }
  {
    scrutineer::ThreadLimit limit(4);
    many = nr::knox(x, y, t, o);
  }
  EXPECT_EQ(nr::knox_csv(one), nr::knox_csv(many));
  o.seed = 8;  // and the seed matters
  EXPECT_NE(nr::knox_csv(nr::knox(x, y, t, o)), nr::knox_csv(one));
}

// A same-day, same-place cluster among spread events is found significant and said so.
TEST(Knox, SummaryNamesSignificantBands) {
  scrutineer::Rng rng(5);
  std::vector<double> x, y, t;
  for (int i = 0; i < 300; ++i) {
    x.push_back(rng.uniform(0, 20000));
    y.push_back(rng.uniform(0, 20000));
    t.push_back(std::floor(rng.uniform(0, 365)));
  }
  for (int i = 0; i < 20; ++i) {  // 20 pairs 50 m and 1 day apart
    x.push_back(1000.0 * i);
    y.push_back(500);
    t.push_back(10.0 * i);
    x.push_back(1000.0 * i + 50);
    y.push_back(500);
    t.push_back(10.0 * i + 1);
  }
  auto o = options(nr::Convention::kNrc);
  o.permutations = 99;
  const auto r = nr::knox(x, y, t, o);
  EXPECT_GE(r.at(1, 0).observed, 20);
  EXPECT_LE(r.at(1, 0).p_value, 0.05);
  const auto s = nr::knox_summary(r);
  EXPECT_NE(s.find("Within 1 to 100 m of an initial incident, near repeats are over-represented "
                   "for up to 2 days."),
            std::string::npos)
      << s;
  const auto csv = nr::knox_csv(r);
  EXPECT_EQ(csv.substr(0, csv.find('\n')),
            "space_band,time_band,observed,expected_mean,expected_median,knox_ratio,p_value,z");
  EXPECT_NE(nr::knox_svg(r).find("<svg"), std::string::npos);
}

TEST(Knox, RejectsBadOptions) {
  const std::vector<double> x{0, 1}, y{0, 1}, t{0, 1};
  auto o = options(nr::Convention::kNrc);
  o.spatial_bandwidth = 0;
  EXPECT_THROW(nr::knox(x, y, t, o), scrutineer::ConfigError);
  o = options(nr::Convention::kNrc);
  o.permutations = 0;
  EXPECT_THROW(nr::knox(x, y, t, o), scrutineer::ConfigError);
  EXPECT_THROW(nr::knox(x, y, {0}, options(nr::Convention::kNrc)), scrutineer::ConfigError);
  EXPECT_THROW(nr::convention_from_string("ratcliffe"), scrutineer::ConfigError);
}
