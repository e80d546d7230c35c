// The model registry: one line per model.
#include <fmt/format.h>

#include "builtin.hpp"
#include "scrutineer/core/error.hpp"
#include "scrutineer/forecast/model.hpp"

namespace scrutineer::forecast {

const std::vector<ModelInfo>& models() {
  static const std::vector<ModelInfo> list = {
      detail::naive_info(),      detail::random_info(),    detail::retro_info(),
      detail::prohotspot_info(), detail::sepp_grid_info(), detail::kde_info(),
      detail::sepp_info(),       detail::gistar_info(),    detail::stscan_info(),
  };
  return list;
}

const ModelInfo& find_model(const std::string& name) {
  for (const auto& m : models())
    if (m.name == name) return m;
  std::string known;
  for (const auto& m : models()) known += (known.empty() ? "" : ", ") + m.name;
  throw ConfigError(fmt::format("unknown model '{}' (known: {})", name, known));
}

ParamSet model_params(const std::string& name) { return ParamSet(find_model(name).params); }

TimeResolution time_needed(const std::string& name, const std::string& params) {
  auto set = model_params(name);
  set.set_all(params);
  const auto& info = find_model(name);
  return info.needs ? info.needs(set) : TimeResolution::kMonth;
}

std::unique_ptr<Model> make_model(const std::string& name, const std::string& params) {
  auto set = model_params(name);
  set.set_all(params);
  return find_model(name).make(set);
}

}  // namespace scrutineer::forecast
