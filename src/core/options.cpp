// Stage option declarations: text forms, checks and the docs table (core/options.hpp).
#include "scrutineer/core/options.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>

#include "scrutineer/core/error.hpp"
#include "scrutineer/core/time.hpp"

namespace scrutineer {

namespace {

std::string number_text(double x) { return fmt::format("{}", x); }

double parse_number(const OptionSpec& spec, std::string_view text) {
  double x = 0;
  const auto* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, x);
  if (ec != std::errc() || ptr != end || text.empty() || !std::isfinite(x))
    throw ConfigError(fmt::format("{}: expected a number, found '{}'", spec.name, text));
  return x;
}

std::int64_t parse_integer(const OptionSpec& spec, std::string_view text) {
  std::int64_t x = 0;
  const auto* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, x);
  if (ec != std::errc() || ptr != end || text.empty())
    throw ConfigError(fmt::format("{}: expected an integer, found '{}'", spec.name, text));
  return x;
}

std::vector<std::string> split(std::string_view text) {
  std::vector<std::string> out;
  if (text.empty()) return out;
  std::size_t start = 0;
  while (true) {
    const auto comma = text.find(',', start);
    out.emplace_back(text.substr(start, comma == std::string_view::npos ? comma : comma - start));
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return out;
}

void check_range(const OptionSpec& spec, double x) {
  const bool low = spec.min && (spec.min_open ? !(x > *spec.min) : !(x >= *spec.min));
  const bool high = spec.max && (spec.max_open ? !(x < *spec.max) : !(x <= *spec.max));
  if (!low && !high) return;
  std::string range;
  if (spec.min && spec.max)
    range = fmt::format("in {}{}, {}{}", spec.min_open ? "(" : "[", number_text(*spec.min),
                        number_text(*spec.max), spec.max_open ? ")" : "]");
  else if (spec.min)
    range = fmt::format("{} {}", spec.min_open ? ">" : ">=", number_text(*spec.min));
  else
    range = fmt::format("{} {}", spec.max_open ? "<" : "<=", number_text(*spec.max));
  throw ConfigError(fmt::format("expected a value {}, found {}", range, number_text(x)));
}

void check_choice(const OptionSpec& spec, const std::string& text) {
  if (spec.choices.empty()) return;
  if (std::find(spec.choices.begin(), spec.choices.end(), text) != spec.choices.end()) return;
  throw ConfigError(
      fmt::format("expected one of {}, found '{}'", fmt::join(spec.choices, ", "), text));
}

bool holds_type(OptionType type, const OptionValue& v) {
  switch (type) {
    case OptionType::kNumber:
      return std::holds_alternative<double>(v);
    case OptionType::kInteger:
      return std::holds_alternative<std::int64_t>(v);
    case OptionType::kBoolean:
      return std::holds_alternative<bool>(v);
    case OptionType::kTexts:
      return std::holds_alternative<std::vector<std::string>>(v);
    case OptionType::kNumbers:
      return std::holds_alternative<std::vector<double>>(v);
    default:
      return std::holds_alternative<std::string>(v);
  }
}

std::string escape_cell(std::string text) {
  std::string out;
  for (char c : text) {
    if (c == '|') out += '\\';
    out += c;
  }
  return out;
}

}  // namespace

std::string OptionSpec::dashed(std::string snake) {
  std::replace(snake.begin(), snake.end(), '_', '-');
  return snake;
}

std::string option_type_name(OptionType type) {
  switch (type) {
    case OptionType::kText:
      return "text";
    case OptionType::kNumber:
      return "number";
    case OptionType::kInteger:
      return "integer";
    case OptionType::kBoolean:
      return "true/false";
    case OptionType::kTexts:
      return "list of text";
    case OptionType::kNumbers:
      return "list of numbers";
    case OptionType::kPath:
      return "file";
    case OptionType::kDate:
      return "date";
    case OptionType::kAssignments:
      return "k=v list";
  }
  return "text";
}

std::string option_text(const OptionValue& value) {
  return std::visit(
      [](const auto& v) -> std::string {
        using V = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<V, std::string>)
          return v;
        else if constexpr (std::is_same_v<V, bool>)
          return v ? "true" : "false";
        else if constexpr (std::is_same_v<V, double>)
          return number_text(v);
        else if constexpr (std::is_same_v<V, std::int64_t>)
          return std::to_string(v);
        else if constexpr (std::is_same_v<V, std::vector<double>>) {
          std::vector<std::string> parts;
          for (double x : v) parts.push_back(number_text(x));
          return fmt::format("{}", fmt::join(parts, ","));
        } else
          return fmt::format("{}", fmt::join(v, ","));
      },
      value);
}

OptionValue parse_option_text(const OptionSpec& spec, std::string_view text) {
  if (spec.parse) return spec.parse(text);
  switch (spec.type) {
    case OptionType::kNumber:
      return parse_number(spec, text);
    case OptionType::kInteger:
      return parse_integer(spec, text);
    case OptionType::kBoolean:
      if (text == "true" || text == "1") return true;
      if (text == "false" || text == "0") return false;
      throw ConfigError(fmt::format("{}: expected true or false, found '{}'", spec.name, text));
    case OptionType::kTexts:
      return split(text);
    case OptionType::kNumbers: {
      std::vector<double> out;
      for (const auto& part : split(text)) out.push_back(parse_number(spec, part));
      return out;
    }
    default:
      return std::string(text);
  }
}

void check_option(const OptionSpec& spec, const OptionValue& value) {
  if (!holds_type(spec.type, value))
    throw InternalError(fmt::format("option '{}': a value of the wrong type", spec.name));
  if (const auto* x = std::get_if<double>(&value)) check_range(spec, *x);
  if (const auto* i = std::get_if<std::int64_t>(&value)) check_range(spec, static_cast<double>(*i));
  if (const auto* xs = std::get_if<std::vector<double>>(&value))
    for (double x : *xs) check_range(spec, x);
  if (const auto* s = std::get_if<std::string>(&value)) {
    if (spec.type == OptionType::kDate && !s->empty() && !parse_iso_datetime(*s))
      throw ConfigError(fmt::format("expected a local date YYYY-MM-DD, found '{}'", *s));
    if (!s->empty()) check_choice(spec, *s);
  }
  if (const auto* ss = std::get_if<std::vector<std::string>>(&value))
    for (const auto& s : *ss) check_choice(spec, s);
}

std::string markdown_table(const StageOptions& stage) {
  std::string out =
      "| recipe key | command line | type | default | meaning |\n"
      "|---|---|---|---|---|\n";
  for (const auto& o : stage.options) {
    std::string flags = fmt::format("`--{}`", o.flag());
    std::string keys = fmt::format("`{}`", o.name);
    for (const auto& a : o.aliases) {
      flags += fmt::format(", `--{}`", OptionSpec::dashed(a));
      keys += fmt::format(", `{}`", a);
    }
    for (const auto& a : o.recipe_aliases) keys += fmt::format(", `{}`", a);
    if (o.type == OptionType::kBoolean) {
      flags = fmt::format("`--{0}`, `--no-{0}`", o.flag());
      for (const auto& a : o.aliases) flags += fmt::format(", `--{}`", OptionSpec::dashed(a));
    }
    std::string type = option_type_name(o.type);
    if (!o.unit.empty()) type += ", " + o.unit;
    std::string meaning = o.help;
    if (!o.choices.empty()) meaning += fmt::format(" ({})", fmt::join(o.choices, ", "));
    std::string fallback = o.required ? "required" : o.default_text;
    out += fmt::format("| {} | {} | {} | {} | {} |\n", keys, flags, type,
                       fallback.empty() ? "" : "`" + escape_cell(fallback) + "`",
                       escape_cell(meaning));
  }
  return out;
}

}  // namespace scrutineer
