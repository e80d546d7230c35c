// Population groups from numeric area columns combined by name; the US Census treats Hispanic
// origin as an ethnicity of any race, so Hispanic counts overlap race counts and are never added to
// them.
#include "scrutineer/study/groups.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <map>

#include "scrutineer/core/error.hpp"

namespace scrutineer::study {

namespace {

std::string trim(std::string_view s) {
  const auto first = s.find_first_not_of(" \t");
  if (first == std::string_view::npos) return {};
  const auto last = s.find_last_not_of(" \t");
  return std::string(s.substr(first, last - first + 1));
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& ch : out) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return out;
}

const std::vector<double>& find_column(const std::vector<std::string>& names,
                                       const std::vector<std::vector<double>>& columns,
                                       const std::string& name) {
  const auto it = std::find(names.begin(), names.end(), name);
  if (it == names.end())
    throw ConfigError(fmt::format("disparity: no numeric column '{}' in the areas (there are: {})",
                                  name, fmt::join(names, ", ")));
  return columns[static_cast<std::size_t>(it - names.begin())];
}

// Adds a column into `sum`, counting the areas without a value (NaN counts as 0).
void add_column(const std::vector<double>& column, const std::string& name,
                std::vector<double>& sum, std::vector<std::string>& notes) {
  std::size_t missing = 0;
  for (std::size_t a = 0; a < sum.size(); ++a) {
    const double v = column[a];
    if (std::isnan(v)) {
      ++missing;
      continue;
    }
    if (v < 0)
      throw ConfigError(fmt::format("disparity: column '{}' holds a negative count ({}) in area {}",
                                    name, v, a + 1));
    sum[a] += v;
  }
  if (missing > 0)
    notes.push_back(
        fmt::format("{} areas have no value in column '{}' (counted as 0)", missing, name));
}

}  // namespace

GroupSpec parse_group(std::string_view text) {
  GroupSpec spec;
  std::string_view formula = text;
  if (const auto eq = text.find('='); eq != std::string_view::npos) {
    spec.name = trim(text.substr(0, eq));
    formula = text.substr(eq + 1);
  }
  std::size_t from = 0;
  while (from <= formula.size()) {
    const auto plus = formula.find('+', from);
    const auto end = plus == std::string_view::npos ? formula.size() : plus;
    const std::string column = trim(formula.substr(from, end - from));
    if (column.empty())
      throw ConfigError(fmt::format(
          "disparity: group '{}' should read name=column+column+..., found an empty column name",
          text));
    spec.columns.push_back(column);
    if (plus == std::string_view::npos) break;
    from = plus + 1;
  }
  if (text.find('=') == std::string_view::npos) spec.name = spec.columns.front();
  if (spec.name.empty())
    throw ConfigError(fmt::format("disparity: group '{}' has an empty name before '='", text));
  return spec;
}

bool is_ethnicity_column(std::string_view column) {
  const std::string name = lower(column);
  return name.find("hisp") != std::string::npos || name.find("latin") != std::string::npos;
}

GroupCounts combine_groups(const std::vector<GroupSpec>& specs,
                           const std::vector<std::string>& names,
                           const std::vector<std::vector<double>>& columns,
                           const GroupOptions& options) {
  if (specs.empty()) throw ConfigError("disparity: no population groups were given");
  const std::size_t areas = columns.empty() ? 0 : columns.front().size();
  const auto ethnicity = [&](const std::string& column) {
    if (options.ethnicity_columns.empty()) return is_ethnicity_column(column);
    return std::find(options.ethnicity_columns.begin(), options.ethnicity_columns.end(), column) !=
           options.ethnicity_columns.end();
  };

  GroupCounts out;
  std::map<std::string, std::string> owner;  // column -> group using it
  bool any_ethnicity = false, any_race = false;
  std::vector<std::string> ethnicity_used;
  for (const auto& spec : specs) {
    if (std::find(out.names.begin(), out.names.end(), spec.name) != out.names.end())
      throw ConfigError(fmt::format("disparity: group '{}' is given twice", spec.name));
    bool has_ethnicity = false, has_race = false;
    std::vector<double> sum(areas, 0.0);
    for (const auto& column : spec.columns) {
      const auto [it, inserted] = owner.emplace(column, spec.name);
      if (!inserted)
        throw ConfigError(fmt::format(
            "disparity: column '{}' is used by groups '{}' and '{}'; a person must count once",
            column, it->second, spec.name));
      (ethnicity(column) ? has_ethnicity : has_race) = true;
      if (ethnicity(column)) ethnicity_used.push_back(column);
      add_column(find_column(names, columns, column), column, sum, out.notes);
    }
    if (has_ethnicity && has_race)
      throw ConfigError(fmt::format(
          "disparity: group '{}' adds a Hispanic/Latino column to race columns; Hispanic people "
          "are of any race and are already counted in the race columns, so never add them",
          spec.name));
    any_ethnicity = any_ethnicity || has_ethnicity;
    any_race = any_race || has_race;
    out.names.push_back(spec.name);
    out.by_group.push_back(std::move(sum));
  }

  out.overlapping = any_ethnicity && any_race;
  if (out.overlapping) {
    if (options.total_column.empty())
      throw ConfigError(fmt::format(
          "disparity: the groups use both Hispanic/Latino ({}) and race columns, which overlap; "
          "give the total-population column so that shares are taken against it",
          fmt::join(ethnicity_used, ", ")));
    out.notes.push_back(fmt::format(
        "Hispanic/Latino counts ({}) overlap the race counts (Hispanic people are of any race): "
        "the "
        "groups do not partition the population, shares are taken against '{}' and do not add up "
        "to 1, and no group adds the two together",
        fmt::join(ethnicity_used, ", "), options.total_column));
  }

  if (options.total_column.empty()) {
    out.total_source = "sum of the groups";
    out.total.assign(areas, 0.0);
    for (const auto& group : out.by_group)
      for (std::size_t a = 0; a < areas; ++a) out.total[a] += group[a];
    return out;
  }
  out.total_source = options.total_column;
  out.total.assign(areas, 0.0);
  add_column(find_column(names, columns, options.total_column), options.total_column, out.total,
             out.notes);
  double groups_sum = 0, total_sum = 0;
  for (const auto& group : out.by_group)
    for (const double v : group) groups_sum += v;
  for (const double v : out.total) total_sum += v;
  if (total_sum > 0 && groups_sum > 1.005 * total_sum && !out.overlapping) {
    out.overlapping = true;
    out.notes.push_back(fmt::format(
        "the groups add up to {:.1f}% of '{}': they overlap (e.g. people counted in several race "
        "columns), so shares do not add up to 1",
        100.0 * groups_sum / total_sum, options.total_column));
  } else if (total_sum > 0 && groups_sum < 0.995 * total_sum) {
    out.notes.push_back(
        fmt::format("the groups cover {:.1f}% of '{}'; the rest of the population is in no group",
                    100.0 * groups_sum / total_sum, options.total_column));
  }
  return out;
}

}  // namespace scrutineer::study
