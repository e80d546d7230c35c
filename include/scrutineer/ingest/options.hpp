// The options of reading a crime export (ingest::ReadOptions), declared once: `scrutineer ingest`,
// every command that reads events and the recipe's [data] table are built from these lists.
#pragma once

#include <string>
#include <vector>

#include "scrutineer/core/options.hpp"
#include "scrutineer/ingest/ingest.hpp"

namespace scrutineer::ingest {

// The names `format` accepts. The one place the check asks for them (the format registry's list).
std::vector<std::string> format_choices();

// Column overrides: time, time_format, lon, lat, x, y, category_column, cell.
const OptionSet<ColumnMapping>& column_option_set();
// Every reading option, the columns included (stage "read").
const OptionSet<ReadOptions>& read_option_set();

}  // namespace scrutineer::ingest
