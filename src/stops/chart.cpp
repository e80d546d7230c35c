// A horizontal bar chart of values with interval whiskers, as SVG (stops/command.hpp).
#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "scrutineer/report/html.hpp"
#include "scrutineer/stops/command.hpp"

namespace scrutineer::stops {

std::string interval_chart(const std::string& title, const std::vector<std::string>& labels,
                           const std::vector<double>& values, const std::vector<Interval>& bounds,
                           const std::string& unit) {
  const double left = 120, width = 420, row = 28, top = 36;
  double most = 0;
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (std::isfinite(values[i])) most = std::max(most, values[i]);
    if (std::isfinite(bounds[i].high)) most = std::max(most, bounds[i].high);
  }
  if (most <= 0) most = 1;
  const auto x = [&](double v) { return left + width * v / most; };
  const double height = top + row * static_cast<double>(labels.size()) + 30;
  std::string svg = fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{:.0f}\" height=\"{:.0f}\" "
      "font-family=\"sans-serif\" font-size=\"12\">\n<text x=\"8\" y=\"18\" font-weight=\"bold\">"
      "{}</text>\n",
      left + width + 140, height, report::escape_html(title));
  for (std::size_t i = 0; i < labels.size(); ++i) {
    const double y = top + row * static_cast<double>(i);
    svg += fmt::format("<text x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"end\">{}</text>\n", left - 6,
                       y + 14, report::escape_html(labels[i]));
    if (!std::isfinite(values[i])) continue;
    svg += fmt::format(
        "<rect x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" height=\"16\" fill=\"#6a8caf\"/>\n", left,
        y + 2, x(values[i]) - left);
    if (std::isfinite(bounds[i].low) && std::isfinite(bounds[i].high))
      svg += fmt::format(
          "<line x1=\"{0:.1f}\" x2=\"{1:.1f}\" y1=\"{2:.1f}\" y2=\"{2:.1f}\" stroke=\"#000\"/>"
          "<line x1=\"{0:.1f}\" x2=\"{0:.1f}\" y1=\"{3:.1f}\" y2=\"{4:.1f}\" stroke=\"#000\"/>"
          "<line x1=\"{1:.1f}\" x2=\"{1:.1f}\" y1=\"{3:.1f}\" y2=\"{4:.1f}\" stroke=\"#000\"/>\n",
          x(bounds[i].low), x(bounds[i].high), y + 10, y + 5, y + 15);
    svg += fmt::format("<text x=\"{:.1f}\" y=\"{:.1f}\">{:.3g} {}</text>\n",
                       x(std::isfinite(bounds[i].high) ? bounds[i].high : values[i]) + 6, y + 14,
                       values[i], report::escape_html(unit));
  }
  svg += fmt::format(
      "<text x=\"8\" y=\"{:.1f}\" fill=\"#555\">Bars: estimate; whiskers: interval.</text>\n"
      "</svg>\n",
      height - 8);
  return svg;
}

}  // namespace scrutineer::stops
