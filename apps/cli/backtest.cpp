// `scrutineer backtest`: rolling-origin accuracy of forecast models against the naive and random
// baselines (hit rate, PAI, PEI, PEI*, wrong share). The logic is evaluate::run_backtest.
#include "scrutineer/evaluate/backtest.hpp"

#include <fmt/format.h>

#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include "command.hpp"
#include "option_flags.hpp"
#include "scrutineer/core/error.hpp"
#include "scrutineer/core/time.hpp"
#include "scrutineer/evaluate/backtest_options.hpp"
#include "scrutineer/evaluate/report.hpp"
#include "scrutineer/io/atomic_file.hpp"
#include "scrutineer/study/options.hpp"
#include "scrutineer/study/study.hpp"

namespace {

using namespace scrutineer;

struct BacktestArgs {
  study::StudyOptions study;
  evaluate::BacktestSetup backtest;
  std::vector<std::string> models;
  std::string out = "backtest-output";
};

// "name" or "name:k=v,k=v".
evaluate::ModelSpec parse_model(const std::string& text) {
  const auto colon = text.find(':');
  if (colon == std::string::npos) return {text, "", "", false};
  return {text.substr(0, colon), text.substr(colon + 1), "", false};
}

void run(const BacktestArgs& a) {
  auto options = a.study;
  options.progress = !cli::global_options().quiet;
  options.cell_areas = a.backtest.options.operating_point.mode == evaluate::PolicyMode::kArea;
  const auto st = study::build_study(options);
  fmt::print(stderr, "{}", st.describe());
  const auto& events = st.events;
  const auto& grid = st.grid;

  evaluate::BacktestOptions o = evaluate::dated_options(a.backtest, events.time_zone);
  for (const auto& m : a.models) o.models.push_back(parse_model(m));
  o.cell_area = st.cell_area;  // the area policy's cells' areas inside the region
  o.progress = !cli::global_options().quiet;
  const auto result = evaluate::run_backtest(events, grid, o);
  evaluate::write_backtest_outputs(result, grid, a.out);
  fmt::print("{}", evaluate::summary_table(result));
  std::string flags;
  for (const auto& f : evaluate::flags_files(result, grid))
    flags += fmt::format("{}/{}, ", a.out, f);
  fmt::print(stderr,
             "wrote {0}/periods.csv, {0}/summary.json, {1}{0}/hit_counts.csv, {0}/coverage.svg\n",
             a.out, flags);
}

void setup(CLI::App& app) {
  auto a = std::make_shared<BacktestArgs>();
  auto* sub = app.add_subcommand(
      "backtest",
      "Rolling-origin accuracy of forecast models (hit rate, PAI, PEI, PEI*, share of flags where "
      "nothing happened) against the naive and random baselines");
  // The data's from/to (an event filter) are the recipe's; here --from/--to are the periods.
  cli::add_stage_flags(*sub, study::data_option_set(), a->study,
                       {"Data", {"events"}, {"from", "to"}, {"events"}});
  cli::add_stage_flags(*sub, study::grid_option_set(), a->study, {"Grid", {}, {}, {}});
  sub->add_option("--model", a->models, "Model to test, NAME or NAME:k=v,k=v (repeatable)")
      ->allow_extra_args(false);
  cli::add_stage_flags(*sub, evaluate::backtest_option_set(), a->backtest);
  sub->add_option("--out", a->out, "Output folder")->capture_default_str();
  sub->callback([a] {
    scrutineer::io::check_outputs_distinct(
        {{"events", a->study.events}, {"--region", a->study.region}}, {{"--out", a->out}});
    run(*a);
  });
}

const bool registered = scrutineer::cli::register_command({"backtest", 40, setup});

}  // namespace
