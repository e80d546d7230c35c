// Runs a recipe's stages in order into a temporary results folder, then writes report.html,
// run.json and recipe.toml and renames the folder into place.
#include "scrutineer/recipe/run.hpp"

#include <fmt/format.h>

#include <chrono>
#include <ctime>
#include <functional>
#include <nlohmann/json.hpp>

#include "scrutineer/io/atomic_file.hpp"
#include "scrutineer/io/output_folder.hpp"
#include "scrutineer/recipe/sha256.hpp"
#include "stages.hpp"

#ifndef SCRUTINEER_VERSION
#define SCRUTINEER_VERSION "unknown"
#endif
#ifndef SCRUTINEER_GIT_DESCRIBE
#define SCRUTINEER_GIT_DESCRIBE ""
#endif

namespace scrutineer::recipe {

namespace {

namespace fs = std::filesystem;

struct Stage {
  std::string name;
  bool (*wanted)(const Recipe&);
  void (*run)(Run&);
};

// The stages, in the order an audit runs them.
const std::vector<Stage>& stages() {
  static const std::vector<Stage> list = {
      {"data", [](const Recipe& r) { return r.has_data; }, stage_data},
      {"grid", [](const Recipe& r) { return r.has_data; }, stage_grid},
      {"backtest", [](const Recipe& r) { return r.backtest.enabled; }, stage_backtest},
      {"disparity", [](const Recipe& r) { return r.disparity.enabled; }, stage_disparity},
      {"feedback", [](const Recipe& r) { return r.feedback.enabled; }, stage_feedback},
      {"scores", [](const Recipe& r) { return r.scores.enabled; }, stage_scores},
      {"stops", [](const Recipe& r) { return r.stops.enabled; }, stage_stops},
      {"nearrepeat", [](const Recipe& r) { return r.nearrepeat.enabled; }, stage_nearrepeat},
      {"stscan", [](const Recipe& r) { return r.stscan.enabled; }, stage_stscan},
      {"report", [](const Recipe&) { return true; }, stage_report},
  };
  return list;
}

std::string utc_now() {
  const auto now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  gmtime_r(&now, &tm);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z", tm.tm_year + 1900, tm.tm_mon + 1,
                     tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

nlohmann::json data_json(const Run& run) {
  const auto& r = run.study.read;
  const auto& counts = run.study.counts;
  nlohmann::json dropped = nlohmann::json::object();
  for (std::size_t i = 0; i < ingest::kDropReasons; ++i)
    dropped[std::string(ingest::to_string(static_cast<ingest::DropReason>(i)))] =
        r.dropped[i].count;
  return {{"path", r.path},
          {"format", r.format},
          {"time_zone", r.time_zone},
          {"crs", r.target_crs},
          {"resolution", std::string(to_string(r.resolution))},
          {"rows_read", r.rows_read},
          {"rows_kept", r.rows_kept},
          {"rows_dropped", r.rows_dropped},
          {"dropped_by_reason", dropped},
          {"after_category_filter", counts.after_category},
          {"after_date_filter", counts.after_dates},
          {"outside_region", counts.outside},
          {"outside_dropped", counts.clipped},
          {"in_study_area", static_cast<std::int64_t>(run.study.events.size())}};
}

std::vector<fs::path> files_under(const fs::path& dir) {
  std::vector<fs::path> out;
  for (const auto& entry : fs::recursive_directory_iterator(dir))
    if (entry.is_regular_file() && entry.path().filename().string().rfind(".scrutineer-", 0) != 0)
      out.push_back(fs::relative(entry.path(), dir));
  std::sort(out.begin(), out.end());
  return out;
}

fs::path default_out(const Recipe& recipe) {
  return recipe.file.parent_path() / (recipe.file.stem().string() + "-results");
}

}  // namespace

std::string engine_version() {
  const std::string git = SCRUTINEER_GIT_DESCRIBE;
  return git.empty() ? SCRUTINEER_VERSION : fmt::format("{} ({})", SCRUTINEER_VERSION, git);
}

std::string run_json(const Run& run, const std::vector<StageTiming>& timings) {
  nlohmann::json j;
  j["engine"] = {{"name", "scrutineer"},
                 {"version", SCRUTINEER_VERSION},
                 {"git_describe", SCRUTINEER_GIT_DESCRIBE}};
  j["finished_utc"] = utc_now();
  j["command_line"] = run.options.command_line;
  j["recipe"] = {{"file", run.recipe.file.string()}, {"text", run.recipe.text}};
  nlohmann::json inputs = nlohmann::json::array();
  for (const auto& path : run.recipe.inputs)
    inputs.push_back({{"path", path.string()},
                      {"bytes", static_cast<std::int64_t>(fs::file_size(path))},
                      {"sha256", sha256_file(path)}});
  j["inputs"] = inputs;
  nlohmann::json stage_times = nlohmann::json::array();
  for (const auto& t : timings) stage_times.push_back({{"stage", t.stage}, {"seconds", t.seconds}});
  j["timings"] = stage_times;
  if (run.recipe.has_data) j["data"] = data_json(run);
  if (run.recipe.scores.enabled)
    j["scores"] = {{"path", run.scores.source},
                   {"rows_read", run.scores.rows_read},
                   {"people", run.scores.people}};
  j["warnings"] = run.warnings;
  j["notes"] = run.notes;
  return j.dump(2) + "\n";
}

RunResult run_recipe(const Recipe& recipe, const RunOptions& options) {
  io::OutputFolder folder(options.out.empty() ? default_out(recipe) : options.out, options.replace);
  Run run{recipe, options, folder.path()};
  RunResult result;
  // A part of a split stage runs the data and its share of the stage only (RunOptions::split).
  const bool part = !options.split.stage.empty() && options.split.merge_from.empty();
  for (const auto& stage : stages()) {
    if (!stage.wanted(recipe)) continue;
    if (part && stage.name != "data" && stage.name != options.split.stage) continue;
    run.say(fmt::format("== {}\n", stage.name));
    const auto start = std::chrono::steady_clock::now();
    stage.run(run);
    const std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
    result.timings.push_back({stage.name, took.count()});
  }
  io::write_text_file(run.dir / "recipe.toml", recipe.text);
  io::write_text_file(run.dir / "run.json", run_json(run, result.timings));
  result.written = files_under(run.dir);
  folder.commit();
  result.folder = folder.target();
  result.warnings = run.warnings;
  result.notes = run.notes;
  return result;
}

}  // namespace scrutineer::recipe
