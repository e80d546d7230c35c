// `scrutineer grid`: the study grid over a region with its validity mask, events outside the
// region, and the cell x area overlay table (library: study/grid_command.hpp).
#include <fmt/format.h>

#include "command.hpp"
#include "option_flags.hpp"
#include "scrutineer/study/grid_command.hpp"
#include "scrutineer/study/options.hpp"

namespace {

struct GridArgs {
  scrutineer::study::StudyOptions study;  // region, grid, events (listed when outside), areas
  scrutineer::study::GridCommandOptions options;
  GridArgs() { study.read.target_crs = "utm"; }  // the grid's CRS: the region centre's zone
};

void run(GridArgs& a) {
  using namespace scrutineer;
  const auto result = study::run_grid(a.study, a.options);
  fmt::print("{}", study::describe(result, a.options));
}

void setup(CLI::App& app) {
  auto a = std::make_shared<GridArgs>();
  auto& o = a->options;
  auto* sub = app.add_subcommand(
      "grid",
      "Grid over a study region with its validity mask; events outside; cell x area overlay");
  namespace cli = scrutineer::cli;
  namespace study = scrutineer::study;
  cli::add_stage_flags(*sub, study::grid_option_set(), a->study,
                       {"Grid", {}, {"clip", "valid"}, {"region"}});
  sub->add_option("--output,-o", o.output, "Grid cells: .gpkg or .geojson");
  sub->add_flag("--all-cells", o.all_cells, "Write invalid cells too, with a 'valid' field");
  cli::add_stage_flags(
      *sub, study::areas_option_set(), a->study,
      {"Areas for the overlay", {}, {"groups", "total", "reference", "ethnicity_columns"}, {}});
  sub->add_option("--spread", o.spread,
                  "Numeric area column to spread to cells (by area share) and add to --output; "
                  "repeatable")
      ->delimiter(',');
  sub->add_option("--overlay", o.overlay_output,
                  "Overlay CSV: cell,ix,iy,area_id,intersection,cell_share,area_share");
  // Events outside the region are reported. --crs is the grid's CRS here: default utm (the zone of
  // the region's centre), '' keeps the region's.
  cli::add_stage_flags(
      *sub, study::data_option_set(), a->study,
      {"Events (report those outside the region)", {}, {"category", "from", "to"}, {}});
  sub->callback([a] { run(*a); });
}

const bool registered = scrutineer::cli::register_command({"grid", 15, setup});

}  // namespace
