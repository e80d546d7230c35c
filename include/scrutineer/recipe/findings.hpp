// The findings summary at the top of a report (issue 17): plain sentences generated from the
// results and their intervals, each linked to the section with its table and method. A claim is
// made only where the interval excludes the no-difference value; otherwise the sentence says
// "no evidence of a difference".
#pragma once

#include <string>
#include <vector>

#include "scrutineer/disparity/exposure.hpp"
#include "scrutineer/evaluate/backtest.hpp"
#include "scrutineer/feedback/loop.hpp"
#include "scrutineer/report/html.hpp"

namespace scrutineer::recipe {

// Where an interval lies against the value that means "no difference" (0 for a difference, 1 for
// a ratio). kUnknown when the interval is missing (no bootstrap).
enum class Verdict { kAbove, kBelow, kIncludes, kUnknown };
Verdict judge(double lo, double hi, double none);

// Each model against the best baseline (hit-rate difference, paired bootstrap) and the share of
// flagged cell-periods with no recorded crime beside the baselines'. `period` names the unit
// ("day", "week", "month"); `level` is the intervals' coverage (0.95).
std::vector<report::Finding> accuracy_findings(const evaluate::BacktestResult& backtest,
                                               const std::string& period, double level);

// Each group's share of patrol exposure against its share of residents and of recorded crime.
std::vector<report::Finding> disparity_findings(const disparity::ExposureResult& result,
                                                const std::string& model, double level);

// The closed loop: concentration, distance from true crime, discoveries, per mitigation.
std::vector<report::Finding> feedback_findings(const feedback::LoopResult& loop,
                                               const feedback::LoopOptions& options);

// The score audit's FPR, FNR, PPV and selection-rate disparities from the published (suppressed)
// disparities table, with the `fair` rule (tau <= ratio <= 1/tau) and the test side by side.
std::vector<report::Finding> scores_findings(const std::string& disparities_csv, double tau,
                                             double level);

}  // namespace scrutineer::recipe
