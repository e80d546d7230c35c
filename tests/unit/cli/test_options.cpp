// Stage options are declared once (core/options.hpp): for every stage, the command-line flags and
// the recipe keys built from the declarations accept the same names (and aliases), start from the
// same defaults and set the same fields; wrong types and unknown keys fail at FILE:LINE:COL; and
// the docs tables are those the declarations generate.
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>

#include "option_flags.hpp"
#include "option_keys.hpp"
#include "scrutineer/core/error.hpp"
#include "scrutineer/disparity/options.hpp"
#include "scrutineer/evaluate/backtest_options.hpp"
#include "scrutineer/feedback/options.hpp"
#include "scrutineer/forecast/options.hpp"
#include "scrutineer/ingest/options.hpp"
#include "scrutineer/nearrepeat/options.hpp"
#include "scrutineer/recipe/options.hpp"
#include "scrutineer/scan/options.hpp"
#include "scrutineer/scores/options.hpp"
#include "scrutineer/stops/options.hpp"
#include "scrutineer/study/options.hpp"

namespace {

namespace fs = std::filesystem;
using namespace scrutineer;

// A folder with one existing file that every path option names (a valid benchmarks CSV, so that
// benchmarks_file can read it too).
const fs::path& sample_file() {
  static const fs::path file = [] {
    const auto dir = fs::temp_directory_path() / fmt::format("scrutineer-options-{}", ::getpid());
    fs::create_directories(dir);
    const auto path = dir / "sample.csv";
    std::ofstream(path) << "benchmark,attribute,group,share\npopulation,race,Black,0.13\n";
    return path;
  }();
  return file;
}

// A valid value other than the default: the declared example, else one made from the type and
// checks.
OptionValue sample(const OptionSpec& spec, const OptionValue& fallback) {
  if (spec.type == OptionType::kPath) return sample_file().string();
  if (!spec.example.empty()) return parse_option_text(spec, spec.example);
  switch (spec.type) {
    case OptionType::kBoolean:
      return !std::get<bool>(fallback);
    case OptionType::kNumber: {
      double x = spec.min && spec.max ? (*spec.min + *spec.max) / 2
                 : spec.min           ? *spec.min + 2.5
                                      : 2.5;
      if (x == std::get<double>(fallback)) x = spec.max ? (x + *spec.max) / 2 : x + 1;
      return x;
    }
    case OptionType::kInteger: {
      std::int64_t x = spec.min ? static_cast<std::int64_t>(*spec.min) + 3 : 3;
      if (x == std::get<std::int64_t>(fallback)) ++x;
      return x;
    }
    case OptionType::kTexts:
      if (!spec.choices.empty()) return std::vector<std::string>{spec.choices.back()};
      return std::vector<std::string>{"first", "second"};
    case OptionType::kDate:
      return std::string("2020-01-02");
    default:
      if (!spec.choices.empty()) return spec.choices.back();
      return std::string("sample_text");
  }
}

std::string toml_string(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

// The value as a TOML literal, as a recipe writes it.
std::string toml_literal(const OptionSpec& spec, const OptionValue& value) {
  if (spec.type == OptionType::kAssignments) {
    std::string out;
    const auto text = std::get<std::string>(value);
    std::stringstream in(text);
    for (std::string item; std::getline(in, item, ',');) {
      const auto eq = item.find('=');
      out += fmt::format("{}{} = {}", out.empty() ? "" : ", ", item.substr(0, eq),
                         toml_string(item.substr(eq + 1)));
    }
    return "{ " + out + " }";
  }
  return std::visit(
      [](const auto& v) -> std::string {
        using V = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<V, std::string>)
          return toml_string(v);
        else if constexpr (std::is_same_v<V, bool>)
          return v ? "true" : "false";
        else if constexpr (std::is_same_v<V, double>)
          return fmt::format("{:.6f}", v);
        else if constexpr (std::is_same_v<V, std::int64_t>)
          return std::to_string(v);
        else if constexpr (std::is_same_v<V, std::vector<double>>) {
          std::vector<std::string> parts;
          for (double x : v) parts.push_back(fmt::format("{:.6f}", x));
          return fmt::format("[{}]", fmt::join(parts, ", "));
        } else {
          std::vector<std::string> parts;
          for (const auto& x : v) parts.push_back(toml_string(x));
          return fmt::format("[{}]", fmt::join(parts, ", "));
        }
      },
      value);
}

// A TOML value of another type than the option's (for the wrong-type error).
std::string wrong_literal(const OptionSpec& spec) {
  switch (spec.type) {
    case OptionType::kBoolean:
      return "\"yes\"";
    case OptionType::kText:
    case OptionType::kPath:
    case OptionType::kDate:
    case OptionType::kAssignments:
    case OptionType::kNumbers:
    case OptionType::kTexts:
      return "true";
    default:
      return "\"many\"";
  }
}

// Every option's value as text: what a door set, compared field by field.
template <class T>
std::vector<std::string> values(const OptionSet<T>& set, const T& target) {
  std::vector<std::string> out;
  for (const auto& o : set.options()) out.push_back(o.spec.name + "=" + option_text(o.get(target)));
  return out;
}

// `name value` pairs for the required options (they are given in every parse).
template <class T>
std::vector<std::pair<const Option<T>*, OptionValue>> required_samples(const OptionSet<T>& set) {
  std::vector<std::pair<const Option<T>*, OptionValue>> out;
  const T defaults{};
  for (const auto& o : set.options())
    if (o.spec.required) out.emplace_back(&o, sample(o.spec, o.get(defaults)));
  return out;
}

template <class T>
T parse_cli(const OptionSet<T>& set, const std::vector<std::string>& args) {
  T target{};
  CLI::App app("test");
  cli::add_stage_flags(app, set, target);
  std::vector<std::string> reversed(args.rbegin(), args.rend());
  app.parse(reversed);
  return target;
}

std::string cli_value(const OptionSpec&, const OptionValue& v) { return option_text(v); }

template <class T>
std::vector<std::string> cli_args(const OptionSet<T>& set, const std::string& flag,
                                  const OptionSpec& spec, const OptionValue& value) {
  std::vector<std::string> args;
  for (const auto& [o, v] : required_samples(set)) {
    if (&o->spec == &spec) continue;
    args.push_back("--" + o->spec.flag());
    args.push_back(cli_value(o->spec, v));
  }
  if (spec.type == OptionType::kBoolean) {
    args.push_back(std::get<bool>(value) ? "--" + flag : "--no-" + flag);
  } else {
    args.push_back("--" + flag);
    args.push_back(cli_value(spec, value));
  }
  return args;
}

template <class T>
T parse_recipe_table(const OptionSet<T>& set, const std::string& body) {
  const std::string text = "[stage]\n" + body;
  std::vector<fs::path> inputs;
  recipe::Context context{"audit.toml", sample_file().parent_path(), "", &inputs};
  const auto root = toml::parse(text, std::string_view("audit.toml"));
  recipe::Section top(context, root, "");
  auto section = top.table("stage");
  T target{};
  recipe::read_options(*section, set, target);
  section->finish();
  return target;
}

template <class T>
std::string recipe_body(const OptionSet<T>& set, const std::string& key, const OptionSpec& spec,
                        const std::string& literal) {
  std::string body;
  for (const auto& [o, v] : required_samples(set))
    if (&o->spec != &spec) body += o->spec.name + " = " + toml_literal(o->spec, v) + "\n";
  return body + key + " = " + literal + "\n";
}

std::string recipe_error(const std::function<void()>& parse) {
  try {
    parse();
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "no error";
}

// The whole check for one stage; `in_recipe`: the recipe reads this stage too.
template <class T>
void check_stage(const OptionSet<T>& set, bool in_recipe) {
  SCOPED_TRACE(set.stage());
  const auto described = set.describe();
  const T defaults{};
  // Each flag exists, with the declared default in its help.
  {
    T target{};
    CLI::App app("test");
    cli::add_stage_flags(app, set, target);
    for (const auto& spec : described.options) {
      SCOPED_TRACE(spec.name);
      const auto* flag = app.get_option_no_throw("--" + spec.flag());
      ASSERT_NE(flag, nullptr);
      for (const auto& a : spec.aliases)
        EXPECT_NE(app.get_option_no_throw("--" + OptionSpec::dashed(a)), nullptr) << a;
      if (spec.type == OptionType::kBoolean)
        EXPECT_NE(app.get_option_no_throw("--no-" + spec.flag()), nullptr);
      else
        EXPECT_EQ(flag->get_default_str(), spec.default_text);
    }
  }
  // Given nothing (but what is required), both doors leave the struct's defaults.
  std::vector<std::string> required_args;
  std::string required_body;
  for (const auto& [o, v] : required_samples(set)) {
    required_args.push_back("--" + o->spec.flag());
    required_args.push_back(cli_value(o->spec, v));
    required_body += o->spec.name + " = " + toml_literal(o->spec, v) + "\n";
  }
  auto expected_defaults = values(set, defaults);
  if (required_args.empty()) {
    EXPECT_EQ(values(set, parse_cli(set, {})), expected_defaults);
    if (in_recipe) {
      EXPECT_EQ(values(set, parse_recipe_table(set, "")), expected_defaults);
    }
  } else if (in_recipe) {
    EXPECT_EQ(values(set, parse_cli(set, required_args)),
              values(set, parse_recipe_table(set, required_body)));
  }
  // Each option, by its name and by each alias, sets the same fields through both doors, and
  // something other than the defaults.
  for (const auto& option : set.options()) {
    const auto& spec = option.spec;
    const auto value = sample(spec, option.get(defaults));
    std::vector<std::string> names{spec.name};
    names.insert(names.end(), spec.aliases.begin(), spec.aliases.end());
    for (const auto& name : spec.recipe_aliases) {
      if (!in_recipe) continue;
      SCOPED_TRACE(name);
      const auto by_name = values(
          set,
          parse_recipe_table(set, recipe_body(set, spec.name, spec, toml_literal(spec, value))));
      EXPECT_EQ(by_name,
                values(set, parse_recipe_table(
                                set, recipe_body(set, name, spec, toml_literal(spec, value)))));
    }
    for (const auto& name : names) {
      SCOPED_TRACE(name);
      const auto from_cli =
          values(set, parse_cli(set, cli_args(set, OptionSpec::dashed(name), spec, value)));
      // (a required option is compared with the struct's default: it is always given)
      EXPECT_NE(from_cli,
                spec.required ? expected_defaults : values(set, parse_cli(set, required_args)));
      if (!in_recipe) continue;
      const auto from_recipe = values(
          set, parse_recipe_table(set, recipe_body(set, name, spec, toml_literal(spec, value))));
      EXPECT_EQ(from_cli, from_recipe);
    }
    if (!in_recipe) continue;
    // A value of the wrong type is refused at its line and column (line 2 + required keys).
    const auto line = 2 + required_samples(set).size() - (spec.required ? 1 : 0);
    const auto error = recipe_error(
        [&] { parse_recipe_table(set, recipe_body(set, spec.name, spec, wrong_literal(spec))); });
    EXPECT_NE(error.find(fmt::format("audit.toml:{}:", line)), std::string::npos)
        << spec.name << ": " << error;
  }
  if (!in_recipe) return;
  // An undeclared key is refused at its position.
  const auto error =
      recipe_error([&] { parse_recipe_table(set, required_body + "no_such_key = 1\n"); });
  EXPECT_NE(error.find(fmt::format("audit.toml:{}:1: unknown key 'stage.no_such_key'",
                                   2 + required_samples(set).size())),
            std::string::npos)
      << error;
}

TEST(StageOptions, CliAndRecipeAgreeForEveryRecipeStage) {
  check_stage(ingest::read_option_set(), true);
  check_stage(study::data_option_set(), true);
  check_stage(study::grid_option_set(), true);
  check_stage(study::areas_option_set(), true);
  check_stage(evaluate::backtest_option_set(), true);
  check_stage(disparity::disparity_option_set(), true);
  check_stage(feedback::loop_option_set(), true);
  check_stage(feedback::truth_option_set(), true);
  check_stage(scores::scores_option_set(), true);
  check_stage(stops::stops_option_set(), true);
  check_stage(nearrepeat::nearrepeat_option_set(), true);
  check_stage(scan::stscan_option_set(), true);
}

TEST(StageOptions, CommandOnlyStagesBuildTheirFlags) {
  check_stage(disparity::flags_option_set(), false);
  check_stage(forecast::forecast_option_set(), false);
}

TEST(StageOptions, ChecksRefuseBadValuesThroughBothDoors) {
  const auto& set = evaluate::backtest_option_set();
  const std::vector<std::string> dates = {"--from", "2016-01-01", "--to", "2016-02-01"};
  auto args = dates;
  args.insert(args.end(), {"--level", "1.5"});
  try {
    parse_cli(set, args);
    FAIL() << "no error";
  } catch (const ConfigError& e) {
    // (0, 1) is the declared range of level.
    EXPECT_STREQ(e.what(), "--level: expected a value in (0, 1), found 1.5");
  }
  const auto error = recipe_error([&] {
    parse_recipe_table(set, "from = \"2016-01-01\"\nto = \"2016-02-01\"\nlevel = 1.5\n");
  });
  EXPECT_EQ(error, "audit.toml:4:9: stage.level: expected a value in (0, 1), found 1.5");
}

TEST(StageOptions, CoveragesReadAsARangeOrAList) {
  // "1..3" is 1, 2, 3 percent; the recipe's array and the CLI's list give the same fractions.
  const auto& set = evaluate::backtest_option_set();
  const std::vector<std::string> dates = {"--from", "2016-01-01", "--to", "2016-02-01"};
  auto range = dates;
  range.insert(range.end(), {"--coverages", "1..3"});
  EXPECT_EQ(parse_cli(set, range).options.coverages, (std::vector<double>{0.01, 0.02, 0.03}));
  const auto b = parse_recipe_table(
      set, "from = \"2016-01-01\"\nto = \"2016-02-01\"\ncoverages = [1, 2, 3]\n");
  EXPECT_EQ(b.options.coverages, (std::vector<double>{0.01, 0.02, 0.03}));
}

TEST(StageOptions, OneBootstrapDefaultForEveryStage) {
  // Backtest, disparity and scores intervals all default to 1000 replicates, on both doors.
  EXPECT_EQ(evaluate::BacktestSetup{}.options.bootstrap.replicates, 1000);
  EXPECT_EQ(disparity::DisparityOptions{}.bootstrap, 1000);
  EXPECT_EQ(scores::AuditOptions{}.bootstrap, 1000);
}

// The text between <!-- options:STAGE --> and <!-- /options:STAGE --> in the docs.
std::multimap<std::string, std::string> docs_tables() {
  std::multimap<std::string, std::string> out;
  const std::regex marker(R"(<!-- options:([a-z_]+) -->\n([\s\S]*?)<!-- /options:\1 -->)");
  for (const auto& entry : fs::directory_iterator(SCRUTINEER_DOCS)) {
    if (entry.path().extension() != ".md") continue;
    std::ifstream in(entry.path());
    std::stringstream text;
    text << in.rdbuf();
    const auto s = text.str();
    for (std::sregex_iterator it(s.begin(), s.end(), marker), end; it != end; ++it)
      out.emplace((*it)[1], (*it)[2]);
  }
  return out;
}

TEST(StageOptions, DocsTablesAreTheGeneratedOnes) {
  const auto tables = docs_tables();
  std::set<std::string> known;
  for (const auto& stage : recipe::option_stages()) {
    SCOPED_TRACE(stage.stage);
    known.insert(stage.stage);
    const auto [first, last] = tables.equal_range(stage.stage);
    EXPECT_NE(first, last) << "no <!-- options:" << stage.stage << " --> table in docs/*.md";
    for (auto it = first; it != last; ++it)
      EXPECT_EQ(it->second, markdown_table(stage)) << "run scripts/gen-docs";
  }
  for (const auto& [stage, text] : tables) EXPECT_TRUE(known.count(stage)) << stage;
}

}  // namespace
