// The recipe's time-resolution check (issue 17): models declare the time they need once
// (forecast::ModelInfo::needs), and the recipe refuses a model its data cannot feed.
#include "time_check.hpp"

#include <fmt/format.h>

#include "scrutineer/core/error.hpp"
#include "scrutineer/forecast/model.hpp"
#include "scrutineer/ingest/format.hpp"

namespace scrutineer::recipe {

namespace {

// The registered models whose default parameters work on data of resolution `have`.
std::string models_that_work(TimeResolution have) {
  std::string out;
  for (const auto& m : forecast::models())
    if (forecast::resolution_suffices(have, forecast::time_needed(m.name)))
      out += (out.empty() ? "" : ", ") + m.name;
  return out;
}

}  // namespace

std::optional<DeclaredTime> declared_resolution(const ingest::ReadOptions& read) {
  auto pattern = read.columns.time_format;
  std::string source = "time_format '" + pattern + "'";
  if ((pattern.empty() || pattern == "auto") && read.format != "auto") {
    const auto* format = ingest::find_format(read.format);
    if (format == nullptr || format->defaults == nullptr) return std::nullopt;
    // The header is not read at parse time: the format's defaults for an empty header.
    const auto d = format->defaults({}, [](std::string_view) { return std::string(); });
    if (d.resolution) return DeclaredTime{*d.resolution, "format " + read.format};
    pattern = d.columns.time_format;
    source = fmt::format("format {} (time pattern {})", read.format, pattern);
  }
  if (pattern.empty() || pattern == "auto") return std::nullopt;
  return DeclaredTime{ingest::TimeParser(pattern).resolution(), source};
}

std::string model_time_refusal(const evaluate::ModelSpec& model, TimeResolution have,
                               const std::string& source) {
  const auto needed = forecast::time_needed(model.name, model.params);
  if (forecast::resolution_suffices(have, needed)) return "";
  return fmt::format(
      "model {} needs times to the {} ({}), but {} gives the {} of each crime only; models "
      "that work on these data: {} (see `scrutineer models`)",
      model.name, to_string(needed), forecast::find_model(model.name).needs_text, source,
      to_string(have), models_that_work(have));
}

std::string fitted_truth_refusal(TimeResolution have, const std::string& source) {
  const auto needed = forecast::time_needed("sepp-grid", "time_unit=1d");
  if (forecast::resolution_suffices(have, needed)) return "";
  return fmt::format(
      "truth = \"fitted\" fits sepp-grid by the day (Mohler et al. 2015) and needs times to the "
      "{}, but {} gives the {} of each crime only (a fit would find no self-excitation); use "
      "truth = \"city\" or data with daily times",
      to_string(needed), source, to_string(have));
}

void check_time_resolution(const Recipe& recipe, TimeResolution have, const std::string& source) {
  for (std::size_t i = 0; i < recipe.models.size(); ++i) {
    const auto why = model_time_refusal(recipe.models[i], have, source);
    if (!why.empty())
      throw ConfigError(fmt::format(
          "{}: {}",
          i < recipe.model_positions.size() ? recipe.model_positions[i] : recipe.file.string(),
          why));
  }
  if (recipe.feedback.enabled && recipe.feedback.truth.truth == "fitted") {
    const auto why = fitted_truth_refusal(have, source);
    if (!why.empty()) throw ConfigError(fmt::format("{}: {}", recipe.feedback_truth_position, why));
  }
}

}  // namespace scrutineer::recipe
