// Seeded random numbers that give the same stream on every platform and thread count.
// Engine: xoshiro256** (Blackman & Vigna 2021, ACM TOMS 47(4)), seeded through SplitMix64.
// The distributions are written here, not taken from <random>, whose algorithms differ by library.
#pragma once

#include <cstdint>

namespace scrutineer {

class Rng {
 public:
  // `stream` gives independent sequences for one seed (one per replicate, period or task).
  explicit Rng(std::uint64_t seed, std::uint64_t stream = 0);
  std::uint64_t next();
  double uniform();                      // [0, 1)
  double uniform(double lo, double hi);  // [lo, hi)
  std::uint64_t below(std::uint64_t n);  // uniform integer in [0, n), unbiased
  double normal();                       // standard normal (Marsaglia polar method)
  double exponential(double rate);       // mean 1 / rate
  std::int64_t poisson(double mean);     // Knuth for mean < 30, else PTRS (Hörmann 1993)
  std::int64_t binomial(std::int64_t n, double p);  // exact: inversion of the pmf
  bool bernoulli(double p) { return uniform() < p; }

 private:
  std::uint64_t s_[4];
  double spare_normal_ = 0.0;
  bool has_spare_ = false;
};

}  // namespace scrutineer
