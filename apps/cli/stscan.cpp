// `scrutineer stscan`: the space-time permutation scan (Kulldorff et al. 2005) or the Poisson
// space-time scan (Kulldorff 2001) with Monte Carlo p-values; library: scan/command.hpp,
// docs/stscan.md.
#include <fmt/format.h>

#include "command.hpp"
#include "option_flags.hpp"
#include "read_options.hpp"
#include "scrutineer/scan/command.hpp"
#include "scrutineer/scan/options.hpp"

namespace {

struct Args {
  scrutineer::scan::StScanCommandOptions options;
};

void run(Args& a) {
  using namespace scrutineer;
  a.options.study.progress = !cli::global_options().quiet;
  const auto r = scan::run_stscan(a.options);
  if (!cli::global_options().quiet) fmt::print("{}", r.summary);
  if (!a.options.output.empty())
    fmt::print("Wrote clusters.csv, clusters.geojson and summary.txt to {}\n", a.options.output);
}

void setup(CLI::App& app) {
  auto a = std::make_shared<Args>();
  auto& o = a->options;
  auto* sub = app.add_subcommand(
      "stscan",
      "Space-time scan statistic (SaTScan's space-time permutation or Poisson model) with Monte "
      "Carlo p-values: significant clusters and their map");
  sub->add_option("events", o.study.events, "Events CSV")->required();
  sub->add_option("--output,-o", o.output,
                  "Results folder: clusters.csv, clusters.geojson, summary.txt");
  sub->add_flag("--replace", o.replace,
                "Write into a folder holding other files (scrutineer never deletes them)");
  scrutineer::cli::add_stage_flags(*sub, scrutineer::scan::stscan_option_set(), o);
  scrutineer::cli::add_read_options(*sub, o.study.read);
  sub->callback([a] { run(*a); });
}

const bool registered = scrutineer::cli::register_command({"stscan", 46, setup});

}  // namespace
