// e^x by range reduction (Cody & Waite 1980) and a Taylor polynomial, two values at a time, for
// the opt-in fast arithmetic of sepp (kernel_sums=fast) and sepp-grid (arithmetic=fast).
#pragma once

#include <cstddef>
#include <cstdint>
#include <iterator>

namespace scrutineer::forecast {

// Two or four doubles (GCC's vector extension: SSE2 or AVX2 on x86-64, and the same operations
// elementwise anywhere, so the results do not depend on how the compiler lowers them; no fused
// multiply-add).
using Pair = double __attribute__((vector_size(16)));
using PairBits = std::int64_t __attribute__((vector_size(16)));
using Quad = double __attribute__((vector_size(32)));

// e^x = 2^k e^r with k = round(x / ln 2) and r = x - k ln 2 (Cody & Waite: ln 2 in two parts, the
// first with 11 trailing zero bits so that k ln2_hi is exact for |k| < 2^11), |r| <= ln 2 / 2; e^r
// by its Taylor polynomial of degree 11, whose remainder is at most
// e^(ln 2 / 2) (ln 2 / 2)^12 / 12! = 9.1e-15 of e^r; 2^k from its exponent bits (k + 1023) << 52,
// k read from the bits of x / ln 2 + 1.5 2^52 (round to nearest). x below -708 is taken as -708
// (e^-708 = 3.3e-308). No branch and no call, every lane alike (x in place: a vector passed by
// reference has the same calling convention with or without AVX). The relative error is below
// kApproximateExpError (sepp.hpp; docs/forecast.md derives it).
template <class V>
inline void exp_taylor_in_place(V& x) {
  using Bits = decltype(x > x);
  constexpr double kLog2e = 1.4426950408889634, kLn2Hi = 0x1.62e42fefa3800p-1,
                   kLn2Lo = 0x1.ef35793c76730p-45, kRound = 0x1.8p52;
  constexpr double kInverseFactorial[] = {1.0 / 39916800, 1.0 / 3628800, 1.0 / 362880, 1.0 / 40320,
                                          1.0 / 5040,     1.0 / 720,     1.0 / 120,    1.0 / 24,
                                          1.0 / 6,        0.5,           1.0,          1.0};
  const Bits keep = x > -708.0;
  const V floor = V{} - 708.0;
  x = reinterpret_cast<V>((reinterpret_cast<Bits>(x) & keep) |
                          (reinterpret_cast<Bits>(floor) & ~keep));
  const V shifted = x * kLog2e + kRound;
  const V k = shifted - kRound;
  const V r = (x - k * kLn2Hi) - k * kLn2Lo;
  V p = V{} + kInverseFactorial[0];
  for (std::size_t i = 1; i < std::size(kInverseFactorial); ++i) p = p * r + kInverseFactorial[i];
  const Bits round_bits = reinterpret_cast<Bits>(V{} + kRound);
  const Bits scale = (reinterpret_cast<Bits>(shifted) - round_bits + 1023) << 52;
  x = p * reinterpret_cast<V>(scale);
}

inline Pair exp_taylor(Pair x) {
  exp_taylor_in_place(x);
  return x;
}

}  // namespace scrutineer::forecast
