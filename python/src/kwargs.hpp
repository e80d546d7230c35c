// Python keyword arguments read through a stage's option declarations (core/options.hpp): the
// same names, aliases, types, checks and defaults as the CLI flags and the recipe keys.
#pragma once

#include <pybind11/pybind11.h>

#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "scrutineer/core/error.hpp"
#include "scrutineer/core/options.hpp"

namespace scrutineer::python {

namespace py = pybind11;

// A Python value as the option's type. A str goes through parse_option_text, the parser of the
// command line; a typed value (number, bool, list, dict of a sub-table) is checked as the recipe
// reader checks a TOML value of that type. Throws ConfigError "keyword 'name': ...".
OptionValue option_value(const OptionSpec& spec, const std::string& keyword, py::handle value);

// The keyword arguments of one call, consumed stage by stage; finish() refuses any left over.
class Keywords {
 public:
  Keywords(std::string function, const py::kwargs& kwargs);

  // Applies every keyword that names an option of `set` (or an alias) to `target`, except those
  // in `skip` (options this call cannot honour: refused by finish()). `required` adds to the
  // declared required options.
  template <class T>
  void apply(const OptionSet<T>& set, T& target, const std::vector<std::string>& skip = {},
             const std::vector<std::string>& required = {}) {
    for (const auto& option : set.options()) {
      const auto& spec = option.spec;
      if (std::find(skip.begin(), skip.end(), spec.name) != skip.end()) continue;
      const auto key = take(spec);
      if (key.empty()) {
        const bool needed = spec.required || std::find(required.begin(), required.end(),
                                                       spec.name) != required.end();
        if (needed) throw ConfigError(function_ + ": the keyword '" + spec.name + "' is required");
        continue;
      }
      const auto value = option_value(spec, key, values_[py::str(key)]);
      try {
        option.apply(target, value);
      } catch (const ConfigError& e) {
        throw ConfigError(function_ + ": keyword '" + key + "': " + e.what());
      }
    }
  }

  // Takes a keyword that is not a declared option (out=, progress=); None when absent.
  py::object pop(const std::string& name);
  // Throws ConfigError naming every keyword not taken, and the accepted names.
  void finish() const;

 private:
  // The keyword given for `spec` (its name or an alias), "" when none; ConfigError when two are.
  std::string take(const OptionSpec& spec);
  std::string function_;
  py::dict values_;
  std::set<std::string> taken_;
  std::vector<std::string> accepted_;
};

}  // namespace scrutineer::python
