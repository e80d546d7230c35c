// The disparity stage's options, declared once: `scrutineer disparity` and the recipe's
// [disparity] table are built from the first list; the second (reading a flags CSV) is the
// command's alone, since a recipe passes the backtest's flags in memory.
#pragma once

#include "scrutineer/core/options.hpp"
#include "scrutineer/disparity/run.hpp"

namespace scrutineer::disparity {

const OptionSet<DisparityOptions>& disparity_option_set();  // model, bootstrap, reporting, ...
const OptionSet<DisparityOptions>& flags_option_set();      // flags, flags_format, columns, ...

}  // namespace scrutineer::disparity
