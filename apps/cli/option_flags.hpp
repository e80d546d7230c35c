// The command-line flags of a stage, generated from its option declarations (core/options.hpp):
// --name (and --alias) per option, a boolean as --name / --no-name, help "… (unit; default X)", and
// the declared checks, so every command and the recipe accept the same names and defaults.
#pragma once

#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

#include "scrutineer/core/error.hpp"
#include "scrutineer/core/options.hpp"

namespace scrutineer::cli {

struct FlagLayout {
  std::string group;                    // help section ("" = the command's options)
  std::vector<std::string> positional;  // options also taken as a positional argument
  std::vector<std::string> skip;        // options this command does not offer (it cannot honour)
  std::vector<std::string> required;    // options this command cannot run without
};

// "Help: choices (unit; default X)".
inline std::string flag_help(const OptionSpec& spec, const std::string& default_text) {
  std::string note = spec.unit;
  if (spec.required) {
    note += std::string(note.empty() ? "" : "; ") + "required";
  } else if (!default_text.empty()) {
    note += std::string(note.empty() ? "" : "; ") + "default " + default_text;
  }
  std::string help = spec.help;
  if (!spec.choices.empty()) help += fmt::format(": {}", fmt::join(spec.choices, ", "));
  return note.empty() ? help : fmt::format("{} ({})", help, note);
}

inline std::string flag_type_name(OptionType type) {
  switch (type) {
    case OptionType::kNumber:
      return "NUMBER";
    case OptionType::kInteger:
      return "INT";
    case OptionType::kTexts:
    case OptionType::kNumbers:
      return "LIST";
    case OptionType::kPath:
      return "FILE";
    case OptionType::kDate:
      return "DATE";
    case OptionType::kAssignments:
      return "K=V,...";
    default:
      return "TEXT";
  }
}

// Adds every option of `set` to `app`, writing into `target` (which must outlive the parse).
template <class T>
void add_stage_flags(CLI::App& app, const OptionSet<T>& set, T& target,
                     const FlagLayout& layout = {}) {
  const auto described = set.describe();
  for (std::size_t i = 0; i < set.options().size(); ++i) {
    const auto& option = set.options()[i];
    const auto& spec = option.spec;
    if (std::find(layout.skip.begin(), layout.skip.end(), spec.name) != layout.skip.end()) continue;
    const auto help = flag_help(spec, described.options[i].default_text);
    std::string names;
    for (const auto& p : layout.positional)
      if (p == spec.name) names = spec.name + ",";
    names += "--" + spec.flag();
    for (const auto& a : spec.aliases) names += ",--" + OptionSpec::dashed(a);
    CLI::Option* added = nullptr;
    if (spec.type == OptionType::kBoolean) {
      std::string negated = "--no-" + spec.flag();
      added = app.add_flag_callback(
          names, [&target, &option] { option.apply(target, true); }, help);
      app.add_flag_callback(
             negated, [&target, &option] { option.apply(target, false); },
             fmt::format("Opposite of --{}", spec.flag()))
          ->group(layout.group.empty() ? "Options" : layout.group);
    } else if (spec.type == OptionType::kTexts || spec.type == OptionType::kNumbers) {
      // Repeatable, and each occurrence may be a comma list.
      added = app.add_option_function<std::vector<std::string>>(
                     names,
                     [&target, &option](const std::vector<std::string>& items) {
                       std::string joined;
                       for (const auto& item : items) joined += (joined.empty() ? "" : ",") + item;
                       try {
                         option.apply(target, parse_option_text(option.spec, joined));
                       } catch (const ConfigError& e) {
                         throw ConfigError(fmt::format("--{}: {}", option.spec.flag(), e.what()));
                       }
                     },
                     help)
                  ->allow_extra_args(false);
    } else {
      added = app.add_option_function<std::string>(
          names,
          [&target, &option](const std::string& text) {
            try {
              option.apply(target, parse_option_text(option.spec, text));
            } catch (const ConfigError& e) {
              throw ConfigError(fmt::format("--{}: {}", option.spec.flag(), e.what()));
            }
          },
          help);
    }
    if (spec.required || std::find(layout.required.begin(), layout.required.end(), spec.name) !=
                             layout.required.end())
      added->required();
    if (!layout.group.empty()) added->group(layout.group);
    if (spec.type != OptionType::kBoolean) added->type_name(flag_type_name(spec.type));
    const auto& d = described.options[i].default_text;
    if (!d.empty() && spec.type != OptionType::kBoolean) added->default_str(d);
  }
}

}  // namespace scrutineer::cli
