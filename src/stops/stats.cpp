// Exact intervals and tests for counts (stops/stats.hpp). The incomplete beta and gamma functions
// follow the continued fractions and series of Abramowitz & Stegun (1964) 26.5.8 and 6.5.29/6.5.31,
// evaluated by the modified Lentz method (Lentz 1976; Thompson & Barnett 1986).
#include "scrutineer/stops/stats.hpp"

#include <cmath>
#include <limits>
#include <numbers>

#include "scrutineer/core/error.hpp"

namespace scrutineer::stops {

namespace {

constexpr double kTiny = 1e-300;
constexpr double kEps = 1e-16;

// Continued fraction of I_x(a, b) (A&S 26.5.8), for x < (a + 1) / (a + b + 2).
double beta_fraction(double a, double b, double x) {
  double c = 1, d = 1 - (a + b) * x / (a + 1);
  if (std::fabs(d) < kTiny) d = kTiny;
  d = 1 / d;
  double h = d;
  for (int m = 1; m <= 10000; ++m) {
    const double m2 = 2.0 * m;
    double num = m * (b - m) * x / ((a + m2 - 1) * (a + m2));
    for (int step = 0; step < 2; ++step) {
      d = 1 + num * d;
      if (std::fabs(d) < kTiny) d = kTiny;
      c = 1 + num / c;
      if (std::fabs(c) < kTiny) c = kTiny;
      d = 1 / d;
      const double delta = c * d;
      h *= delta;
      if (step == 1 && std::fabs(delta - 1) < kEps) return h;
      num = -(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1));
    }
  }
  return h;
}

}  // namespace

double beta_regularized(double a, double b, double x) {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const double front = std::exp(std::lgamma(a + b) - std::lgamma(a) - std::lgamma(b) +
                                a * std::log(x) + b * std::log1p(-x));
  if (x < (a + 1) / (a + b + 2)) return front * beta_fraction(a, b, x) / a;
  return 1 - front * beta_fraction(b, a, 1 - x) / b;
}

double beta_quantile(double p, double a, double b) {
  double lo = 0, hi = 1;
  for (int i = 0; i < 200 && hi - lo > 1e-15; ++i) {
    const double mid = 0.5 * (lo + hi);
    (beta_regularized(a, b, mid) < p ? lo : hi) = mid;
  }
  return 0.5 * (lo + hi);
}

double gamma_q(double a, double x) {
  if (x <= 0) return 1;
  const double front = std::exp(-x + a * std::log(x) - std::lgamma(a));
  if (x < a + 1) {  // series for P (A&S 6.5.29), Q = 1 - P
    double term = 1 / a, sum = term;
    for (int n = 1; n < 100000; ++n) {
      term *= x / (a + n);
      sum += term;
      if (std::fabs(term) < std::fabs(sum) * kEps) break;
    }
    return 1 - sum * front;
  }
  // Continued fraction for Q (A&S 6.5.31), modified Lentz.
  double b = x + 1 - a, c = 1 / kTiny, d = 1 / b, h = d;
  for (int i = 1; i < 100000; ++i) {
    const double an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (std::fabs(d) < kTiny) d = kTiny;
    c = b + an / c;
    if (std::fabs(c) < kTiny) c = kTiny;
    d = 1 / d;
    const double delta = d * c;
    h *= delta;
    if (std::fabs(delta - 1) < kEps) break;
  }
  return front * h;
}

double chi_squared_sf(double x, double df) { return gamma_q(df / 2, x / 2); }

double normal_quantile(double p) {
  if (!(p > 0 && p < 1)) throw ConfigError("normal_quantile: p must be in (0, 1)");
  // Acklam (2003), "An algorithm for computing the inverse normal cumulative distribution".
  static const double a[] = {-3.969683028665376e+01, 2.209460984245205e+02,  -2.759285104469687e+02,
                             1.383577518672690e+02,  -3.066479806614716e+01, 2.506628277459239e+00};
  static const double b[] = {-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02,
                             6.680131188771972e+01, -1.328068155288572e+01};
  static const double c[] = {-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00,
                             -2.549732539343734e+00, 4.374664141464968e+00,  2.938163982698783e+00};
  static const double d[] = {7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00,
                             3.754408661907416e+00};
  double x;
  if (p < 0.02425) {
    const double q = std::sqrt(-2 * std::log(p));
    x = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
        ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  } else if (p > 1 - 0.02425) {
    const double q = std::sqrt(-2 * std::log1p(-p));
    x = -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
        ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  } else {
    const double q = p - 0.5, r = q * q;
    x = (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q /
        (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
  }
  // One Halley step on Phi(x) - p, Phi from erfc.
  const double e = 0.5 * std::erfc(-x / std::sqrt(2.0)) - p;
  const double u = e * std::sqrt(2 * std::numbers::pi) * std::exp(x * x / 2);
  return x - u / (1 + x * u / 2);
}

double gamma_quantile(double p, double a) {
  double lo = 0, hi = a + 10 * std::sqrt(a) + 50;
  while (1 - gamma_q(a, hi) < p) hi *= 2;
  for (int i = 0; i < 300 && hi - lo > 1e-12 * std::max(1.0, hi); ++i) {
    const double mid = 0.5 * (lo + hi);
    (1 - gamma_q(a, mid) < p ? lo : hi) = mid;
  }
  return 0.5 * (lo + hi);
}

Interval poisson_interval(std::int64_t k, double level) {
  const double alpha = 1 - level;
  const auto kd = static_cast<double>(k);
  return {k == 0 ? 0.0 : gamma_quantile(alpha / 2, kd), gamma_quantile(1 - alpha / 2, kd + 1)};
}

Interval clopper_pearson(std::int64_t k, std::int64_t n, double level) {
  if (n <= 0 || k < 0 || k > n) throw ConfigError("clopper_pearson: need 0 <= k <= n, n > 0");
  const double alpha = 1 - level;
  const auto kd = static_cast<double>(k), nd = static_cast<double>(n);
  Interval out;
  out.low = k == 0 ? 0.0 : beta_quantile(alpha / 2, kd, nd - kd + 1);
  out.high = k == n ? 1.0 : beta_quantile(1 - alpha / 2, kd + 1, nd - kd);
  return out;
}

Interval rate_ratio_interval(std::int64_t a, double na, std::int64_t b, double nb, double level) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  if (a + b == 0 || !(na > 0) || !(nb > 0)) return {nan, nan};
  const auto p = clopper_pearson(a, a + b, level);
  const auto odds = [](double q) {
    return q >= 1 ? std::numeric_limits<double>::infinity() : q / (1 - q);
  };
  return {odds(p.low) * nb / na, odds(p.high) * nb / na};
}

ChiSquared chi_squared_equal_proportions(const std::vector<std::int64_t>& k,
                                         const std::vector<std::int64_t>& n) {
  if (k.size() != n.size()) throw InternalError("chi_squared: k and n differ in length");
  double total_k = 0, total_n = 0;
  int groups = 0;
  for (std::size_t i = 0; i < k.size(); ++i) {
    if (n[i] == 0) continue;
    total_k += static_cast<double>(k[i]);
    total_n += static_cast<double>(n[i]);
    ++groups;
  }
  ChiSquared out;
  out.df = groups - 1;
  if (groups < 2 || total_k == 0 || total_k == total_n) {
    out.statistic = 0;
    out.p_value = 1;
    return out;
  }
  const double share = total_k / total_n;
  for (std::size_t i = 0; i < k.size(); ++i) {
    if (n[i] == 0) continue;
    const auto ni = static_cast<double>(n[i]), ki = static_cast<double>(k[i]);
    const double e1 = ni * share, e0 = ni * (1 - share);
    out.statistic += (ki - e1) * (ki - e1) / e1 + (ni - ki - e0) * (ni - ki - e0) / e0;
  }
  out.p_value = chi_squared_sf(out.statistic, out.df);
  return out;
}

OddsRatio woolf_odds_ratio(std::int64_t a, std::int64_t b, std::int64_t c, std::int64_t d,
                           double level) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  OddsRatio out;
  if (a == 0 || b == 0 || c == 0 || d == 0) {
    out.ratio = (b == 0 || c == 0) ? nan
                                   : static_cast<double>(a) * static_cast<double>(d) /
                                         (static_cast<double>(b) * static_cast<double>(c));
    out.interval = {nan, nan};
    return out;
  }
  const auto ad = static_cast<double>(a), bd = static_cast<double>(b), cd = static_cast<double>(c),
             dd = static_cast<double>(d);
  out.ratio = ad * dd / (bd * cd);
  const double z = normal_quantile(1 - (1 - level) / 2);
  const double se = std::sqrt(1 / ad + 1 / bd + 1 / cd + 1 / dd);
  out.interval = {std::exp(std::log(out.ratio) - z * se), std::exp(std::log(out.ratio) + z * se)};
  return out;
}

}  // namespace scrutineer::stops
