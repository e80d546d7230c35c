// An audit recipe: one TOML file naming the data, study area, grid, areas and groups, models and
// the backtest, disparity, feedback and score-audit stages, parsed and validated before any work.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "scrutineer/core/params.hpp"
#include "scrutineer/disparity/run.hpp"
#include "scrutineer/evaluate/backtest_options.hpp"
#include "scrutineer/feedback/loop.hpp"
#include "scrutineer/ingest/ingest.hpp"
#include "scrutineer/scores/audit.hpp"

namespace scrutineer::recipe {

// [data]: the crime export, read as `scrutineer ingest` reads it, then filtered.
struct DataStage {
  std::string path;
  ingest::ReadOptions read;  // read.target_crs is the study CRS ("" = UTM of the median point)
  std::string category;      // keep only this category ("" = all)
  std::string from, to;      // keep local dates from <= day < to ("" = open)
};

// [grid]: the study region and the grid laid over it.
struct GridStage {
  std::string region;  // polygon file; "" = the bounding box of the events
  double cell_size = 150;
  double origin_x = 0, origin_y = 0;
  bool clip = true;  // drop events outside the region
  // Which cells are valid: "touches" (any cell touching the region: open_cp's
  // mask_grid_by_intersection, as `scrutineer grid` and `backtest`) or "shares-area" (cells with a
  // positive area inside the region; open_cp's grid_intersection).
  std::string valid = "touches";
};

// [areas]: census polygons with group counts (optional).
struct AreasStage {
  bool enabled = false;
  std::string path, id;
  std::vector<std::string> groups;  // "name=col+col" or "col", as `scrutineer disparity --group`
  std::string total;
  std::string reference;
  std::vector<std::string> ethnicity_columns;
};

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

// [feedback]: the closed-loop simulator on a truth. One function per truth kind (recipe/run.cpp).
struct FeedbackStage {
  bool enabled = false;
  // "city": the synthetic city of `city`; "fitted": sepp-grid fitted per cell to the study's
  // recorded crime (needs [data] and [areas]), its background divided by the reporting rates.
  std::string truth = "city";
  ParamSet city;  // synth::city_param_specs()
  // Reporting rates for the fitted truth: a CSV of (area id, rate), else one rate everywhere
  // (1 = recorded crime taken as true, said in the warnings).
  std::string reporting, reporting_id = "area", reporting_rate = "rate";
  double reporting_everywhere = 1.0;
  feedback::LoopOptions options;
};

// [scores]: an audit of a people-scoring tool's output, as `scrutineer scores` runs it.
struct ScoresStage {
  bool enabled = false;
  scores::ScoresCommand command;  // out_dir is set at run time
};

struct Recipe {
  std::filesystem::path file;  // the recipe (absolute)
  std::string text;            // its text, recorded in the results
  std::string title;
  bool has_data = false;  // [data] and [grid]; a scores-only recipe has neither
  DataStage data;
  GridStage grid;
  AreasStage areas;
  std::vector<evaluate::ModelSpec> models;
  BacktestStage backtest;
  DisparityStage disparity;
  FeedbackStage feedback;
  ScoresStage scores;
  std::vector<std::filesystem::path> inputs;  // every input file named, for run.json
};

// Parses and validates a recipe. Relative paths resolve against the recipe's folder; "${data}"
// expands to `data_dir` (made absolute). Throws ConfigError "FILE:LINE:COL: ..." for a TOML
// syntax error, an unknown key, a value of the wrong type, a missing required key or a bad value,
// and IoError when the recipe cannot be read.
Recipe parse_recipe(const std::filesystem::path& file, const std::string& data_dir = "");
// The same on recipe text; `file` names it in messages and gives the folder paths resolve against.
Recipe parse_recipe_text(const std::filesystem::path& file, const std::string& text,
                         const std::string& data_dir = "");

}  // namespace scrutineer::recipe
