// `scrutineer ingest`: read a crime export, validate, project, and write events + a summary.
#include <fmt/format.h>

#include "command.hpp"
#include "read_options.hpp"
#include "scrutineer/ingest/command.hpp"
#include "scrutineer/io/atomic_file.hpp"

namespace scrutineer::cli {

namespace {

void setup(CLI::App& parent) {
  auto options = std::make_shared<ingest::IngestOptions>();
  CLI::App* app = parent.add_subcommand(
      "ingest",
      "Read a crime export (Chicago portal, data.police.uk, Crime Open Database or any CSV with a "
      "column mapping): times to UTC, coordinates projected, bad rows counted by reason");
  app->add_option("input", options->input, "Input CSV")->required()->check(CLI::ExistingFile);
  app->add_option("-o,--out", options->out, "Events output: .gpkg (GeoPackage) or .csv");
  app->add_option("--summary", options->summary, "Summary output (JSON)");
  add_read_options(*app, options->read);
  app->callback([options] {
    io::check_outputs_distinct({{"input", options->input}},
                               {{"--out", options->out}, {"--summary", options->summary}});
    const auto report = ingest::run_ingest(*options);
    fmt::print("{}", ingest::report_text(report));
    if (!options->out.empty()) fmt::print("wrote        {}\n", options->out);
    if (!options->summary.empty()) fmt::print("wrote        {}\n", options->summary);
  });
}

const bool registered = register_command({"ingest", 10, setup});

}  // namespace

}  // namespace scrutineer::cli
