// `scrutineer forecast` (one model's risk surface at a date), `scrutineer models` (the registry
// with parameters, defaults and papers) and `scrutineer lum-isaac` (Lum & Isaac's 2016 Oakland
// run).
#include <fmt/format.h>

#include "command.hpp"
#include "scrutineer/core/error.hpp"
#include "scrutineer/core/time.hpp"
#include "scrutineer/evaluate/policy.hpp"
#include "scrutineer/forecast/lum_isaac.hpp"
#include "scrutineer/forecast/run.hpp"
#include "scrutineer/geo/region.hpp"
#include "scrutineer/ingest/ingest.hpp"
#include "scrutineer/io/atomic_file.hpp"
#include "scrutineer/io/vector.hpp"

namespace {

namespace fc = scrutineer::forecast;

struct ForecastArgs {
  std::string events, format = "auto", time_zone, crs, region, at, output, map, top_output;
  std::string model, params, tie_rule = "random";
  scrutineer::ingest::ColumnMapping columns;
  double cell_size = 150, coverage = 0.05, train_days = 0;
  std::uint64_t seed = 0;
};

void run_forecast_command(const ForecastArgs& a) {
  using namespace scrutineer;
  ingest::ReadOptions ro;
  ro.format = a.format;
  ro.time_zone = a.time_zone;
  ro.target_crs = a.crs;
  ro.columns = a.columns;
  auto read = ingest::read_events(a.events, ro);
  const auto region = geo::read_region(a.region, read.events.crs);
  const auto grid = geo::make_grid(region, a.cell_size);
  const auto wall = parse_iso_datetime(a.at);
  if (!wall) throw ConfigError(fmt::format("--at must be YYYY-MM-DD[ HH:MM]; got '{}'", a.at));
  const TimeZone zone(read.events.time_zone.empty() ? "UTC" : read.events.time_zone);
  fc::ForecastRequest req{a.model, a.params, zone.to_utc(*wall),
                          static_cast<std::int64_t>(a.train_days * kSecondsPerDay)};
  const auto surface = fc::forecast_at(read.events, grid, req);
  evaluate::Policy policy;
  policy.coverage = a.coverage;
  policy.tie_rule = evaluate::tie_rule_from_string(a.tie_rule);
  policy.seed = a.seed;
  const auto ranking = evaluate::rank_cells(surface.risk, grid, policy.tie_rule, policy.seed);
  fc::write_surface_csv(a.output, grid, surface, ranking);
  const auto top = evaluate::select_top(surface.risk, grid, policy);
  if (!a.map.empty()) {
    std::vector<double> rank(static_cast<std::size_t>(grid.cells()), 0), flag(rank.size(), 0);
    for (std::size_t r = 0; r < ranking.size(); ++r)
      rank[static_cast<std::size_t>(ranking[r])] = static_cast<double>(r + 1);
    for (const auto c : top) flag[static_cast<std::size_t>(c)] = 1;
    io::write_grid_cells(
        a.map, grid,
        {{"risk", surface.risk, false}, {"rank", rank, true}, {"flagged", flag, true}});
  }
  std::string text = "rank,cell,x,y,risk\n";
  for (std::size_t r = 0; r < top.size(); ++r)
    text += fmt::format("{},{},{:.3f},{:.3f},{:.17g}\n", r + 1, top[r], grid.centre_x(top[r]),
                        grid.centre_y(top[r]), surface.risk[static_cast<std::size_t>(top[r])]);
  if (!a.top_output.empty()) io::write_text_file(a.top_output, text);
  fmt::print("{}: {} events read, {} valid cells, top {} cells ({:g}% coverage) -> {}\n", a.model,
             read.events.size(), grid.valid_cells().size(), top.size(), a.coverage * 100, a.output);
}

void setup_forecast(CLI::App& app) {
  auto a = std::make_shared<ForecastArgs>();
  auto* sub =
      app.add_subcommand("forecast", "Risk surface of one model at a date, and its top cells");
  sub->add_option("--events", a->events, "Events CSV (see `scrutineer ingest`)")->required();
  sub->add_option("--format", a->format, "Events format (auto, chicago, police-uk, ...)")
      ->capture_default_str();
  sub->add_option("--time", a->columns.time, "Time column (overrides the format's)");
  sub->add_option("--lon", a->columns.lon, "Longitude column");
  sub->add_option("--lat", a->columns.lat, "Latitude column");
  sub->add_option("--category", a->columns.category, "Category column");
  sub->add_option("--time-zone", a->time_zone, "IANA zone of the events' local times");
  sub->add_option("--crs", a->crs, "Metric CRS of the study, e.g. EPSG:2790 (default: UTM zone)");
  sub->add_option("--region", a->region, "Study region polygons (GeoJSON, GPKG, shapefile)")
      ->required();
  sub->add_option("--cell-size", a->cell_size, "Grid cell side in metres")->capture_default_str();
  sub->add_option("--model", a->model, "Model name (see `scrutineer models`)")->required();
  sub->add_option("--params", a->params, "Model parameters k=v,k=v");
  sub->add_option("--at", a->at, "Forecast date (local time of the events), YYYY-MM-DD[ HH:MM]")
      ->required();
  sub->add_option("--train-days", a->train_days, "Training window in days before --at (0 = all)")
      ->capture_default_str();
  sub->add_option("--coverage", a->coverage, "Share of valid cells flagged")->capture_default_str();
  sub->add_option("--tie-rule", a->tie_rule, "random, open_cp or row-major")->capture_default_str();
  sub->add_option("--seed", a->seed, "Seed of the random tie rule")->capture_default_str();
  sub->add_option("--output,-o", a->output, "Surface CSV: cell,ix,iy,x,y,risk,rank")->required();
  sub->add_option("--map", a->map, "Also write the surface as .gpkg or .geojson");
  sub->add_option("--top", a->top_output, "Top cells CSV: rank,cell,x,y,risk");
  sub->callback([a] {
    scrutineer::io::check_outputs_distinct(
        {{"--events", a->events}, {"--region", a->region}},
        {{"--output", a->output}, {"--map", a->map}, {"--top", a->top_output}});
    run_forecast_command(*a);
  });
}

void setup_models(CLI::App& app) {
  auto markdown = std::make_shared<bool>(false);
  auto* sub =
      app.add_subcommand("models", "List the forecasting models, their parameters and papers");
  sub->add_flag("--markdown", *markdown, "Markdown tables (as in docs/forecast.md)");
  sub->callback([markdown] { fmt::print("{}", fc::describe_models(*markdown)); });
}

struct LumIsaacArgs {
  fc::LumIsaacOptions options;
  std::string out, stop = "any";
  bool edge_corrected = false;
};

void setup_lum_isaac(CLI::App& app) {
  auto a = std::make_shared<LumIsaacArgs>();
  auto& o = a->options;
  auto* sub = app.add_subcommand(
      "lum-isaac", "Reproduce Lum & Isaac's (2016) PredPol run on Oakland drug crimes");
  sub->add_option("--crimes", o.crimes_csv, "drug_crimes_with_bins.csv (bin, OCCURRED mm/dd/yy)")
      ->required();
  sub->add_option("--out", a->out, "Output folder")->required();
  sub->add_option("--first", o.first_date, "First prediction date")->capture_default_str();
  sub->add_option("--last", o.last_date, "Last prediction date")->capture_default_str();
  sub->add_option("--window", o.window_days, "Training window in days (D - w <= t < D)")
      ->capture_default_str();
  sub->add_option("--top", o.top_k, "Bins flagged per day")->capture_default_str();
  sub->add_option("--bins", o.bins, "Number of bins (0 = the largest bin number)")
      ->capture_default_str();
  sub->add_option("--stop", a->stop, "EM stop rule: any (theirs) or all")->capture_default_str();
  sub->add_option("--max-iterations", o.em.max_iterations, "EM iteration cap")
      ->capture_default_str();
  sub->add_flag("--edge-corrected", a->edge_corrected, "Daws's edge-corrected M-step (not theirs)");
  sub->callback([a] {
    if (a->stop != "any" && a->stop != "all")
      throw scrutineer::ConfigError(fmt::format("--stop must be any or all; got '{}'", a->stop));
    a->options.em.stop = a->stop == "any" ? fc::SeppGridStop::kAny : fc::SeppGridStop::kAll;
    a->options.em.edge_corrected = a->edge_corrected;
    const auto r = fc::run_lum_isaac(a->options);
    fc::write_lum_isaac(r, a->out);
    fmt::print("{} rows ({} with bin NA, dropped), {} bins x {} dates -> {}\n", r.rows,
               r.rows_na_bin, r.intensity.size(), r.days.size(), a->out);
  });
}

const bool registered = scrutineer::cli::register_command({"forecast", 20, setup_forecast}) &&
                        scrutineer::cli::register_command({"models", 21, setup_models}) &&
                        scrutineer::cli::register_command({"lum-isaac", 22, setup_lum_isaac});

}  // namespace
