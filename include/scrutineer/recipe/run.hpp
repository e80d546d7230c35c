// Runs a parsed recipe into a results folder: every stage's tables, report.html, run.json and the
// recipe itself. The folder is built beside its target and renamed into place only when every
// stage succeeded, so a failure or Ctrl-C leaves no half-written results.
#pragma once

#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "scrutineer/recipe/recipe.hpp"
#include "scrutineer/synth/city.hpp"

namespace scrutineer::recipe {

struct RunOptions {
  std::filesystem::path out;  // results folder ("" = <recipe stem>-results beside the recipe)
  std::string command_line;   // recorded in run.json
  bool progress = true;       // progress bars on long stages
  // Write into an existing folder that holds files scrutineer did not write (io::OutputFolder:
  // only scrutineer's own files there are replaced). Without it such a folder is refused.
  bool replace = false;
  std::function<void(const std::string&)> print;  // stage summaries (none when empty)
  // The synthetic city of [feedback.city] when the caller generated it already (the demo): used
  // instead of generating it again when its options are those of the recipe.
  const synth::City* city = nullptr;
  // One long stage split across processes (`scrutineer sweep`'s [split], docs/sweep.md): `stage`
  // is "backtest" (divided by blocks of whole chunks of periods) or "feedback" (by blocks of
  // replicates). A part (merge_from empty) runs the data stage and its share of the stage, writes
  // that share to split/part.bin in its folder and nothing else. The merge (merge_from: every
  // part's results folder, in part order) runs the whole recipe, the stage's per-period or
  // per-replicate results read from the parts and summarised by the one-process code, so its
  // files are those of the unsplit run.
  struct Split {
    std::string stage;  // "" = no split
    int part = 0, parts = 1;
    std::vector<std::filesystem::path> merge_from;
  } split;
};

struct StageTiming {
  std::string stage;
  double seconds = 0;
};

struct RunResult {
  std::filesystem::path folder;                // the results folder
  std::vector<std::filesystem::path> written;  // every file written, relative, sorted
  std::vector<StageTiming> timings;
  // Warnings change what the numbers can be taken to say (rows dropped, recorded crime taken as
  // true crime); notes are context that changes no conclusion. Both are in report.html and
  // run.json.
  std::vector<std::string> warnings, notes;
};

RunResult run_recipe(const Recipe& recipe, const RunOptions& options);

// The engine's version: the CMake project version, then `git describe` at build time if known.
std::string engine_version();

}  // namespace scrutineer::recipe
