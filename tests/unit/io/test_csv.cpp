// The bounded CSV reader (issue 19, items 13 and 16): record and field limits that hold memory to a
// bound on any input, resynchronisation after an unbalanced quote, refusal of FIFOs and devices,
// the delimiter hint, and the formula-neutralising field writer.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "scrutineer/core/error.hpp"
#include "scrutineer/io/csv.hpp"
#include "scrutineer/io/read_file.hpp"

namespace scrutineer::io {

namespace fs = std::filesystem;

namespace {

struct Row {
  std::int64_t line;
  std::vector<std::string> fields;
  bool unterminated, too_long;
  std::string problem;
};

std::vector<Row> rows(const std::string& text, CsvOptions options = {}) {
  auto reader = CsvReader::from_string("t.csv", text, options);
  std::vector<Row> out;
  CsvRecord rec;
  while (reader.next(rec))
    out.push_back({rec.line, std::vector<std::string>(rec.fields.begin(), rec.fields.end()),
                   rec.unterminated_quote, rec.too_long, rec.problem});
  return out;
}

fs::path fresh_dir(const std::string& name) {
  auto dir = fs::temp_directory_path() / ("scrutineer-test-csv-" + name);
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

// Resident set size of this process in bytes (/proc/self/statm, second field, in pages).
std::size_t resident_bytes() {
  std::ifstream in("/proc/self/statm");
  std::size_t size = 0, resident = 0;
  in >> size >> resident;
  return resident * static_cast<std::size_t>(sysconf(_SC_PAGESIZE));
}

}  // namespace

// Issue 19, item 16: an unbalanced quote swallowed the rest of the file (40 rows gone, reported as
// one). The record ends with the line where the quote opened; every later row is read.
TEST(CsvReader, UnbalancedQuoteCostsOneRowNotTheRestOfTheFile) {
  std::string text = "a,b\n1,x\n2,\"open\n";
  for (int i = 3; i <= 42; ++i) text += std::to_string(i) + ",y\n";
  const auto r = rows(text);
  ASSERT_EQ(r.size(), 42u);  // rows 1..42: one bad, 41 good (hand count: 2 + 40 lines)
  EXPECT_EQ(r[1].line, 3);
  EXPECT_TRUE(r[1].unterminated);
  EXPECT_NE(r[1].problem.find("line 3"), std::string::npos) << r[1].problem;
  EXPECT_EQ(r[1].fields, (std::vector<std::string>{"2", "open"}));
  for (std::size_t i = 2; i < r.size(); ++i) {
    EXPECT_FALSE(r[i].unterminated);
    EXPECT_EQ(r[i].line, static_cast<std::int64_t>(i) + 2);
    EXPECT_EQ(r[i].fields[1], "y");
  }
}

// A quoted field spanning lines is still one field (RFC 4180) when it closes within the record
// limit; past the limit it is an unbalanced quote and reading resumes on the next line.
TEST(CsvReader, QuotedFieldPastTheRecordLimitResynchronises) {
  const std::string text = "a,b\n1,\"two\nlines\"\n2,\"" + std::string(50, 'x') + "\n" +
                           std::string(200, 'z') + "\"\n3,ok\n";
  CsvOptions small;
  small.max_record_bytes = 100;
  small.max_field_bytes = 100;
  const auto r = rows(text, small);
  ASSERT_EQ(r.size(), 4u);
  EXPECT_EQ(r[0].fields[1], "two\nlines");
  EXPECT_FALSE(r[0].unterminated);
  EXPECT_EQ(r[1].line, 4);
  EXPECT_TRUE(r[1].unterminated);
  EXPECT_NE(r[1].problem.find("within 100 bytes"), std::string::npos) << r[1].problem;
  // The next line (200 z and a stray quote) is read as a record of its own, then "3,ok".
  EXPECT_EQ(r[2].line, 5);
  EXPECT_EQ(r[3].line, 6);
  EXPECT_EQ(r[3].fields, (std::vector<std::string>{"3", "ok"}));
}

// Issue 19, item 13: a record longer than the limit, or with too many fields, is cut at the end of
// its line; the next line is read normally.
TEST(CsvReader, RecordAndFieldLimits) {
  CsvOptions small;
  small.max_record_bytes = 64;
  small.max_field_bytes = 16;
  small.max_fields = 5;
  const std::string text = "a,b\n" + std::string(1000, 'q') + "\n1,2,3,4,5,6,7\n" +
                           std::string(20, 'f') + ",x\nok,fine\n";
  const auto r = rows(text, small);
  ASSERT_EQ(r.size(), 4u);
  EXPECT_TRUE(r[0].too_long);
  EXPECT_NE(r[0].problem.find("longer than 64 bytes"), std::string::npos) << r[0].problem;
  EXPECT_TRUE(r[1].too_long);
  EXPECT_NE(r[1].problem.find("more than 5 fields"), std::string::npos) << r[1].problem;
  EXPECT_LE(r[1].fields.size(), 5u);
  EXPECT_TRUE(r[2].too_long);
  EXPECT_NE(r[2].problem.find("a field of 20 bytes"), std::string::npos) << r[2].problem;
  EXPECT_FALSE(r[3].too_long);
  EXPECT_EQ(r[3].line, 5);
  EXPECT_EQ(r[3].fields, (std::vector<std::string>{"ok", "fine"}));
}

TEST(CsvReader, OverlongHeaderIsAnErrorOnLineOne) {
  CsvOptions small;
  small.max_record_bytes = 64;
  small.max_field_bytes = 16;
  try {
    (void)CsvReader::from_string("h.csv", std::string(100, 'h') + "\n1\n", small);
    FAIL();
  } catch (const InputError& e) {
    EXPECT_EQ(e.line(), 1);
  }
}

// Issue 19, item 13: a single line of 128 MiB is skipped with a bounded resident memory: the
// mapping's pages behind the read position are handed back (32 MiB windows). Without that, the
// whole file's pages stay resident (128 MiB).
TEST(CsvReader, ResidentMemoryStaysBoundedOnOneHugeLine) {
  const auto dir = fresh_dir("huge");
  const auto path = dir / "one-line.csv";
  {
    std::ofstream out(path, std::ios::binary);
    out << "a,b\n";
    const std::string block(1 << 20, 'x');
    for (int i = 0; i < 128; ++i) out << block;
    out << "\n1,2\n";
  }
  CsvReader reader(path.string());
  const std::size_t before = resident_bytes();
  CsvRecord rec;
  ASSERT_TRUE(reader.next(rec));
  EXPECT_TRUE(rec.too_long);  // 128 MiB > the 16 MiB record limit
  const std::size_t grown = resident_bytes() - std::min(before, resident_bytes());
  EXPECT_LT(grown, std::size_t{80} << 20) << "grew by " << grown << " bytes";
  ASSERT_TRUE(reader.next(rec));
  EXPECT_EQ(rec.line, 3);
  EXPECT_EQ(rec.fields.size(), 2u);
  fs::remove_all(dir);
}

// Issue 19, item 16: a FIFO was read as an empty file. FIFOs and devices are refused by name.
TEST(CsvReader, FifoAndDevicesAreRefused) {
  const auto dir = fresh_dir("fifo");
  const auto fifo = dir / "pipe.csv";
  ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
  try {
    CsvReader reader(fifo.string());
    FAIL();
  } catch (const IoError& e) {
    EXPECT_NE(std::string(e.what()).find("FIFO"), std::string::npos) << e.what();
  }
  EXPECT_THROW(CsvReader("/dev/zero"), IoError);
  EXPECT_THROW(CsvReader(dir.string()), IoError);
}

// Issue 19, item 16: a ';'-delimited file got no hint when its header held a comma too.
TEST(CsvReader, DelimiterHint) {
  auto semi = CsvReader::from_string("s.csv", "Month;Crime type, detail;Longitude;Latitude\n1\n");
  EXPECT_NE(semi.delimiter_hint().find("--delimiter ';'"), std::string::npos);
  try {
    (void)semi.require_column("Month");
    FAIL();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("looks ';'-delimited"), std::string::npos) << e.what();
  }
  auto tab = CsvReader::from_string("t.csv", "a\tb\tc\n1\t2\t3\n");
  EXPECT_NE(tab.delimiter_hint().find("\\t"), std::string::npos);
  auto plain = CsvReader::from_string("p.csv", "a,b;c\n1,2\n");
  EXPECT_EQ(plain.delimiter_hint(), "");
}

// Issue 19, item 16: CSV exports did not neutralise spreadsheet formulas. OWASP's rule: a cell
// starting with =, +, -, @, tab or CR that is not a plain number gets a leading apostrophe.
TEST(CsvField, NeutralisesFormulasAndQuotes) {
  EXPECT_EQ(csv_field("=HYPERLINK(\"http://x\",\"y\")"),
            "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"");
  EXPECT_EQ(csv_field("@SUM(A1)"), "'@SUM(A1)");
  EXPECT_EQ(csv_field("+cmd"), "'+cmd");
  EXPECT_EQ(csv_field("-"), "'-");
  EXPECT_EQ(csv_field("\tx"), "'\tx");
  EXPECT_EQ(csv_field("\rx"), "\"'\rx\"");
  EXPECT_EQ(csv_field("-87.6"), "-87.6");
  EXPECT_EQ(csv_field("+1.5e-3"), "+1.5e-3");
  EXPECT_EQ(csv_field("a,b"), "\"a,b\"");
  EXPECT_EQ(csv_field("plain"), "plain");
  EXPECT_EQ(csv_field("a;b", ';'), "\"a;b\"");
}

// Issue 19, item 13: `run /dev/zero` grew by 0.5 GB/s. Whole small files (recipes) are read with
// a bound and only from regular files.
TEST(ReadSmallFile, BoundAndRegularFilesOnly) {
  const auto dir = fresh_dir("small");
  std::ofstream(dir / "ok.toml") << "x = 1\n";
  EXPECT_EQ(read_small_file(dir / "ok.toml", 100, "recipe"), "x = 1\n");
  std::ofstream(dir / "big.toml") << std::string(101, 'x');
  EXPECT_THROW(read_small_file(dir / "big.toml", 100, "recipe"), InputError);
  EXPECT_THROW(read_small_file("/dev/zero", 100, "recipe"), IoError);
  EXPECT_THROW(read_small_file(dir, 100, "recipe"), IoError);
  EXPECT_THROW(read_small_file(dir / "missing.toml", 100, "recipe"), IoError);
}

}  // namespace scrutineer::io

namespace scrutineer::io {
namespace {

// Unquoted records split by a plain byte loop, as the reader did before it scanned eight bytes at a
// time (issue 16): the fields, their 1-based columns and the lines.
struct Split {
  std::vector<std::vector<std::string>> fields;
  std::vector<std::vector<std::uint32_t>> columns;
  std::vector<std::int64_t> lines;
};

Split split_by_bytes(const std::string& text, char delim) {
  Split out;
  std::size_t pos = text.find('\n') + 1;  // after the header
  std::int64_t line = 2;
  while (pos < text.size()) {
    if (text[pos] == '\n' || text[pos] == '\r') {  // blank lines are skipped
      line += text[pos] == '\n';
      ++pos;
      continue;
    }
    const std::size_t start = pos;
    std::vector<std::string> fields;
    std::vector<std::uint32_t> columns;
    while (true) {
      const std::size_t f = pos;
      while (pos < text.size() && text[pos] != delim && text[pos] != '\n' && text[pos] != '\r')
        ++pos;
      fields.push_back(text.substr(f, pos - f));
      columns.push_back(static_cast<std::uint32_t>(f - start + 1));
      if (pos < text.size() && text[pos] == delim) {
        ++pos;
        continue;
      }
      break;
    }
    out.fields.push_back(fields);
    out.columns.push_back(columns);
    out.lines.push_back(line);
    if (pos < text.size() && text[pos] == '\r') ++pos;
    if (pos < text.size() && text[pos] == '\n') ++pos, ++line;
  }
  return out;
}

}  // namespace

// The field scan reads eight bytes at a time: every field length from 0 to 40, each delimiter, CR
// and LF at every offset of the word, high bytes (UTF-8, 0x80-0xFF) beside them, and records that
// end at the very end of the text without a line feed give the fields of a byte-by-byte split.
TEST(CsvReader, EightBytesAtATimeSplitsAsByteByByte) {
  std::mt19937 random(16);
  const std::string alphabet = "ab,;\r\n\x80\xC3\xA9\xFF 09-.";
  for (const char delim : {',', ';', '\t'}) {
    for (int trial = 0; trial < 300; ++trial) {
      std::string text = "h\n";
      const int n = static_cast<int>(random() % 120);
      for (int k = 0; k < n; ++k) {
        const bool long_run = random() % 4 == 0;
        if (long_run)
          text += std::string(random() % 41, 'x');
        else
          text += alphabet[random() % alphabet.size()];
        if (text.back() == '"') text.back() = 'q';
      }
      for (char& c : text)
        if (c == '"') c = 'q';
      const Split expected = split_by_bytes(text, delim);
      CsvOptions options;
      options.delimiter = delim;
      auto reader = CsvReader::from_string("t.csv", text, options);
      CsvRecord rec;
      std::size_t r = 0;
      while (reader.next(rec)) {
        ASSERT_LT(r, expected.fields.size()) << "trial " << trial;
        EXPECT_EQ(std::vector<std::string>(rec.fields.begin(), rec.fields.end()),
                  expected.fields[r])
            << "trial " << trial << ", record " << r;
        EXPECT_EQ(rec.columns, expected.columns[r]) << "trial " << trial << ", record " << r;
        EXPECT_EQ(rec.line, expected.lines[r]) << "trial " << trial << ", record " << r;
        ++r;
      }
      EXPECT_EQ(r, expected.fields.size()) << "trial " << trial;
    }
  }
}

}  // namespace scrutineer::io

namespace scrutineer::io {

// count_lines counts eight bytes at a time: over random text (line feeds, CR, bytes 0x00-0xFF) and
// every range of it, the count of a byte-by-byte loop.
TEST(CsvReader, CountsLinesAsByteByByte) {
  std::mt19937 random(8);
  std::string text = "h\n";
  for (int k = 0; k < 2000; ++k) {
    const auto r = random() % 8;
    text += r == 0 ? '\n' : r == 1 ? '\r' : static_cast<char>(random() % 256);
  }
  const auto reader = CsvReader::from_string("t.csv", text);
  for (int trial = 0; trial < 3000; ++trial) {
    std::size_t begin = random() % text.size(), end = random() % (text.size() + 1);
    if (begin > end) std::swap(begin, end);
    std::int64_t expected = 0;
    for (std::size_t i = begin; i < end; ++i) expected += text[i] == '\n';
    EXPECT_EQ(reader.count_lines(begin, end), expected) << begin << ".." << end;
  }
}

}  // namespace scrutineer::io
