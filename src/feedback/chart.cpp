// A small hand-written SVG line chart (no dependency) for the feedback outputs.
#include "scrutineer/feedback/chart.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "scrutineer/report/html.hpp"

namespace scrutineer::feedback {

namespace {

using report::escape_html;

// Colour-blind-safe palette (Okabe & Ito 2008).
constexpr const char* kColours[] = {"#0072B2", "#D55E00", "#009E73", "#CC79A7",
                                    "#E69F00", "#56B4E9", "#F0E442", "#000000"};

}  // namespace

std::string line_chart_svg(const std::string& title, const std::string& x_label,
                           const std::string& y_label, const std::vector<ChartSeries>& series,
                           double y_max) {
  constexpr double kW = 760, kH = 440, kLeft = 70, kRight = 180, kTop = 40, kBottom = 50;
  double x_lo = INFINITY, x_hi = -INFINITY, y_lo = 0, y_hi = -INFINITY;
  for (const auto& s : series)
    for (std::size_t i = 0; i < s.x.size() && i < s.y.size(); ++i) {
      if (std::isnan(s.y[i])) continue;
      x_lo = std::min(x_lo, s.x[i]);
      x_hi = std::max(x_hi, s.x[i]);
      y_lo = std::min(y_lo, s.y[i]);
      y_hi = std::max(y_hi, s.y[i]);
    }
  if (!std::isfinite(x_lo)) x_lo = 0, x_hi = 1, y_hi = 1;
  if (x_hi <= x_lo) x_hi = x_lo + 1;
  if (y_max > 0) y_hi = y_max;
  if (y_hi <= y_lo) y_hi = y_lo + 1;
  const double pw = kW - kLeft - kRight, ph = kH - kTop - kBottom;
  auto px = [&](double x) { return kLeft + (x - x_lo) / (x_hi - x_lo) * pw; };
  auto py = [&](double y) { return kTop + ph - (y - y_lo) / (y_hi - y_lo) * ph; };
  std::string s = fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{}\" height=\"{}\" "
      "font-family=\"sans-serif\" font-size=\"12\">\n<rect width=\"100%\" height=\"100%\" "
      "fill=\"white\"/>\n<text x=\"{}\" y=\"22\" font-size=\"15\">{}</text>\n",
      kW, kH, kLeft, escape_html(title));
  for (int i = 0; i <= 4; ++i) {  // grid lines and tick labels
    const double y = y_lo + (y_hi - y_lo) * i / 4.0, x = x_lo + (x_hi - x_lo) * i / 4.0;
    s += fmt::format(
        "<line x1=\"{0}\" x2=\"{1}\" y1=\"{2:.1f}\" y2=\"{2:.1f}\" stroke=\"#ddd\"/>"
        "<text x=\"{3}\" y=\"{4:.1f}\" text-anchor=\"end\">{5:.3g}</text>\n",
        kLeft, kLeft + pw, py(y), kLeft - 6, py(y) + 4, y);
    s += fmt::format("<text x=\"{:.1f}\" y=\"{}\" text-anchor=\"middle\">{:.4g}</text>\n", px(x),
                     kTop + ph + 18, x);
  }
  s += fmt::format(
      "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"none\" stroke=\"#444\"/>\n"
      "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>\n"
      "<text transform=\"translate(16,{}) rotate(-90)\" text-anchor=\"middle\">{}</text>\n",
      kLeft, kTop, pw, ph, kLeft + pw / 2, kH - 12, escape_html(x_label), kTop + ph / 2,
      escape_html(y_label));
  for (std::size_t k = 0; k < series.size(); ++k) {
    const auto* colour = kColours[k % std::size(kColours)];
    std::string path;
    bool pen_down = false;
    for (std::size_t i = 0; i < series[k].x.size() && i < series[k].y.size(); ++i) {
      if (std::isnan(series[k].y[i])) {
        pen_down = false;
        continue;
      }
      path += fmt::format("{}{:.1f},{:.1f} ", pen_down ? "L" : "M", px(series[k].x[i]),
                          py(std::min(series[k].y[i], y_hi)));
      pen_down = true;
    }
    s += fmt::format("<path d=\"{}\" fill=\"none\" stroke=\"{}\" stroke-width=\"1.6\"/>\n", path,
                     colour);
    const double ly = kTop + 14 + 18.0 * static_cast<double>(k);
    s += fmt::format(
        "<line x1=\"{0}\" x2=\"{1}\" y1=\"{2:.1f}\" y2=\"{2:.1f}\" stroke=\"{3}\" "
        "stroke-width=\"3\"/><text x=\"{4}\" y=\"{5:.1f}\">{6}</text>\n",
        kLeft + pw + 12, kLeft + pw + 32, ly, colour, kLeft + pw + 38, ly + 4,
        escape_html(series[k].name));
  }
  s += "</svg>\n";
  return s;
}

}  // namespace scrutineer::feedback
