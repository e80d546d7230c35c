// An audit's results as evidence for the register: run.json and the headline figures (see the
// header). Only what the summaries state is copied; nothing is recomputed.
#include "scrutineer/recipe/evidence.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "scrutineer/core/error.hpp"
#include "scrutineer/io/read_file.hpp"
#include "scrutineer/recipe/sha256.hpp"

namespace scrutineer::recipe {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {
// run.json holds the recipe's text (at most 1 MiB); summaries hold one row per model or group.
constexpr std::size_t kMaxRunJsonBytes = std::size_t{4} << 20;
constexpr std::size_t kMaxSummaryBytes = std::size_t{16} << 20;

json read_json(const fs::path& path, std::size_t max_bytes, const std::string& what) {
  const auto text = io::read_small_file(path, max_bytes, what);
  json j = json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object())
    throw InputError(path.string(), 0, 0, fmt::format("the {} is not a JSON object", what));
  return j;
}

// {"estimate", "lo", "hi"}, each null when the summary does not give it (always an object, so
// that readers of the evidence need no case for a missing interval).
json interval(const json& j) {
  if (!j.is_object()) return {{"estimate", nullptr}, {"lo", nullptr}, {"hi", nullptr}};
  return {{"estimate", j.value("estimate", json())},
          {"lo", j.value("lo", json())},
          {"hi", j.value("hi", json())}};
}

// Hit rate, its difference from the best baseline (with interval) and the wrong share, per model
// that is not itself a baseline, at the operating point.
json backtest_headline(const json& s) {
  json out = {{"best_baseline", s.value("best_baseline", "")},
              {"operating_point", s.value("operating_point", json::object())},
              {"models", json::array()}};
  for (const auto& m : s.value("models", json::array())) {
    if (!m.is_object() || m.value("baseline", false)) continue;
    const auto op = m.value("operating", json::object());
    out["models"].push_back({{"label", m.value("label", m.value("model", ""))},
                             {"hit_rate", interval(op.value("hit_rate", json()))},
                             {"hit_rate_minus_best_baseline",
                              interval(m.value("hit_rate_minus_best_baseline", json()))},
                             {"wrong_share", interval(op.value("wrong_share", json()))}});
  }
  return out;
}

// Each group's disparity ratio (exposure share over population share) with its interval.
json disparity_headline(const json& d) {
  json out = {{"groups", json::array()}};
  for (const auto& g : d.value("groups", json::array())) {
    if (!g.is_object()) continue;
    out["groups"].push_back(
        {{"group", g.value("group", "")},
         {"disparity_ratio", g.value("disparity_ratio", json())},
         {"disparity_ratio_ci", interval(g.value("disparity_ratio_ci", json()))}});
  }
  return out;
}

// The error-rate ratios to the reference group (false positive and false negative rates), as
// published (a suppressed cell stays suppressed: it is not in the table).
json scores_headline(const json& s) {
  json out = {{"ratios", json::array()}};
  for (const auto& r : s.value("disparities", json::array())) {
    if (!r.is_object()) continue;
    const auto metric = r.value("metric", json());
    if (metric != "fpr" && metric != "fnr") continue;
    json row = json::object();
    for (const char* k : {"threshold", "attribute", "group", "reference", "metric", "ratio",
                          "ratio_lo", "ratio_hi"})
      row[k] = r.value(k, json());
    out["ratios"].push_back(row);
  }
  return out;
}
}  // namespace

namespace {
json read_evidence(const fs::path& results);
}  // namespace

// A run.json or summary of another shape (a field of the wrong type) is the folder's fault: an
// input error naming it, never an internal error.
json audit_evidence(const fs::path& results) {
  try {
    return read_evidence(results);
  } catch (const json::exception& e) {
    throw InputError(results.string(), 0, 0,
                     fmt::format("not the results of 'scrutineer run' as this version writes them "
                                 "({})",
                                 e.what()));
  }
}

namespace {
json read_evidence(const fs::path& results) {
  std::error_code ec;
  if (!fs::is_regular_file(results / "run.json", ec))
    throw InputError(results.string(), 0, 0,
                     "not a results folder of 'scrutineer run' (it holds no run.json)");
  const json run = read_json(results / "run.json", kMaxRunJsonBytes, "run.json");
  const auto engine = run.value("engine", json::object());
  std::string version = engine.value("version", "");
  const std::string git = engine.value("git_describe", "");
  if (!git.empty()) version += fmt::format(" ({})", git);
  json out = {{"engine_version", version},
              {"run_at", run.value("finished_utc", "")},
              {"recipe_sha256", sha256_hex(run.value("recipe", json::object()).value("text", ""))},
              {"inputs", json::array()},
              {"headline", json::object()}};
  for (const auto& in : run.value("inputs", json::array())) {
    if (!in.is_object()) continue;
    // The file's name only: the auditor's folders are not the public's business.
    out["inputs"].push_back({{"name", fs::path(in.value("path", "")).filename().string()},
                             {"bytes", in.value("bytes", json())},
                             {"sha256", in.value("sha256", "")}});
  }
  const auto summary = [&](const char* relative, const char* name, json (*headline)(const json&)) {
    if (fs::is_regular_file(results / relative, ec))
      out["headline"][name] = headline(read_json(results / relative, kMaxSummaryBytes, relative));
  };
  summary("backtest/summary.json", "backtest", backtest_headline);
  summary("disparity/disparity.json", "disparity", disparity_headline);
  summary("scores/scores.json", "scores", scores_headline);
  return out;
}
}  // namespace

std::vector<std::string> evidence_changes(const json& linked, const json& now,
                                          const std::string& engine_version) {
  std::vector<std::string> changes;
  if (!linked.is_object()) return changes;
  const auto digests = [](const json& e) {
    std::vector<std::string> out;
    for (const auto& in : e.value("inputs", json::array()))
      out.push_back(in.value("name", "") + ":" + in.value("sha256", ""));
    return out;
  };
  if (now.is_object()) {
    if (digests(linked) != digests(now)) changes.push_back("inputs");
    if (linked.value("recipe_sha256", "") != now.value("recipe_sha256", ""))
      changes.push_back("recipe");
  }
  if (linked.value("engine_version", "") != engine_version) changes.push_back("engine");
  return changes;
}

std::string headline_summary(const json& evidence) {
  std::vector<std::string> parts;
  const auto h = evidence.value("headline", json::object());
  const auto num = [](const json& v) {
    return v.is_number() ? fmt::format("{:.3g}", v.get<double>()) : std::string("n/a");
  };
  if (h.contains("backtest"))
    for (const auto& m : h["backtest"].value("models", json::array()))
      parts.push_back(
          fmt::format("{}: hit rate {} vs best baseline {:+} [{}, {}], wrong share {}",
                      m.value("label", ""), num(m["hit_rate"].value("estimate", json())),
                      m["hit_rate_minus_best_baseline"].value("estimate", json()).is_number()
                          ? m["hit_rate_minus_best_baseline"]["estimate"].get<double>()
                          : 0.0,
                      num(m["hit_rate_minus_best_baseline"].value("lo", json())),
                      num(m["hit_rate_minus_best_baseline"].value("hi", json())),
                      num(m["wrong_share"].value("estimate", json()))));
  if (h.contains("disparity"))
    for (const auto& g : h["disparity"].value("groups", json::array()))
      parts.push_back(fmt::format("{} disparity ratio {} [{}, {}]", g.value("group", ""),
                                  num(g.value("disparity_ratio", json())),
                                  num(g["disparity_ratio_ci"].value("lo", json())),
                                  num(g["disparity_ratio_ci"].value("hi", json()))));
  if (h.contains("scores"))
    for (const auto& r : h["scores"].value("ratios", json::array()))
      parts.push_back(fmt::format("{} {} ratio {} ({} vs {})", r.value("attribute", json()).dump(),
                                  r.value("metric", ""), num(r.value("ratio", json())),
                                  r.value("group", json()).dump(),
                                  r.value("reference", json()).dump()));
  if (parts.empty()) return "no headline figures in the results";
  return fmt::format("{}", fmt::join(parts, "; "));
}

}  // namespace scrutineer::recipe
