// Declarations of the feedback loop's options (feedback/options.hpp).
#include "scrutineer/feedback/options.hpp"

#include "scrutineer/core/params.hpp"
#include "scrutineer/evaluate/policy.hpp"
#include "scrutineer/forecast/model.hpp"
#include "scrutineer/synth/city.hpp"

namespace scrutineer::feedback {

const OptionSet<LoopOptions>& loop_option_set() {
  static const auto set = [] {
    OptionSet<LoopOptions> s("feedback", "The closed feedback loop");
    s.field(
         "model", [](auto& o) -> auto& { return o.model; },
         "Registered forecast model (see `scrutineer models`)")
        .example("naive")
        .check([](const OptionValue& v) { (void)forecast::find_model(std::get<std::string>(v)); });
    s.custom(
         "model_params", OptionType::kAssignments,
         [](const LoopOptions& o) { return OptionValue(o.model_params); },
         [](LoopOptions& o, const OptionValue& v) {
           o.model_params = std::get<std::string>(v);
           (void)forecast::make_model(o.model, o.model_params);
         },
         "Model parameters k=v,k=v (a table in a recipe)")
        .alias("params")
        .example("time_bandwidth=4");
    s.custom(
         "operating", OptionType::kText,
         [](const LoopOptions& o) { return OptionValue(evaluate::policy_spec(o.policy)); },
         [](LoopOptions& o, const OptionValue& v) {
           const auto tie = o.policy.tie_rule;
           o.policy = evaluate::parse_policy(std::get<std::string>(v));
           o.policy.tie_rule = tie;
         },
         "Cells flagged per day: count:N, or a share of valid cells (5%)")
        .example("count:10");
    s.custom(
         "tie_rule", OptionType::kText,
         [](const LoopOptions& o) {
           return OptionValue(std::string(evaluate::to_string(o.policy.tie_rule)));
         },
         [](LoopOptions& o, const OptionValue& v) {
           o.policy.tie_rule = evaluate::tie_rule_from_string(std::get<std::string>(v));
         },
         "Ties among equal risks")
        .choices({"random", "row-major", "open_cp"});
    s.field(
         "days", [](auto& o) -> auto& { return o.days; }, "Days with the tool deployed")
        .unit("days")
        .at_least(1);
    s.field(
         "history_days", [](auto& o) -> auto& { return o.history_days; },
         "Days recorded by reports alone before deployment")
        .unit("days")
        .at_least(1)
        .alias("history");
    s.field(
         "window_days", [](auto& o) -> auto& { return o.window_days; },
         "Training window (events in [day - window, day))")
        .unit("days")
        .at_least(1)
        .alias("window");
    s.field(
         "refit_every", [](auto& o) -> auto& { return o.refit_every; },
         "Days between forecasts (flags persist in between)")
        .unit("days")
        .at_least(1);
    s.field(
         "equal_reporting", [](auto& o) -> auto& { return o.equal_reporting; },
         "One reporting rate everywhere (negative = the truth's rates by area)")
        .at_most(1)
        .example("0.5");
    s.field(
         "discovery", [](auto& o) -> auto& { return o.discovery; },
         "Probability that a patrol discovers an unreported crime in its cell")
        .at_least(0)
        .at_most(1);
    s.field(
         "discovery_base", [](auto& o) -> auto& { return o.discovery_base; },
         "The same without patrol")
        .at_least(0)
        .at_most(1);
    s.field(
         "presence_days", [](auto& o) -> auto& { return o.presence_days; },
         "Patrol presence = share of the last N days a cell was flagged")
        .unit("days")
        .at_least(1);
    s.custom(
         "mitigations", OptionType::kTexts,
         [](const LoopOptions& o) {
           std::vector<std::string> names;
           for (auto m : o.mitigations) names.emplace_back(to_string(m));
           return OptionValue(names);
         },
         [](LoopOptions& o, const OptionValue& v) {
           o.mitigations.clear();
           for (const auto& m : std::get<std::vector<std::string>>(v))
             o.mitigations.push_back(mitigation_from_string(m));
         },
         "Scenarios compared on the same replicates")
        .choices({"none", "reported-only", "rejection", "exploration", "downweight"})
        .example("none,exploration");
    s.field(
         "exploration_share", [](auto& o) -> auto& { return o.exploration_share; },
         "exploration: share of the flags drawn at random")
        .at_least(0)
        .at_most(1);
    s.field(
         "discovered_weight", [](auto& o) -> auto& { return o.discovered_weight; },
         "downweight: keep probability of a discovered record")
        .at_least(0)
        .at_most(1);
    s.field(
         "concentration_share", [](auto& o) -> auto& { return o.concentration_share; },
         "Days-to-concentration threshold on one area's share of the flags")
        .above(0)
        .at_most(1);
    s.field(
         "replicates", [](auto& o) -> auto& { return o.replicates; }, "Seeded replicates")
        .at_least(1);
    s.field(
         "seed", [](auto& o) -> auto& { return o.seed; }, "Random seed")
        .at_least(0);
    return s;
  }();
  return set;
}

const OptionSet<TruthOptions>& truth_option_set() {
  static const auto set = [] {
    OptionSet<TruthOptions> s("truth", "The truth the feedback loop runs on");
    s.field(
         "truth", [](auto& t) -> auto& { return t.truth; },
         "city: the synthetic city; fitted: sepp-grid fitted to the study's recorded crime "
         "(needs the events and the areas)")
        .choices({"city", "fitted"});
    s.custom(
         "city", OptionType::kAssignments,
         [](const TruthOptions& t) { return OptionValue(t.city); },
         [](TruthOptions& t, const OptionValue& v) {
           t.city = std::get<std::string>(v);
           ParamSet params(synth::city_param_specs());
           if (!t.city.empty()) params.set_all(t.city);
           (void)synth::city_options_from(params);
         },
         "Synthetic-city parameters k=v,k=v (see `scrutineer synth --help`; a table in a recipe)")
        .example("seed=7");
    s.field(
         "reporting", [](auto& t) -> auto& { return t.reporting; },
         "Fitted truth: CSV of reporting rates by area (area id, rate in (0, 1])")
        .path();
    s.field(
        "reporting_id", [](auto& t) -> auto& { return t.reporting_id; },
        "Area-id column of the reporting CSV");
    s.field(
         "reporting_rate", [](auto& t) -> auto& { return t.reporting_rate; },
         "Rate column of the reporting CSV")
        .alias("reporting_column");
    s.field(
         "reporting_everywhere", [](auto& t) -> auto& { return t.reporting_everywhere; },
         "Fitted truth without a reporting CSV: one rate for every area (1 = recorded crime "
         "taken as true)")
        .above(0)
        .at_most(1)
        .example("0.5");
    return s;
  }();
  return set;
}

}  // namespace scrutineer::feedback
