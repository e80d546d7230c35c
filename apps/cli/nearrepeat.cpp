// `scrutineer nearrepeat`: the Knox test of space-time clustering (near repeats) with Monte Carlo
// permutation of the times, as Ratcliffe's Near Repeat Calculator counts it (--convention nrc) or
// as its labels say (--convention exact); library: nearrepeat/command.hpp, docs/nearrepeat.md.
#include <fmt/format.h>

#include "command.hpp"
#include "read_options.hpp"
#include "scrutineer/nearrepeat/command.hpp"

namespace {

struct Args {
  scrutineer::nearrepeat::NearRepeatOptions options;
  std::string distance = "euclidean";
  std::string convention = "nrc";
};

void run(Args& a) {
  using namespace scrutineer;
  a.options.knox.distance = nearrepeat::distance_from_string(a.distance);
  a.options.knox.convention = nearrepeat::convention_from_string(a.convention);
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
  sub->add_option("--spatial-bandwidth", o.knox.spatial_bandwidth, "Width of a spatial band (m)")
      ->capture_default_str();
  sub->add_option("--spatial-bands", o.knox.spatial_bands, "Number of spatial bands")
      ->capture_default_str();
  sub->add_option("--temporal-bandwidth", o.knox.temporal_bandwidth,
                  "Width of a temporal band (days)")
      ->capture_default_str();
  sub->add_option("--temporal-bands", o.knox.temporal_bands, "Number of temporal bands")
      ->capture_default_str();
  sub->add_option("--distance", a->distance, "euclidean or manhattan")
      ->check(CLI::IsMember({"euclidean", "manhattan"}))
      ->capture_default_str();
  sub->add_option("--convention", a->convention,
                  "nrc (what NRC 1.3 counts: 'a to b' is [a-1, b)) or exact (what its labels say)")
      ->check(CLI::IsMember({"nrc", "exact"}))
      ->capture_default_str();
  sub->add_option("--permutations", o.knox.permutations, "Monte Carlo permutations of the times")
      ->capture_default_str();
  sub->add_option("--seed", o.knox.seed, "Random seed")->capture_default_str();
  sub->add_option("--alpha", o.alpha, "Significance level of the summary and heat map")
      ->capture_default_str();
  sub->add_option("--from", o.study.from, "Keep events of local dates >= this (YYYY-MM-DD)");
  sub->add_option("--to", o.study.to, "Keep events of local dates < this (YYYY-MM-DD)");
  sub->add_option("--only", o.study.category, "Keep only events of this category");
  sub->add_option("--region", o.study.region, "Keep only events inside this polygon layer");
  scrutineer::cli::add_read_options(*sub, o.study.read);
  sub->callback([a] { run(*a); });
}

const bool registered = scrutineer::cli::register_command({"nearrepeat", 45, setup});

}  // namespace
