// Reading declared options from a recipe table (option_keys.hpp).
#include "option_keys.hpp"

#include "scrutineer/disparity/options.hpp"
#include "scrutineer/evaluate/backtest_options.hpp"
#include "scrutineer/feedback/options.hpp"
#include "scrutineer/forecast/options.hpp"
#include "scrutineer/ingest/options.hpp"
#include "scrutineer/nearrepeat/options.hpp"
#include "scrutineer/scan/options.hpp"
#include "scrutineer/scores/options.hpp"
#include "scrutineer/stops/options.hpp"
#include "scrutineer/study/options.hpp"

namespace scrutineer::recipe {

OptionValue read_option_value(Section& s, const OptionSpec& spec, const std::string& key) {
  const auto* node = s.peek(key);
  const auto from_text = [&](const std::string& text) {
    try {
      return parse_option_text(spec, text);
    } catch (const ConfigError& e) {
      s.fail(key, e.what());
    }
  };
  switch (spec.type) {
    case OptionType::kNumber:
      return s.number(key, 0);
    case OptionType::kInteger:
      return s.integer(key, 0);
    case OptionType::kBoolean:
      return s.boolean(key, false);
    case OptionType::kTexts:
      return s.texts(key);
    case OptionType::kNumbers:
      if (node && node->is_string()) return from_text(s.text(key));
      return s.numbers(key);
    case OptionType::kPath:
      return s.input_path(key, false);
    case OptionType::kAssignments: {
      if (node && node->is_string()) return s.text(key);
      std::string joined;
      for (const auto& [name, value] : s.assignments(key))
        joined += (joined.empty() ? "" : ",") + name + "=" + value;
      return joined;
    }
    case OptionType::kText:
    case OptionType::kDate:
      break;
  }
  return s.text(key);
}

std::vector<StageOptions> option_stages() {
  return {ingest::read_option_set().describe(),       study::data_option_set().describe(),
          study::grid_option_set().describe(),        study::areas_option_set().describe(),
          evaluate::backtest_option_set().describe(), disparity::disparity_option_set().describe(),
          disparity::flags_option_set().describe(),   feedback::loop_option_set().describe(),
          feedback::truth_option_set().describe(),    forecast::forecast_option_set().describe(),
          scores::scores_option_set().describe(),     stops::stops_stage_options(),
          nearrepeat::nearrepeat_stage_options(),     scan::stscan_stage_options()};
}

}  // namespace scrutineer::recipe
