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
#include "scrutineer/nearrepeat/command.hpp"
#include "scrutineer/recipe/recipe.hpp"
#include "scrutineer/recipe/run.hpp"
#include "scrutineer/scan/command.hpp"
#include "scrutineer/scores/audit.hpp"
#include "scrutineer/stops/command.hpp"
#include "scrutineer/study/study.hpp"

namespace scrutineer::recipe {

// Each stage computes from the study and the results of earlier stages in memory, then writes its
// own files; no stage reads a file another stage wrote.
struct Run {
  Run(const Recipe& r, const RunOptions& o, std::filesystem::path d)
      : recipe(r), options(o), dir(std::move(d)) {}
  const Recipe& recipe;
  const RunOptions& options;
  std::filesystem::path dir;  // the (temporary) results folder
  study::Study study;         // events, region, grid, areas, overlay, groups (build_study)
  evaluate::BacktestResult backtest;
  std::string audited_model;  // the model whose flags the disparity stage audits and maps
  disparity::DisparityReport disparity;
  feedback::LoopResult loop;
  std::string loop_text;
  scores::AuditResult scores;
  stops::StopsResult stops;
  nearrepeat::NearRepeatRun nearrepeat;
  scan::StScanRun stscan;
  std::vector<std::string> warnings;  // change what the numbers can be taken to say
  std::vector<std::string> notes;     // context that changes no conclusion

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
void stage_stops(Run& run);
void stage_nearrepeat(Run& run);
void stage_stscan(Run& run);
void stage_report(Run& run);

// run.json: the recipe, the engine, the command line, the inputs with their size and SHA-256,
// timings and the rows read and dropped.
std::string run_json(const Run& run, const std::vector<StageTiming>& timings);

}  // namespace scrutineer::recipe
