// Errors: where InputError says the problem is, and messages made safe for a terminal (issue 19,
// item 12: escape codes from a file's header and a 10 MB field reached stderr as they were).
#include <gtest/gtest.h>

#include <string>

#include "scrutineer/core/error.hpp"
#include "scrutineer/core/printable.hpp"

namespace scrutineer {

TEST(InputError, NamesFileLineAndColumn) {
  EXPECT_STREQ(InputError("a.csv", 3, 7, "expected a number").what(),
               "a.csv:3:7: expected a number");
  EXPECT_STREQ(InputError("a.csv", 3, 0, "too few fields").what(), "a.csv:3: too few fields");
  EXPECT_STREQ(InputError("a.csv", 0, 0, "empty").what(), "a.csv: empty");
}

TEST(PrintableMessage, PlainTextAndUtf8PassUnchanged) {
  const std::string text = "a.csv:2:5: the column 'Größe' must hold a number, found 'x—y'";
  EXPECT_EQ(printable_message(text), text);
}

TEST(PrintableMessage, ControlBytesAndBadUtf8AreEscaped) {
  // ESC [ 2 J clears a terminal; \xe9 is Latin-1 é (not UTF-8); \xc2\x9b is the C1 CSI control.
  EXPECT_EQ(printable_message("no column '\x1b[2Jname'"), "no column '\\x1b[2Jname'");
  EXPECT_EQ(printable_message("group 'caf\xe9'"), "group 'caf\\xe9'");
  EXPECT_EQ(printable_message("x\xc2\x9b"
                              "1m"),
            "x\\xc2\\x9b1m");
  EXPECT_EQ(printable_message("line\nbreak"), "line\\x0abreak");
}

TEST(PrintableMessage, LongQuotedValuesAreShortened) {
  const std::string field(10 * 1024 * 1024, 'A');
  const auto out = printable_message("expected a number, found '" + field + "'");
  // 40 bytes kept (half of the 80-byte limit) and the length said.
  EXPECT_EQ(out, "expected a number, found '" + std::string(40, 'A') + "... (10485760 bytes)'");
}

TEST(PrintableMessage, TheWholeIsCapped) {
  const std::string words(5000, 'w');
  const auto out = printable_message(words, 80, 100);
  EXPECT_EQ(out, std::string(100, 'w') + "... (message cut at 100 bytes)");
}

}  // namespace scrutineer
