// Stage options declared once (name, aliases, type, check, default, unit, help, binding to a
// field), as models' parameters are (params.hpp). The CLI flags (apps/cli/option_flags.hpp), the
// recipe keys (src/recipe/option_keys.hpp) and the docs tables (markdown_table) are generated from
// these lists, so the front ends cannot drift apart. Each stage declares its list next to its code.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

namespace scrutineer {

// kPath is an input file (the recipe resolves it against its folder and checks it exists); kDate is
// a local date YYYY-MM-DD; kAssignments is "k=v,k=v" (a sub-table in a recipe).
enum class OptionType {
  kText,
  kNumber,
  kInteger,
  kBoolean,
  kTexts,
  kNumbers,
  kPath,
  kDate,
  kAssignments
};

using OptionValue = std::variant<std::string, double, std::int64_t, bool, std::vector<std::string>,
                                 std::vector<double>>;

// One option as the front ends and the docs see it (no binding).
struct OptionSpec {
  std::string name;                  // the recipe key, snake_case; the flag is --name-with-dashes
  std::vector<std::string> aliases;  // older names (snake_case), accepted by both front ends
  std::vector<std::string> recipe_aliases;  // older recipe keys only (`path` of two tables)
  OptionType type = OptionType::kText;
  std::string help;                  // one sentence, no unit, no default
  std::string unit;                  // "metres", "days", "%", ... ("" = none)
  std::vector<std::string> choices;  // allowed values of a text option (or of each list item)
  std::optional<double> min, max;    // range of a number or integer (or of each list item)
  bool min_open = false, max_open = false;  // the bound itself is excluded
  bool required = false;
  std::string default_text;  // the default as text, from the bound struct's default value
  std::string example;       // a valid value other than the default (docs, tests)
  // Reads the option from text when the type's own rule is not enough ("1..20"); may be empty.
  std::function<OptionValue(std::string_view)> parse;

  std::string flag() const { return dashed(name); }
  static std::string dashed(std::string snake);
};

// The text of a value as a user would write it on the command line (lists joined with ',').
std::string option_text(const OptionValue& value);
// Parses command-line text as the option's type (lists split on ','). Throws ConfigError.
OptionValue parse_option_text(const OptionSpec& spec, std::string_view text);
// Checks type, choices and range; throws ConfigError "expected ..., found ...".
void check_option(const OptionSpec& spec, const OptionValue& value);
// "text", "number", "integer", "true/false", "list of text", ...
std::string option_type_name(OptionType type);

// The options of one stage, without bindings: for docs and listings.
struct StageOptions {
  std::string stage;  // "backtest", "data", ...
  std::string title;  // one line
  std::vector<OptionSpec> options;
};

// A Markdown table of a stage's options: recipe key, command-line flag, type, default, meaning.
std::string markdown_table(const StageOptions& stage);

// One option bound to a field of T.
template <class T>
struct Option {
  OptionSpec spec;
  std::function<OptionValue(const T&)> get;
  std::function<void(T&, const OptionValue&)> set;

  // The checks run before `set`; `set` itself may throw ConfigError for what they cannot say.
  void apply(T& target, const OptionValue& value) const {
    check_option(spec, value);
    set(target, value);
  }

  Option& alias(std::string name) {
    spec.aliases.push_back(std::move(name));
    return *this;
  }
  Option& recipe_alias(std::string name) {
    spec.recipe_aliases.push_back(std::move(name));
    return *this;
  }
  Option& unit(std::string u) {
    spec.unit = std::move(u);
    return *this;
  }
  Option& choices(std::vector<std::string> c) {
    spec.choices = std::move(c);
    return *this;
  }
  Option& at_least(double lo) {
    spec.min = lo;
    return *this;
  }
  Option& above(double lo) {
    spec.min = lo;
    spec.min_open = true;
    return *this;
  }
  Option& at_most(double hi) {
    spec.max = hi;
    return *this;
  }
  Option& below(double hi) {
    spec.max = hi;
    spec.max_open = true;
    return *this;
  }
  Option& required() {
    spec.required = true;
    return *this;
  }
  Option& path() {
    spec.type = OptionType::kPath;
    return *this;
  }
  Option& date() {
    spec.type = OptionType::kDate;
    return *this;
  }
  Option& example(std::string e) {
    spec.example = std::move(e);
    return *this;
  }
  // The default as shown when the field's default is empty but means something ("1..20").
  Option& shown_default(std::string d) {
    spec.default_text = std::move(d);
    return *this;
  }
  // An extra check after the declared ones (throws ConfigError).
  Option& check(std::function<void(const OptionValue&)> extra) {
    auto inner = std::move(set);
    set = [extra = std::move(extra), inner = std::move(inner)](T& t, const OptionValue& v) {
      extra(v);
      inner(t, v);
    };
    return *this;
  }
};

namespace detail {
template <class X>
constexpr OptionType option_type_of() {
  if constexpr (std::is_same_v<X, bool>)
    return OptionType::kBoolean;
  else if constexpr (std::is_integral_v<X>)
    return OptionType::kInteger;
  else if constexpr (std::is_floating_point_v<X>)
    return OptionType::kNumber;
  else if constexpr (std::is_same_v<X, std::vector<std::string>>)
    return OptionType::kTexts;
  else if constexpr (std::is_same_v<X, std::vector<double>>)
    return OptionType::kNumbers;
  else
    return OptionType::kText;
}
template <class X>
OptionValue to_value(const X& x) {
  if constexpr (std::is_same_v<X, bool>)
    return x;
  else if constexpr (std::is_integral_v<X>)
    return static_cast<std::int64_t>(x);
  else if constexpr (std::is_floating_point_v<X>)
    return static_cast<double>(x);
  else
    return x;
}
template <class X>
X from_value(const OptionValue& v) {
  if constexpr (std::is_same_v<X, bool>)
    return std::get<bool>(v);
  else if constexpr (std::is_integral_v<X>)
    return static_cast<X>(std::get<std::int64_t>(v));
  else if constexpr (std::is_floating_point_v<X>)
    return static_cast<X>(std::get<double>(v));
  else
    return std::get<X>(v);
}
}  // namespace detail

// The options of one stage, bound to the fields of T. Declared once, in the stage's folder:
//   OptionSet<BacktestSetup> s("backtest", "...");
//   s.field("chunk", [](auto& t) -> auto& { return t.options.chunk; }, "Periods per task")
//       .at_least(1);
template <class T>
class OptionSet {
 public:
  OptionSet(std::string stage, std::string title)
      : stage_(std::move(stage)), title_(std::move(title)) {}

  // A field of T reached by `ref` (T& -> X&), X one of std::string, bool, an integer, a floating
  // point type, std::vector<std::string> or std::vector<double>.
  template <class Ref>
  Option<T>& field(std::string name, Ref ref, std::string help) {
    using X = std::remove_reference_t<decltype(ref(std::declval<T&>()))>;
    Option<T> o;
    o.spec.name = std::move(name);
    o.spec.type = detail::option_type_of<X>();
    o.spec.help = std::move(help);
    o.get = [ref](const T& t) { return detail::to_value<X>(ref(const_cast<T&>(t))); };
    o.set = [ref](T& t, const OptionValue& v) { ref(t) = detail::from_value<X>(v); };
    return push(std::move(o));
  }

  // A field whose value is converted (an enum, a parsed policy): `get` gives the value as the user
  // writes it, `set` parses it (throwing ConfigError).
  Option<T>& custom(std::string name, OptionType type, std::function<OptionValue(const T&)> get,
                    std::function<void(T&, const OptionValue&)> set, std::string help) {
    Option<T> o;
    o.spec.name = std::move(name);
    o.spec.type = type;
    o.spec.help = std::move(help);
    o.get = std::move(get);
    o.set = std::move(set);
    return push(std::move(o));
  }

  // Every option of `other`, bound through `ref` (T& -> U&): a stage made of smaller ones.
  template <class U, class Ref>
  void include(const OptionSet<U>& other, Ref ref) {
    for (const auto& u : other.options()) {
      Option<T> o;
      o.spec = u.spec;
      o.get = [ref, g = u.get](const T& t) { return g(ref(const_cast<T&>(t))); };
      o.set = [ref, s = u.set](T& t, const OptionValue& v) { s(ref(t), v); };
      push(std::move(o));
    }
  }

  const std::string& stage() const { return stage_; }
  const std::string& title() const { return title_; }
  const std::deque<Option<T>>& options() const { return options_; }
  const Option<T>* find(std::string_view name) const {
    for (const auto& o : options_) {
      if (o.spec.name == name) return &o;
      for (const auto& a : o.spec.aliases)
        if (a == name) return &o;
      for (const auto& a : o.spec.recipe_aliases)
        if (a == name) return &o;
    }
    return nullptr;
  }

  // The declarations with their defaults taken from a default-constructed T.
  StageOptions describe() const {
    StageOptions out{stage_, title_, {}};
    const T defaults{};
    for (const auto& o : options_) {
      auto spec = o.spec;
      if (spec.default_text.empty()) spec.default_text = option_text(o.get(defaults));
      out.options.push_back(std::move(spec));
    }
    return out;
  }

 private:
  Option<T>& push(Option<T> o) {
    options_.push_back(std::move(o));
    return options_.back();
  }
  std::string stage_, title_;
  std::deque<Option<T>> options_;  // a deque: references handed out stay valid
};

}  // namespace scrutineer
