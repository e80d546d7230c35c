// A readable summary of a synthetic city (what `scrutineer synth` and the demo print).
#include <fmt/format.h>

#include <algorithm>

#include "scrutineer/core/time.hpp"
#include "scrutineer/synth/city.hpp"

namespace scrutineer::synth {

std::string summary_text(const City& city) {
  const auto& o = city.options;
  double people = 0, lo = 1, hi = 0;
  for (const auto& n : city.neighbourhoods) {
    people += n.total_population;
    lo = std::min(lo, n.reporting_rate);
    hi = std::max(hi, n.reporting_rate);
  }
  const auto recorded = static_cast<double>(city.recorded.size());
  const auto total = static_cast<double>(city.truth.size());
  std::string out;
  auto line = std::back_inserter(out);
  fmt::format_to(line, "city         {} x {} neighbourhoods, {} x {} cells of {} m ({}), seed {}\n",
                 o.neighbourhoods_x, o.neighbourhoods_y, city.grid.nx, city.grid.ny, o.cell_size,
                 o.crs, o.seed);
  fmt::format_to(line, "people       {:.0f} in {} groups ({})\n", people, city.groups.size(),
                 o.groups);
  fmt::format_to(line, "window       {} to {} ({} days, {})\n", format_iso_date(city.start),
                 format_iso_date(city.end - 1), o.days, o.time_zone);
  fmt::format_to(line,
                 "true crime   {} events (background {} per day, theta {}, omega {} per day)\n",
                 city.truth.size(), o.background_per_day, o.theta, o.omega);
  fmt::format_to(line, "recorded     {} events ({:.1f}%; reporting rates {:.2f} to {:.2f})\n",
                 city.recorded.size(), total > 0 ? 100 * recorded / total : 0.0, lo, hi);
  return out;
}

}  // namespace scrutineer::synth
