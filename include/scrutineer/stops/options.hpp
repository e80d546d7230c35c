// The declarations of the stops stage's options (core/options.hpp): the CLI flags, recipe keys
// and the table in docs/stops.md are generated from them.
#pragma once

#include "scrutineer/core/options.hpp"
#include "scrutineer/stops/command.hpp"

namespace scrutineer::stops {

const OptionSet<StopsOptions>& stops_option_set();
// stops_option_set().describe(), compiled here (for listings and docs).
StageOptions stops_stage_options();

}  // namespace scrutineer::stops
