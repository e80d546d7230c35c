// Flags per period for the exposure audit: from a backtest (in memory or its flags CSV) or imported
// from a police tool's own output (flagged cells, grid boxes or points by x/y, or area ids per
// date).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "scrutineer/disparity/exposure.hpp"

namespace scrutineer::geo {
struct Grid;
struct Areas;
}  // namespace scrutineer::geo
namespace scrutineer::evaluate {
struct BacktestResult;
}

namespace scrutineer::disparity {

enum class FlagFormat {
  kBacktest,  // columns model, period_start, cell, rank (the backtest's flags CSV)
  kCell,      // a date and a grid cell index (row-major iy * nx + ix)
  kXy,        // a date and a point: a box's centre, or a flagged point; mapped to the grid cell
  kArea,      // a date and an area id: the whole area is flagged
};
std::string_view to_string(FlagFormat format);

struct FlagReadOptions {
  std::string format = "auto";  // "auto", "backtest", "cell", "xy", "area"
  std::string date_column;      // default: period_start, date, day, month or period (first found)
  std::string cell_column = "cell";
  std::string x_column, y_column;  // default: x/y, else lon/lat, longitude/latitude
  std::string area_column = "area";
  std::string crs;       // CRS of x/y; default EPSG:4326 for lon/lat columns, else the grid's
  std::string model;     // backtest flags of several models: the one to audit (required then)
  std::int64_t top = 0;  // backtest flags: keep ranks 1..top only (0 = all)
};

struct FlagTable {
  FlagFormat format = FlagFormat::kCell;
  std::vector<Period> periods;  // units are grid cells, or area indices for kArea
  std::int64_t rows = 0;
  std::int64_t outside_grid = 0;  // points or boxes outside the grid's extent (dropped)
  std::int64_t invalid_cells =
      0;  // flags on cells outside the study region (kept; nobody lives there)
  std::vector<std::string> models;  // models found in a backtest flags file
  std::string model;                // the model audited
};

// Reads a flags CSV. `grid` is needed for cell and xy flags (cell range and point mapping), `areas`
// for area flags. Dates are "YYYY-MM", "YYYY-MM-DD", "YYYY-MM-DD HH:MM[:SS]" with an optional T and
// Z. Throws InputError (file, line, column) for a bad date, number, cell or unknown area id;
// ConfigError for a missing column, an undecidable format, or several models without `model`.
FlagTable read_flags(const std::string& path, const FlagReadOptions& options, const geo::Grid* grid,
                     const geo::Areas* areas);
FlagTable read_flags_from_string(const std::string& name, std::string text,
                                 const FlagReadOptions& options, const geo::Grid* grid,
                                 const geo::Areas* areas);

// The operating-point flags of one model of a backtest (`label` as in its results; "" when it holds
// a single non-baseline model). ConfigError naming the labels when `label` is unknown.
std::vector<Period> flags_from_backtest(const evaluate::BacktestResult& result,
                                        const std::string& label);

// "YYYY-MM" (the first of the month), or what parse_iso_datetime accepts; nullopt otherwise.
std::optional<std::int64_t> parse_flag_date(std::string_view text);

}  // namespace scrutineer::disparity
