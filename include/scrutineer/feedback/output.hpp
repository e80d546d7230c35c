// Outputs of `scrutineer feedback`: time series (CSV), summary (JSON), charts (SVG) and a readable
// summary, for the urn, Lum & Isaac's loop and the closed-loop simulator. Files are atomic.
#pragma once

#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "scrutineer/feedback/loop.hpp"
#include "scrutineer/feedback/lum_isaac_loop.hpp"
#include "scrutineer/feedback/urn.hpp"

namespace scrutineer::feedback {

// day, region, mean, sd, q05, q50, q95 of the share of balls.
std::string urn_series_csv(const UrnResult& result);
std::string urn_summary_json(const UrnResult& result, const UrnOptions& options);
std::string urn_text(const UrnResult& result, const UrnOptions& options);
// Writes urn_series.csv, urn_summary.json, urn_share.svg; returns the paths.
std::vector<std::filesystem::path> write_urn_outputs(const UrnResult& result,
                                                     const UrnOptions& options,
                                                     const std::filesystem::path& folder);

// day, date, then per measure: the plain run's value and the feedback replicates' mean, q05, q95.
std::string lum_isaac_series_csv(const LumIsaacLoopResult& result);
// bin, days flagged in the plain run, mean / min / max over the feedback replicates.
std::string lum_isaac_bins_csv(const LumIsaacLoopResult& result);
std::string lum_isaac_summary_json(const LumIsaacLoopResult& result,
                                   const LumIsaacLoopOptions& options);
std::string lum_isaac_text(const LumIsaacLoopResult& result);
std::vector<std::filesystem::path> write_lum_isaac_outputs(const LumIsaacLoopResult& result,
                                                           const LumIsaacLoopOptions& options,
                                                           const std::filesystem::path& folder);

// mitigation, day, then per measure mean, q05, q95, then the exposure ratio of each group.
std::string loop_series_csv(const LoopResult& result);
std::string loop_summary_json(const LoopResult& result, const LoopOptions& options);
std::string loop_text(const LoopResult& result);
// The loop's charts in a fixed order: (file name, SVG).
std::vector<std::pair<std::string, std::string>> loop_charts(const LoopResult& result);
std::vector<std::filesystem::path> write_loop_outputs(const LoopResult& result,
                                                      const LoopOptions& options,
                                                      const std::filesystem::path& folder);

}  // namespace scrutineer::feedback
