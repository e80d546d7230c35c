// Reporting rates by area, the share of true crimes that get recorded (used by disparity's
// true-crime estimate and the feedback loop's truth), e.g. from a victimisation survey (Akpinar et
// al. 2021, FAccT: Bogotá's rates by district).
#pragma once

#include <string>
#include <vector>

#include "scrutineer/geo/areas.hpp"

namespace scrutineer::geo {

// Rates per area (order of `areas`) from a CSV with an area-id column and a rate column in (0, 1].
// An area the file does not name gets rate 1 (its recorded crime is taken as true crime) and rows
// naming unknown areas are counted; both are said in `notes`. InputError (file, line, column) for
// a rate that is not a number in (0, 1] or an area named twice; IoError when unreadable.
std::vector<double> read_reporting_rates(const std::string& path, const std::string& id_column,
                                         const std::string& rate_column, const geo::Areas& areas,
                                         std::vector<std::string>& notes);

}  // namespace scrutineer::geo
