// Command-line options for reading crime exports (ingest::ReadOptions), from their declarations
// (src/ingest/options.cpp).
#include "read_options.hpp"

#include "option_flags.hpp"
#include "scrutineer/ingest/options.hpp"

namespace scrutineer::cli {

void add_read_options(CLI::App& app, ingest::ReadOptions& o, std::vector<std::string> skip) {
  add_stage_flags(app, ingest::read_option_set(), o,
                  {"Reading the input CSV", {}, std::move(skip), {}});
}

}  // namespace scrutineer::cli
