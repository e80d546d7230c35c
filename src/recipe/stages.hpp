// What the stages of a run share, and the stages themselves (recipe/stages.cpp) and the report
// (recipe/report.cpp). Internal to the recipe component.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "scrutineer/core/events.hpp"
#include "scrutineer/disparity/run.hpp"
#include "scrutineer/evaluate/backtest.hpp"
#include "scrutineer/feedback/loop.hpp"
#include "scrutineer/geo/areas.hpp"
#include "scrutineer/geo/grid.hpp"
#include "scrutineer/geo/overlay.hpp"
#include "scrutineer/ingest/ingest.hpp"
#include "scrutineer/recipe/recipe.hpp"
#include "scrutineer/recipe/run.hpp"
#include "scrutineer/scores/audit.hpp"

namespace scrutineer::recipe {

// Rows left after each filter of the data stage.
struct DataCounts {
  std::int64_t after_category = 0, after_dates = 0, after_clip = 0;
};

// Each stage reads what earlier stages left here and adds its own results.
struct Run {
  Run(const Recipe& r, const RunOptions& o, std::filesystem::path d, std::filesystem::path f)
      : recipe(r), options(o), dir(std::move(d)), final_dir(std::move(f)) {}
  const Recipe& recipe;
  const RunOptions& options;
  std::filesystem::path dir;        // the (temporary) results folder
  std::filesystem::path final_dir;  // its name once the run succeeds
  ingest::ReadReport read;
  DataCounts counts;
  EventSet events;
  geo::Grid grid;
  geo::Areas areas;
  geo::Overlay overlay;
  evaluate::BacktestResult backtest;
  std::string audited_model;  // the model whose flags the disparity stage audits and maps
  disparity::DisparityReport disparity;
  feedback::LoopResult loop;
  std::string loop_text;
  scores::AuditResult scores;
  std::vector<std::string> warnings;

  void say(const std::string& text) const {
    if (options.print) options.print(text);
  }
};

void stage_data(Run& run);
void stage_grid(Run& run);
void stage_backtest(Run& run);
void stage_disparity(Run& run);
void stage_feedback(Run& run);
void stage_scores(Run& run);
void stage_report(Run& run);

// run.json: the recipe, the engine, the command line, the inputs with their size and SHA-256,
// timings and the rows read and dropped.
std::string run_json(const Run& run, const std::vector<StageTiming>& timings);

}  // namespace scrutineer::recipe
