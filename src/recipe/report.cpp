// report.html of a run: one self-contained page (report/html.hpp) with the data's provenance and
// warnings, the accuracy, disparity, feedback, score-audit, stops, near-repeat and space-time scan
// sections, and the methods cited.
#include "scrutineer/evaluate/report.hpp"

#include <fmt/format.h>

#include <cctype>
#include <cmath>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "scrutineer/core/error.hpp"
#include "scrutineer/feedback/chart.hpp"
#include "scrutineer/feedback/output.hpp"
#include "scrutineer/forecast/model.hpp"
#include "scrutineer/io/atomic_file.hpp"
#include "scrutineer/io/vector.hpp"
#include "scrutineer/nearrepeat/knox.hpp"
#include "scrutineer/recipe/findings.hpp"
#include "scrutineer/report/html.hpp"
#include "scrutineer/report/ratio_chart.hpp"
#include "scrutineer/report/svg_map.hpp"
#include "scrutineer/scan/command.hpp"
#include "stages.hpp"

namespace scrutineer::recipe {

namespace {

namespace fs = std::filesystem;

// Grids larger than this are mapped by their flagged cells only, to keep the page small.
constexpr std::int64_t kMapAllCellsUpTo = 10000;

std::string fixed(double v, int digits = 3) {
  return std::isfinite(v) ? fmt::format("{:.{}f}", v, digits) : std::string("n/a");
}

std::string percent(double share) { return fmt::format("{:g}%", share * 100); }

void report_data(const Run& run, report::HtmlReport& html) {
  html.heading("The data and its provenance");
  const auto& r = run.study.read;
  const auto& grid = run.study.grid;
  html.table(
      {{"item", "value"},
       {"file", r.path},
       {"format", r.format},
       {"time zone", r.time_zone},
       {"time resolution", std::string(to_string(r.resolution))},
       {"coordinates", r.coordinates},
       {"study CRS", r.target_crs},
       {"rows read", std::to_string(r.rows_read)},
       {"rows kept", std::to_string(r.rows_kept)},
       {"rows dropped", std::to_string(r.rows_dropped)},
       {"after the category and date filters", std::to_string(run.study.counts.after_dates)},
       {"outside the region", fmt::format("{} ({})", run.study.counts.outside,
                                          run.study.counts.clipped ? "dropped" : "kept")},
       {"in the study area", std::to_string(run.study.events.size())},
       {"grid", lays_grid(run.recipe) ? fmt::format("{} x {} cells of {} m, {} valid", grid.nx,
                                                    grid.ny, grid.size, grid.valid_count())
                                      : std::string("not laid (no stage uses it)")}},
      "How the crime data were read (the input files' SHA-256 are in run.json)");
  if (!r.personal_identifiers.empty())
    html.paragraph(fmt::format("Columns that can identify people or places were not carried: {}.",
                               fmt::join(r.personal_identifiers, ", ")));
}

std::int64_t cell_count_to_map(const geo::Grid& grid) { return grid.valid_count(); }

// Times each cell was flagged by the audited model over the backtest, as a map of the grid.
std::string flag_map(const Run& run) {
  const auto& grid = run.study.grid;
  std::vector<double> times(static_cast<std::size_t>(grid.cells()), 0.0);
  for (const auto& m : run.backtest.models)
    if (m.spec.name == run.audited_model)
      for (const auto& p : m.periods)
        for (auto c : p.flagged) times[static_cast<std::size_t>(c)] += 1;
  const bool all = cell_count_to_map(grid) <= kMapAllCellsUpTo;
  std::vector<io::MultiPolygon> squares;
  std::vector<double> values;
  for (std::int64_t c = 0; c < grid.cells(); ++c) {
    const auto flagged = times[static_cast<std::size_t>(c)];
    if (!grid.valid[static_cast<std::size_t>(c)] || (!all && flagged == 0)) continue;
    const double x = grid.x0 + static_cast<double>(c % grid.nx) * grid.size;
    const double y = grid.y0 + static_cast<double>(c / grid.nx) * grid.size;
    io::Ring ring{{x, x + grid.size, x + grid.size, x, x}, {y, y, y + grid.size, y + grid.size, y}};
    squares.push_back({io::Polygon{{ring}}});
    values.push_back(flagged > 0 ? flagged : NAN);
  }
  report::MapOptions o;
  const auto unit = std::string(evaluate::to_string(run.recipe.backtest.options.period));
  o.title = fmt::format("{}s each cell was flagged by {} ({})", unit, run.audited_model,
                        percent(run.backtest.operating_point.coverage));
  o.title[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(o.title[0])));
  o.legend = fmt::format("{}s flagged, out of {}", unit, run.backtest.periods.size());
  o.missing_label = "never flagged";
  o.outline = run.study.region.polygons;
  return report::choropleth_svg(squares, values, o);
}

void report_accuracy(const Run& run, report::HtmlReport& html) {
  const auto& b = run.backtest;
  html.section("Accuracy: how often the flagged places are wrong", "accuracy");
  html.paragraph(fmt::format(
      "{} periods from {} to {}. At the start of each period every model was fitted on the "
      "earlier recorded crimes and flagged its top cells; the period's recorded crimes were then "
      "counted in the flagged cells. Intervals are bootstrap intervals over periods. The AUC "
      "(Rotaru et al. 2022) scores the whole risk surface: the share of (cell with a crime, cell "
      "without) pairs of a period that the model ranks in the right order, ties counting half.",
      b.periods.size(), run.recipe.backtest.from, run.recipe.backtest.to));
  std::vector<std::vector<std::string>> rows = {{"model", "hit rate", "interval", "PAI", "PEI",
                                                 "wrong share", "AUC (all cells)",
                                                 "vs best baseline"}};
  for (const auto& m : b.models) {
    const auto& s = m.operating;
    rows.push_back({m.spec.label.empty() ? m.spec.name : m.spec.label, fixed(s.hit_rate.estimate),
                    fixed(s.hit_rate.lo) + " to " + fixed(s.hit_rate.hi), fixed(s.pai.estimate, 2),
                    fixed(s.pei.estimate), fixed(s.wrong_share.estimate),
                    fixed(m.auc_pooled.estimate) + " [" + fixed(m.auc_pooled.lo) + ", " +
                        fixed(m.auc_pooled.hi) + "]",
                    m.spec.baseline
                        ? "baseline"
                        : fixed(m.vs_best_baseline.estimate) + " [" + fixed(m.vs_best_baseline.lo) +
                              ", " + fixed(m.vs_best_baseline.hi) + "]"});
  }
  html.table(rows, "At the operating point");
  html.figure(evaluate::coverage_svg(b), "Hit rate against the share of cells flagged");
  html.figure(flag_map(run), "Where the patrols were sent");
}

// Each area's hover label: its id, and its name when the areas have a text column called *name*.
std::vector<std::string> area_names(const geo::Areas& areas) {
  std::vector<std::string> out = areas.ids;
  for (std::size_t k = 0; k < areas.text_names.size(); ++k) {
    std::string lower = areas.text_names[k];
    for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (lower.find("name") == std::string::npos) continue;
    for (std::size_t a = 0; a < out.size(); ++a)
      if (!areas.text[k][a].empty()) out[a] = areas.text[k][a] + " (" + areas.ids[a] + ")";
    break;
  }
  return out;
}

// Exposure per resident of each area, mapped from the disparity result in memory (study CRS).
// Areas no valid cell covers were not studied: drawn as such, never as zero exposure.
std::string exposure_map(const Run& run) {
  const auto& st = run.study;
  const auto unit = std::string(evaluate::to_string(run.recipe.backtest.options.period));
  report::MapOptions o;
  o.title = "Patrol exposure per resident by area";
  o.legend = fmt::format("{}s out of {} a resident spent in a flagged cell (mean)", unit,
                         run.backtest.periods.size());
  o.geographic = false;
  o.missing_label = "not studied (outside the study region) or no residents";
  o.outline = st.region.polygons;
  o.names = area_names(st.areas);
  auto values = run.disparity.areas.per_capita;
  for (std::size_t a = 0; a < values.size() && a < st.overlay.area_covered.size(); ++a)
    if (!(st.overlay.area_covered[a] > 0)) values[a] = NAN;
  // The uncertainty view: each area's exposure ratio and its interval on hover; hatched where the
  // interval includes 1 (disparity::area_ratios).
  const auto level = run.recipe.disparity.options.level;
  const auto& ratios = run.disparity.areas.ratios;
  for (std::size_t a = 0; a < ratios.size() && a < values.size(); ++a) {
    const auto& r = ratios[a];
    const bool shown = std::isfinite(values[a]) && std::isfinite(r.ratio);
    o.details.push_back(!shown ? std::string()
                        : std::isfinite(r.ci.lo)
                            ? fmt::format("exposure ratio {:.2f} ({:g}% interval {:.2f} to {:.2f})",
                                          r.ratio, 100 * level, r.ci.lo, r.ci.hi)
                            : fmt::format("exposure ratio {:.2f} (no interval)", r.ratio));
    o.hatched.push_back(shown && r.includes_parity());
  }
  o.hatch_label = fmt::format(
      "hatched: the exposure ratio's {:g}% interval includes 1 (no evidence of a difference)",
      100 * level);
  return report::choropleth_svg(st.areas.polygons, values, o);
}

void report_disparity(const Run& run, report::HtmlReport& html) {
  html.section("Disparity: on whom the patrols fall", "disparity");
  html.paragraph(fmt::format(
      "Exposure of a group = the residents of that group living in cells flagged by {}, summed "
      "over periods. A disparity ratio above 1 means the group's share of patrol exposure exceeds "
      "its share of the population; the crime ratios compare it with the group's share of "
      "recorded crime (and of estimated true crime when reporting rates are given).",
      run.audited_model));
  html.key_table(disparity::groups_csv(run.disparity.result), "Exposure by group",
                 {{"group", "group"},
                  {"population_share", "share of residents"},
                  {"exposure_share", "share of patrol exposure"},
                  {"disparity_ratio", "exposure / residents (1 = in proportion)"},
                  {"disparity_ratio_lo", "interval from"},
                  {"disparity_ratio_hi", "to"},
                  {"crime_share", "share of recorded crime"},
                  {"crime_ratio", "exposure / recorded crime"},
                  {"crime_ratio_lo", "interval from"},
                  {"crime_ratio_hi", "to"}});
  html.figure(exposure_map(run),
              "Patrol exposure per resident. Exposure ratio of an area = its share of patrol "
              "exposure / its share of residents (1 = in proportion); hover over an area for "
              "its ratio and bootstrap interval. Hatched: the interval includes 1.");
}

void report_feedback(const Run& run, report::HtmlReport& html) {
  const auto& o = run.recipe.feedback.options;
  html.section("Feedback: does the deployed forecast make its own data?", "feedback");
  html.paragraph(fmt::format(
      "{} was deployed for {} days on the {} truth ({} replicates). Patrols discover crimes that "
      "victims did not report, and those records train the next forecast; each mitigation is run "
      "on the same simulated crime (Ensign et al. 2018).",
      o.model, o.days, run.recipe.feedback.truth.truth, o.replicates));
  html.preformatted(run.loop_text);
  for (const auto& [name, svg] : feedback::loop_charts(run.loop)) html.figure(svg, name);
}

double number_or_nan(const nlohmann::json& v) { return v.is_number() ? v.get<double>() : NAN; }

// One chart per rate: each group's ratio to the reference with its interval, from the published
// (small-cell suppressed) disparities; a suppressed group is listed without a dot.
void score_ratio_charts(const nlohmann::json& audit, double tau, report::HtmlReport& html) {
  const std::vector<std::pair<std::string, std::string>> rates = {
      {"fpr", "False positive rate"}, {"fnr", "False negative rate"}, {"precision", "Precision"}};
  for (const auto& [metric, name] : rates) {
    std::map<std::string, std::vector<report::RatioRow>> charts;  // by threshold and attribute
    for (const auto& d : audit["disparities"]) {
      if (d["metric"] != metric) continue;
      const auto key = d["threshold"].get<std::string>() + ", " + d["attribute"].get<std::string>();
      auto& rows = charts[key];
      if (rows.empty()) rows.push_back({d["reference"].get<std::string>(), 1, NAN, NAN, true});
      const bool hidden = !d["ratio"].is_number();
      rows.push_back({d["group"].get<std::string>() + (hidden ? " (suppressed)" : ""),
                      number_or_nan(d["ratio"]), number_or_nan(d["ratio_lo"]),
                      number_or_nan(d["ratio_hi"]), false});
    }
    for (const auto& [key, rows] : charts)
      html.figure(report::ratio_chart_svg(fmt::format("{} by group ({})", name, key), rows, tau),
                  fmt::format("{} of each group divided by the reference group's, with its "
                              "bootstrap interval; the green band is the `fair` range",
                              name));
  }
}

// Chouldechova (2017): FPR = p/(1-p) (1-PPV)/PPV (1-FNR); composite parities (Aequitas) with the
// reference group shown as the reference; calibration: outcome rate by score bin per group.
void score_identity_parities_calibration(const Run& run, const nlohmann::json& audit,
                                         report::HtmlReport& html) {
  const auto& c = run.recipe.scores.command;
  html.heading("Chouldechova's identity", 3);
  html.paragraph(
      "FPR = p / (1 - p) x (1 - PPV) / PPV x (1 - FNR), with p the group's outcome rate "
      "(Chouldechova 2017): when outcome rates differ, equal precision and equal false negative "
      "rates force unequal false positive rates. The last column is the FPR the group would have "
      "with the reference group's PPV and FNR.");
  html.key_table(scores::identity_csv(run.scores, c.publish), "The identity by group",
                 {{"group", "group"},
                  {"prevalence", "outcome rate p"},
                  {"ppv", "precision (PPV)"},
                  {"fnr", "false negative rate"},
                  {"fpr", "false positive rate (observed)"},
                  {"fpr_identity", "FPR from the identity"},
                  {"fpr_at_reference_ppv_fnr", "FPR at the reference's PPV and FNR"}});
  html.heading("Composite parities", 3);
  std::vector<std::vector<std::string>> rows = {{"group", "against", "statistical parity",
                                                 "impact parity", "equalised odds", "type I parity",
                                                 "type II parity"}};
  auto yes_no = [](const nlohmann::json& v) {
    return v.is_boolean() ? std::string(v.get<bool>() ? "holds" : "fails") : "suppressed";
  };
  for (const auto& p : audit["parities"]) {
    const bool reference = p["group"] == p["reference"];
    rows.push_back({p["group"].get<std::string>(),
                    reference ? "(the reference group)" : p["reference"].get<std::string>(),
                    yes_no(p["statistical_parity"]), yes_no(p["impact_parity"]),
                    yes_no(p["equalised_odds"]), yes_no(p["type_i_parity"]),
                    yes_no(p["type_ii_parity"])});
  }
  html.table(
      rows, "Each parity holds when all its rates are inside the fair range (Saleiro et al. 2018)");
  std::map<std::string, feedback::ChartSeries> by_group;
  for (const auto& b : audit["calibration"]) {
    auto& series = by_group[b["group"].get<std::string>()];
    series.name = b["group"].get<std::string>();
    series.x.push_back(number_or_nan(b["bin"]));
    series.y.push_back(number_or_nan(b["outcome_rate"]));
  }
  if (by_group.empty()) return;
  std::vector<feedback::ChartSeries> series;
  for (auto& [name, s] : by_group) series.push_back(std::move(s));
  html.figure(feedback::line_chart_svg("Calibration: outcome rate by score", "score bin",
                                       "outcome rate", series, 1.0),
              "Share of each group with the outcome at each score (a calibrated score has the "
              "same rate for every group at a given score; suppressed bins leave gaps)");
}

void report_scores(const Run& run, report::HtmlReport& html) {
  const auto& c = run.recipe.scores.command;
  html.section("Score audit: a people-scoring tool's outputs by group", "scores");
  html.paragraph(fmt::format(
      "{} rows read from {}, {} people audited. scrutineer audits the tool's outputs; it never "
      "scores a person. Counts below {} are suppressed.",
      run.scores.rows_read, run.scores.source, run.scores.people, c.publish.min_cell));
  const auto audit = nlohmann::json::parse(scores::audit_json(run.scores, c.publish));
  html.paragraph(fmt::format(
      "Two rules are reported side by side. `fair` is the ratio rule: a group's rate divided by "
      "the reference group's lies between {:g} and {:g}. The test asks whether the rates differ "
      "at all. A ratio inside the range with p below {:g} means a real difference that is "
      "smaller than the rule tolerates; a ratio outside it with a large p means too few people "
      "to tell.",
      c.audit.tau, 1 / c.audit.tau, 1 - c.audit.level));
  score_ratio_charts(audit, c.audit.tau, html);
  html.key_table(scores::groups_csv(run.scores, c.publish), "Rates by group",
                 {{"attribute", "attribute"},
                  {"group", "group"},
                  {"n", "people"},
                  {"pprev", "share flagged"},
                  {"fpr", "false positive rate"},
                  {"fnr", "false negative rate"},
                  {"precision", "precision (PPV)"},
                  {"prev", "outcome rate"}});
  html.key_table(
      scores::disparities_csv(run.scores, c.publish), "Disparities",
      {{"group", "group"},
       {"reference", "against"},
       {"metric", "rate"},
       {"ratio", "ratio"},
       {"ratio_lo", "interval from"},
       {"ratio_hi", "to"},
       {"p_value", "p (test of equality)"},
       {"fair", fmt::format("fair (ratio in {:g} to {:g})", c.audit.tau, 1 / c.audit.tau)}});
  score_identity_parities_calibration(run, audit, html);
}

// The stops section: the charts, the tables and the summary that says no more than the
// intervals support (stops::run_stops wrote it).
void report_stops(const Run& run, report::HtmlReport& html) {
  html.heading("Stops and searches");
  for (const auto& [name, text] : run.stops.files) {
    if (name == "rates.svg")
      html.figure(text, "Stops per 1,000 residents by group (whiskers: exact Poisson interval)");
    if (name == "hit_rates.svg")
      html.figure(text, "Hit rate by group: searches whose outcome was linked to their object");
  }
  for (const auto& [name, text] : run.stops.files) {
    if (name == "disproportionality.csv") html.csv_table(text, "Disproportionality");
    if (name == "outcome_test.csv") html.csv_table(text, "Outcome test");
    if (name == "veil_of_darkness.csv") html.csv_table(text, "Veil of darkness");
    if (name == "problems.csv") html.csv_table(text, "Rows with problems, by reason");
  }
  html.preformatted(run.stops.summary);
}

// The Knox test as `scrutineer nearrepeat` writes it: the heat map, the table and the summary.
void report_nearrepeat(const Run& run, report::HtmlReport& html) {
  const auto& o = run.recipe.nearrepeat.options;
  const auto& r = run.nearrepeat.result;
  html.section("Near repeats: the Knox test", "nearrepeat");
  html.paragraph(fmt::format(
      "Are crimes close in space also close in time, more than chance would give? Every pair of "
      "the {} events is counted by its distance band ({:g} m wide) and its time band ({:g} days "
      "wide); the expected count of each cell is the mean over {} random permutations of the "
      "times (Knox 1964; bands counted as {}). A Knox ratio above 1 means more close pairs than "
      "chance; a cell is significant when its p-value is below {:g}. Files: nearrepeat/knox.csv, "
      "knox.svg, summary.txt.",
      r.events, o.knox.spatial_bandwidth, o.knox.temporal_bandwidth, o.knox.permutations,
      o.knox.convention == nearrepeat::Convention::kNrc ? "the Near Repeat Calculator counts them"
                                                        : "their labels say",
      o.alpha));
  html.figure(nearrepeat::knox_svg(r, o.alpha),
              "Knox ratio of each distance band (rows) and time band (columns); significant cells "
              "bold and outlined");
  html.key_table(nearrepeat::knox_csv(r), "Knox table",
                 {{"space_band", "distance"},
                  {"time_band", "time apart"},
                  {"observed", "pairs observed"},
                  {"expected_mean", "pairs expected (mean of permutations)"},
                  {"knox_ratio", "Knox ratio (observed / expected)"},
                  {"p_value", "p-value"}});
  html.preformatted(nearrepeat::knox_summary(r, o.alpha));
}

// The space-time scan as `scrutineer stscan` writes it: the summary and the clusters table.
void report_stscan(const Run& run, report::HtmlReport& html) {
  const auto& o = run.recipe.stscan.options;
  const auto& r = run.stscan.result;
  const bool poisson = o.scan.model == scan::ScanModel::kPoisson;
  html.section("Space-time clusters: the scan statistic", "stscan");
  html.paragraph(fmt::format(
      "Where and when were events more concentrated than chance allows? Every cylinder (a circle "
      "of up to {:g} m around a location, times a run of at most {} consecutive days) is scored "
      "by its log-likelihood ratio against {}; the most likely cluster and the secondary clusters "
      "that share no location with it are tested against {} Monte Carlo replications (seed {}). "
      "A cluster is listed when its p-value is at most {:g}. {} cases at {} locations over {} "
      "days. Files: stscan/clusters.csv, clusters.geojson (the discs, for a GIS), summary.txt.",
      o.scan.max_radius, o.scan.max_days,
      !poisson ? "the space-time permutation model (Kulldorff et al. 2005), which needs no "
                 "population"
      : o.population.empty()
          ? "the Poisson model with equal population per grid cell (Kulldorff 2001)"
          : "the Poisson model with the population of " + o.population +
                " apportioned to the grid cells by area share (Kulldorff 2001)",
      o.scan.replications, o.scan.seed, o.alpha, r.cases, r.locations, r.days));
  html.key_table(scan::clusters_csv(run.stscan.listed), "Clusters",
                 {{"rank", "rank"},
                  {"radius", "radius (m)"},
                  {"locations", "locations"},
                  {"start", "first day"},
                  {"end", "last day"},
                  {"observed", "cases observed"},
                  {"expected", "cases expected"},
                  {"relative_risk", "relative risk"},
                  {"llr", "log-likelihood ratio"},
                  {"p", "p-value"}});
  html.preformatted(run.stscan.summary);
}

std::vector<report::Citation> citations(const Run& run) {
  std::vector<report::Citation> out;
  std::set<std::string> seen;
  if (run.recipe.backtest.enabled) {
    for (const auto& m : run.backtest.models) {
      if (!seen.insert(m.spec.name).second) continue;
      const auto& info = forecast::find_model(m.spec.name);
      out.push_back({info.summary, info.citation});
    }
    out.push_back({"PAI", "Chainey, Tompson & Uhlig (2008), Security Journal 21"});
    out.push_back({"PEI, PEI*", "Hunt (2016), NIJ; see docs/backtest.md for the definitions"});
  }
  if (run.recipe.feedback.enabled) {
    out.push_back({"Runaway feedback loops",
                   "Ensign, Friedler, Neville, Scheidegger & Venkatasubramanian (2018), FAT*, "
                   "PMLR 81"});
    out.push_back({"Feedback on recorded crime", "Lum & Isaac (2016), Significance 13(5)"});
  }
  if (run.recipe.scores.enabled) {
    out.push_back(
        {"Group metrics and parities", "Saleiro et al. (2018), Aequitas, arXiv:1811.05577"});
    out.push_back({"Error-rate identity", "Chouldechova (2017), Big Data 5(2)"});
  }
  if (run.recipe.stops.enabled) {
    out.push_back({"Rate ratio interval (exact conditional)",
                   "Breslow & Day (1987), Statistical Methods in Cancer Research II, IARC"});
    out.push_back({"Outcome test", "Knowles, Persico & Todd (2001), J. Political Economy 109(1)"});
    out.push_back({"Veil of darkness", "Grogger & Ridgeway (2006), JASA 101(475)"});
  }
  if (run.recipe.nearrepeat.enabled) {
    out.push_back({"Knox test of space-time clustering",
                   "Knox (1964), J. Royal Statistical Society C (Applied Statistics) 13(1) 25-30"});
    out.push_back({"Near Repeat Calculator (the band convention `nrc`)",
                   "Ratcliffe (2009), Near Repeat Calculator 1.3, Temple University; Johnson et "
                   "al. (2007), J. Quantitative Criminology 23(3)"});
  }
  if (run.recipe.stscan.enabled) {
    if (run.recipe.stscan.options.scan.model == scan::ScanModel::kPoisson)
      out.push_back({"Poisson space-time scan statistic",
                     "Kulldorff (2001), J. Royal Statistical Society A 164(1) 61-72"});
    else
      out.push_back({"Space-time permutation scan statistic",
                     "Kulldorff, Heffernan, Hartman, Assunção & Mostashari (2005), "
                     "PLoS Medicine 2(3) e59"});
    out.push_back(
        {"Monte Carlo p-values", "Dwass (1957), Annals of Mathematical Statistics 28(1) 181-187"});
  }
  return out;
}

std::vector<report::Finding> findings(const Run& run) {
  const auto& r = run.recipe;
  std::vector<report::Finding> out;
  auto add = [&](std::vector<report::Finding> more) {
    out.insert(out.end(), more.begin(), more.end());
  };
  if (r.backtest.enabled)
    add(accuracy_findings(run.backtest, std::string(evaluate::to_string(r.backtest.options.period)),
                          r.backtest.options.bootstrap.level));
  if (r.disparity.enabled)
    add(disparity_findings(run.disparity.result, run.audited_model, r.disparity.options.level));
  if (r.feedback.enabled) add(feedback_findings(run.loop, r.feedback.options));
  if (r.scores.enabled) {
    const auto& c = r.scores.command;
    add(scores_findings(scores::disparities_csv(run.scores, c.publish), c.audit.tau,
                        c.audit.level));
  }
  return out;
}

}  // namespace

void stage_report(Run& run) {
  const auto& r = run.recipe;
  report::HtmlReport html(r.title);
  html.paragraph(fmt::format(
      "Produced by scrutineer {} from the recipe {} (copied as recipe.toml; run.json records the "
      "inputs and their SHA-256). scrutineer audits forecasts and tools' outputs; it never scores "
      "people.",
      engine_version(), r.file.filename().string()));
  html.findings(
      findings(run),
      std::string("Each sentence is generated from the numbers below; a difference is "
                  "claimed only where its interval excludes no difference.") +
          (r.has_data ? " Recorded crime is what the police recorded, not all crime." : ""));
  if (!run.warnings.empty() || !run.notes.empty()) {
    html.section("Warnings and notes", "warnings");
    for (const auto& w : run.warnings) html.warning(w);
    for (const auto& n : run.notes) html.note(n);
  }
  if (r.has_data) report_data(run, html);
  if (r.backtest.enabled) report_accuracy(run, html);
  if (r.disparity.enabled) report_disparity(run, html);
  if (r.feedback.enabled) report_feedback(run, html);
  if (r.scores.enabled) report_scores(run, html);
  if (r.stops.enabled) report_stops(run, html);
  if (r.nearrepeat.enabled) report_nearrepeat(run, html);
  if (r.stscan.enabled) report_stscan(run, html);
  html.methods(citations(run));
  io::write_text_file(run.dir / "report.html", html.html());
}

}  // namespace scrutineer::recipe
