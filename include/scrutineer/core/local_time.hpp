// A date (and time) the user typed, read as wall time in a zone: the one rule behind the study's
// from/to, a backtest's dates and a forecast's date, whichever front end passed them.
#pragma once

#include <cstdint>
#include <string>

#include "scrutineer/core/time.hpp"

namespace scrutineer {

// `text` (YYYY-MM-DD, or with " HH:MM[:SS]") as wall time in `zone`, in UTC seconds. Throws
// ConfigError "<what>: expected <expected>, found '<text>'".
std::int64_t local_to_utc(const std::string& text, const TimeZone& zone, const std::string& what,
                          const std::string& expected = "a local date YYYY-MM-DD");

}  // namespace scrutineer
