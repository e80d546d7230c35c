// Outputs of a backtest: per-period CSV, summary JSON, flagged cells CSV (for exposure),
// open_cp-style per-day hit counts, a coverage-curve SVG and a readable table. Files are written
// atomically.
#pragma once

#include <filesystem>
#include <ostream>
#include <string>

#include "scrutineer/evaluate/backtest.hpp"

namespace scrutineer::evaluate {

// One row per model and period at the operating point, then the events caught at each coverage
// level.
std::string periods_csv(const BacktestResult& result);
// Pooled results with intervals, options and the best baseline, as one JSON object.
std::string summary_json(const BacktestResult& result);
// model, period_start, cell, rank (1 = highest risk), centre_x, centre_y: the operating-point
// flags.
std::string flagged_csv(const BacktestResult& result, const geo::Grid& grid);
void write_flagged_csv(std::ostream& out, const BacktestResult& result, const geo::Grid& grid);
// open_cp's scripted HitCountEvaluator layout: model, start, end (local wall-clock time), events,
// then the events caught at coverage 1%..100%.
std::string hit_counts_csv(const BacktestResult& result);
// Pooled hit rate against coverage 0..100%, one line per model, hand-written SVG.
std::string coverage_svg(const BacktestResult& result);
// A readable table of the operating point, for stdout.
std::string summary_table(const BacktestResult& result);

// Writes periods.csv, summary.json, flagged.csv, hit_counts.csv and coverage.svg into `folder`
// (created if needed), each through io::AtomicFile.
void write_backtest_outputs(const BacktestResult& result, const geo::Grid& grid,
                            const std::filesystem::path& folder);

}  // namespace scrutineer::evaluate
