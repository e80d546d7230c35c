// libFuzzer target for the CSV reader and the ingest row parser: any bytes must give records or a
// documented error (scrutineer::Error), never a crash, a hang or undefined behaviour.
#include <cstddef>
#include <cstdint>
#include <string>

#include "scrutineer/core/error.hpp"
#include "scrutineer/ingest/ingest.hpp"
#include "scrutineer/io/csv.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  // 1. The raw reader, with a small field limit so the too-long path is reached.
  try {
    scrutineer::io::CsvOptions options;
    options.max_field_bytes = 64;
    auto reader = scrutineer::io::CsvReader::from_string("fuzz", text, options);
    scrutineer::io::CsvRecord record;
    std::size_t fields = 0;
    while (reader.next(record)) {
      fields += record.size();
      for (auto f : record.fields) (void)scrutineer::io::valid_utf8(f);
    }
    (void)fields;
  } catch (const scrutineer::Error&) {
  }
  // 2. The ingest row parser behind a fixed header (time, cell, category): every check runs but
  // PROJ does not, which keeps each input fast. The first byte picks the time pattern.
  static const char* kPatterns[] = {"auto", "%Y-%m-%d %H:%M", "%m/%d/%Y %I:%M:%S %p", "%Y-%m",
                                    "%m/%d/%y"};
  scrutineer::ingest::ReadOptions options;
  options.format = "generic";
  options.columns.time = "t";
  options.columns.cell = "cell";
  options.columns.category = "c";
  options.columns.time_format = kPatterns[size ? data[0] % 5 : 0];
  options.time_zone = size > 1 && (data[1] & 1) ? "America/Chicago" : "UTC";
  options.max_field_bytes = 64;
  options.drop_duplicates = size > 1 && (data[1] & 2);
  try {
    (void)scrutineer::ingest::read_events_from_string("fuzz", "t,cell,c\n" + text, options);
  } catch (const scrutineer::Error&) {
  }
  return 0;
}
