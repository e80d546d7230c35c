// `scrutineer forecast` (one model's risk surface at a date), `scrutineer models` (the registry
// with parameters, defaults and papers) and `scrutineer lum-isaac` (Lum & Isaac's 2016 Oakland
// run).
#include <fmt/format.h>

#include "command.hpp"
#include "option_flags.hpp"
#include "scrutineer/core/error.hpp"
#include "scrutineer/core/time.hpp"
#include "scrutineer/evaluate/policy.hpp"
#include "scrutineer/forecast/lum_isaac.hpp"
#include "scrutineer/forecast/options.hpp"
#include "scrutineer/forecast/run.hpp"
#include "scrutineer/io/atomic_file.hpp"
#include "scrutineer/io/vector.hpp"
#include "scrutineer/study/options.hpp"
#include "scrutineer/study/study.hpp"

namespace {

namespace fc = scrutineer::forecast;

struct ForecastArgs {
  scrutineer::study::StudyOptions study;  // events clipped to the region, as the backtest's
  fc::ForecastSetup forecast;
  std::string output, map, top_output;
};

void run_forecast_command(const ForecastArgs& args) {
  using namespace scrutineer;
  const auto& a = args.forecast;
  auto options = args.study;
  options.progress = !cli::global_options().quiet;
  const auto st = study::build_study(options);
  if (options.progress) fmt::print(stderr, "{}", st.describe());
  const auto& events = st.events;
  const auto& grid = st.grid;
  const fc::ForecastRequest req = fc::forecast_request(a, events.time_zone);
  const auto surface = fc::forecast_at(events, grid, req);
  evaluate::Policy policy;
  policy.coverage = a.coverage;
  policy.tie_rule = evaluate::tie_rule_from_string(a.tie_rule);
  policy.seed = a.seed;
  const auto ranking = evaluate::rank_cells(surface.risk, grid, policy.tie_rule, policy.seed);
  fc::write_surface_csv(args.output, grid, surface, ranking);
  const auto top = evaluate::select_top(surface.risk, grid, policy);
  if (!args.map.empty()) {
    std::vector<double> rank(static_cast<std::size_t>(grid.cells()), 0), flag(rank.size(), 0);
    for (std::size_t r = 0; r < ranking.size(); ++r)
      rank[static_cast<std::size_t>(ranking[r])] = static_cast<double>(r + 1);
    for (const auto c : top) flag[static_cast<std::size_t>(c)] = 1;
    io::CellDescription map;
    map.what = fmt::format("Risk surface of {} for the period starting {}", a.model,
                           format_iso_utc(req.at));
    map.units = fmt::format(
        "risk = the model's score (relative: only its order matters); rank = 1 for the highest "
        "risk; flagged = 1 for the top {:g}% of valid cells",
        a.coverage * 100);
    io::write_grid_cells(
        args.map, grid,
        {{"risk", surface.risk, false}, {"rank", rank, true}, {"flagged", flag, true}}, {}, map);
  }
  std::string text = "rank,cell,x,y,risk\n";
  for (std::size_t r = 0; r < top.size(); ++r)
    text += fmt::format("{},{},{:.3f},{:.3f},{:.17g}\n", r + 1, top[r], grid.centre_x(top[r]),
                        grid.centre_y(top[r]), surface.risk[static_cast<std::size_t>(top[r])]);
  if (!args.top_output.empty()) io::write_text_file(args.top_output, text);
  fmt::print("{}: {} events read, {} valid cells, top {} cells ({:g}% coverage) -> {}\n", a.model,
             events.size(), grid.valid_cells().size(), top.size(), a.coverage * 100, args.output);
}

void setup_forecast(CLI::App& app) {
  auto a = std::make_shared<ForecastArgs>();
  auto* sub =
      app.add_subcommand("forecast", "Risk surface of one model at a date, and its top cells");
  // The study as the backtest's: events filtered and clipped to the region, the same grid.
  scrutineer::cli::add_stage_flags(*sub, scrutineer::study::data_option_set(), a->study,
                                   {"Data", {}, {"from", "to"}, {"events"}});
  scrutineer::cli::add_stage_flags(*sub, scrutineer::study::grid_option_set(), a->study,
                                   {"Grid", {}, {}, {"region"}});
  scrutineer::cli::add_stage_flags(*sub, fc::forecast_option_set(), a->forecast);
  sub->add_option("--output,-o", a->output, "Surface CSV: cell,ix,iy,x,y,risk,rank")->required();
  sub->add_option("--map", a->map, "Also write the surface as .gpkg or .geojson");
  sub->add_option("--top", a->top_output, "Top cells CSV: rank,cell,x,y,risk");
  sub->callback([a] {
    scrutineer::io::check_outputs_distinct(
        {{"--events", a->study.events}, {"--region", a->study.region}},
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
  std::string out, stop = "any", e_step = "exact";
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
  sub->add_option("--e-step", a->e_step,
                  "E-step normalisation: exact (Mohler et al. 2015) or as-coded (predpol.py's "
                  "broadcasting, their published numbers)")
      ->capture_default_str();
  sub->callback([a] {
    if (a->stop != "any" && a->stop != "all")
      throw scrutineer::ConfigError(fmt::format("--stop must be any or all; got '{}'", a->stop));
    a->options.em.stop = a->stop == "any" ? fc::SeppGridStop::kAny : fc::SeppGridStop::kAll;
    a->options.em.edge_corrected = a->edge_corrected;
    a->options.em.e_step = fc::parse_sepp_grid_e_step(a->e_step, "--e-step");
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
