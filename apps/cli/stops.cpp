// `scrutineer stops`: stop-and-search records against a population (disproportionality, its
// monthly trend and its sensitivity to the denominator), the outcome test and the veil of
// darkness; library: stops/command.hpp, options declared in stops/options.cpp, docs/stops.md.
#include <fmt/format.h>

#include <memory>

#include "command.hpp"
#include "option_flags.hpp"
#include "scrutineer/io/output_folder.hpp"
#include "scrutineer/stops/command.hpp"
#include "scrutineer/stops/options.hpp"

namespace {

struct Args {
  scrutineer::stops::StopsOptions options;
  std::string output;
  bool replace = false;
};

void run(const Args& a) {
  using namespace scrutineer;
  std::unique_ptr<io::OutputFolder> folder;
  if (!a.output.empty())  // refuses a forbidden target before any work
    folder = std::make_unique<io::OutputFolder>(a.output, a.replace);
  const auto result = stops::run_stops(a.options);
  if (!cli::global_options().quiet) fmt::print("{}", result.summary);
  if (folder) {
    stops::write_stops(result, folder->path());
    folder->commit();
    fmt::print("Wrote {} files to {}\n", result.files.size(), a.output);
  }
}

void setup(CLI::App& app) {
  auto a = std::make_shared<Args>();
  auto* sub = app.add_subcommand(
      "stops",
      "Stops and searches: rates per 1,000 by group against a population with exact ratio "
      "intervals, the outcome (hit-rate) test and the veil of darkness");
  scrutineer::cli::add_stage_flags(*sub, scrutineer::stops::stops_option_set(), a->options,
                                   {"", {"records"}, {}, {}});
  sub->add_option("--output,-o", a->output,
                  "Results folder: disproportionality.csv, trend.csv, outcome_test.csv, "
                  "veil_of_darkness.csv, problems.csv, rates.svg, hit_rates.svg, summary.txt");
  sub->add_flag("--replace", a->replace,
                "Write into a folder holding other files (scrutineer never deletes them)");
  sub->callback([a] { run(*a); });
}

const bool registered = scrutineer::cli::register_command({"stops", 47, setup});

}  // namespace
