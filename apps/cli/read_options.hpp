// The options of ingest::ReadOptions on the command line, declared once (ingest/options.hpp):
// `scrutineer ingest` and every command that reads an events CSV call add_read_options.
#pragma once

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

#include "scrutineer/ingest/ingest.hpp"

namespace scrutineer::cli {

// `skip`: options the command cannot honour (e.g. crs where the command has its own).
void add_read_options(CLI::App& app, ingest::ReadOptions& options,
                      std::vector<std::string> skip = {});

}  // namespace scrutineer::cli
