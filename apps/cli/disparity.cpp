// `scrutineer disparity`: on which communities do a tool's flags fall (exposure by group against
// population and recorded crime). The logic is disparity::run_disparity.
#include <fmt/format.h>

#include <memory>

#include "command.hpp"
#include "option_flags.hpp"
#include "scrutineer/disparity/options.hpp"
#include "scrutineer/disparity/run.hpp"
#include "scrutineer/io/atomic_file.hpp"
#include "scrutineer/study/options.hpp"

namespace {

using namespace scrutineer;

struct DisparityArgs {
  study::StudyOptions study;  // areas, groups, grid and the recorded-crime benchmark
  disparity::DisparityOptions options;
};

void setup(CLI::App& app) {
  auto a = std::make_shared<DisparityArgs>();
  auto* sub = app.add_subcommand(
      "disparity",
      "On which communities do the flags fall: exposure of each population group to a backtest's "
      "or a police tool's own flags, against population and recorded crime, with trends and "
      "bootstrap intervals");
  cli::add_stage_flags(*sub, study::areas_option_set(), a->study,
                       {"Areas and groups", {}, {}, {"areas", "area_id", "groups"}});
  cli::add_stage_flags(*sub, disparity::flags_option_set(), a->options, {"Flags", {}, {}, {}});
  cli::add_stage_flags(*sub, study::grid_option_set(), a->study,
                       {"Grid of cell flags (default region: the union of the areas)", {}, {}, {}});
  // The recorded crime is optional; its category filter is the disparity stage's crime_category.
  cli::add_stage_flags(*sub, study::data_option_set(), a->study,
                       {"Recorded crime (optional)", {}, {"category"}, {}});
  cli::add_stage_flags(*sub, disparity::disparity_option_set(), a->options);
  sub->add_option("--out", a->options.out, "Output folder")->required();
  const auto* cell_size = sub->get_option("--cell-size");
  sub->callback([a, cell_size] {
    // No grid unless asked for: area flags need none, and cell flags name their cell size.
    if (cell_size->count() == 0) a->study.cell_size = 0;
    if (a->study.read.target_crs.empty()) a->study.read.target_crs = "utm";  // zone of the areas
    a->options.progress = !cli::global_options().quiet;
    io::check_outputs_distinct({{"--areas", a->study.areas},
                                {"--flags", a->options.flags},
                                {"--events", a->study.events},
                                {"--reporting", a->options.reporting},
                                {"--region", a->study.region}},
                               {{"--out", a->options.out}});
    const auto report = disparity::run_disparity(a->study, a->options);
    fmt::print("{}", report.summary);
    fmt::print(stderr, "wrote {}\n", fmt::join(report.written, ", "));
  });
}

const bool registered = scrutineer::cli::register_command({"disparity", 50, setup});

}  // namespace
