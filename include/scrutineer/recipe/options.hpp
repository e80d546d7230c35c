// Every stage's option declarations, in the docs' order: the docs tables and `scrutineer options`.
#pragma once

#include <vector>

#include "scrutineer/core/options.hpp"

namespace scrutineer::recipe {

std::vector<StageOptions> option_stages();

}  // namespace scrutineer::recipe
