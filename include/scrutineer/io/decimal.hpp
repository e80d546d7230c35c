// A fast exact reader of the plain decimals that coordinates are written as.
#pragma once

#include <cstdint>
#include <string_view>

namespace scrutineer::io {

// Reads a plain decimal: an optional '-', then at most 15 digits with at most one '.' among or
// after or before them ("-87.6277", "41.79", "12.", ".5"). Its digits m < 10^15 < 2^53 and 10^k (k
// <= 15 decimals) are exact doubles, so the one correctly rounded division m / 10^k is the
// correctly rounded value of the decimal: the double std::from_chars gives for the same text
// (Clinger 1990, "How to read floating point numbers accurately", the fast path). Returns false,
// leaving `out` as it was, for anything else (exponents, more digits, signs elsewhere, blanks),
// which the caller reads with std::from_chars.
inline bool plain_decimal(std::string_view s, double& out) {
  static constexpr double kPowers[] = {1e0, 1e1, 1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                       1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15};
  const char* p = s.data();
  const char* const end = p + s.size();
  const bool negative = p != end && *p == '-';
  p += negative;
  // The digits into m (it may wrap past 19 digits, but then more than 15 are refused below).
  std::uint64_t m = 0;
  const auto digits_from = [&](const char* from) {
    for (p = from; p != end && static_cast<unsigned char>(*p - '0') < 10; ++p)
      m = m * 10 + static_cast<std::uint64_t>(*p - '0');
    return p - from;
  };
  const auto whole = digits_from(p);
  const auto decimals = p != end && *p == '.' ? digits_from(p + 1) : 0;
  if (p != end || whole + decimals == 0 || whole + decimals > 15) return false;
  const double v = static_cast<double>(m) / kPowers[decimals];
  out = negative ? -v : v;
  return true;
}

}  // namespace scrutineer::io
