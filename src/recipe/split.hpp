// The parts of one long stage split across processes (RunOptions::split, docs/sweep.md): each part
// writes its share of per-period (backtest) or per-replicate (feedback) results to split/part.bin,
// exactly (binary, every bit of every number), and the merge reads them back in order. Internal to
// the recipe component.
#pragma once

#include <cstdint>
#include <filesystem>
#include <vector>

#include "scrutineer/evaluate/backtest.hpp"
#include "scrutineer/feedback/loop.hpp"

namespace scrutineer::recipe {

// Where a part's results go, relative to its results folder.
inline const std::filesystem::path kPartFile = std::filesystem::path("split") / "part.bin";

// The periods of `result` this part ran (those with scores), every model's.
void write_backtest_part(const evaluate::BacktestResult& result, const std::filesystem::path& file);
// Fills the periods of `frame` (run_backtest with part == parts: every period empty) from the
// parts' folders; IoError when a part's file is missing or damaged, or when a period is missing
// or given twice.
void read_backtest_parts(evaluate::BacktestResult& frame,
                         const std::vector<std::filesystem::path>& folders);

// The replicates [first, first + runs.size()) of a loop.
void write_loop_part(const std::vector<std::vector<feedback::ReplicateRun>>& runs,
                     std::int64_t first, const std::filesystem::path& file);
// Every replicate's runs from the parts' folders, in replicate order; IoError when a replicate is
// missing or given twice, or the scenarios differ.
std::vector<std::vector<feedback::ReplicateRun>> read_loop_parts(
    const std::vector<std::filesystem::path>& folders, std::int64_t replicates,
    std::size_t scenarios);

// The replicates of part `part` of `parts`: [replicates * part / parts, replicates * (part + 1) /
// parts).
std::int64_t part_begin(std::int64_t count, int part, int parts);

}  // namespace scrutineer::recipe
