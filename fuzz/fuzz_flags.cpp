// libFuzzer target for the disparity flags reader (cell, x/y and backtest flags): any bytes must
// give a flag table or a documented error (scrutineer::Error), never a crash, a hang or undefined
// behaviour. The input is the whole file, header included, read against a 3 x 2 grid.
#include <cstddef>
#include <cstdint>
#include <string>

#include "scrutineer/core/error.hpp"
#include "scrutineer/disparity/flags.hpp"
#include "scrutineer/geo/grid.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const scrutineer::geo::Grid grid = [] {
    scrutineer::geo::Grid g;
    g.size = 100;
    g.nx = 3;
    g.ny = 2;
    g.valid.assign(6, 1);
    g.valid[5] = 0;
    g.crs = "EPSG:32631";
    return g;
  }();
  const std::string text(reinterpret_cast<const char*>(data), size);
  scrutineer::disparity::FlagReadOptions options;
  options.crs = "EPSG:32631";  // x/y flags in the grid's CRS: no projection per input
  try {
    (void)scrutineer::disparity::read_flags_from_string("fuzz.csv", text, options, &grid, nullptr);
  } catch (const scrutineer::Error&) {
  }
  return 0;
}
