// Ratios to a reference with their intervals as an SVG dot-and-whisker chart on a log scale, with
// the no-difference line at 1 and the band tau..1/tau of the four-fifths rule (EEOC 1978; the
// Aequitas `fair` rule, Saleiro et al. 2018) shaded.
#pragma once

#include <string>
#include <vector>

namespace scrutineer::report {

struct RatioRow {
  std::string label;
  double ratio = 1, lo = 1, hi = 1;  // NaN lo/hi: no interval drawn
  bool reference = false;            // the reference group: drawn at 1, labelled "(reference)"
};

// Rows top to bottom; ratios that are not positive and finite are left out with a note.
std::string ratio_chart_svg(const std::string& title, const std::vector<RatioRow>& rows,
                            double tau);

}  // namespace scrutineer::report
