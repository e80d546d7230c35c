// Helpers shared by the synth sources (not part of the public interface).
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace scrutineer::synth {

// "a, b,c" -> {"a", "b", "c"} (spaces around items trimmed).
std::vector<std::string> split_list(const std::string& text);
// Comma-separated numbers; ConfigError naming `option` otherwise.
std::vector<double> parse_numbers(const std::string& text, std::string_view option);
// "name:share,name:share".
std::vector<std::pair<std::string, double>> parse_categories(const std::string& text);

}  // namespace scrutineer::synth
