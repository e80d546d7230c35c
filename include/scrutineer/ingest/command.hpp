// `scrutineer ingest` as a library call: read a crime export, write the events and the summary.
#pragma once

#include <string>

#include "scrutineer/ingest/ingest.hpp"

namespace scrutineer::ingest {

struct IngestOptions {
  std::string input;    // CSV export
  std::string out;      // events output: .gpkg (GeoPackage points) or .csv; empty = none
  std::string summary;  // JSON summary output; empty = none
  ReadOptions read;
};

// Reads options.input, writes options.out and options.summary (atomically), and returns the read
// report. Throws what read_events throws, and IoError/ConfigError from the writers.
ReadReport run_ingest(const IngestOptions& options);

}  // namespace scrutineer::ingest
