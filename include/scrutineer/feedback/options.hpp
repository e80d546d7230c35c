// The feedback loop's options, declared once: `scrutineer feedback loop` and the recipe's
// [feedback] table are built from these lists (the loop's, and the truth it runs on).
#pragma once

#include <string>

#include "scrutineer/core/options.hpp"
#include "scrutineer/feedback/loop.hpp"

namespace scrutineer::feedback {

// The truth the loop runs on.
struct TruthOptions {
  // "city": the synthetic city of `city`; "fitted": sepp-grid fitted per cell to the study's
  // recorded crime, its background divided by the reporting rates.
  std::string truth = "city";
  std::string city;  // "k=v,k=v" (synth::city_param_specs())
  // Reporting rates of the fitted truth: a CSV of (area id, rate), else one rate everywhere
  // (1 = recorded crime taken as true, said in the notes).
  std::string reporting, reporting_id = "area", reporting_rate = "rate";
  double reporting_everywhere = 1.0;
};

const OptionSet<LoopOptions>& loop_option_set();
const OptionSet<TruthOptions>& truth_option_set();

}  // namespace scrutineer::feedback
