// The parallel read (chunks of the file read on the worker threads, then joined in file order)
// gives what the serial read gives: the same events in the same order, the same counts, first lines
// and messages, with malformed rows, quoted fields, doubled quotes and quoted line breaks that fall
// across a chunk boundary. And the time parser's fixed-offset path agrees with its general one.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "scrutineer/core/error.hpp"
#include "scrutineer/core/random.hpp"
#include "scrutineer/core/time.hpp"
#include "scrutineer/geo/crs.hpp"
#include "scrutineer/ingest/ingest.hpp"

namespace scrutineer::ingest {
namespace {

constexpr std::size_t kSerial = std::size_t(1) << 40;  // one chunk: the serial read

ReadResult read(const std::string& text, std::size_t chunk, ReadOptions options = {}) {
  options.chunk_bytes = chunk;
  return read_events_from_string("test.csv", text, options);
}

bool same_bits(const std::vector<double>& a, const std::vector<double>& b) {
  return a.size() == b.size() &&
         (a.empty() || std::memcmp(a.data(), b.data(), a.size() * sizeof(double)) == 0);
}

void expect_same(const ReadResult& serial, const ReadResult& parallel, std::size_t chunk) {
  SCOPED_TRACE("chunk bytes " + std::to_string(chunk));
  EXPECT_EQ(report_json(serial.report), report_json(parallel.report));
  EXPECT_EQ(report_text(serial.report), report_text(parallel.report));
  EXPECT_EQ(serial.events.t, parallel.events.t);
  EXPECT_TRUE(same_bits(serial.events.x, parallel.events.x));
  EXPECT_TRUE(same_bits(serial.events.y, parallel.events.y));
  EXPECT_EQ(serial.events.category, parallel.events.category);
  EXPECT_EQ(serial.events.categories, parallel.events.categories);
  EXPECT_EQ(serial.events.source_row, parallel.events.source_row);
  ASSERT_EQ(serial.kept.size(), parallel.kept.size());
  for (std::size_t k = 0; k < serial.kept.size(); ++k)
    EXPECT_EQ(serial.kept[k].values, parallel.kept[k].values);
}

// A Chicago portal export with every kind of bad row, quoted fields (doubled quotes, line breaks
// inside quotes), blank lines, CRLF endings and repeated rows, between seeded random good rows.
std::string messy_portal(int rows) {
  static const char* kTypes[] = {"BATTERY", "THEFT", "ASSAULT", "NARCOTICS", "BURGLARY"};
  static const char* kBad[] = {
      "HZ9,04/27/2016 01:44:00 PM,X,BATTERY,41.76\n",                 // too few fields
      "HZ9,04/31/2016 01:44:00 PM,X,BATTERY,41.76,-87.60\n",          // no 31 April
      "HZ9,04/27/2016 01:44:00 PM,X,BATTERY,,\n",                     // no coordinates
      "HZ9,04/27/2016 01:44:00 PM,X,BATTERY,0,0\n",                   // (0, 0)
      "HZ9,04/27/2016 01:44:00 PM,X,BATTERY,141.76,-87.60\n",         // out of range
      "HZ9,04/27/2016 01:44:00 PM,X\xff\xfe,BATTERY,41.76,-87.60\n",  // not UTF-8
      "HZ9,04/27/2016 01:44:00 PM,\"a \"\"quoted\"\"\nline break\",THEFT,41.70,-87.61\n",
      "HZ9,4/7/2016 1:44:00 PM,\"ends\r\nwith CRLF\",THEFT,41.71,-87.62\r\n",  // short numbers
      "\n\r\n",                                                                // blank lines
      "HZ9,04/27/2016 01:44:00 PM,x,BATTERY,41.76,-87.60,extra\n",             // too many fields
      "HZ9,not a time,X,BATTERY,41.76,-87.60\n",
      "HZ9,04/27/2016 01:44:00 PM,\"\n\n\n\",ASSAULT,41.72,-87.63\n",  // breaks only
  };
  Rng rng(7);
  std::string s = "Case Number,Date,Block,Primary Type,Latitude,Longitude\n";
  std::string previous;
  for (int i = 0; i < rows; ++i) {
    const auto pick = rng.below(10);
    std::string line;
    if (pick == 0) {
      line = kBad[rng.below(sizeof kBad / sizeof kBad[0])];
    } else if (pick == 1 && !previous.empty()) {
      line = previous;  // a duplicate
    } else {
      char buf[200];
      std::snprintf(
          buf, sizeof buf, "HZ%06d,%02u/%02u/2016 %02u:%02u:00 %s,0%uXX S STATE,%s,%.6f,%.6f\n", i,
          static_cast<unsigned>(1 + rng.below(12)), static_cast<unsigned>(1 + rng.below(28)),
          static_cast<unsigned>(1 + rng.below(12)), static_cast<unsigned>(rng.below(60)),
          rng.bernoulli(0.5) ? "AM" : "PM", static_cast<unsigned>(rng.below(100)),
          kTypes[rng.below(5)], rng.uniform(41.64, 42.02), rng.uniform(-87.94, -87.52));
      line = buf;
      previous = line;
    }
    s += line;
  }
  return s;
}

TEST(ParallelRead, MessyExportGivesTheSerialResultForAnyChunkSize) {
  const std::string text = messy_portal(3000);
  ReadOptions options;
  options.target_crs = "EPSG:2790";
  options.keep_columns = {"Block"};
  options.example_lines = 50;
  const auto serial = read(text, kSerial, options);
  ASSERT_GT(serial.report.rows_dropped, 100);  // the bad rows are there to be compared
  ASSERT_GT(serial.report.duplicates.count, 100);
  for (std::size_t chunk : {1, 7, 64, 97, 211, 1000, 4096, 33333}) {
    expect_same(serial, read(text, chunk, options), chunk);
    options.drop_duplicates = !options.drop_duplicates;
    expect_same(read(text, kSerial, options), read(text, chunk, options), chunk);
    options.drop_duplicates = !options.drop_duplicates;
  }
}

// Chunk boundaries placed inside one quoted field: just before its first line break, so the next
// chunk's guessed start lies inside the quotes (its records are garbage and must be read again),
// and in the middle of the field.
TEST(ParallelRead, QuotedLineBreakAcrossAChunkBoundary) {
  const std::string header = "Case Number,Date,Block,Primary Type,Latitude,Longitude\n";
  std::string text = header;
  for (int i = 0; i < 20; ++i)
    text += "HZ1,04/27/2016 01:44:00 PM,073XX S COTTAGE GROVE AVE,BATTERY,41.761772,-87.605478\n";
  const std::size_t quote = text.size() + std::strlen("HZ2,04/27/2016 01:44:00 PM,");
  // Inside the quotes: a line that looks like a record of its own, with a bad time.
  text +=
      "HZ2,04/27/2016 01:44:00 PM,\"first line\nHZ3,13/45/2016 99:99:99 PM,X,THEFT,41.7,-87.6\n"
      "last, \"\"quoted\"\" line\",ASSAULT,41.75,-87.61\n";
  for (int i = 0; i < 20; ++i)
    text += "HZ4,05/01/2016 02:00:00 AM,000XX W MADISON ST,THEFT,41.881832,-87.629560\n";
  ReadOptions options;
  options.target_crs = "EPSG:2790";
  options.keep_columns = {"Block"};
  const auto serial = read(text, kSerial, options);
  ASSERT_EQ(serial.report.rows_read, 41);
  ASSERT_EQ(serial.report.rows_kept, 41);
  for (std::size_t chunk = quote - header.size() - 3; chunk < quote - header.size() + 60; ++chunk)
    expect_same(serial, read(text, chunk, options), chunk);
  // Strict: the garbage record seen by a wrongly started chunk is no error; the file has none.
  options.strict = true;
  for (std::size_t chunk : {quote - header.size(), quote - header.size() + 5})
    expect_same(serial, read(text, chunk, options), chunk);
}

// An unterminated quote: the record ends with its line and reading resumes on the next one,
// wherever the chunks fall; its message names the line where the quote opened.
TEST(ParallelRead, UnterminatedQuoteAndStrictErrorsAreTheSerialOnes) {
  std::string text = "Case Number,Date,Block,Primary Type,Latitude,Longitude\n";
  for (int i = 0; i < 30; ++i)
    text += "HZ1,04/27/2016 01:44:00 PM,073XX S COTTAGE GROVE AVE,BATTERY,41.761772,-87.605478\n";
  text += "HZ2,04/27/2016 01:44:00 PM,\"never closed,BATTERY,41.76,-87.60\n";
  for (int i = 0; i < 30; ++i)
    text += "HZ4,05/01/2016 02:00:00 AM,000XX W MADISON ST,THEFT,41.881832,-87.629560\n";
  text += "HZ5,05/01/2016 02:00:00 AM,X,THEFT,41.88,-87.62,extra\n";
  ReadOptions options;
  options.target_crs = "EPSG:2790";
  const auto serial = read(text, kSerial, options);
  EXPECT_EQ(serial.report.dropped[static_cast<std::size_t>(DropReason::kUnterminatedQuote)].count,
            1);
  for (std::size_t chunk : {3, 50, 100, 500, 1000, 2500})
    expect_same(serial, read(text, chunk, options), chunk);
  options.strict = true;
  std::string expected;
  try {
    read(text, kSerial, options);
  } catch (const InputError& e) {
    expected = e.what();
  }
  ASSERT_NE(expected.find("test.csv:32:"), std::string::npos) << expected;
  for (std::size_t chunk : {3, 50, 100, 500, 1000, 2500}) {
    std::string got;
    try {
      read(text, chunk, options);
    } catch (const InputError& e) {
      got = e.what();
    }
    EXPECT_EQ(got, expected) << "chunk bytes " << chunk;
  }
}

TEST(TimeParser, FixedOffsetsAndGeneralReadingAgree) {
  const TimeParser portal("%m/%d/%Y %I:%M:%S %p");
  std::int64_t t = 0, u = 0;
  // The widest form (fixed offsets) and the same time with short numbers (general reading).
  ASSERT_TRUE(portal.parse("04/07/2016 01:04:05 PM", t));
  ASSERT_TRUE(portal.parse("4/7/2016 1:4:5 PM", u));
  EXPECT_EQ(t, u);
  EXPECT_EQ(format_iso_utc(t), "2016-04-07T13:04:05Z");
  ASSERT_TRUE(portal.parse("  12/31/2016 12:59:59 am ", t));  // trimmed, 12 AM is midnight
  EXPECT_EQ(format_iso_utc(t), "2016-12-31T00:59:59Z");
  // The fixed length but not the layout: read by the general path, which refuses it too.
  EXPECT_FALSE(portal.parse("04-07-2016 01:04:05 PM", t));
  EXPECT_FALSE(portal.parse("04/07/2016 01:04:05 XM", t));
  EXPECT_FALSE(portal.parse("04/0a/2016 01:04:05 PM", t));
  EXPECT_FALSE(portal.parse("02/30/2016 01:04:05 PM", t));  // the calendar still applies
  EXPECT_FALSE(portal.parse("04/07/2016 13:04:05 PM", t));
  const TimeParser iso("%Y-%m-%d %H:%M");
  ASSERT_TRUE(iso.parse("2016-02-29 23:59", t));
  EXPECT_EQ(format_iso_utc(t), "2016-02-29T23:59:00Z");
  ASSERT_TRUE(iso.parse("2016-2-9 3:05", t));  // shorter than the fixed layout
  EXPECT_EQ(format_iso_utc(t), "2016-02-09T03:05:00Z");
  EXPECT_FALSE(iso.parse("2015-02-29 00:00", t));
  const TimeParser compact("%Y%m%d");  // numbers side by side: widest digits first
  ASSERT_TRUE(compact.parse("20160102", t));
  EXPECT_EQ(format_iso_utc(t), "2016-01-02T00:00:00Z");
}

// Each point is transformed on its own, so splitting the points over threads (each with its own
// PROJ context and a copy of the cached operation) changes no bit.
TEST(Transformer, ParallelAndCachedGiveTheSerialBits) {
  Rng rng(11);
  std::vector<double> x(50000), y(50000);
  for (std::size_t i = 0; i < x.size(); ++i) {
    x[i] = rng.uniform(-88.0, -87.5);
    y[i] = rng.uniform(41.6, 42.1);
  }
  x[100] = 1e300;  // PROJ cannot take it: NaN in both
  auto px = x, py = y;
  geo::Transformer serial("EPSG:4326", "EPSG:2790");
  const auto failed = serial.transform(x, y);
  geo::Transformer again("EPSG:4326", "EPSG:2790");  // the cached operation, copied
  EXPECT_EQ(again.transform_parallel(px.data(), py.data(), px.size()), failed);
  EXPECT_EQ(failed, 1u);
  EXPECT_TRUE(std::isnan(px[100]));
  x[100] = px[100] = 0;
  y[100] = py[100] = 0;
  EXPECT_TRUE(same_bits(x, px));
  EXPECT_TRUE(same_bits(y, py));
  EXPECT_TRUE(geo::is_known_crs("EPSG:2790"));
  EXPECT_FALSE(geo::is_known_crs("EPSG:999999"));
  EXPECT_THROW(geo::require_known_crs("not a crs"), ConfigError);
}

}  // namespace
}  // namespace scrutineer::ingest
