// `scrutineer feedback urn|lum-isaac|loop`: feedback loops of predictive policing (Ensign et al.
// 2018; Lum & Isaac 2016). The logic lives in the feedback library; this file maps options.
#include <fmt/format.h>

#include <memory>
#include <string>
#include <vector>

#include "command.hpp"
#include "read_options.hpp"
#include "scrutineer/core/error.hpp"
#include "scrutineer/feedback/output.hpp"
#include "scrutineer/feedback/world.hpp"
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
  app->callback([a] {
    a->options.progress = !global_options().quiet;
    const auto data =
        feedback::read_oakland_bin_days(a->crimes, a->first, a->last, a->options.window_days);
    const auto result = feedback::run_lum_isaac_loop(data, a->options);
    fmt::print("{}", feedback::lum_isaac_text(result));
    print_paths(feedback::write_lum_isaac_outputs(result, a->options, a->out));
  });
}

struct LoopArgs {
  feedback::LoopOptions options;
  study::StudyOptions study;  // the study the truth is fitted to (with --events)
  feedback::FitWorldOptions fit;
  std::string reporting;
  std::string city, mitigations = "none,reported-only,rejection,exploration,downweight";
  std::string tie_rule = "random", out = "feedback-loop";
  double coverage = -1;
};

// The truth fitted to real records instead of the synthetic city (feedback::fit_world).
void add_truth_options(CLI::App& app, LoopArgs& a) {
  const char* group = "Truth fitted to real records (instead of the synthetic city)";
  auto& f = a.fit;
  auto& s = a.study;
  app.add_option("--events", s.events,
                 "Recorded crime (any format `scrutineer ingest` reads): fit sepp-grid to it")
      ->group(group);
  app.add_option("--region", s.region, "Study region polygons (default: the union of --areas)")
      ->group(group);
  app.add_option("--cell-size", s.cell_size, "Grid cell size, metres")
      ->capture_default_str()
      ->group(group);
  app.add_option("--origin-x", s.origin_x, "Grid origin x")->group(group);
  app.add_option("--origin-y", s.origin_y, "Grid origin y")->group(group);
  app.add_option("--areas", s.areas, "Areas with group counts (census polygons)")->group(group);
  app.add_option("--id-field", s.area_id, "Id column of --areas")->group(group);
  app.add_option("--groups", s.groups, "Groups: name=col+col or col (comma-separated)")
      ->delimiter(',')
      ->group(group);
  app.add_option("--total", s.total, "Total-population column (default: the sum of the groups)")
      ->group(group);
  app.add_option("--crs", s.read.target_crs,
                 "Study CRS: EPSG code, or utm (default: the UTM zone of the events)")
      ->group(group);
  app.add_option("--reporting", a.reporting,
                 "Reporting rates: a CSV (area id, rate) or one rate in (0, 1] for every area "
                 "(default 1: recorded crime taken as true)")
      ->group(group);
  app.add_option("--reporting-id", f.reporting_id, "Area-id column of the --reporting CSV")
      ->capture_default_str()
      ->group(group);
  app.add_option("--reporting-column", f.reporting_rate_column, "Rate column of --reporting CSV")
      ->capture_default_str()
      ->group(group);
  app.add_option("--crime-category", s.category, "Fit on events of this category only")
      ->group(group);
  add_read_options(app, s.read);
}

// The city unless --events is given.
feedback::World world_of(LoopArgs& a) {
  if (a.study.events.empty()) {
    ParamSet params(synth::city_param_specs());
    if (!a.city.empty()) params.set_all(a.city);
    return feedback::world_from_city(synth::generate_city(synth::city_options_from(params)));
  }
  if (!a.city.empty()) throw ConfigError("feedback loop: give either --city or --events, not both");
  if (!a.reporting.empty()) {
    try {
      std::size_t used = 0;
      a.fit.reporting_rate = std::stod(a.reporting, &used);
      if (used != a.reporting.size()) a.fit.reporting_file = a.reporting;
    } catch (const std::exception&) {
      a.fit.reporting_file = a.reporting;
    }
  }
  const auto study = study::build_study(a.study);
  if (!global_options().quiet) fmt::print(stderr, "{}", study.describe());
  return feedback::fit_world(study, a.fit);
}

void setup_loop(CLI::App& parent) {
  auto a = std::make_shared<LoopArgs>();
  auto* app = parent.add_subcommand(
      "loop",
      "Closed-loop simulation: true crime (the synthetic city, or sepp-grid fitted to --events) -> "
      "reports + discovery by patrols -> forecast -> top cells patrolled, with mitigations "
      "compared on the same replicates. "
      "Writes loop_series.csv, loop_summary.json and SVG charts");
  auto& o = a->options;
  app->add_option("--city", a->city,
                  "Synthetic-city parameters k=v,... (see `scrutineer synth --help`)");
  app->add_option("--model", o.model, "Registered forecast model")->capture_default_str();
  app->add_option("--model-params", o.model_params, "Model parameters k=v,...");
  app->add_option("--count", o.policy.count, "Cells flagged per day")->capture_default_str();
  app->add_option("--coverage", a->coverage, "Share of cells flagged (instead of --count)");
  app->add_option("--tie-rule", a->tie_rule, "open_cp, row-major or random")->capture_default_str();
  app->add_option("--days", o.days, "Deployed days")->capture_default_str();
  app->add_option("--history", o.history_days, "Days recorded by reports alone before")
      ->capture_default_str();
  app->add_option("--window", o.window_days, "Training window, days")->capture_default_str();
  app->add_option("--refit-every", o.refit_every, "Days between forecasts")->capture_default_str();
  app->add_option("--equal-reporting", o.equal_reporting,
                  "One reporting rate everywhere (default: the city's rates by area)");
  app->add_option("--discovery", o.discovery,
                  "Probability that a patrol discovers an unreported crime in its cell")
      ->capture_default_str();
  app->add_option("--discovery-base", o.discovery_base, "The same without patrol")
      ->capture_default_str();
  app->add_option("--presence-days", o.presence_days,
                  "Patrol presence = share of the last N days a cell was flagged")
      ->capture_default_str();
  app->add_option("--mitigations", a->mitigations, "Scenarios to compare")->capture_default_str();
  app->add_option("--exploration-share", o.exploration_share, "Share of flags drawn at random")
      ->capture_default_str();
  app->add_option("--discovered-weight", o.discovered_weight,
                  "downweight: keep probability of a discovered record")
      ->capture_default_str();
  app->add_option("--concentration-share", o.concentration_share,
                  "Days-to-concentration threshold on one area's share of the flags")
      ->capture_default_str();
  app->add_option("--replicates", o.replicates, "Seeded replicates")->capture_default_str();
  app->add_option("--seed", o.seed, "Random seed")->capture_default_str();
  app->add_option("-o,--out", a->out, "Output folder")->capture_default_str();
  add_truth_options(*app, *a);
  app->callback([a] {
    auto& opt = a->options;
    opt.mitigations = feedback::mitigations_from_string(a->mitigations);
    opt.policy.tie_rule = evaluate::tie_rule_from_string(a->tie_rule);
    if (a->coverage >= 0) {
      opt.policy.mode = evaluate::PolicyMode::kCoverage;
      opt.policy.coverage = a->coverage;
    }
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
