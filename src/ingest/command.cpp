// `scrutineer ingest`: read, then write the events (GeoPackage or CSV) and the JSON summary.
#include "scrutineer/ingest/command.hpp"

#include "scrutineer/io/atomic_file.hpp"
#include "scrutineer/io/event_writer.hpp"

namespace scrutineer::ingest {

ReadReport run_ingest(const IngestOptions& options) {
  ReadResult result = read_events(options.input, options.read);
  // The events and their summary belong together: both appear, or neither (issue 19, item 5).
  io::FileGroup outputs;
  if (!options.out.empty()) {
    io::EventColumns columns;
    if (!result.cell.empty()) columns.cell = &result.cell;
    for (const auto& kept : result.kept) columns.text.emplace_back(kept.name, &kept.values);
    io::write_events(outputs.add(options.out), result.events, columns);
  }
  if (!options.summary.empty()) outputs.add_text(options.summary, report_json(result.report));
  outputs.commit();
  return result.report;
}

}  // namespace scrutineer::ingest
