// Choropleth maps as SVG, quantile classes, sequential palette.
#include "scrutineer/report/svg_map.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "scrutineer/core/error.hpp"
#include "scrutineer/report/html.hpp"

namespace scrutineer::report {

namespace {
// A colour-blind-safe sequential ramp (light to dark), as in ColorBrewer's YlOrRd.
constexpr const char* kHatchId = "hatch-parity";
const std::vector<const char*> kRamp = {"#ffffb2", "#fed976", "#feb24c", "#fd8d3c",
                                        "#f03b20", "#bd0026", "#800026"};

std::string format_break(double v) {
  if (v != 0 && std::fabs(v) < 0.01) return fmt::format("{:.2e}", v);
  if (std::fabs(v) < 10) return fmt::format("{:.3g}", v);
  return fmt::format("{:.0f}", v);
}

struct Frame {
  double xmin, ymax, scale, xscale;  // xscale: cos(latitude) for degrees, else 1
  double px(double x) const { return (x - xmin) * xscale * scale; }
  double py(double y) const { return (ymax - y) * scale; }
};

std::string path_of(const io::MultiPolygon& shape, const Frame& f) {
  std::string d;
  for (const auto& polygon : shape)
    for (const auto& ring : polygon.rings) {
      for (std::size_t i = 0; i < ring.x.size(); ++i)
        d += fmt::format("{}{:.1f},{:.1f}", i == 0 ? "M" : "L", f.px(ring.x[i]), f.py(ring.y[i]));
      d += "Z";
    }
  return d;
}
}  // namespace

// The north arrow (top right) and, for projected maps, a scale bar (bottom right). Grid north:
// maps are drawn in the study's projected CRS with y up, so up is north to within the projection's
// convergence (a degree or two in a UTM zone or the British National Grid).
namespace {
std::string map_furniture(const MapOptions& o, double top, double map_w, double map_h,
                          double scale) {
  std::string s;
  const double ax = 10 + map_w - 14, ay = top + 8;
  s += fmt::format(
      "<g class=\"north-arrow\" aria-label=\"north arrow\"><path d=\"M{0:.1f},{1:.1f}L{2:.1f},"
      "{3:.1f}L{0:.1f},{4:.1f}L{5:.1f},{3:.1f}Z\" fill=\"#111\"/><text x=\"{0:.1f}\" "
      "y=\"{6:.1f}\" text-anchor=\"middle\" font-weight=\"bold\">N</text></g>\n",
      ax, ay + 10, ax + 7, ay + 30, ay + 24, ax - 7, ay + 6);
  if (o.scale_bar && !o.geographic && scale > 0) {
    const double metres = scale_bar_metres(map_w / 4 / scale);
    // Below the map, at its right, beside the legend's title.
    const double w = metres * scale, x = 10 + map_w - w, y = top + map_h + 10;
    s += fmt::format(
        "<g class=\"scale-bar\" aria-label=\"scale bar\"><rect x=\"{:.1f}\" y=\"{:.1f}\" "
        "width=\"{:.1f}\" height=\"5\" fill=\"#111\"/><text x=\"{:.1f}\" y=\"{:.1f}\" "
        "text-anchor=\"end\">{}</text></g>\n",
        x, y, w, x - 6, y + 6,
        metres >= 1000 ? fmt::format("{:g} km", metres / 1000) : fmt::format("{:g} m", metres));
  }
  return s;
}
}  // namespace

double scale_bar_metres(double max_metres) {
  if (!(max_metres > 0)) return 0;
  const double power = std::pow(10.0, std::floor(std::log10(max_metres)));
  for (double m : {5.0, 2.0, 1.0})
    if (m * power <= max_metres) return m * power;
  return power;
}

std::vector<double> quantile_breaks(std::vector<double> values, int classes) {
  values.erase(
      std::remove_if(values.begin(), values.end(), [](double v) { return !std::isfinite(v); }),
      values.end());
  std::vector<double> breaks;
  if (values.empty() || classes < 1) return breaks;
  std::sort(values.begin(), values.end());
  for (int k = 1; k <= classes; ++k) {
    // Upper bound of class k: the value at quantile k / classes (nearest rank).
    const auto rank = static_cast<std::size_t>(
        std::ceil(static_cast<double>(k) * static_cast<double>(values.size()) / classes));
    const double b = values[std::min(values.size(), std::max<std::size_t>(rank, 1)) - 1];
    if (breaks.empty() || b > breaks.back()) breaks.push_back(b);
  }
  return breaks;
}

std::string choropleth_svg(const std::vector<io::MultiPolygon>& shapes,
                           const std::vector<double>& values, const MapOptions& o) {
  if (shapes.size() != values.size())
    throw InternalError(fmt::format("map: {} shapes but {} values", shapes.size(), values.size()));
  io::Bbox box{std::numeric_limits<double>::max(), std::numeric_limits<double>::max(),
               std::numeric_limits<double>::lowest(), std::numeric_limits<double>::lowest()};
  auto framed = shapes;  // the outline is framed too: it may reach beyond the shapes mapped
  if (!o.outline.empty()) framed.push_back(o.outline);
  for (const auto& s : framed) {
    const auto b = io::bbox_of(s);
    if (b.xmin > b.xmax) continue;
    box = {std::min(box.xmin, b.xmin), std::min(box.ymin, b.ymin), std::max(box.xmax, b.xmax),
           std::max(box.ymax, b.ymax)};
  }
  if (box.xmin > box.xmax) box = {0, 0, 1, 1};
  const double xscale =
      o.geographic ? std::cos((box.ymin + box.ymax) / 2 * 3.14159265358979323846 / 180) : 1.0;
  const double dx = std::max((box.xmax - box.xmin) * xscale, 1e-9),
               dy = std::max(box.ymax - box.ymin, 1e-9);
  const double map_w = o.width - 20, scale = map_w / dx;
  const Frame frame{box.xmin, box.ymax, scale, xscale};
  const auto breaks =
      quantile_breaks(values, std::min<int>(o.classes, static_cast<int>(kRamp.size())));
  const int legend_rows = static_cast<int>(breaks.size()) + 1;
  const double map_h = dy * scale, top = o.title.empty() ? 10 : 34;
  const bool hatch = std::find(o.hatched.begin(), o.hatched.end(), true) != o.hatched.end();
  const double height = top + map_h + 30 + (legend_rows + (hatch ? 1 : 0)) * 20;
  std::string svg = fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{0}\" height=\"{1:.0f}\" viewBox=\"0 0 "
      "{0} "
      "{1:.0f}\" role=\"img\" aria-label=\"{2}\" font-family=\"sans-serif\" font-size=\"12\">\n",
      o.width, height, escape_html(o.title));
  if (!o.title.empty())
    svg += fmt::format("<text x=\"10\" y=\"22\" font-size=\"15\" font-weight=\"bold\">{}</text>\n",
                       escape_html(o.title));
  // Diagonal lines over the colour, dark enough to read on every class of the ramp.
  if (hatch)
    svg += fmt::format(
        "<defs><pattern id=\"{}\" patternUnits=\"userSpaceOnUse\" width=\"6\" height=\"6\" "
        "patternTransform=\"rotate(45)\"><line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"6\" "
        "stroke=\"#333\" stroke-width=\"1.2\"/></pattern></defs>\n",
        kHatchId);
  svg += fmt::format(
      "<g transform=\"translate(10,{:.0f})\" stroke=\"#666\" stroke-width=\"0.3\" "
      "fill-rule=\"evenodd\">\n",
      top);
  for (std::size_t i = 0; i < shapes.size(); ++i) {
    const double v = values[i];
    std::string colour = "#dddddd";
    if (std::isfinite(v)) {
      const auto k = std::lower_bound(breaks.begin(), breaks.end(), v) - breaks.begin();
      colour = kRamp[static_cast<std::size_t>(std::min<std::ptrdiff_t>(k, breaks.size() - 1))];
    }
    auto label = std::isfinite(v) ? format_break(v) : o.missing_label;
    if (i < o.names.size() && !o.names[i].empty()) label = o.names[i] + ": " + label;
    if (i < o.details.size() && !o.details[i].empty()) label += "; " + o.details[i];
    const auto d = path_of(shapes[i], frame);
    svg += fmt::format("<path fill=\"{}\" d=\"{}\"><title>{}</title></path>\n", colour, d,
                       escape_html(label));
    // The hatch lets the hover reach the shape's own title beneath it.
    if (i < o.hatched.size() && o.hatched[i])
      svg += fmt::format(
          "<path class=\"hatch\" fill=\"url(#{})\" stroke=\"none\" pointer-events=\"none\" "
          "d=\"{}\"/>\n",
          kHatchId, d);
  }
  if (!o.outline.empty())
    svg += fmt::format(
        "<path class=\"outline\" fill=\"none\" stroke=\"#111\" stroke-width=\"1.6\" "
        "d=\"{}\"><title>{}</title></path>\n",
        path_of(o.outline, frame), escape_html(o.outline_label));
  svg += "</g>\n";
  svg += map_furniture(o, top, map_w, map_h, scale);
  double y = top + map_h + 20;
  svg += fmt::format("<text x=\"10\" y=\"{:.0f}\">{}</text>\n", y, escape_html(o.legend));
  // Each break is a value of the data (nearest rank), so no class is empty. The first class starts
  // at the smallest value; a class of one value is labelled with it alone.
  double lower = std::numeric_limits<double>::infinity();
  for (double v : values)
    if (std::isfinite(v)) lower = std::min(lower, v);
  for (std::size_t k = 0; k < breaks.size(); ++k) {
    y += 20;
    const std::string label =
        k == 0 && lower == breaks[0] ? format_break(breaks[0])
        : k == 0 ? fmt::format("{} to {}", format_break(lower), format_break(breaks[k]))
                 : fmt::format("over {} to {}", format_break(lower), format_break(breaks[k]));
    svg += fmt::format(
        "<rect x=\"10\" y=\"{:.0f}\" width=\"16\" height=\"12\" fill=\"{}\" stroke=\"#666\"/>"
        "<text x=\"32\" y=\"{:.0f}\">{}</text>\n",
        y - 10, kRamp[k], y, label);
    lower = breaks[k];
  }
  y += 20;
  svg += fmt::format(
      "<rect x=\"10\" y=\"{:.0f}\" width=\"16\" height=\"12\" fill=\"#dddddd\" stroke=\"#666\"/>"
      "<text x=\"32\" y=\"{:.0f}\">{}</text>\n",
      y - 10, y, escape_html(o.missing_label));
  if (hatch) {
    y += 20;
    svg += fmt::format(
        "<g class=\"hatch-legend\"><rect x=\"10\" y=\"{0:.0f}\" width=\"16\" height=\"12\" "
        "fill=\"#ffffff\" stroke=\"#666\"/><rect x=\"10\" y=\"{0:.0f}\" width=\"16\" "
        "height=\"12\" fill=\"url(#{1})\" stroke=\"#666\"/><text x=\"32\" y=\"{2:.0f}\">{3}</text>"
        "</g>\n",
        y - 10, kHatchId, y, escape_html(o.hatch_label));
  }
  svg += "</svg>\n";
  return svg;
}

}  // namespace scrutineer::report
