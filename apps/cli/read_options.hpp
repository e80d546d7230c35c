// The options of ingest::ReadOptions on the command line, declared once: `scrutineer ingest` and
// every command that reads an events CSV call add_read_options.
#pragma once

#include <CLI/CLI.hpp>

#include "scrutineer/ingest/ingest.hpp"

namespace scrutineer::cli {

void add_read_options(CLI::App& app, ingest::ReadOptions& options);

}  // namespace scrutineer::cli
