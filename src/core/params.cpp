// Parameter declarations and typed values.
#include "scrutineer/core/params.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>

#include "scrutineer/core/error.hpp"

namespace scrutineer {

ParamSet::ParamSet(std::vector<ParamSpec> specs) : specs_(std::move(specs)) {
  for (const auto& s : specs_) values_[s.name] = s.default_value;
}

const ParamSpec& ParamSet::spec(std::string_view name) const {
  for (const auto& s : specs_)
    if (s.name == name) return s;
  std::string known;
  for (const auto& s : specs_) known += (known.empty() ? "" : ", ") + s.name;
  throw ConfigError(fmt::format("unknown parameter '{}' (known: {})", name, known));
}

void ParamSet::set(std::string_view name, std::string value) {
  const auto& s = spec(name);
  if (!s.choices.empty() && std::find(s.choices.begin(), s.choices.end(), value) == s.choices.end())
    throw ConfigError(fmt::format("parameter '{}' must be one of {}; got '{}'", name,
                                  fmt::join(s.choices, ", "), value));
  values_[s.name] = std::move(value);
}

void ParamSet::set_all(std::string_view text) {
  while (!text.empty()) {
    const auto comma = text.find(',');
    const auto item = text.substr(0, comma);
    const auto eq = item.find('=');
    if (eq == std::string_view::npos)
      throw ConfigError(fmt::format("expected name=value, got '{}'", item));
    set(item.substr(0, eq), std::string(item.substr(eq + 1)));
    if (comma == std::string_view::npos) break;
    text.remove_prefix(comma + 1);
  }
}

bool ParamSet::has(std::string_view name) const {
  return std::any_of(specs_.begin(), specs_.end(), [&](const auto& s) { return s.name == name; });
}

const std::string& ParamSet::text(std::string_view name) const {
  const auto& s = spec(name);
  const auto& v = values_.at(s.name);
  if (v.empty() && s.default_value.empty())
    throw ConfigError(fmt::format("parameter '{}' is required ({})", name, s.help));
  return v;
}

double ParamSet::number(std::string_view name) const {
  const auto& v = text(name);
  double out = 0;
  auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), out);
  if (ec != std::errc() || p != v.data() + v.size() || !std::isfinite(out))
    throw ConfigError(fmt::format("parameter '{}' must be a number; got '{}'", name, v));
  return out;
}

std::int64_t ParamSet::integer(std::string_view name) const {
  const auto& v = text(name);
  std::int64_t out = 0;
  auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), out);
  if (ec != std::errc() || p != v.data() + v.size())
    throw ConfigError(fmt::format("parameter '{}' must be a whole number; got '{}'", name, v));
  return out;
}

bool ParamSet::flag(std::string_view name) const {
  const auto& v = text(name);
  if (v == "true" || v == "1" || v == "yes" || v == "on") return true;
  if (v == "false" || v == "0" || v == "no" || v == "off") return false;
  throw ConfigError(fmt::format("parameter '{}' must be true or false; got '{}'", name, v));
}

}  // namespace scrutineer
