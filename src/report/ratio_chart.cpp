// Ratio-to-reference charts (score audits): log-scale dots with interval whiskers, the line at 1
// and the tau..1/tau band (four-fifths rule; Saleiro et al. 2018, Aequitas).
#include "scrutineer/report/ratio_chart.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "scrutineer/report/html.hpp"

namespace scrutineer::report {

namespace {
constexpr double kLeft = 240, kWidth = 680, kPlot = kWidth - kLeft - 20, kRow = 24, kTop = 36;
}  // namespace

std::string ratio_chart_svg(const std::string& title, const std::vector<RatioRow>& rows,
                            double tau) {
  // The axis spans the band and every interval, in log2 units, padded a little.
  double lo = std::log2(std::min(tau, 1 / tau)), hi = -lo;
  for (const auto& r : rows)
    for (double v : {r.ratio, r.lo, r.hi})
      if (std::isfinite(v) && v > 0) {
        lo = std::min(lo, std::log2(v));
        hi = std::max(hi, std::log2(v));
      }
  lo -= 0.1;
  hi += 0.1;
  const auto px = [&](double v) { return kLeft + (std::log2(v) - lo) / (hi - lo) * kPlot; };
  const double height = kTop + static_cast<double>(rows.size()) * kRow + 40;
  std::string s = fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{0:.0f}\" height=\"{1:.0f}\" "
      "viewBox=\"0 0 {0:.0f} {1:.0f}\" role=\"img\" aria-label=\"{2}\" font-family=\"sans-serif\" "
      "font-size=\"12\">\n<text x=\"10\" y=\"20\" font-size=\"14\" "
      "font-weight=\"bold\">{2}</text>\n",
      kWidth, height, escape_html(title));
  const double bottom = kTop + static_cast<double>(rows.size()) * kRow;
  s += fmt::format(
      "<rect x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" height=\"{:.1f}\" fill=\"#e8f3e8\"><title>"
      "{:g} to {:g}: `fair` by the ratio rule</title></rect>\n",
      px(std::min(tau, 1 / tau)), kTop - 6, px(std::max(tau, 1 / tau)) - px(std::min(tau, 1 / tau)),
      bottom - kTop + 6, std::min(tau, 1 / tau), std::max(tau, 1 / tau));
  s += fmt::format(
      "<line x1=\"{0:.1f}\" x2=\"{0:.1f}\" y1=\"{1:.1f}\" y2=\"{2:.1f}\" "
      "stroke=\"#333\"/>\n",
      px(1), kTop - 6, bottom);
  for (double tick : {0.25, 0.5, std::min(tau, 1 / tau), 1.0, std::max(tau, 1 / tau), 2.0, 4.0})
    if (std::log2(tick) >= lo && std::log2(tick) <= hi)
      s += fmt::format("<text x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"middle\">{:g}</text>\n",
                       px(tick), bottom + 16, tick);
  s += fmt::format(
      "<text x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"middle\">ratio to the reference "
      "group (log scale)</text>\n",
      kLeft + kPlot / 2, bottom + 32);
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const auto& r = rows[i];
    const double y = kTop + (static_cast<double>(i) + 0.5) * kRow;
    s += fmt::format("<text x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"end\">{}{}</text>\n", kLeft - 8,
                     y + 4, escape_html(r.label), r.reference ? " (reference)" : "");
    if (!(std::isfinite(r.ratio) && r.ratio > 0)) continue;
    if (std::isfinite(r.lo) && std::isfinite(r.hi) && r.lo > 0 && r.hi > 0)
      s += fmt::format(
          "<line class=\"interval\" x1=\"{:.1f}\" x2=\"{:.1f}\" y1=\"{:.1f}\" "
          "y2=\"{:.1f}\" stroke=\"#2a4d8f\" stroke-width=\"2\"/>\n",
          px(r.lo), px(r.hi), y, y);
    s += fmt::format(
        "<circle cx=\"{:.1f}\" cy=\"{:.1f}\" r=\"5\" fill=\"{}\"><title>{}: {:.3f}{}</title>"
        "</circle>\n",
        px(r.ratio), y, r.reference ? "#888" : "#2a4d8f", escape_html(r.label), r.ratio,
        std::isfinite(r.lo) ? fmt::format(" ({:.3f} to {:.3f})", r.lo, r.hi) : std::string());
  }
  return s + "</svg>\n";
}

}  // namespace scrutineer::report
