// Register import against bad files (issue 19): a CSV record the reader could not read whole
// (an unbalanced quote, an over-long field) is refused with FILE:LINE:COL, and a JSON file is read
// through the bounded reader (kMaxImportJsonBytes; a FIFO is refused).
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <string>

#include "scrutineer/core/error.hpp"
#include "scrutineer/io/atomic_file.hpp"
#include "scrutineer/registry/exchange.hpp"
#include "scrutineer/registry/store.hpp"

namespace scrutineer::registry {

namespace fs = std::filesystem;

namespace {
fs::path fresh(const std::string& name) {
  auto dir =
      fs::temp_directory_path() / ("scrutineer-import-" + name + "-" + std::to_string(getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}
}  // namespace

// Before: the reader marked the record `unterminated_quote` and import_file took the cut fields
// as a record. Row 3 opens a quote at column 3 (after "b,") that never closes.
TEST(RegisterImportCsv, UnterminatedQuoteIsRefusedWithItsPlace) {
  const auto dir = fresh("quote");
  io::write_text_file(dir / "r.csv",
                      "slug,tier1.name,tier1.description\n"
                      "a,A,first\n"
                      "b,\"B never closed,second\n"
                      "c,C,third\n");
  auto store = open_store((dir / "r.sqlite").string());
  try {
    import_file(*store, (dir / "r.csv").string());
    ADD_FAILURE() << "an unterminated quote was imported";
  } catch (const InputError& e) {
    EXPECT_EQ(e.file(), (dir / "r.csv").string());
    EXPECT_EQ(e.line(), 3);
    EXPECT_EQ(e.column(), 3);
    EXPECT_NE(std::string(e.what()).find("nothing was written"), std::string::npos) << e.what();
  }
  EXPECT_EQ(store->count(), 0u);
  fs::remove_all(dir);
}

// A field over the CSV reader's 1 MiB field limit marks the record too_long: refused (it would
// also break the 64 KiB field limit, but the reader's flag is what is checked first, with its
// line).
TEST(RegisterImportCsv, OverLongFieldIsRefusedWithItsPlace) {
  const auto dir = fresh("long");
  io::write_text_file(dir / "r.csv",
                      "slug,tier1.name,tier1.description\n"
                      "a,A," +
                          std::string((1u << 20) + 10, 'x') + "\n");
  auto store = open_store((dir / "r.sqlite").string());
  try {
    import_file(*store, (dir / "r.csv").string());
    ADD_FAILURE() << "an over-long field was imported";
  } catch (const InputError& e) {
    EXPECT_EQ(e.line(), 2);
    EXPECT_EQ(e.column(), 5);  // "a,A," is 4 characters: the field starts at column 5
  }
  EXPECT_EQ(store->count(), 0u);
  fs::remove_all(dir);
}

// Before: the whole JSON file was read into memory whatever its size (or forever, from a FIFO).
TEST(RegisterImportJson, FileOverTheLimitAndFifoAreRefused) {
  const auto dir = fresh("json");
  auto store = open_store((dir / "r.sqlite").string());
  {
    // A sparse file one byte over the limit: its size is refused before anything is read.
    const auto big = dir / "big.json";
    io::write_text_file(big, "[");
    fs::resize_file(big, kMaxImportJsonBytes + 1);
    try {
      import_file(*store, big.string());
      ADD_FAILURE() << "a file over the limit was read";
    } catch (const InputError& e) {
      EXPECT_NE(std::string(e.what()).find(std::to_string(kMaxImportJsonBytes)), std::string::npos)
          << e.what();
    }
  }
  const auto fifo = dir / "fifo.json";
  ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
  EXPECT_THROW(import_file(*store, fifo.string()), IoError);
  EXPECT_EQ(store->count(), 0u);
  fs::remove_all(dir);
}

}  // namespace scrutineer::registry
