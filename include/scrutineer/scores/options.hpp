// The score audit's options, declared once: `scrutineer scores` and the recipe's [scores] table are
// built from this list.
#pragma once

#include "scrutineer/core/options.hpp"
#include "scrutineer/scores/audit.hpp"

namespace scrutineer::scores {

const OptionSet<ScoresCommand>& scores_option_set();

}  // namespace scrutineer::scores
