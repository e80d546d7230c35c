// io::plain_decimal, the fast path for coordinates (issue 16): the same double as std::from_chars
// for every text it accepts, and it refuses what it does not read exactly.
#include <gtest/gtest.h>

#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <random>
#include <string>

#include "scrutineer/io/decimal.hpp"

namespace scrutineer::io {
namespace {

std::uint64_t bits(double v) {
  std::uint64_t b;
  std::memcpy(&b, &v, sizeof b);
  return b;
}

// from_chars over the whole text: true with its value when it reads every byte.
bool whole_from_chars(const std::string& s, double& out) {
  const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && p == s.data() + s.size();
}

void expect_as_from_chars(const std::string& s) {
  double fast = 0, reference = 0;
  ASSERT_TRUE(plain_decimal(s, fast)) << s;
  ASSERT_TRUE(whole_from_chars(s, reference)) << s;
  EXPECT_EQ(bits(fast), bits(reference)) << s;
}

}  // namespace

TEST(PlainDecimal, HandValues) {
  double v = 0;
  ASSERT_TRUE(plain_decimal("-87.6277", v));
  EXPECT_EQ(v, -87.6277);
  ASSERT_TRUE(plain_decimal("41.7922", v));
  EXPECT_EQ(v, 41.7922);
  ASSERT_TRUE(plain_decimal("0.1", v));
  EXPECT_EQ(v, 0.1);
  ASSERT_TRUE(plain_decimal("-0", v));
  EXPECT_TRUE(std::signbit(v));
  EXPECT_EQ(v, 0.0);
  ASSERT_TRUE(plain_decimal("1186653", v));
  EXPECT_EQ(v, 1186653.0);
  ASSERT_TRUE(plain_decimal("999999999999999", v));  // 15 digits
  EXPECT_EQ(v, 999999999999999.0);
}

// Texts it leaves to from_chars: an exponent, a 16th digit, '+', blanks, two points, no digit.
TEST(PlainDecimal, RefusesWhatItCannotReadExactly) {
  for (const char* s : {"", "-", ".", "-.", "1e5", "1E5", "1234567890123456", "0.0000000000000001",
                        "+1", " 1", "1 ", "1.2.3", "--1", "1-", "inf", "nan", "0x10", "1,5"}) {
    double v = 7;
    EXPECT_FALSE(plain_decimal(s, v)) << s;
    EXPECT_EQ(v, 7) << s;
  }
}

// The edge forms, and a million random decimals of 1 to 15 digits with the point anywhere: each
// the bits from_chars gives.
TEST(PlainDecimal, EqualsFromChars) {
  for (const char* s :
       {"5.", ".5", "-.5", "-5.", "0", "00.000", "007.50", "-0.0", "123456789012345",
        ".123456789012345", "12345678901234.5", "9007199254740991"}) {
    double v = 0;
    if (plain_decimal(s, v)) expect_as_from_chars(s);
  }
  std::mt19937_64 random(16);
  for (int k = 0; k < 1000000; ++k) {
    const int digits = 1 + static_cast<int>(random() % 15);
    std::string s = random() % 2 ? "-" : "";
    const int point = static_cast<int>(random() % (digits + 1));
    for (int d = 0; d < digits; ++d) {
      if (d == point) s += '.';
      s += static_cast<char>('0' + random() % 10);
    }
    expect_as_from_chars(s);
  }
}

}  // namespace scrutineer::io
