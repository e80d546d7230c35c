// Test helper of the sepp-grid tests: two fits equal to the last bit.
#pragma once

#include <gtest/gtest.h>

#include <string>

#include "scrutineer/forecast/sepp_grid.hpp"

namespace scrutineer::forecast {

// theta, omega, every mu, the iterations, convergence and the log-likelihood, bit for bit.
inline void expect_same_fit(const SeppGridFit& a, const SeppGridFit& b, const std::string& what) {
  EXPECT_EQ(a.theta, b.theta) << what;
  EXPECT_EQ(a.omega, b.omega) << what;
  EXPECT_EQ(a.mu, b.mu) << what;
  EXPECT_EQ(a.iterations, b.iterations) << what;
  EXPECT_EQ(a.converged, b.converged) << what;
  EXPECT_EQ(a.log_likelihood, b.log_likelihood) << what;
}

}  // namespace scrutineer::forecast
