// Keyword arguments through the option declarations (kwargs.hpp).
#include "kwargs.hpp"

#include <fmt/format.h>

#include <cmath>
#include <cstdint>

namespace scrutineer::python {

namespace {

std::string type_of(py::handle value) { return py::str(py::type::of(value).attr("__name__")); }

ConfigError wrong(const OptionSpec& spec, const std::string& keyword, py::handle value) {
  return ConfigError(fmt::format("keyword '{}': expected {}, found {} {}", keyword,
                                 option_type_name(spec.type), type_of(value),
                                 std::string(py::repr(value))));
}

bool is_bool(py::handle v) { return py::isinstance<py::bool_>(v); }
bool is_int(py::handle v) {
  return !is_bool(v) && (py::isinstance<py::int_>(v) || py::hasattr(v, "__index__"));
}
bool is_number(py::handle v) { return is_int(v) || py::isinstance<py::float_>(v); }
bool is_text(py::handle v) { return py::isinstance<py::str>(v); }
// A list or tuple (a str is not a list of texts here, as a TOML string is not an array).
bool is_sequence(py::handle v) {
  return py::isinstance<py::list>(v) || py::isinstance<py::tuple>(v) ||
         py::hasattr(v, "tolist");  // numpy arrays
}

double number(py::handle v) { return v.cast<double>(); }

}  // namespace

OptionValue option_value(const OptionSpec& spec, const std::string& keyword, py::handle value) {
  if (value.is_none())
    throw ConfigError(
        fmt::format("keyword '{}': expected {}, found None", keyword, option_type_name(spec.type)));
  // A path given as pathlib.Path, a date as datetime.date: their text.
  if (spec.type == OptionType::kPath && py::hasattr(value, "__fspath__"))
    return parse_option_text(
        spec, py::str(py::module_::import("os").attr("fspath")(value)).cast<std::string>());
  if (spec.type == OptionType::kDate && py::hasattr(value, "isoformat") && !is_text(value))
    return parse_option_text(spec, py::str(value.attr("isoformat")()).cast<std::string>());
  if (is_text(value)) {
    try {
      return parse_option_text(spec, value.cast<std::string>());
    } catch (const ConfigError& e) {
      throw ConfigError(fmt::format("keyword '{}': {}", keyword, e.what()));
    }
  }
  switch (spec.type) {
    case OptionType::kNumber:
      if (is_number(value)) return number(value);
      break;
    case OptionType::kInteger:
      if (is_int(value)) return value.cast<std::int64_t>();
      break;
    case OptionType::kBoolean:
      if (is_bool(value)) return value.cast<bool>();
      break;
    case OptionType::kTexts:
      if (is_sequence(value)) {
        std::vector<std::string> out;
        for (auto item : py::iter(value.attr("__iter__")())) {
          if (!is_text(item)) throw wrong(spec, keyword, value);
          out.push_back(item.cast<std::string>());
        }
        return out;
      }
      break;
    case OptionType::kNumbers:
      if (is_number(value)) return std::vector<double>{number(value)};
      if (is_sequence(value)) {
        std::vector<double> out;
        for (auto item : py::iter(value.attr("__iter__")())) {
          if (!is_number(item)) throw wrong(spec, keyword, value);
          out.push_back(number(item));
        }
        return out;
      }
      break;
    case OptionType::kAssignments:
      // A dict, as the recipe's sub-table: joined "k=v,k=v" in its order.
      if (py::isinstance<py::dict>(value)) {
        std::string joined;
        for (auto [k, v] : value.cast<py::dict>()) {
          const std::string text =
              is_bool(v) ? (v.cast<bool>() ? "true" : "false") : py::str(v).cast<std::string>();
          joined += (joined.empty() ? "" : ",") + py::str(k).cast<std::string>() + "=" + text;
        }
        return joined;
      }
      break;
    default:
      break;
  }
  throw wrong(spec, keyword, value);
}

Keywords::Keywords(std::string function, const py::kwargs& kwargs)
    : function_(std::move(function)) {
  // `from_=` for the option `from` (a Python keyword), as PEP 8 spells such names.
  for (auto [k, v] : kwargs) {
    auto name = py::str(k).cast<std::string>();
    if (name.size() > 1 && name.back() == '_') name.pop_back();
    if (values_.contains(name))
      throw ConfigError(fmt::format("{}: '{}' given twice", function_, name));
    values_[py::str(name)] = v;
  }
}

std::string Keywords::take(const OptionSpec& spec) {
  std::vector<std::string> names{spec.name};
  names.insert(names.end(), spec.aliases.begin(), spec.aliases.end());
  names.insert(names.end(), spec.recipe_aliases.begin(), spec.recipe_aliases.end());
  accepted_.push_back(spec.name);
  std::string key;
  for (const auto& name : names) {
    if (!values_.contains(name)) continue;
    if (!key.empty())
      throw ConfigError(fmt::format("{}: '{}' given twice, as '{}' and as '{}'", function_,
                                    spec.name, key, name));
    key = name;
    taken_.insert(name);
  }
  return key;
}

py::object Keywords::pop(const std::string& name) {
  accepted_.push_back(name);
  if (!values_.contains(name)) return py::none();
  taken_.insert(name);
  return values_[py::str(name)];
}

void Keywords::finish() const {
  std::vector<std::string> unknown;
  for (auto [k, v] : values_) {
    const auto name = py::str(k).cast<std::string>();
    if (!taken_.count(name)) unknown.push_back(name);
  }
  if (unknown.empty()) return;
  auto accepted = accepted_;
  std::sort(accepted.begin(), accepted.end());
  accepted.erase(std::unique(accepted.begin(), accepted.end()), accepted.end());
  throw ConfigError(fmt::format("{}: unknown keyword{} {}; expected one of: {}", function_,
                                unknown.size() > 1 ? "s" : "", fmt::join(unknown, ", "),
                                fmt::join(accepted, ", ")));
}

}  // namespace scrutineer::python
