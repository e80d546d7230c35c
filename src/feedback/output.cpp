// Outputs of `scrutineer feedback`: CSV time series, JSON summaries, SVG charts, readable text.
#include "scrutineer/feedback/output.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>

#include "scrutineer/feedback/chart.hpp"
#include "scrutineer/feedback/measures.hpp"
#include "scrutineer/io/atomic_file.hpp"

namespace scrutineer::feedback {

namespace {

using Json = nlohmann::ordered_json;

// Numbers in CSV: shortest round-trip form, empty for NaN.
std::string num(double v) { return std::isnan(v) ? "" : fmt::format("{}", v); }

double mean(const std::vector<double>& v) {
  double s = 0, n = 0;
  for (double x : v)
    if (!std::isnan(x)) s += x, n += 1;
  return n > 0 ? s / n : std::nan("");
}

std::vector<double> iota_days(std::size_t n) {
  std::vector<double> x(n);
  for (std::size_t i = 0; i < n; ++i) x[i] = static_cast<double>(i);
  return x;
}

std::vector<std::filesystem::path> write_all(
    const std::filesystem::path& folder,
    const std::vector<std::pair<std::string, std::string>>& files) {
  std::filesystem::create_directories(folder);
  std::vector<std::filesystem::path> paths;
  for (const auto& [name, text] : files) {
    io::write_text_file(folder / name, text);
    paths.push_back(folder / name);
  }
  return paths;
}

}  // namespace

// ---- urn ----------------------------------------------------------------------------------------

std::string urn_series_csv(const UrnResult& r) {
  std::string s = "day,region,mean_share,sd_share,q05_share,q50_share,q95_share\n";
  for (std::size_t d = 0; d < r.days.size(); ++d)
    for (std::int64_t i = 0; i < r.regions; ++i) {
      const std::size_t c = d * static_cast<std::size_t>(r.regions) + static_cast<std::size_t>(i);
      s += fmt::format("{},{},{},{},{},{},{}\n", r.days[d], i + 1, num(r.mean_share[c]),
                       num(r.sd_share[c]), num(r.q05_share[c]), num(r.q50_share[c]),
                       num(r.q95_share[c]));
    }
  return s;
}

namespace {

// The limit theory applies to two regions without decay: the quadratic root without the fix, the
// drift's zero with it.
std::optional<double> urn_theory(const UrnOptions& o) {
  if (o.prior.size() != 2 || o.decay > 0) return std::nullopt;
  if (o.rejection) return drift_limit(o);
  return quadratic_limit(expected_replacement(o)).stable;
}

}  // namespace

std::string urn_summary_json(const UrnResult& r, const UrnOptions& o) {
  Json j;
  j["model"] = "Ensign et al. (2018) urn, FAT* PMLR 81:160-171";
  j["options"] = {{"prior", o.prior},
                  {"discovery_rate", o.discovery_rate},
                  {"report_rate", o.report_rate},
                  {"discovered_weight", o.discovered_weight},
                  {"reported_weight", o.reported_weight},
                  {"replacement", std::string(to_string(o.replacement))},
                  {"rejection", o.rejection},
                  {"decay", o.decay},
                  {"floor", o.floor},
                  {"days", o.days},
                  {"replicates", o.replicates},
                  {"seed", o.seed}};
  j["true_share"] = r.true_share;
  j["final_share_mean"] = r.final_mean;
  j["final_share_se"] = r.final_se;
  std::vector<double> visits(static_cast<std::size_t>(r.regions), 0);
  for (std::int64_t rep = 0; rep < r.replicates; ++rep)
    for (std::int64_t i = 0; i < r.regions; ++i)
      visits[i] += r.visit_share[rep * r.regions + i] / static_cast<double>(r.replicates);
  j["visit_share_mean"] = visits;
  j["runaway_share"] = r.runaway_share;
  j["runaway_replicates"] = r.runaway_replicates;
  if (o.prior.size() == 2 && !o.rejection) {
    const auto limit = quadratic_limit(expected_replacement(o));
    j["replacement_matrix"] = {limit.matrix.a, limit.matrix.b, limit.matrix.c, limit.matrix.d};
    j["quadratic_zeros"] = limit.zeros;
  }
  const auto theory = urn_theory(o);
  j["limit_share_region_1"] = theory ? Json(*theory) : Json(nullptr);
  return j.dump(2) + "\n";
}

std::string urn_text(const UrnResult& r, const UrnOptions& o) {
  std::string s =
      fmt::format("Ensign et al. urn: {} regions, {} days, {} replicates, {} updates{}{}\n",
                  r.regions, o.days, r.replicates, to_string(o.replacement),
                  o.report_rate.empty() ? ", discovered only" : ", reported + discovered",
                  o.rejection ? ", with the rejection fix" : "");
  s += "region  true share  final share (mean ± se)  5%-95% of replicates\n";
  const std::size_t last = (r.days.size() - 1) * static_cast<std::size_t>(r.regions);
  for (std::int64_t i = 0; i < r.regions; ++i)
    s += fmt::format("{:>6}  {:>10.4f}  {:>12.4f} ± {:<8.4f}  {:.4f} - {:.4f}\n", i + 1,
                     r.true_share[i], r.final_mean[i], r.final_se[i],
                     r.q05_share[last + static_cast<std::size_t>(i)],
                     r.q95_share[last + static_cast<std::size_t>(i)]);
  if (const auto theory = urn_theory(o))
    s += fmt::format("limit share of region 1 from the theory: {:.4f}\n", *theory);
  s += fmt::format("replicates where one region holds more than {:.0f}% of the balls: {} of {}\n",
                   100 * r.runaway_share, r.runaway_replicates, r.replicates);
  return s;
}

std::vector<std::filesystem::path> write_urn_outputs(const UrnResult& r, const UrnOptions& o,
                                                     const std::filesystem::path& folder) {
  std::vector<ChartSeries> series;
  for (std::int64_t i = 0; i < r.regions; ++i) {
    ChartSeries mean_line{fmt::format("region {} mean", i + 1), {}, {}};
    for (std::size_t d = 0; d < r.days.size(); ++d) {
      mean_line.x.push_back(static_cast<double>(r.days[d]));
      mean_line.y.push_back(r.mean_share[d * static_cast<std::size_t>(r.regions) + i]);
    }
    ChartSeries truth{fmt::format("region {} true", i + 1),
                      {0, static_cast<double>(o.days)},
                      {r.true_share[i], r.true_share[i]}};
    series.push_back(std::move(mean_line));
    series.push_back(std::move(truth));
  }
  return write_all(folder,
                   {{"urn_series.csv", urn_series_csv(r)},
                    {"urn_summary.json", urn_summary_json(r, o)},
                    {"urn_share.svg", line_chart_svg("Share of balls (mean over replicates)", "day",
                                                     "share", series, 1.0)}});
}

// ---- Lum & Isaac -------------------------------------------------------------------------------

namespace {

struct LiSeries {
  const char* name;
  std::vector<double> LumIsaacRun::*member;
};
const LiSeries kLiSeries[] = {{"added", &LumIsaacRun::added},
                              {"flagged_records", &LumIsaacRun::flagged_records},
                              {"window_share_flagged", &LumIsaacRun::window_share_flagged},
                              {"gini_days_flagged", &LumIsaacRun::gini_days_flagged},
                              {"distinct_bins", &LumIsaacRun::distinct_bins}};

std::vector<double> across(const LumIsaacLoopResult& r, std::vector<double> LumIsaacRun::*m,
                           std::size_t day) {
  std::vector<double> v;
  for (const auto& run : r.runs) v.push_back((run.*m)[day]);
  return v;
}

}  // namespace

std::string lum_isaac_series_csv(const LumIsaacLoopResult& r) {
  std::string s = "day,date";
  for (const auto& k : kLiSeries) s += fmt::format(",{0}_plain,{0}_mean,{0}_q05,{0}_q95", k.name);
  s += "\n";
  for (std::size_t d = 0; d < r.dates.size(); ++d) {
    s += fmt::format("{},{}", d, r.dates[d]);
    for (const auto& k : kLiSeries) {
      const auto v = across(r, k.member, d);
      s += fmt::format(",{},{},{},{}", num((r.plain.*k.member)[d]), num(mean(v)),
                       num(quantile(v, 0.05)), num(quantile(v, 0.95)));
    }
    s += "\n";
  }
  return s;
}

std::string lum_isaac_bins_csv(const LumIsaacLoopResult& r) {
  std::string s = "bin,days_flagged_plain,days_flagged_feedback_mean,feedback_min,feedback_max\n";
  for (std::size_t n = 0; n < r.plain.days_flagged.size(); ++n) {
    double sum = 0, lo = INFINITY, hi = -INFINITY;
    for (const auto& run : r.runs) {
      const double v = run.days_flagged[n];
      sum += v;
      lo = std::min(lo, v);
      hi = std::max(hi, v);
    }
    if (r.plain.days_flagged[n] == 0 && hi <= 0) continue;  // never flagged in any run
    s += fmt::format("{},{},{},{},{}\n", n + 1, r.plain.days_flagged[n],
                     num(sum / static_cast<double>(r.runs.size())), lo, hi);
  }
  return s;
}

namespace {

double total(const std::vector<double>& v) {
  double s = 0;
  for (double x : v) s += x;
  return s;
}

}  // namespace

std::string lum_isaac_summary_json(const LumIsaacLoopResult& r, const LumIsaacLoopOptions& o) {
  Json j;
  j["model"] = "Lum & Isaac (2016) feedback loop on the grid SEPP (Mohler et al. 2015)";
  j["options"] = {
      {"window_days", o.window_days},
      {"top_k", o.top_k},
      {"p", o.p},
      {"replicates", o.replicates},
      {"seed", o.seed},
      {"e_step", o.em.e_step == forecast::SeppGridEStep::kAsCoded ? "as-coded" : "exact"}};
  j["first_date"] = r.dates.empty() ? "" : r.dates.front();
  j["last_date"] = r.dates.empty() ? "" : r.dates.back();
  auto final_of = [&](std::vector<double> LumIsaacRun::*m) {
    std::vector<double> v;
    for (const auto& run : r.runs) v.push_back((run.*m).back());
    return Json{{"plain", (r.plain.*m).back()},
                {"mean", mean(v)},
                {"q05", quantile(v, 0.05)},
                {"q95", quantile(v, 0.95)}};
  };
  j["distinct_bins_flagged"] = final_of(&LumIsaacRun::distinct_bins);
  j["gini_days_flagged"] = final_of(&LumIsaacRun::gini_days_flagged);
  std::vector<double> added, flagged;
  for (const auto& run : r.runs) {
    added.push_back(total(run.added));
    flagged.push_back(total(run.flagged_records));
  }
  j["records_added"] = {
      {"mean", mean(added)}, {"q05", quantile(added, 0.05)}, {"q95", quantile(added, 0.95)}};
  j["records_in_flagged_bins"] = {{"plain", total(r.plain.flagged_records)},
                                  {"mean", mean(flagged)},
                                  {"q05", quantile(flagged, 0.05)},
                                  {"q95", quantile(flagged, 0.95)}};
  return j.dump(2) + "\n";
}

std::string lum_isaac_text(const LumIsaacLoopResult& r) {
  std::vector<double> distinct, added, flagged, gini;
  for (const auto& run : r.runs) {
    distinct.push_back(run.distinct_bins.back());
    added.push_back(total(run.added));
    flagged.push_back(total(run.flagged_records));
    gini.push_back(run.gini_days_flagged.back());
  }
  std::string s = fmt::format("Lum & Isaac loop: {} days ({} .. {}), p = {}, {} replicates\n",
                              r.dates.size(), r.dates.empty() ? "" : r.dates.front(),
                              r.dates.empty() ? "" : r.dates.back(), r.p, r.runs.size());
  s += "                                plain run   with feedback (mean, 5%-95%)\n";
  s += fmt::format("distinct bins ever flagged     {:>9.0f}   {:.1f} ({:.0f}-{:.0f})\n",
                   r.plain.distinct_bins.back(), mean(distinct), quantile(distinct, 0.05),
                   quantile(distinct, 0.95));
  s += fmt::format("Gini of days flagged per bin   {:>9.3f}   {:.3f} ({:.3f}-{:.3f})\n",
                   r.plain.gini_days_flagged.back(), mean(gini), quantile(gini, 0.05),
                   quantile(gini, 0.95));
  s += fmt::format("records in flagged bins        {:>9.0f}   {:.1f} ({:.0f}-{:.0f})\n",
                   total(r.plain.flagged_records), mean(flagged), quantile(flagged, 0.05),
                   quantile(flagged, 0.95));
  s += fmt::format("records added by the loop      {:>9}   {:.1f} ({:.0f}-{:.0f})\n", 0,
                   mean(added), quantile(added, 0.05), quantile(added, 0.95));
  return s;
}

std::vector<std::filesystem::path> write_lum_isaac_outputs(const LumIsaacLoopResult& r,
                                                           const LumIsaacLoopOptions& o,
                                                           const std::filesystem::path& folder) {
  const auto x = iota_days(r.dates.size());
  auto chart = [&](std::vector<double> LumIsaacRun::*m) {
    std::vector<double> mean_line;
    for (std::size_t d = 0; d < r.dates.size(); ++d) mean_line.push_back(mean(across(r, m, d)));
    return std::vector<ChartSeries>{{"plain (p = 0)", x, r.plain.*m},
                                    {fmt::format("feedback p = {} (mean)", r.p), x, mean_line}};
  };
  return write_all(
      folder,
      {{"lum_isaac_series.csv", lum_isaac_series_csv(r)},
       {"lum_isaac_bins.csv", lum_isaac_bins_csv(r)},
       {"lum_isaac_summary.json", lum_isaac_summary_json(r, o)},
       {"lum_isaac_distinct_bins.svg", line_chart_svg("Bins flagged at least once", "day", "bins",
                                                      chart(&LumIsaacRun::distinct_bins))},
       {"lum_isaac_window_share.svg",
        line_chart_svg("Share of the window's records in the flagged bins", "day", "share",
                       chart(&LumIsaacRun::window_share_flagged))}});
}

// ---- closed loop --------------------------------------------------------------------------------

std::string loop_series_csv(const LoopResult& r) {
  constexpr auto kM = static_cast<std::size_t>(Measure::kCount);
  std::string s = "mitigation,day";
  for (std::size_t m = 0; m < kM; ++m)
    s += fmt::format(",{0}_mean,{0}_q05,{0}_q95", to_string(static_cast<Measure>(m)));
  for (const auto& g : r.groups) s += fmt::format(",exposure_ratio_{}", g);
  s += "\n";
  for (const auto& sc : r.scenarios)
    for (std::int64_t d = 0; d < r.days; ++d) {
      s += fmt::format("{},{}", to_string(sc.mitigation), d);
      for (std::size_t m = 0; m < kM; ++m)
        s += fmt::format(",{},{},{}", num(sc.mean[m][d]), num(sc.q05[m][d]), num(sc.q95[m][d]));
      for (const auto& ratio : sc.exposure_ratio) s += "," + num(ratio[d]);
      s += "\n";
    }
  return s;
}

namespace {

struct Concentration {
  std::int64_t reached = 0;
  double median_day = std::nan("");
};
Concentration concentration(const ScenarioResult& sc) {
  Concentration c;
  std::vector<double> days;
  for (auto d : sc.concentration_day)
    if (d >= 0) days.push_back(static_cast<double>(d));
  c.reached = static_cast<std::int64_t>(days.size());
  if (!days.empty()) c.median_day = quantile(days, 0.5);
  return c;
}

}  // namespace

std::string loop_summary_json(const LoopResult& r, const LoopOptions& o) {
  constexpr auto kM = static_cast<std::size_t>(Measure::kCount);
  Json j;
  j["model"] = o.model;
  j["model_params"] = o.model_params;
  j["options"] = {{"days", o.days},
                  {"history_days", o.history_days},
                  {"window_days", o.window_days},
                  {"refit_every", o.refit_every},
                  {"policy", std::string(evaluate::to_string(o.policy.mode))},
                  {"count", o.policy.count},
                  {"coverage", o.policy.coverage},
                  {"equal_reporting", o.equal_reporting},
                  {"discovery", o.discovery},
                  {"discovery_base", o.discovery_base},
                  {"presence_days", o.presence_days},
                  {"exploration_share", o.exploration_share},
                  {"discovered_weight", o.discovered_weight},
                  {"concentration_share", o.concentration_share},
                  {"replicates", o.replicates},
                  {"seed", o.seed}};
  j["areas"] = r.areas;
  j["groups"] = r.groups;
  j["reference_group"] =
      r.groups.empty() ? "" : r.groups[static_cast<std::size_t>(r.reference_group)];
  j["true_area_share"] = r.true_area_share;
  j["true_group_share"] = r.true_group_share;
  j["notes"] = r.notes;
  Json scenarios = Json::array();
  for (const auto& sc : r.scenarios) {
    Json s;
    s["mitigation"] = std::string(to_string(sc.mitigation));
    for (std::size_t m = 0; m < kM; ++m) {
      std::vector<double> last;
      for (const auto& v : sc.final_values)
        if (!v.empty() && !std::isnan(v[m])) last.push_back(v[m]);
      s["final_day"][std::string(to_string(static_cast<Measure>(m)))] = {
          {"mean", mean(last)}, {"q05", quantile(last, 0.05)}, {"q95", quantile(last, 0.95)}};
      s["mean_over_days"][std::string(to_string(static_cast<Measure>(m)))] = mean(sc.mean[m]);
    }
    Json ratios;
    for (std::size_t g = 0; g < r.groups.size(); ++g)
      ratios[r.groups[g]] = sc.exposure_ratio[g].back();
    s["exposure_ratio_final_day"] = ratios;
    const auto c = concentration(sc);
    s["concentration"] = {
        {"replicates_reached", c.reached},
        {"median_day", std::isnan(c.median_day) ? Json(nullptr) : Json(c.median_day)}};
    scenarios.push_back(s);
  }
  j["scenarios"] = scenarios;
  return j.dump(2) + "\n";
}

std::string loop_text(const LoopResult& r) {
  auto m = [](Measure x) { return static_cast<std::size_t>(x); };
  std::string s =
      fmt::format("Closed loop: {} days, {} replicates (means over days and replicates)\n", r.days,
                  r.replicates);
  s += "mitigation      TVD area  TVD group  Gini(end)  true hit  recorded hit  discovered/day  "
       "concentrated\n";
  for (const auto& sc : r.scenarios) {
    const auto c = concentration(sc);
    s += fmt::format(
        "{:<14}  {:>8.3f}  {:>9.3f}  {:>9.3f}  {:>8.3f}  {:>12.3f}  {:>14.2f}  {}/{}\n",
        to_string(sc.mitigation), mean(sc.mean[m(Measure::kTvdArea)]),
        mean(sc.mean[m(Measure::kTvdGroup)]), sc.mean[m(Measure::kGiniCells)].back(),
        mean(sc.mean[m(Measure::kTrueHitRate)]), mean(sc.mean[m(Measure::kRecordedHitRate)]),
        mean(sc.mean[m(Measure::kDiscovered)]), c.reached, r.replicates);
  }
  if (!r.groups.empty()) {
    s += fmt::format("per-capita patrol exposure relative to {} (last day):\n",
                     r.groups[static_cast<std::size_t>(r.reference_group)]);
    for (const auto& sc : r.scenarios) {
      s += fmt::format("{:<14}", to_string(sc.mitigation));
      for (std::size_t g = 0; g < r.groups.size(); ++g)
        s += fmt::format("  {} {:.3f}", r.groups[g], sc.exposure_ratio[g].back());
      s += "\n";
    }
  }
  if (!r.notes.empty()) {
    s += "Notes:\n";
    for (const auto& n : r.notes) s += "  - " + n + "\n";
  }
  return s;
}

std::vector<std::pair<std::string, std::string>> loop_charts(const LoopResult& r) {
  const auto x = iota_days(static_cast<std::size_t>(r.days));
  auto chart = [&](Measure measure) {
    std::vector<ChartSeries> series;
    for (const auto& sc : r.scenarios)
      series.push_back(
          {std::string(to_string(sc.mitigation)), x, sc.mean[static_cast<std::size_t>(measure)]});
    return series;
  };
  return {
      {"loop_tvd_area.svg", line_chart_svg("Patrol share vs true-crime share by area (TVD)", "day",
                                           "TVD", chart(Measure::kTvdArea))},
      {"loop_gini.svg", line_chart_svg("Gini of days flagged per cell", "day", "Gini",
                                       chart(Measure::kGiniCells), 1.0)},
      {"loop_recorded_hit.svg", line_chart_svg("Share of recorded crime found in flagged cells",
                                               "day", "share", chart(Measure::kRecordedHitRate))}};
}

std::vector<std::filesystem::path> write_loop_outputs(const LoopResult& r, const LoopOptions& o,
                                                      const std::filesystem::path& folder) {
  std::vector<std::pair<std::string, std::string>> files = {
      {"loop_series.csv", loop_series_csv(r)}, {"loop_summary.json", loop_summary_json(r, o)}};
  for (auto& chart : loop_charts(r)) files.push_back(std::move(chart));
  return write_all(folder, files);
}

}  // namespace scrutineer::feedback
