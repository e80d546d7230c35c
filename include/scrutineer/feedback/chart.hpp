// A small hand-written SVG line chart for the feedback outputs (time series per scenario).
#pragma once

#include <string>
#include <vector>

namespace scrutineer::feedback {

struct ChartSeries {
  std::string name;
  std::vector<double> x, y;  // NaN y values leave a gap
};

// Lines on shared axes with a legend; y from min(0, data) to the data maximum (or `y_max` > 0).
std::string line_chart_svg(const std::string& title, const std::string& x_label,
                           const std::string& y_label, const std::vector<ChartSeries>& series,
                           double y_max = 0);

}  // namespace scrutineer::feedback
