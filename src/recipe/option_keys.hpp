// A recipe table's keys, read from a stage's option declarations (core/options.hpp) through
// Section: the declared name or an alias, the declared type and checks, errors at FILE:LINE:COL.
#pragma once

#include <fmt/format.h>

#include <algorithm>
#include <string>
#include <vector>

#include "scrutineer/core/error.hpp"
#include "scrutineer/core/options.hpp"
#include "scrutineer/recipe/options.hpp"
#include "section.hpp"

namespace scrutineer::recipe {

// The value of `key` read as the option's type (wrong types fail at the key's position).
OptionValue read_option_value(Section& section, const OptionSpec& spec, const std::string& key);

// Reads every option of `set` present in `section` into `target`; a required one that is absent,
// a name given twice (as itself and as an alias) or a value its checks refuse is a ConfigError at
// the key. Keys not declared are left for Section::finish to refuse.
template <class T>
void read_options(Section& section, const OptionSet<T>& set, T& target,
                  const std::vector<std::string>& skip = {}) {
  for (const auto& option : set.options()) {
    const auto& spec = option.spec;
    if (std::find(skip.begin(), skip.end(), spec.name) != skip.end()) continue;
    std::string key;
    std::vector<std::string> names{spec.name};
    names.insert(names.end(), spec.aliases.begin(), spec.aliases.end());
    names.insert(names.end(), spec.recipe_aliases.begin(), spec.recipe_aliases.end());
    for (const auto& name : names) {
      if (!section.has(name)) continue;
      if (!key.empty())
        section.fail(name, fmt::format("given twice, as '{}' and as '{}'", key, name));
      key = name;
    }
    if (key.empty()) {
      if (spec.required)
        section.fail(spec.name, fmt::format("the key '{}' is required", spec.name));
      continue;
    }
    const auto value = read_option_value(section, spec, key);
    try {
      option.apply(target, value);
    } catch (const ConfigError& e) {
      section.fail(key, e.what());
    }
  }
}

}  // namespace scrutineer::recipe
