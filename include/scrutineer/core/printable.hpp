// Messages made safe for a terminal or a log before a boundary prints them.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace scrutineer {

// A message made safe for a terminal or a log: control bytes (a terminal escape sequence from a
// file's header, say), C1 controls and bytes that are not UTF-8 are written as \xNN; a quoted
// value longer than `max_quoted` bytes is shortened with its length; the whole is cut at
// `max_bytes`. Every boundary prints errors through it (issue 19, item 12).
std::string printable_message(std::string_view text, std::size_t max_quoted = 80,
                              std::size_t max_bytes = 2000);

}  // namespace scrutineer
