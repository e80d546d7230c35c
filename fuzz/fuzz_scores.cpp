// libFuzzer target for the people CSV of `scrutineer scores` (scores::load_people): any bytes must
// give people or a documented error (scrutineer::Error), never a crash, a hang or undefined
// behaviour. The input is the whole file; the first byte picks score or flag and the filters.
#include <cstddef>
#include <cstdint>
#include <string>

#include "scrutineer/core/error.hpp"
#include "scrutineer/io/csv.hpp"
#include "scrutineer/scores/people.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::string text(reinterpret_cast<const char*>(data + 1), size - 1);
  scrutineer::scores::PeopleOptions options;
  options.path = "fuzz.csv";
  if (data[0] & 1)
    options.score_column = "score";
  else
    options.flag_column = "flag";
  if (data[0] & 2) options.outcome_column = "outcome";
  options.group_columns = {"group"};
  if (data[0] & 4) options.group_columns.push_back("sex");
  if (data[0] & 8) options.where = {"age>=18"};
  try {
    scrutineer::io::CsvOptions csv;
    csv.max_field_bytes = 256;
    auto reader = scrutineer::io::CsvReader::from_string("fuzz.csv", text, csv);
    (void)scrutineer::scores::load_people(reader, options);
  } catch (const scrutineer::Error&) {
  }
  return 0;
}
