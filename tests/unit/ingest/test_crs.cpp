// Tests of the PROJ wrapper (geo/crs.hpp): expected values from cs2cs (PROJ 9.1.1), run once by
// hand with latitude-first input, e.g. `echo "41.88 -87.63" | cs2cs -d 4 EPSG:4326 EPSG:2790`.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "scrutineer/core/error.hpp"
#include "scrutineer/geo/crs.hpp"

namespace scrutineer::geo {
namespace {

TEST(Transformer, LonLatToIllinoisEastMatchesCs2cs) {
  // cs2cs EPSG:4326 EPSG:2790, input "41.88 -87.63" -> 358380.2315 579012.6296
  Transformer t("EPSG:4326", "EPSG:2790");
  double x = -87.63, y = 41.88;
  ASSERT_TRUE(t.transform(x, y));
  EXPECT_NEAR(x, 358380.2315, 0.001);
  EXPECT_NEAR(y, 579012.6296, 0.001);
}

TEST(Transformer, BatchToUtmAndBritishNationalGridMatchesCs2cs) {
  // cs2cs EPSG:4326 EPSG:32616, "41.88 -87.63" -> 447726.8700 4636644.7576
  Transformer utm("EPSG:4326", "EPSG:32616");
  std::vector<double> x{-87.63, -87.63}, y{41.88, 41.88};
  EXPECT_EQ(utm.transform(x, y), 0u);
  EXPECT_NEAR(x[1], 447726.8700, 0.001);
  EXPECT_NEAR(y[1], 4636644.7576, 0.001);
  // cs2cs EPSG:4326 EPSG:27700, "53.48 -2.24" -> 384169.6810 398168.7281 (Manchester)
  Transformer bng("EPSG:4326", "EPSG:27700");
  double bx = -2.24, by = 53.48;
  ASSERT_TRUE(bng.transform(bx, by));
  EXPECT_NEAR(bx, 384169.6810, 0.001);
  EXPECT_NEAR(by, 398168.7281, 0.001);
}

TEST(Transformer, RoundTripReturnsTheStartingPoint) {
  Transformer there("EPSG:4326", "EPSG:3435"), back("EPSG:3435", "EPSG:4326");
  double x = -87.63, y = 41.88;
  ASSERT_TRUE(there.transform(x, y));
  // cs2cs EPSG:4326 EPSG:3435 (US survey feet), "41.88 -87.63" -> 1175784.2560 1899646.7883
  EXPECT_NEAR(x, 1175784.2560, 0.001);
  EXPECT_NEAR(y, 1899646.7883, 0.001);
  ASSERT_TRUE(back.transform(x, y));
  EXPECT_NEAR(x, -87.63, 1e-9);
  EXPECT_NEAR(y, 41.88, 1e-9);
}

TEST(Transformer, IdentityLeavesValuesAndNonFiniteBecomesNaN) {
  Transformer same("EPSG:2790", "EPSG:2790");
  EXPECT_TRUE(same.is_identity());
  std::vector<double> x{1.5, NAN}, y{2.5, 3.0};
  EXPECT_EQ(same.transform(x, y), 1u);
  EXPECT_EQ(x[0], 1.5);
  EXPECT_EQ(y[0], 2.5);
  EXPECT_TRUE(std::isnan(x[1]) && std::isnan(y[1]));
}

TEST(Transformer, UnknownCrsIsAConfigErrorNamingIt) {
  try {
    Transformer t("EPSG:4326", "EPSG:999999");
    FAIL() << "expected ConfigError";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("EPSG:999999"), std::string::npos) << e.what();
  }
}

TEST(Transformer, MoveKeepsTheTransformation) {
  Transformer a("EPSG:4326", "EPSG:2790");
  Transformer b = std::move(a);
  double x = -87.63, y = 41.88;
  ASSERT_TRUE(b.transform(x, y));
  EXPECT_NEAR(x, 358380.2315, 0.001);
}

TEST(UtmCrsFor, ZonesByHand) {
  // Zone = floor((lon + 180) / 6) + 1: Chicago -87.63 -> floor(92.37 / 6) + 1 = 16.
  EXPECT_EQ(utm_crs_for(-87.63, 41.88), "EPSG:32616");
  // New York -73.95 -> floor(106.05 / 6) + 1 = 18.
  EXPECT_EQ(utm_crs_for(-73.95, 40.7), "EPSG:32618");
  // Manchester -2.24 -> floor(177.76 / 6) + 1 = 30.
  EXPECT_EQ(utm_crs_for(-2.24, 53.48), "EPSG:32630");
  // Sydney, southern hemisphere: 151.21 -> floor(331.21 / 6) + 1 = 56, 327NN.
  EXPECT_EQ(utm_crs_for(151.21, -33.86), "EPSG:32756");
  // Bergen (5.32, 60.39) lies in the Norway exception: zone 32, not 31.
  EXPECT_EQ(utm_crs_for(5.32, 60.39), "EPSG:32632");
  EXPECT_EQ(utm_crs_for(180.0, 0.0), "EPSG:32660");
  EXPECT_THROW(utm_crs_for(NAN, 0.0), ConfigError);
  EXPECT_THROW(utm_crs_for(0.0, 91.0), ConfigError);
}

TEST(CrsInfo, KnowsGeographicProjectedAndUnits) {
  const auto wgs = crs_info("EPSG:4326");
  EXPECT_TRUE(wgs.geographic);
  EXPECT_FALSE(wgs.projected);
  const auto il = crs_info("EPSG:2790");
  EXPECT_TRUE(il.projected);
  EXPECT_DOUBLE_EQ(il.metres_per_unit, 1.0);
  EXPECT_NE(il.wkt.find("Illinois East"), std::string::npos);
  // EPSG:3435 is in US survey feet: 1200 / 3937 m (the definition of the survey foot).
  EXPECT_NEAR(crs_info("EPSG:3435").metres_per_unit, 1200.0 / 3937.0, 1e-12);
  EXPECT_THROW(crs_info("not a crs"), ConfigError);
}

}  // namespace
}  // namespace scrutineer::geo
