// Backtest outputs: CSV, JSON, a hand-written SVG coverage curve and a text table.
#include "scrutineer/evaluate/report.hpp"

#include <fmt/format.h>

#include <cmath>
#include <iterator>
#include <nlohmann/json.hpp>
#include <sstream>
#include <system_error>

#include "scrutineer/core/error.hpp"
#include "scrutineer/core/time.hpp"
#include "scrutineer/geo/crs.hpp"
#include "scrutineer/io/atomic_file.hpp"
#include "scrutineer/io/csv.hpp"

namespace scrutineer::evaluate {

namespace {

// Numbers in CSV: empty for NaN (undefined), shortest round-trip text otherwise.
std::string num(double v) { return std::isnan(v) ? "" : fmt::format("{}", v); }

nlohmann::json jnum(double v) {
  return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr);
}

nlohmann::json jinterval(const Interval& i) {
  return {{"estimate", jnum(i.estimate)}, {"lo", jnum(i.lo)}, {"hi", jnum(i.hi)}};
}

nlohmann::json jsummary(const Summary& s) {
  return {{"hit_rate", jinterval(s.hit_rate)},
          {"pai", jinterval(s.pai)},
          {"pei", jinterval(s.pei)},
          {"pei_star", jinterval(s.pei_star)},
          {"wrong_share", jinterval(s.wrong_share)}};
}

// CSV field: quoted when it holds a comma, quote or line break; formulas neutralised (io).
std::string field(const std::string& s) { return io::csv_field(s); }

std::string local_time(const TimeZone& zone, std::int64_t utc) {
  const auto c = civil_from_seconds(zone.to_local(utc));
  return fmt::format("{:04}-{:02}-{:02} {:02}:{:02}:{:02}", c.year, c.month, c.day, c.hour,
                     c.minute, c.second);
}

// ISO 8601 local time with the zone's UTC offset at that instant, e.g. 2016-03-01T00:00:00-06:00.
std::string local_time_offset(const TimeZone& zone, std::int64_t utc) {
  const std::int64_t local = zone.to_local(utc);
  const auto c = civil_from_seconds(local);
  const std::int64_t offset = local - utc;
  const std::int64_t a = offset < 0 ? -offset : offset;
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}{}{:02}:{:02}", c.year, c.month, c.day,
                     c.hour, c.minute, c.second, offset < 0 ? '-' : '+', a / 3600, a / 60 % 60);
}

TimeZone result_zone(const BacktestResult& r) {
  return TimeZone(r.time_zone.empty() ? "UTC" : r.time_zone);
}

std::string percent(double v) { return std::isnan(v) ? "n/a" : fmt::format("{:.1f}%", 100 * v); }

std::string interval_text(const Interval& i, bool as_percent) {
  auto f = [&](double v) {
    return as_percent ? percent(v)
                      : (std::isnan(v) ? std::string("n/a") : fmt::format("{:.2f}", v));
  };
  if (std::isnan(i.lo)) return f(i.estimate);
  return fmt::format("{} [{}, {}]", f(i.estimate), f(i.lo), f(i.hi));
}

std::string policy_text(const Policy& p) {
  switch (p.mode) {
    case PolicyMode::kCount:
      return fmt::format("top {} cells", p.count);
    case PolicyMode::kArea:
      return fmt::format("{:g}% of area", 100 * p.coverage);
    case PolicyMode::kCoverage:
    default:
      return fmt::format("{:g}% of valid cells", 100 * p.coverage);
  }
}

}  // namespace

std::string periods_csv(const BacktestResult& r) {
  std::string out =
      "model,period_start,period_end,events,outside,flagged,captured,hit_rate,pai,pei,pei_star,"
      "wrong_cells,wrong_share,log_likelihood,brier,auc";
  for (const double c : r.coverages) out += fmt::format(",captured_at_{:g}pct", 100 * c);
  out += '\n';
  for (const auto& m : r.models)
    for (std::size_t i = 0; i < r.periods.size(); ++i) {
      const auto& p = m.periods[i];
      const auto& a = p.operating;
      out += fmt::format("{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{}", field(m.spec.label),
                         format_iso_utc(r.periods[i].start), format_iso_utc(r.periods[i].end),
                         p.events, p.outside, a.flagged, a.captured, num(a.hit_rate), num(a.pai),
                         num(a.pei), num(a.pei_star), a.wrong_cells, num(a.wrong_share),
                         num(p.log_likelihood), num(p.brier), num(p.auc));
      for (const auto& c : p.at_coverage) out += fmt::format(",{}", c.captured);
      out += '\n';
    }
  return out;
}

std::string summary_json(const BacktestResult& r) {
  nlohmann::json j;
  j["periods"] = r.periods.size();
  j["first_period_start"] = r.periods.empty() ? "" : format_iso_utc(r.periods.front().start);
  j["last_period_end"] = r.periods.empty() ? "" : format_iso_utc(r.periods.back().end);
  j["time_zone"] = r.time_zone;
  // Times: *_utc and period_start are UTC (ISO 8601, Z); hit_counts.csv's start and end are local
  // wall-clock times in time_zone (open_cp's layout); period_start_local carries its offset.
  j["crs"] = r.crs;
  j["flags"] = to_string(r.flags);
  j["valid_cells"] = r.valid_cells;
  j["coverages"] = r.coverages;
  j["operating_point"] = {{"mode", to_string(r.operating_point.mode)},
                          {"coverage", r.operating_point.coverage},
                          {"count", r.operating_point.count},
                          {"tie_rule", to_string(r.operating_point.tie_rule)}};
  j["best_baseline"] = r.best_baseline;
  j["models"] = nlohmann::json::array();
  for (const auto& m : r.models) {
    nlohmann::json jm;
    jm["label"] = m.spec.label;
    jm["model"] = m.spec.name;
    jm["params"] = m.spec.params;
    jm["baseline"] = m.spec.baseline;
    jm["operating"] = jsummary(m.operating);
    jm["hit_rate_minus_best_baseline"] = jinterval(m.vs_best_baseline);
    jm["at_coverage"] = nlohmann::json::array();
    for (std::size_t c = 0; c < r.coverages.size(); ++c) {
      auto s = jsummary(m.at_coverage[c]);
      s["coverage"] = r.coverages[c];
      jm["at_coverage"].push_back(s);
    }
    jm["coverage_curve"] = nlohmann::json::array();
    for (const double v : m.curve) jm["coverage_curve"].push_back(jnum(v));
    jm["mean_log_likelihood"] = jnum(m.mean_log_likelihood);
    jm["mean_brier"] = jnum(m.mean_brier);
    jm["auc_pooled"] = jinterval(m.auc_pooled);
    jm["auc_mean_over_periods"] = jinterval(m.auc_mean);
    std::int64_t events = 0;
    for (const auto& p : m.periods) events += p.events;
    jm["events"] = events;
    j["models"].push_back(jm);
  }
  return j.dump(2) + "\n";
}

void write_flagged_csv(std::ostream& out, const BacktestResult& r, const geo::Grid& grid) {
  out << "model,period_start,cell,rank,centre_x,centre_y,period_end,period_start_local\n";
  const TimeZone zone = result_zone(r);
  std::vector<std::string> start(r.periods.size()), times(r.periods.size());
  for (std::size_t i = 0; i < r.periods.size(); ++i) {
    start[i] = format_iso_utc(r.periods[i].start);
    times[i] = fmt::format("{},{}", format_iso_utc(r.periods[i].end),
                           local_time_offset(zone, r.periods[i].start));
  }
  std::string buffer;
  for (const auto& m : r.models) {
    const auto label = field(m.spec.label);
    for (std::size_t i = 0; i < r.periods.size(); ++i) {
      const auto& cells = m.periods[i].flagged;
      buffer.clear();
      for (std::size_t k = 0; k < cells.size(); ++k)
        fmt::format_to(std::back_inserter(buffer), "{},{},{},{},{},{},{}\n", label, start[i],
                       cells[k], k + 1, grid.centre_x(cells[k]), grid.centre_y(cells[k]), times[i]);
      out << buffer;
    }
  }
}

std::string flagged_csv(const BacktestResult& r, const geo::Grid& grid) {
  std::ostringstream out;
  write_flagged_csv(out, r, grid);
  return out.str();
}

std::string flag_counts_csv(const BacktestResult& r, const geo::Grid& grid) {
  std::string out = "model,cell,centre_x,centre_y,periods_flagged,hits\n";
  for (const auto& m : r.models) {
    const auto label = field(m.spec.label);
    for (std::size_t c = 0; c < m.cell_periods_flagged.size(); ++c)
      if (m.cell_periods_flagged[c] > 0) {
        const auto cell = static_cast<std::int64_t>(c);
        fmt::format_to(std::back_inserter(out), "{},{},{},{},{},{}\n", label, cell,
                       grid.centre_x(cell), grid.centre_y(cell), m.cell_periods_flagged[c],
                       m.cell_hits[c]);
      }
  }
  return out;
}

std::vector<std::string> flags_files(const BacktestResult& r, const geo::Grid& grid) {
  std::string base;
  switch (r.flags) {
    case FlagsOutput::kCsv:
      base = "flagged";
      break;
    case FlagsOutput::kCounts:
      base = "flag_counts";
      break;
    case FlagsOutput::kNone:
      return {};
  }
  if (grid.crs.empty()) return {base + ".csv"};
  return {base + ".csv", base + ".prj"};
}

std::string hit_counts_csv(const BacktestResult& r) {
  const TimeZone zone = result_zone(r);
  std::string out = "model,start,end,events";
  for (int p = 1; p <= 100; ++p) out += fmt::format(",c{}", p);
  out += ",start_utc,end_utc\n";
  for (const auto& m : r.models)
    for (std::size_t i = 0; i < r.periods.size(); ++i) {
      const auto& p = m.periods[i];
      out += fmt::format("{},{},{},{}", field(m.spec.label), local_time(zone, r.periods[i].start),
                         local_time(zone, r.periods[i].end), p.events);
      for (int q = 1; q <= 100; ++q) out += fmt::format(",{}", p.curve_captured[q]);
      out += fmt::format(",{},{}\n", format_iso_utc(r.periods[i].start),
                         format_iso_utc(r.periods[i].end));
    }
  return out;
}

std::string coverage_svg(const BacktestResult& r) {
  // Plot area 60..560 x 40..400 (500 x 360 px); 0..100% on both axes.
  constexpr double kLeft = 60, kTop = 40, kW = 500, kH = 360;
  static const char* kColours[] = {"#1b9e77", "#d95f02", "#7570b3", "#e7298a",
                                   "#66a61e", "#e6ab02", "#a6761d", "#666666"};
  auto px = [&](double x) { return kLeft + kW * x; };
  auto py = [&](double y) { return kTop + kH * (1 - y); };
  std::string s = fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"760\" height=\"460\" "
      "font-family=\"sans-serif\" font-size=\"12\">\n"
      "<rect width=\"760\" height=\"460\" fill=\"white\"/>\n"
      "<text x=\"{}\" y=\"22\" text-anchor=\"middle\" font-size=\"14\">Share of events in flagged "
      "cells against share of cells flagged ({} periods)</text>\n",
      kLeft + kW / 2, r.periods.size());
  for (int t = 0; t <= 10; ++t) {
    const double v = t / 10.0;
    s += fmt::format(
        "<line x1=\"{0}\" y1=\"{1}\" x2=\"{0}\" y2=\"{2}\" stroke=\"#ddd\"/>"
        "<text x=\"{0}\" y=\"{3}\" text-anchor=\"middle\">{4}%</text>\n",
        px(v), kTop, kTop + kH, kTop + kH + 16, t * 10);
    s += fmt::format(
        "<line x1=\"{1}\" y1=\"{0}\" x2=\"{2}\" y2=\"{0}\" stroke=\"#ddd\"/>"
        "<text x=\"{3}\" y=\"{4}\" text-anchor=\"end\">{5}%</text>\n",
        py(v), kLeft, kLeft + kW, kLeft - 6, py(v) + 4, t * 10);
  }
  s += fmt::format(
      "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"none\" stroke=\"black\"/>\n",
      kLeft, kTop, kW, kH);
  s += fmt::format(
      "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\">coverage (share of valid "
      "cells flagged)</text>\n",
      kLeft + kW / 2, kTop + kH + 36);
  s += fmt::format(
      "<text transform=\"translate(16,{}) rotate(-90)\" text-anchor=\"middle\">hit "
      "rate (share of events caught)</text>\n",
      kTop + kH / 2);
  // The diagonal is what flagging cells at random catches on average.
  s += fmt::format(
      "<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"#999\" stroke-dasharray=\"4 4\"/>\n",
      px(0), py(0), px(1), py(1));
  if (r.operating_point.mode == PolicyMode::kCoverage)
    s += fmt::format(
        "<line x1=\"{0}\" y1=\"{1}\" x2=\"{0}\" y2=\"{2}\" stroke=\"#c00\" "
        "stroke-dasharray=\"2 3\"/>\n",
        px(r.operating_point.coverage), kTop, kTop + kH);
  for (std::size_t m = 0; m < r.models.size(); ++m) {
    const auto& model = r.models[m];
    const char* colour = kColours[m % 8];
    std::string points;
    for (std::size_t q = 0; q < model.curve.size(); ++q)
      if (!std::isnan(model.curve[q]))
        points += fmt::format("{:.1f},{:.1f} ", px(q / 100.0), py(model.curve[q]));
    s += fmt::format("<polyline fill=\"none\" stroke=\"{}\" stroke-width=\"2\" points=\"{}\"/>\n",
                     colour, points);
    const double ly = kTop + 10 + 18 * static_cast<double>(m);
    std::string label;
    for (const char c : model.spec.label) {
      if (c == '<')
        label += "&lt;";
      else if (c == '&')
        label += "&amp;";
      else if (c == '>')
        label += "&gt;";
      else
        label += c;
    }
    s += fmt::format(
        "<line x1=\"575\" y1=\"{0}\" x2=\"595\" y2=\"{0}\" stroke=\"{1}\" stroke-width=\"2\"/>"
        "<text x=\"600\" y=\"{2}\">{3}</text>\n",
        ly, colour, ly + 4, label);
  }
  s += "</svg>\n";
  return s;
}

std::string summary_table(const BacktestResult& r) {
  std::string out = fmt::format(
      "{} periods, {} valid cells, operating point: {} (tie rule {}); 95% bootstrap intervals over "
      "periods\n",
      r.periods.size(), r.valid_cells, policy_text(r.operating_point),
      to_string(r.operating_point.tie_rule));
  out += fmt::format("{:<28} {:>26} {:>22} {:>8} {:>8} {:>26} {:>28}\n", "model", "hit rate", "PAI",
                     "PEI", "PEI*", "wrong share (flags idle)", "vs best baseline");
  for (const auto& m : r.models) {
    const auto& s = m.operating;
    out += fmt::format("{:<28} {:>26} {:>22} {:>8} {:>8} {:>26} {:>28}\n", m.spec.label,
                       interval_text(s.hit_rate, true), interval_text(s.pai, false),
                       fmt::format("{:.2f}", s.pei.estimate),
                       fmt::format("{:.2f}", s.pei_star.estimate),
                       interval_text(s.wrong_share, true), interval_text(m.vs_best_baseline, true));
  }
  if (!r.best_baseline.empty())
    out += fmt::format("best baseline: {} (a model that does not beat it adds nothing over it)\n",
                       r.best_baseline);
  return out;
}

void write_backtest_outputs(const BacktestResult& r, const geo::Grid& grid,
                            const std::filesystem::path& folder) {
  std::error_code ec;
  std::filesystem::create_directories(folder, ec);
  if (ec) throw IoError(fmt::format("cannot create folder {}: {}", folder.string(), ec.message()));
  io::write_text_file(folder / "periods.csv", periods_csv(r));
  const auto files = flags_files(r, grid);
  if (r.flags == FlagsOutput::kCsv) {
    // Streamed: a city-wide decade holds millions of flags, too many to build as one string.
    io::AtomicFile flagged(folder / "flagged.csv");
    write_flagged_csv(flagged.stream(), r, grid);
    flagged.commit();
  } else if (r.flags == FlagsOutput::kCounts) {
    io::write_text_file(folder / "flag_counts.csv", flag_counts_csv(r, grid));
  }
  // The CRS of the cell centres beside their CSV (a .prj, as GIS tools read for delimited text).
  if (files.size() == 2) io::write_text_file(folder / files[1], geo::crs_info(grid.crs).wkt + "\n");
  io::write_text_file(folder / "hit_counts.csv", hit_counts_csv(r));
  io::write_text_file(folder / "coverage.svg", coverage_svg(r));
  io::write_text_file(folder / "summary.json", summary_json(r));
}

}  // namespace scrutineer::evaluate
