// Approximate e^x, several values at a time, for the opt-in fast arithmetic: exp_taylor_in_place
// (range reduction by ln 2, Cody & Waite 1980, and a Taylor polynomial of degree 11) for sepp's
// approximate_exp and sepp-grid's arithmetic=fast; exp_table_quad (Tang 1989: a table of
// 2^(j/32) and a polynomial of degree 6, cheaper and within 4u) for sepp's kernel_sums=fast.
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

// Every lane of x below -708 set to -708 (e^-708 = 3.3e-308, still normal), without a branch:
// the approximations below take such x as -708.
template <class V>
inline void raise_to_exp_floor(V& x) {
  using Bits = decltype(x > x);
  const Bits keep = x > -708.0;
  const V floor = V{} - 708.0;
  x = reinterpret_cast<V>((reinterpret_cast<Bits>(x) & keep) |
                          (reinterpret_cast<Bits>(floor) & ~keep));
}

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
  raise_to_exp_floor(x);
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

// 2^(j/32), j = 0..31, correctly rounded (exp_table_quad).
inline constexpr double kTwoToJ32[32] = {
    0x1.0000000000000p+0, 0x1.059b0d3158574p+0, 0x1.0b5586cf9890fp+0, 0x1.11301d0125b51p+0,
    0x1.172b83c7d517bp+0, 0x1.1d4873168b9aap+0, 0x1.2387a6e756238p+0, 0x1.29e9df51fdee1p+0,
    0x1.306fe0a31b715p+0, 0x1.371a7373aa9cbp+0, 0x1.3dea64c123422p+0, 0x1.44e086061892dp+0,
    0x1.4bfdad5362a27p+0, 0x1.5342b569d4f82p+0, 0x1.5ab07dd485429p+0, 0x1.6247eb03a5585p+0,
    0x1.6a09e667f3bcdp+0, 0x1.71f75e8ec5f74p+0, 0x1.7a11473eb0187p+0, 0x1.82589994cce13p+0,
    0x1.8ace5422aa0dbp+0, 0x1.93737b0cdc5e5p+0, 0x1.9c49182a3f090p+0, 0x1.a5503b23e255dp+0,
    0x1.ae89f995ad3adp+0, 0x1.b7f76f2fb5e47p+0, 0x1.c199bdd85529cp+0, 0x1.cb720dcef9069p+0,
    0x1.d5818dcfba487p+0, 0x1.dfc97337b9b5fp+0, 0x1.ea4afa2a490dap+0, 0x1.f50765b6e4540p+0};

// e^x, four at a time, in place (a reference, so no AVX value crosses a call), for the kernel sums
// of kernel_sums=fast (cheaper than exp_taylor_in_place: a table and a polynomial of degree 6
// instead of 11). Tang (1989), ACM TOMS 15(2): k = round(32 x / ln 2) = 32 m + j (0 <= j < 32),
// r = x - k ln 2 / 32 (ln 2 / 32 in two parts, Cody & Waite 1980, the first with 15 trailing zero
// bits so that k L_hi is exact for |k| < 2^15), |r| <= ln 2 / 64; e^x = 2^m 2^(j/32) e^r with
// 2^(j/32) from a table of correctly rounded doubles and e^r by its Taylor polynomial of degree 6,
// whose remainder is at most (ln 2 / 64)^7 / 7! e^(ln 2 / 64) = 3.5e-18. Relative error at most
// 4u = 8.9e-16 (u = 2^-53; docs/forecast.md), below kApproximateExpError. x below -708 is taken
// as -708, where 2^m is still normal. No FMA: the same bits on every CPU.
[[gnu::always_inline]] inline void exp_table_quad(Quad& x) {
  using QuadBits = decltype(x > x);
  constexpr double k32OverLn2 = 0x1.71547652b82fep+5, kLHi = 0x1.62e42fefa0000p-6,
                   kLLo = 0x1.cf79abc9e3b3ap-45, kRound = 0x1.8p52;
  constexpr double kInverseFactorial[] = {1.0 / 720, 1.0 / 120, 1.0 / 24, 1.0 / 6, 0.5, 1.0, 1.0};
  raise_to_exp_floor(x);
  const Quad shifted = x * k32OverLn2 + kRound;  // k in the low bits
  const Quad k = shifted - kRound;
  const Quad r = (x - k * kLHi) - k * kLLo;
  Quad p = Quad{} + kInverseFactorial[0];
  for (std::size_t i = 1; i < std::size(kInverseFactorial); ++i) p = p * r + kInverseFactorial[i];
  const QuadBits kbits =
      reinterpret_cast<QuadBits>(shifted) - reinterpret_cast<QuadBits>(Quad{} + kRound);
  const QuadBits j = kbits & 31, scale = ((kbits >> 5) + 1023) << 52;
  const Quad table = {kTwoToJ32[j[0]], kTwoToJ32[j[1]], kTwoToJ32[j[2]], kTwoToJ32[j[3]]};
  x = (table * p) * reinterpret_cast<Quad>(scale);
}

}  // namespace scrutineer::forecast
