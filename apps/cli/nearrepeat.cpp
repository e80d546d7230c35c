// `scrutineer nearrepeat`: the Knox test of space-time clustering (near repeats) with Monte Carlo
// permutation of the times, as Ratcliffe's Near Repeat Calculator counts it (--convention nrc) or
// as its labels say (--convention exact); library: nearrepeat/command.hpp, docs/nearrepeat.md.
#include <fmt/format.h>

#include "command.hpp"
#include "option_flags.hpp"
#include "read_options.hpp"
#include "scrutineer/nearrepeat/command.hpp"
#include "scrutineer/nearrepeat/options.hpp"

namespace {

struct Args {
  scrutineer::nearrepeat::NearRepeatOptions options;
};

void run(Args& a) {
  using namespace scrutineer;
  a.options.study.progress = !cli::global_options().quiet;
  const auto r = nearrepeat::run_nearrepeat(a.options);
  if (!cli::global_options().quiet) fmt::print("{}", r.summary);
  if (!a.options.output.empty())
    fmt::print("Wrote knox.csv, knox.svg and summary.txt to {}\n", a.options.output);
}

void setup(CLI::App& app) {
  auto a = std::make_shared<Args>();
  auto& o = a->options;
  auto* sub = app.add_subcommand(
      "nearrepeat",
      "Knox test of near repeats (space-time clustering) with Monte Carlo permutation of times, "
      "as the Near Repeat Calculator counts it or as its labels say");
  sub->add_option("events", o.study.events, "Events CSV")->required();
  sub->add_option("--output,-o", o.output, "Results folder: knox.csv, knox.svg, summary.txt");
  sub->add_flag("--replace", o.replace,
                "Write into a folder holding other files (scrutineer never deletes them)");
  scrutineer::cli::add_stage_flags(*sub, scrutineer::nearrepeat::nearrepeat_option_set(), o);
  scrutineer::cli::add_read_options(*sub, o.study.read);
  sub->callback([a] { run(*a); });
}

const bool registered = scrutineer::cli::register_command({"nearrepeat", 45, setup});

}  // namespace
