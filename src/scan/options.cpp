// The space-time scan's options, declared once (see scan/options.hpp); defaults as SaTScan's where
// it has one (docs/stscan.md).
#include "scrutineer/scan/options.hpp"

#include "scrutineer/study/options.hpp"

namespace scrutineer::scan {
namespace {

void add_scan(OptionSet<StScanCommandOptions>& s) {
  s.custom(
       "model", OptionType::kText,
       [](const StScanCommandOptions& o) {
         return OptionValue(std::string(to_string(o.scan.model)));
       },
       [](StScanCommandOptions& o, const OptionValue& v) {
         o.scan.model = scan_model_from_string(std::get<std::string>(v));
       },
       "permutation (Kulldorff et al. 2005: cases only) or poisson (Kulldorff 2001: equal "
       "population per cell, or `population`'s)")
      .choices({"permutation", "poisson"});
  s.field(
       "max_radius", [](auto& o) -> auto& { return o.scan.max_radius; }, "Largest circle radius")
      .unit("m")
      .at_least(0);
  s.field(
       "max_space_fraction", [](auto& o) -> auto& { return o.scan.max_space_fraction; },
       "A circle holds at most this fraction of the cases (poisson: of the population, or of the "
       "cells without `population`)")
      .above(0)
      .at_most(1);
  s.field(
       "max_days", [](auto& o) -> auto& { return o.scan.max_days; }, "Longest window")
      .unit("days")
      .at_least(1);
  s.field(
       "max_time_fraction", [](auto& o) -> auto& { return o.scan.max_time_fraction; },
       "A window holds at most this fraction of the cases (poisson: of the days)")
      .above(0)
      .at_most(1);
  s.field(
      "prospective", [](auto& o) -> auto& { return o.scan.prospective; },
      "Only windows ending on the last day (prospective surveillance)");
  s.field(
       "min_cases", [](auto& o) -> auto& { return o.scan.min_cases; },
       "A cluster holds at least this many cases")
      .at_least(1);
  s.field(
       "replications", [](auto& o) -> auto& { return o.scan.replications; },
       "Monte Carlo replications")
      .at_least(0);
  s.field(
      "seed", [](auto& o) -> auto& { return o.scan.seed; }, "Random seed");
  s.field(
       "alpha", [](auto& o) -> auto& { return o.alpha; },
       "List clusters with p <= this (1: every cluster found)")
      .above(0)
      .at_most(1);
  s.field(
       "cell_size", [](auto& o) -> auto& { return o.study.cell_size; },
       "poisson: side of the grid cells that are its locations")
      .unit("m")
      .at_least(0);
  s.field(
       "population", [](auto& o) -> auto& { return o.population; },
       "poisson: polygons with census counts, apportioned to the cells by area share (empty = "
       "equal population per cell)")
      .path();
  s.field(
      "population_field", [](auto& o) -> auto& { return o.population_field; },
      "poisson: the count column of `population`");
}

}  // namespace

const OptionSet<StScanCommandOptions>& stscan_option_set() {
  static const OptionSet<StScanCommandOptions> set = [] {
    OptionSet<StScanCommandOptions> s("stscan", "Space-time scan statistic");
    add_scan(s);
    s.include(
        study::event_filter_option_set(), [](auto& o) -> auto& { return o.study; });
    return s;
  }();
  return set;
}

StageOptions stscan_stage_options() { return stscan_option_set().describe(); }

}  // namespace scrutineer::scan
