// Choropleth maps as SVG: polygons (areas or grid cells) shaded by a value in quantile classes,
// with a legend. Coordinates in a projected CRS (metres) are drawn as they are; geographic ones
// (degrees) are scaled by cos(latitude) so shapes keep their proportions.
#pragma once

#include <string>
#include <vector>

#include "scrutineer/io/vector.hpp"

namespace scrutineer::report {

struct MapOptions {
  std::string title;
  std::string legend;       // what the value is, e.g. "exposure per 1,000 residents"
  int width = 640;          // pixels; the height follows the data's aspect ratio
  int classes = 5;          // quantile classes
  bool geographic = false;  // coordinates are lon/lat degrees
  std::string missing_label = "no data";
  // Drawn over the shapes as a dark line (the study region); empty = none.
  io::MultiPolygon outline;
  std::string outline_label = "study region";
  // Hover label of each shape (its name), before its value; empty = the value alone.
  std::vector<std::string> names;
  // A scale bar (projected coordinates in metres only) and a north arrow (grid north, up).
  bool scale_bar = true;
  // More hover text of each shape, after its value (e.g. a ratio and its interval); empty = none.
  std::vector<std::string> details;
  // Shapes drawn hatched over their colour (the uncertainty view: an interval that includes
  // parity), with a legend entry saying what the hatch means (`hatch_label`). Empty = no hatch.
  std::vector<bool> hatched;
  std::string hatch_label;
};

// `values[i]` shades `shapes[i]`; NaN is drawn as missing. Throws InternalError if the sizes
// differ.
std::string choropleth_svg(const std::vector<io::MultiPolygon>& shapes,
                           const std::vector<double>& values, const MapOptions& options);

// A round scale-bar length (1, 2 or 5 times a power of ten) of at most `max_metres`.
double scale_bar_metres(double max_metres);

// Class breaks: the upper bounds of `classes` quantile classes of the finite values (ascending,
// duplicates removed, so fewer classes come back when many values tie).
std::vector<double> quantile_breaks(std::vector<double> values, int classes);

}  // namespace scrutineer::report
