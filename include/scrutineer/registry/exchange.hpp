// Import and export of the register as JSON (an array of records) and CSV (one row per record, a
// column per ATRS field; audits are exported in JSON only).
#pragma once

#include <cstddef>
#include <string>

#include "scrutineer/registry/store.hpp"

namespace scrutineer::registry {

std::string export_json(const Store& store);
std::string export_csv(const Store& store);

using ImportCounts = WriteCounts;
// The largest JSON file that import_file reads (docs/limits.md): 64 MiB, some 60 records at the
// 1 MiB record limit, or thousands of ordinary ones.
inline constexpr std::size_t kMaxImportJsonBytes = std::size_t{64} << 20;
// Reads a .json file (one record or an array) or a .csv file (columns: slug and field keys) and
// adds each record, or updates it when its slug exists, all in one transaction: every record is
// read and checked first, and on any error nothing is written (the error says so). Errors name
// the file and the line or record (and the field).
ImportCounts import_file(Store& store, const std::string& path);

}  // namespace scrutineer::registry
