// `scrutineer feedback urn|lum-isaac|loop`: feedback loops of predictive policing (Ensign et al.
// 2018; Lum & Isaac 2016). The logic lives in the feedback library; this file maps options.
#include <fmt/format.h>

#include <memory>
#include <string>
#include <vector>

#include "command.hpp"
#include "option_flags.hpp"
#include "scrutineer/core/error.hpp"
#include "scrutineer/feedback/options.hpp"
#include "scrutineer/feedback/output.hpp"
#include "scrutineer/feedback/world.hpp"
#include "scrutineer/forecast/sepp_grid.hpp"
#include "scrutineer/study/options.hpp"
#include "scrutineer/synth/city.hpp"

namespace scrutineer::cli {

namespace {

// "609,379" -> {609, 379}.
std::vector<double> parse_list(const std::string& text, const std::string& option) {
  std::vector<double> out;
  std::size_t start = 0;
  while (start <= text.size() && !text.empty()) {
    const auto end = std::min(text.find(',', start), text.size());
    const auto item = text.substr(start, end - start);
    try {
      std::size_t used = 0;
      out.push_back(std::stod(item, &used));
      if (used != item.size()) throw std::invalid_argument(item);
    } catch (const std::exception&) {
      throw ConfigError(
          fmt::format("{}: expected comma-separated numbers, found '{}'", option, item));
    }
    start = end + 1;
  }
  return out;
}

void print_paths(const std::vector<std::filesystem::path>& paths) {
  for (const auto& p : paths) fmt::print("wrote {}\n", p.string());
}

struct UrnArgs {
  feedback::UrnOptions options;
  std::string prior = "609,379", rates = "0.5,0.5", reports, replacement = "bernoulli";
  std::string out = "feedback-urn";
};

void setup_urn(CLI::App& parent) {
  auto a = std::make_shared<UrnArgs>();
  auto* app = parent.add_subcommand(
      "urn",
      "Ensign et al. (2018) Pólya-urn model: patrols go to region i with probability n_i / Σn; "
      "discovered (and reported) incidents add balls. Writes urn_series.csv, urn_summary.json, "
      "urn_share.svg");
  auto& o = a->options;
  app->add_option("--prior", a->prior, "Starting balls per region (Oakland bins 66, 79: 609,379)")
      ->capture_default_str();
  app->add_option("--rates", a->rates, "Discovery rate λ_i per region (per visit)")
      ->capture_default_str();
  app->add_option("--reported", a->reports,
                  "Reported incidents r_i per region and day (empty: discovered only)");
  app->add_option("--discovered-weight", o.discovered_weight, "Balls per discovered incident")
      ->capture_default_str();
  app->add_option("--reported-weight", o.reported_weight, "Balls per reported incident")
      ->capture_default_str();
  app->add_option("--replacement", a->replacement, "fixed, bernoulli or poisson")
      ->capture_default_str();
  app->add_flag("--rejection", o.rejection,
                "Ensign et al.'s fix: keep a discovered update with probability p_min / p_i");
  app->add_option("--decay", o.decay, "Daily probability that a ball leaves the urn")
      ->capture_default_str();
  app->add_option("--floor", o.floor, "Fewest balls a region keeps under decay")
      ->capture_default_str();
  app->add_option("--days", o.days, "Days (draws) per replicate")->capture_default_str();
  app->add_option("--replicates", o.replicates, "Seeded replicates")->capture_default_str();
  app->add_option("--seed", o.seed, "Random seed")->capture_default_str();
  app->add_option("--record-every", o.record_every, "Days between recorded points")
      ->capture_default_str();
  app->add_option("-o,--out", a->out, "Output folder")->capture_default_str();
  app->callback([a] {
    auto& opt = a->options;
    opt.prior = parse_list(a->prior, "--prior");
    opt.discovery_rate = parse_list(a->rates, "--rates");
    opt.report_rate = parse_list(a->reports, "--reported");
    opt.replacement = feedback::replacement_from_string(a->replacement);
    opt.progress = !global_options().quiet;
    const auto result = feedback::run_urn(opt);
    fmt::print("{}", feedback::urn_text(result, opt));
    print_paths(feedback::write_urn_outputs(result, opt, a->out));
  });
}

struct LumIsaacArgs {
  feedback::LumIsaacLoopOptions options;
  std::string crimes, first = "2010-12-28", last = "2011-12-30", out = "feedback-lum-isaac";
  std::string e_step = "exact";
};

void setup_lum_isaac(CLI::App& parent) {
  auto a = std::make_shared<LumIsaacArgs>();
  auto* app = parent.add_subcommand(
      "lum-isaac",
      "Lum & Isaac (2016) loop on Oakland drug crimes: each day the top bins of the grid SEPP gain "
      "Binomial(records that day + 1, p) records, which the next fits see; compared with the "
      "plain run (p = 0). Writes lum_isaac_series.csv, lum_isaac_bins.csv, "
      "lum_isaac_summary.json and two SVG charts");
  auto& o = a->options;
  app->add_option("--crimes", a->crimes,
                  "drug_crimes_with_bins.csv (../shared/data/oakland-drug-crimes)")
      ->required();
  app->add_option("--first", a->first, "First prediction date")->capture_default_str();
  app->add_option("--last", a->last, "Last prediction date")->capture_default_str();
  app->add_option("--window", o.window_days, "Training window, days")->capture_default_str();
  app->add_option("--top", o.top_k, "Bins flagged per day")->capture_default_str();
  app->add_option("--p", o.p, "Extra records per flagged bin: Binomial(c + 1, p)")
      ->capture_default_str();
  app->add_option("--replicates", o.replicates, "Seeded replicates")->capture_default_str();
  app->add_option("--seed", o.seed, "Random seed")->capture_default_str();
  app->add_option("-o,--out", a->out, "Output folder")->capture_default_str();
  app->add_option("--e-step", a->e_step,
                  "E-step normalisation: exact (Mohler et al. 2015) or as-coded (predpol.py's "
                  "broadcasting, their published numbers)")
      ->capture_default_str();
  app->callback([a] {
    a->options.progress = !global_options().quiet;
    a->options.em.e_step = forecast::parse_sepp_grid_e_step(a->e_step, "--e-step");
    const auto data =
        feedback::read_oakland_bin_days(a->crimes, a->first, a->last, a->options.window_days);
    const auto result = feedback::run_lum_isaac_loop(data, a->options);
    fmt::print("{}", feedback::lum_isaac_text(result));
    print_paths(feedback::write_lum_isaac_outputs(result, a->options, a->out));
  });
}

struct LoopArgs {
  feedback::LoopOptions options;
  feedback::TruthOptions truth;
  study::StudyOptions study;  // the fitted truth's events, region, grid and areas
  std::string out = "feedback-loop";
};

// The synthetic city, or sepp-grid fitted to the study's events (--truth fitted).
feedback::World world_of(const LoopArgs& a) {
  return feedback::truth_world(a.truth, a.study, [](const study::Study& study) {
    if (!global_options().quiet) fmt::print(stderr, "{}", study.describe());
  });
}

void setup_loop(CLI::App& parent) {
  auto a = std::make_shared<LoopArgs>();
  auto* app = parent.add_subcommand(
      "loop",
      "Closed-loop simulation: true crime (the synthetic city, or sepp-grid fitted to --events) -> "
      "reports + discovery by patrols -> forecast -> top cells patrolled, with mitigations "
      "compared on the same replicates. "
      "Writes loop_series.csv, loop_summary.json and SVG charts");
  add_stage_flags(*app, feedback::loop_option_set(), a->options);
  add_stage_flags(*app, feedback::truth_option_set(), a->truth, {"Truth", {}, {}, {}});
  const char* fitted = "Fitted truth: the study's recorded crime, region, grid and areas";
  add_stage_flags(*app, study::data_option_set(), a->study, {fitted, {}, {"from", "to"}, {}});
  add_stage_flags(*app, study::grid_option_set(), a->study, {fitted, {}, {}, {}});
  add_stage_flags(*app, study::areas_option_set(), a->study,
                  {fitted, {}, {"reference", "ethnicity_columns"}, {}});
  app->add_option("-o,--out", a->out, "Output folder")->capture_default_str();
  app->callback([a] {
    auto& opt = a->options;
    opt.progress = !global_options().quiet;
    feedback::validate(opt);  // before a fit that may take a while
    const auto result = feedback::run_loop(world_of(*a), opt);
    fmt::print("{}", feedback::loop_text(result));
    print_paths(feedback::write_loop_outputs(result, opt, a->out));
  });
}

void setup(CLI::App& parent) {
  auto* app = parent.add_subcommand(
      "feedback",
      "Feedback loops: how a deployed forecast makes its own data (Ensign et al. 2018 urns, Lum & "
      "Isaac 2016 on Oakland, closed-loop simulation with mitigations)");
  app->require_subcommand(1);
  setup_urn(*app);
  setup_lum_isaac(*app);
  setup_loop(*app);
}

const bool registered = register_command({"feedback", 70, setup});

}  // namespace

}  // namespace scrutineer::cli
