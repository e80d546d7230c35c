// The options of the space-time scan (`scrutineer stscan`), declared once: the command's flags and
// the docs table are built from this list.
#pragma once

#include "scrutineer/core/options.hpp"
#include "scrutineer/scan/command.hpp"

namespace scrutineer::scan {

const OptionSet<StScanCommandOptions>& stscan_option_set();
StageOptions stscan_stage_options();

}  // namespace scrutineer::scan
