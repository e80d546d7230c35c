// The sweep summary: one row per task (axes' values, status, headline figures with intervals) as
// summary.csv, summary.json and a report.html table. No times in them: the same sweep gives the
// same bytes however it was run (threads, ranks, restarts); times are in sweep.db.
#include <fmt/format.h>

#include <map>
#include <nlohmann/json.hpp>

#include "scrutineer/io/atomic_file.hpp"
#include "scrutineer/io/csv.hpp"
#include "scrutineer/report/html.hpp"
#include "scrutineer/sweep/run.hpp"

namespace scrutineer::sweep {

namespace {

namespace fs = std::filesystem;

// Headline columns: (name, JSON pointer into the headline).
const std::vector<std::pair<std::string, std::string>> kColumns = {
    {"model", "/model"},
    {"hit_rate", "/hit_rate/estimate"},
    {"hit_rate_lo", "/hit_rate/lo"},
    {"hit_rate_hi", "/hit_rate/hi"},
    {"wrong_share", "/wrong_share/estimate"},
    {"wrong_share_lo", "/wrong_share/lo"},
    {"wrong_share_hi", "/wrong_share/hi"},
    {"disparity_group", "/disparity_ratio/group"},
    {"disparity_ratio", "/disparity_ratio/estimate"},
    {"disparity_ratio_lo", "/disparity_ratio/lo"},
    {"disparity_ratio_hi", "/disparity_ratio/hi"},
    {"loop_mitigation", "/loop_mitigation"},
    {"loop_true_hit_rate", "/loop_true_hit_rate/mean"},
    {"loop_true_hit_rate_q05", "/loop_true_hit_rate/q05"},
    {"loop_true_hit_rate_q95", "/loop_true_hit_rate/q95"},
    {"loop_tvd_group", "/loop_tvd_group/mean"},
    {"loop_tvd_group_q05", "/loop_tvd_group/q05"},
    {"loop_tvd_group_q95", "/loop_tvd_group/q95"},
};

std::string cell(const nlohmann::json& headline, const std::string& pointer) {
  const nlohmann::json::json_pointer p(pointer);
  if (!headline.contains(p)) return "";
  const auto& v = headline[p];
  if (v.is_string()) return v.get<std::string>();
  if (v.is_number()) return fmt::format("{}", v.get<double>());
  return "";
}

// One JSON row per task of this sweep, in task order (rows of other sweeps in the table are not).
std::vector<nlohmann::json> sweep_rows(const Sweep& sweep, const fs::path& out,
                                       const std::string& location) {
  ResultsTable table(location, out);
  std::map<std::string, nlohmann::json> by_id;
  for (const auto& text : table.rows_json()) {
    auto j = nlohmann::json::parse(text);
    by_id[j["id"].get<std::string>()] = j;
  }
  std::vector<nlohmann::json> rows;
  for (const auto& task : sweep.tasks) {
    if (task.is_part()) continue;  // a split task's row is its merge's
    nlohmann::json row = {{"index", task.index}, {"id", task.id}};
    nlohmann::json axes = nlohmann::json::object();
    for (const auto& [k, v] : task.values) axes[k] = v;
    row["axes"] = axes;
    const auto it = by_id.find(task.id);
    row["status"] = it == by_id.end() ? "pending" : it->second["status"];
    row["error"] = it == by_id.end() ? "" : it->second["error"];
    row["headline"] = it == by_id.end() ? nlohmann::json::object() : it->second["headline"];
    rows.push_back(row);
  }
  return rows;
}

std::string csv_text(const Sweep& sweep, const std::vector<nlohmann::json>& rows) {
  std::vector<std::string> header = {"index", "id", "status", "error"};
  for (const auto& a : sweep.axes) header.push_back(a);
  for (const auto& [name, _] : kColumns) header.push_back(name);
  std::string text;
  for (std::size_t i = 0; i < header.size(); ++i) text += (i ? "," : "") + io::csv_field(header[i]);
  text += "\n";
  for (const auto& r : rows) {
    std::vector<std::string> f = {fmt::format("{}", r["index"].get<std::size_t>()),
                                  r["id"].get<std::string>(), r["status"].get<std::string>(),
                                  r["error"].get<std::string>()};
    for (const auto& a : sweep.axes) f.push_back(r["axes"][a].get<std::string>());
    for (const auto& [_, pointer] : kColumns) f.push_back(cell(r["headline"], pointer));
    for (std::size_t i = 0; i < f.size(); ++i) text += (i ? "," : "") + io::csv_field(f[i]);
    text += "\n";
  }
  return text;
}

std::string html_text(const Sweep& sweep, const std::vector<nlohmann::json>& rows) {
  using report::escape_html;
  std::string h = "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>" +
                  escape_html(sweep.title.empty() ? "Sweep" : sweep.title) +
                  "</title><style>body{font-family:sans-serif;margin:2em}table{border-collapse:"
                  "collapse}td,th{border:1px solid #ccc;padding:2px 6px;text-align:right}"
                  "</style></head><body>";
  h += "<h1>" + escape_html(sweep.title.empty() ? "Sweep" : sweep.title) + "</h1>";
  h += "<section id=\"sweep\"><h2>Tasks side by side</h2><p>" +
       escape_html(fmt::format("{} tasks of {}; engine {}. Hit rate and wrong share at the "
                               "operating point of the first non-baseline model, the largest "
                               "disparity ratio among groups; [lo, hi] are the 95% intervals.",
                               rows.size(), sweep.file.filename().string(), sweep.engine)) +
       "</p><table><tr><th>task</th><th>status</th>";
  for (const auto& a : sweep.axes) h += "<th>" + escape_html(a) + "</th>";
  h += "<th>hit rate</th><th>wrong share</th><th>disparity ratio</th><th>loop: true hit rate "
       "[q05, q95]</th><th>loop: group TVD [q05, q95]</th></tr>";
  const auto with_ci = [](const nlohmann::json& hl, const std::string& name) {
    const auto est = cell(hl, "/" + name + "/estimate");
    if (est.empty()) return std::string();
    return fmt::format("{} [{}, {}]", est, cell(hl, "/" + name + "/lo"),
                       cell(hl, "/" + name + "/hi"));
  };
  const auto spread = [](const nlohmann::json& hl, const std::string& name) {
    const auto mean = cell(hl, "/" + name + "/mean");
    if (mean.empty()) return std::string();
    return fmt::format("{} [{}, {}]", mean, cell(hl, "/" + name + "/q05"),
                       cell(hl, "/" + name + "/q95"));
  };
  for (const auto& r : rows) {
    h += fmt::format("<tr><td><a href=\"tasks/{0}/report.html\">{1}</a></td><td>{2}</td>",
                     escape_html(r["id"].get<std::string>()), r["index"].get<std::size_t>(),
                     escape_html(r["status"].get<std::string>()));
    for (const auto& a : sweep.axes)
      h += "<td>" + escape_html(r["axes"][a].get<std::string>()) + "</td>";
    const auto& hl = r["headline"];
    h += "<td>" + escape_html(with_ci(hl, "hit_rate")) + "</td><td>" +
         escape_html(with_ci(hl, "wrong_share")) + "</td><td>" +
         escape_html(cell(hl, "/disparity_ratio/group") + " " + with_ci(hl, "disparity_ratio")) +
         "</td><td>" + escape_html(spread(hl, "loop_true_hit_rate")) + "</td><td>" +
         escape_html(spread(hl, "loop_tvd_group")) + "</td></tr>";
  }
  return h + "</table></section></body></html>\n";
}

}  // namespace

void write_summary(const Sweep& sweep, const fs::path& out, const std::string& table) {
  const auto rows = sweep_rows(sweep, out, table);
  nlohmann::json j = {{"sweep", sweep.file.filename().string()},
                      {"title", sweep.title},
                      {"engine", sweep.engine},
                      {"axes", sweep.axes},
                      {"tasks", rows}};
  io::write_text_files({{out / "summary.csv", csv_text(sweep, rows)},
                        {out / "summary.json", j.dump(2) + "\n"},
                        {out / "report.html", html_text(sweep, rows)}});
}

}  // namespace scrutineer::sweep
