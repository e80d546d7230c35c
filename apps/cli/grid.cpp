// `scrutineer grid`: the study grid over a region with its validity mask, events outside the
// region, and the cell x area overlay table (library: geo/grid_command.hpp).
#include <fmt/format.h>

#include "command.hpp"
#include "option_flags.hpp"
#include "scrutineer/geo/grid_command.hpp"
#include "scrutineer/ingest/ingest.hpp"
#include "scrutineer/study/options.hpp"

namespace {

struct GridArgs {
  scrutineer::study::StudyOptions study;  // region, grid, events and areas
  scrutineer::geo::GridCommandOptions options;
};

void run(GridArgs& a) {
  using namespace scrutineer;
  const auto& st = a.study;
  a.options.region = st.region;
  a.options.cell_size = st.cell_size;
  a.options.origin_x = st.origin_x;
  a.options.origin_y = st.origin_y;
  a.options.areas = st.areas;
  a.options.id_column = st.area_id;
  std::function<geo::EventPoints(const std::string&)> load;
  if (!st.events.empty())
    load = [&st](const std::string& crs) {
      auto read = st.read;
      read.target_crs = crs;  // events go into the grid's CRS
      auto result = ingest::read_events(st.events, read);
      return geo::EventPoints{std::move(result.events.x), std::move(result.events.y),
                              std::move(result.events.source_row)};
    };
  const auto result = geo::run_grid(a.options, load);
  fmt::print("{}", geo::describe(result, a.options));
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
  sub->add_option("--crs", o.crs,
                  "Projected CRS of the grid: EPSG code, 'utm' (zone of the region's centre), "
                  "or '' to keep the region's")
      ->capture_default_str();
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
  // Events outside the region are reported; the grid's --crs is its own (default utm).
  cli::add_stage_flags(
      *sub, study::data_option_set(), a->study,
      {"Events (report those outside the region)", {}, {"category", "from", "to", "crs"}, {}});
  sub->callback([a] { run(*a); });
}

const bool registered = scrutineer::cli::register_command({"grid", 15, setup});

}  // namespace
