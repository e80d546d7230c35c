// Outputs of a backtest: per-period CSV, summary JSON, flagged cells CSV (for exposure),
// open_cp-style per-day hit counts, a coverage-curve SVG and a readable table. Files are written
// atomically.
#pragma once

#include <filesystem>
#include <ostream>
#include <string>
#include <vector>

#include "scrutineer/evaluate/backtest.hpp"

namespace scrutineer::evaluate {

// One row per model and period at the operating point, then the events caught at each coverage
// level.
std::string periods_csv(const BacktestResult& result);
// Pooled results with intervals, options and the best baseline, as one JSON object.
std::string summary_json(const BacktestResult& result);
// The operating-point flags: model, period_start (UTC), cell, rank (1 = highest risk), centre_x,
// centre_y (in the grid's CRS, written beside as flagged.prj), period_end (UTC),
// period_start_local (local time with its UTC offset).
std::string flagged_csv(const BacktestResult& result, const geo::Grid& grid);
void write_flagged_csv(std::ostream& out, const BacktestResult& result, const geo::Grid& grid);
// open_cp's scripted HitCountEvaluator layout: model, start, end (local wall-clock time in the
// result's time zone), events, then the events caught at coverage 1%..100%; then start_utc and
// end_utc (ISO 8601, Z).
std::string hit_counts_csv(const BacktestResult& result);
// Per model and cell ever flagged: model, cell, centre_x, centre_y, periods_flagged, hits (the
// events caught in the cell while it was flagged); the compact flags output (--flags counts).
std::string flag_counts_csv(const BacktestResult& result, const geo::Grid& grid);
// The flags files write_backtest_outputs writes for result.flags: flagged.csv and flagged.prj
// (csv), flag_counts.csv and flag_counts.prj (counts), none (none). A .prj is written when the
// grid has a CRS.
std::vector<std::string> flags_files(const BacktestResult& result, const geo::Grid& grid);

// Pooled hit rate against coverage 0..100%, one line per model, hand-written SVG.
std::string coverage_svg(const BacktestResult& result);
// A readable table of the operating point, for stdout.
std::string summary_table(const BacktestResult& result);

// Writes periods.csv, summary.json, the flags files of result.flags (flags_files), hit_counts.csv
// and coverage.svg into `folder` (created if needed), each through io::AtomicFile.
void write_backtest_outputs(const BacktestResult& result, const geo::Grid& grid,
                            const std::filesystem::path& folder);

}  // namespace scrutineer::evaluate
