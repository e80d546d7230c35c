// The options of the Knox test of near repeats (`scrutineer nearrepeat`, Python's
// scrutineer.nearrepeat), declared once: the command's flags, the Python keywords and the docs
// table are built from this list.
#pragma once

#include "scrutineer/core/options.hpp"
#include "scrutineer/nearrepeat/command.hpp"

namespace scrutineer::nearrepeat {

// Bands, distance, convention, permutations, seed, alpha and the events kept (dates, category,
// region). The events file, the reading options and the output folder are the front end's.
const OptionSet<NearRepeatOptions>& nearrepeat_option_set();
// Its description, for `scrutineer options` and the docs (built here, out of line).
StageOptions nearrepeat_stage_options();

}  // namespace scrutineer::nearrepeat
