// `scrutineer disparity`: on which communities do a tool's flags fall (exposure by group against
// population and recorded crime). The logic is disparity::run_disparity.
#include <fmt/format.h>

#include <memory>

#include "command.hpp"
#include "option_flags.hpp"
#include "scrutineer/disparity/options.hpp"
#include "scrutineer/disparity/run.hpp"
#include "scrutineer/study/options.hpp"

namespace {

using namespace scrutineer;

struct DisparityArgs {
  study::StudyOptions study;
  disparity::DisparityOptions options;
};

// The study set-up's options as run_disparity takes them. The study CRS: --crs, else the UTM zone
// of the areas' centre.
disparity::DisparityOptions with_study(const DisparityArgs& a) {
  auto o = a.options;
  const auto& st = a.study;
  o.areas = st.areas;
  o.area_id = st.area_id;
  o.groups = st.groups;
  o.total = st.total;
  o.ethnicity_columns = st.ethnicity_columns;
  o.reference = st.reference;
  o.crs = st.read.target_crs.empty() ? "utm" : st.read.target_crs;
  o.cell_size = st.cell_size;
  o.origin_x = st.origin_x;
  o.origin_y = st.origin_y;
  o.region = st.region;
  o.events = st.events;
  o.events_read = st.read;
  o.events_read.target_crs.clear();  // the events go into the study CRS
  if (!st.category.empty()) o.crime_category = st.category;
  return o;
}

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
  cli::add_stage_flags(
      *sub, study::grid_option_set(), a->study,
      {"Grid of cell flags (default region: the union of the areas)", {}, {"clip", "valid"}, {}});
  // The recorded crime is optional; its category filter is the disparity stage's crime_category.
  cli::add_stage_flags(*sub, study::data_option_set(), a->study,
                       {"Recorded crime (optional)", {}, {"category", "from", "to"}, {}});
  cli::add_stage_flags(*sub, disparity::disparity_option_set(), a->options);
  sub->add_option("--out", a->options.out, "Output folder")->required();
  const auto* cell_size = sub->get_option("--cell-size");
  sub->callback([a, cell_size] {
    auto o = with_study(*a);
    // No grid unless asked for: area flags need none, and cell flags name their cell size.
    if (cell_size->count() == 0) o.cell_size = 0;
    o.progress = !cli::global_options().quiet;
    const auto report = disparity::run_disparity(o);
    fmt::print("{}", report.summary);
    fmt::print(stderr, "wrote {}\n", fmt::join(report.written, ", "));
  });
}

const bool registered = scrutineer::cli::register_command({"disparity", 50, setup});

}  // namespace
