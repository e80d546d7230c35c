// Exact intervals and tests for counts: the regularised incomplete beta and gamma functions, the
// Clopper-Pearson interval (Clopper & Pearson 1934), the exact conditional interval of a ratio of
// two Poisson rates (Breslow & Day 1987), Pearson's chi-squared test and Woolf's odds-ratio
// interval.
#pragma once

#include <cstdint>
#include <vector>

namespace scrutineer::stops {

struct Interval {
  double low = 0, high = 0;
};

// I_x(a, b), the regularised incomplete beta function (continued fraction, modified Lentz).
double beta_regularized(double a, double b, double x);
// The x with I_x(a, b) = p (bisection to 1e-15 on [0, 1]).
double beta_quantile(double p, double a, double b);
// Q(a, x) = Gamma(a, x) / Gamma(a), the regularised upper incomplete gamma function.
double gamma_q(double a, double x);
// Upper tail of the chi-squared distribution with `df` degrees of freedom: Q(df / 2, x / 2).
double chi_squared_sf(double x, double df);
// Two-sided standard normal quantile at probability p (Acklam's rational approximation refined by
// one Halley step; |error| < 1e-12).
double normal_quantile(double p);

// The x with P(a, x) = 1 - Q(a, x) = p (bisection).
double gamma_quantile(double p, double a);
// Garwood (1936), Biometrika 28(3/4) 437-442: the exact interval of a Poisson mean from a count
// k: [G^-1(alpha/2; k), G^-1(1-alpha/2; k+1)] (gamma quantiles of unit scale; 0 when k = 0).
Interval poisson_interval(std::int64_t k, double level);

// Clopper & Pearson (1934), Biometrika 26(4) 404-413: the exact interval of a binomial proportion
// k / n at `level`: low = B^-1(alpha/2; k, n-k+1) (0 when k = 0), high = B^-1(1-alpha/2; k+1, n-k)
// (1 when k = n).
Interval clopper_pearson(std::int64_t k, std::int64_t n, double level);

// The exact conditional interval of the rate ratio (a / na) / (b / nb) of two Poisson counts a, b
// with exposures na, nb (Breslow & Day 1987, Statistical Methods in Cancer Research II, IARC Sci.
// Publ. 82): given a + b, a ~ Binomial(a + b, p) with p = R na / (R na + nb), so the
// Clopper-Pearson bounds (pl, pu) of p = a / (a + b) give R in [pl / (1 - pl) * nb / na, pu / (1 -
// pu) * nb / na].
Interval rate_ratio_interval(std::int64_t a, double na, std::int64_t b, double nb, double level);

// Pearson's (1900) chi-squared test of equal proportions k_i / n_i across groups (a k x 2 table):
// X^2 = sum over cells (O - E)^2 / E with E from the margins, df = groups - 1.
struct ChiSquared {
  double statistic = 0;
  int df = 0;
  double p_value = 1;
};
ChiSquared chi_squared_equal_proportions(const std::vector<std::int64_t>& k,
                                         const std::vector<std::int64_t>& n);

// Woolf (1955): the odds ratio (a d) / (b c) of a 2 x 2 table and its interval
// exp(log OR -+ z sqrt(1/a + 1/b + 1/c + 1/d)); NaN bounds when a cell is 0.
struct OddsRatio {
  double ratio = 0;
  Interval interval;
};
OddsRatio woolf_odds_ratio(std::int64_t a, std::int64_t b, std::int64_t c, std::int64_t d,
                           double level);

}  // namespace scrutineer::stops
