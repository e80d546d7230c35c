// An audit recipe: one TOML file naming the data, study area, grid, areas and groups, models and
// the backtest, disparity, feedback, score-audit, stops, near-repeat and space-time scan stages,
// parsed and validated before any work.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "scrutineer/core/params.hpp"
#include "scrutineer/disparity/run.hpp"
#include "scrutineer/evaluate/backtest_options.hpp"
#include "scrutineer/feedback/options.hpp"
#include "scrutineer/ingest/ingest.hpp"
#include "scrutineer/nearrepeat/command.hpp"
#include "scrutineer/scan/command.hpp"
#include "scrutineer/scores/audit.hpp"
#include "scrutineer/stops/command.hpp"
#include "scrutineer/study/study.hpp"

namespace scrutineer::recipe {

// [data], [grid] and [areas] are the study's options (study::StudyOptions, docs/study.md): the
// crime export read as `scrutineer ingest` reads it and filtered; the region and its grid; census
// polygons with group counts (optional).

// [backtest]: dates are local (the data's zone); the options' first/stop are set at run time.
struct BacktestStage : evaluate::BacktestSetup {
  bool enabled = false;
};

// [disparity]: exposure of each group to the audited model's flags.
struct DisparityStage {
  bool enabled = false;
  std::string model;                    // the model audited ("" = the only non-baseline model)
  disparity::DisparityOptions options;  // areas, grid, flags and out are filled at run time
};

// [feedback]: the closed-loop simulator on a truth. One function per truth kind
// (recipe/stages.cpp).
struct FeedbackStage {
  bool enabled = false;
  // The truth the loop runs on ("city": the synthetic city; "fitted": sepp-grid fitted per cell
  // to the study's recorded crime), as `scrutineer feedback loop` declares it.
  feedback::TruthOptions truth;
  feedback::LoopOptions options;
};

// [scores]: an audit of a people-scoring tool's output, as `scrutineer scores` runs it.
struct ScoresStage {
  bool enabled = false;
  scores::ScoresCommand command;  // out_dir is set at run time
};

// [stops]: stop-and-search records audited as `scrutineer stops` audits them (its files go to
// stops/ in the results folder).
struct StopsStage {
  bool enabled = false;
  stops::StopsOptions options;  // records paths resolved against the recipe's folder
};

// [nearrepeat]: the Knox test of near repeats on [data]'s events, as `scrutineer nearrepeat` runs
// it (nearrepeat::run_nearrepeat; its files go to nearrepeat/). The table's keys are the command's
// flags; its from, to and only override [data]'s from, to and category, and its region (not
// [grid]'s) keeps the events inside it, as the command's --region does.
struct NearRepeatStage {
  bool enabled = false;
  nearrepeat::NearRepeatOptions options;  // study: [data]'s reading and filters; output at run
};

// [stscan]: the space-time scan (Kulldorff et al. 2005; Kulldorff 2001) on [data]'s events, as
// `scrutineer stscan` runs it (scan::run_stscan; its files go to stscan/). The table's keys are the
// command's flags; its from, to and only override [data]'s from, to and category, and its region
// and cell_size (not [grid]'s) are the scan's own, as the command's --region and --cell-size are.
struct StScanStage {
  bool enabled = false;
  scan::StScanCommandOptions options;  // study: [data]'s reading and filters; output at run
};

struct Recipe {
  std::filesystem::path file;  // the recipe (absolute)
  std::string text;            // its text, recorded in the results
  std::string title;
  bool has_data = false;  // [data] and [grid]; a scores-only recipe has neither
  bool has_grid = false;  // a [grid] table was given
  study::StudyOptions study;
  std::vector<evaluate::ModelSpec> models;
  // "FILE:LINE:COL: models.name" of each model and of [feedback] truth, for the time-resolution
  // check made once the data are read when the format does not declare it (recipe/parse.cpp).
  std::vector<std::string> model_positions;
  std::string feedback_truth_position;
  BacktestStage backtest;
  DisparityStage disparity;
  FeedbackStage feedback;
  ScoresStage scores;
  StopsStage stops;
  NearRepeatStage nearrepeat;
  StScanStage stscan;
  std::vector<std::filesystem::path> inputs;  // every input file named, for run.json
};

// Whether the run writes the grid's cells (grid/cells.gpkg, grid/overlay.csv): when a stage uses
// the grid, when [grid] or [areas] is given, or when [data] is the whole audit (its map is the
// result). The near-repeat and space-time scan stages use the events, not the grid: a recipe of
// [data] with only those does not lay one.
bool lays_grid(const Recipe& recipe);

// Parses and validates a recipe. Relative paths resolve against the recipe's folder; "${data}"
// expands to `data_dir` (made absolute). Throws ConfigError "FILE:LINE:COL: ..." for a TOML
// syntax error, an unknown key, a value of the wrong type, a missing required key or a bad value,
// and IoError when the recipe cannot be read.
Recipe parse_recipe(const std::filesystem::path& file, const std::string& data_dir = "");
// The same on recipe text; `file` names it in messages and gives the folder paths resolve against.
Recipe parse_recipe_text(const std::filesystem::path& file, const std::string& text,
                         const std::string& data_dir = "");

}  // namespace scrutineer::recipe
