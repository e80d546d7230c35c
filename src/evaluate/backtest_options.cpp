// Declarations of the backtest's options (evaluate/backtest_options.hpp).
#include "scrutineer/evaluate/backtest_options.hpp"

#include <fmt/format.h>

#include <charconv>

#include "scrutineer/core/error.hpp"
#include "scrutineer/core/local_time.hpp"

namespace scrutineer::evaluate {

std::vector<double> parse_coverage_percents(std::string_view text) {
  const auto fail = [&] {
    throw ConfigError(fmt::format(
        "expected percentages as A..B or a comma list (e.g. 1..20 or 1,5,10), found '{}'", text));
  };
  const auto number = [&](std::string_view part) {
    double x = 0;
    const auto [ptr, ec] = std::from_chars(part.data(), part.data() + part.size(), x);
    if (ec != std::errc() || ptr != part.data() + part.size() || part.empty()) fail();
    return x;
  };
  std::vector<double> out;
  const auto dots = text.find("..");
  if (dots != std::string_view::npos) {
    const double a = number(text.substr(0, dots)), b = number(text.substr(dots + 2));
    if (a != static_cast<int>(a) || b != static_cast<int>(b) || a > b) fail();
    for (int p = static_cast<int>(a); p <= static_cast<int>(b); ++p) out.push_back(p);
    return out;
  }
  std::size_t start = 0;
  while (true) {
    const auto comma = text.find(',', start);
    out.push_back(
        number(text.substr(start, comma == std::string_view::npos ? comma : comma - start)));
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return out;
}

const OptionSet<BacktestSetup>& backtest_option_set() {
  static const auto set = [] {
    OptionSet<BacktestSetup> s("backtest", "Rolling-origin accuracy of the models");
    s.field(
         "from", [](auto& b) -> auto& { return b.from; }, "First period start (local date)")
        .date()
        .required()
        .example("2016-03-01");
    s.field(
         "to", [](auto& b) -> auto& { return b.to; },
         "End of the last period (local date, exclusive)")
        .date()
        .required()
        .example("2016-04-01");
    s.field(
         "train_from", [](auto& b) -> auto& { return b.train_from; },
         "Training starts here (a growing window; empty = all events before each period)")
        .date()
        .example("2015-01-01");
    s.custom(
         "period", OptionType::kText,
         [](const BacktestSetup& b) {
           return OptionValue(std::string(to_string(b.options.period)));
         },
         [](BacktestSetup& b, const OptionValue& v) {
           b.options.period = period_unit_from_string(std::get<std::string>(v));
         },
         "Period length (month for data.police.uk, which gives months only)")
        .choices({"day", "week", "month"});
    s.field(
         "window", [](auto& b) -> auto& { return b.options.window_periods; },
         "Sliding training window (0 = a growing window)")
        .unit("periods")
        .at_least(0);
    auto& coverages = s.custom(
        "coverages", OptionType::kNumbers,
        [](const BacktestSetup& b) {
          std::vector<double> percents;
          for (double c : b.options.coverages) percents.push_back(c * 100);
          return OptionValue(percents);
        },
        [](BacktestSetup& b, const OptionValue& v) {
          b.options.coverages.clear();
          for (double p : std::get<std::vector<double>>(v)) b.options.coverages.push_back(p / 100);
        },
        "Coverage levels scored in every period: A..B (step 1) or a list");
    coverages.unit("% of valid cells")
        .above(0)
        .at_most(100)
        .shown_default("1..20")
        .example("1,5,10");
    coverages.spec.parse = [](std::string_view text) {
      return OptionValue(parse_coverage_percents(text));
    };
    s.custom(
         "operating", OptionType::kText,
         [](const BacktestSetup& b) { return OptionValue(policy_spec(b.options.operating_point)); },
         [](BacktestSetup& b, const OptionValue& v) {
           const auto tie = b.options.operating_point.tie_rule;
           b.options.operating_point = parse_policy(std::get<std::string>(v));
           b.options.operating_point.tie_rule = tie;
         },
         "Operating point: a share of valid cells (5%), count:N (fixed cells) or area:X% (a share "
         "of the region's area)")
        .example("count:20");
    s.custom(
         "tie_rule", OptionType::kText,
         [](const BacktestSetup& b) {
           return OptionValue(std::string(to_string(b.options.tie_rule)));
         },
         [](BacktestSetup& b, const OptionValue& v) {
           b.options.tie_rule = tie_rule_from_string(std::get<std::string>(v));
           b.options.operating_point.tie_rule = b.options.tie_rule;
         },
         "Ties among equal risks: random (seeded), row-major or open_cp")
        .choices({"random", "row-major", "open_cp"});
    s.custom(
         "seed", OptionType::kInteger,
         [](const BacktestSetup& b) {
           return OptionValue(static_cast<std::int64_t>(b.options.seed));
         },
         [](BacktestSetup& b, const OptionValue& v) {
           b.options.seed = static_cast<std::uint64_t>(std::get<std::int64_t>(v));
           b.options.bootstrap.seed = b.options.seed;
         },
         "Seed of the tie keys, the random baseline and the bootstrap")
        .at_least(0);
    s.field(
         "bootstrap", [](auto& b) -> auto& { return b.options.bootstrap.replicates; },
         "Bootstrap replicates over periods")
        .at_least(0)
        .example("200");
    s.field(
         "level", [](auto& b) -> auto& { return b.options.bootstrap.level; },
         "Level of the bootstrap intervals")
        .above(0)
        .below(1)
        .example("0.9");
    s.field(
        "baselines", [](auto& b) -> auto& { return b.options.add_baselines; },
        "Add the naive and random baselines (--no-baselines leaves them out)");
    s.custom(
         "flags", OptionType::kText,
         [](const BacktestSetup& b) {
           return OptionValue(std::string(to_string(b.options.flags)));
         },
         [](BacktestSetup& b, const OptionValue& v) {
           b.options.flags = flags_output_from_string(std::get<std::string>(v));
         },
         "Flags written: csv (flagged.csv, a row per flag), counts (flag_counts.csv, per model and "
         "cell the periods flagged and the events caught) or none")
        .choices({"csv", "counts", "none"});
    s.field(
         "chunk", [](auto& b) -> auto& { return b.options.chunk; },
         "Periods per sequential task (a model may warm-start within a chunk)")
        .unit("periods")
        .at_least(1);
    return s;
  }();
  return set;
}

namespace {
// `option` is the recipe key; the message names its command-line flag too.
std::int64_t local_date(const std::string& text, const TimeZone& zone, const std::string& option) {
  return local_to_utc(text, zone, fmt::format("{} (--{})", option, OptionSpec::dashed(option)));
}
}  // namespace

BacktestOptions dated_options(const BacktestSetup& setup, const std::string& time_zone) {
  BacktestOptions o = setup.options;
  const TimeZone zone(time_zone.empty() ? "UTC" : time_zone);
  o.first = local_date(setup.from, zone, "from");
  o.stop = local_date(setup.to, zone, "to");
  if (!setup.train_from.empty()) o.train_start = local_date(setup.train_from, zone, "train_from");
  return o;
}

}  // namespace scrutineer::evaluate
