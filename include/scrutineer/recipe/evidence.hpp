// What an audit's results folder says about itself, for the register (issue 18): the engine, the
// recipe's SHA-256, the inputs' SHA-256 (by file name, never a local path), when it ran, and the
// headline figures of its summaries; and whether a folder changed since it was linked.
#pragma once

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace scrutineer::recipe {

// Reads `results`/run.json and the summaries next to it (backtest/summary.json,
// disparity/disparity.json, scores/scores.json, when present):
// {"engine_version", "run_at", "recipe_sha256", "inputs": [{"name", "bytes", "sha256"}],
//  "headline": {"backtest": {...}, "disparity": {...}, "scores": {...}}}.
// InputError when the folder holds no run.json (not a results folder of `scrutineer run`) or a file
// is not the JSON expected; files are read through the bounded reader (docs/limits.md).
nlohmann::json audit_evidence(const std::filesystem::path& results);

// What changed between the evidence recorded when an audit was linked and now: "inputs" when the
// folder's run.json now names other inputs or other SHA-256 (the audit was re-run on other data),
// "recipe" when its recipe's SHA-256 differs, "engine" when `engine_version` (the engine serving
// the register) is not the one that ran it. `now` is audit_evidence() of the folder today, or null
// when the folder is not reachable (then only the engine is compared).
std::vector<std::string> evidence_changes(const nlohmann::json& linked, const nlohmann::json& now,
                                          const std::string& engine_version);

// One line of the headline figures, for `register show` and the link's summary.
std::string headline_summary(const nlohmann::json& evidence);

}  // namespace scrutineer::recipe
