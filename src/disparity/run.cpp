// The disparity run: areas and groups -> cell populations through the cell x area overlay ->
// exposure of each group under a tool's flags, benchmarked on population and recorded crime
// (DESIGN.md).
#include "scrutineer/disparity/run.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>

#include "scrutineer/core/error.hpp"
#include "scrutineer/core/time.hpp"
#include "scrutineer/geo/areas.hpp"
#include "scrutineer/geo/crs.hpp"
#include "scrutineer/geo/grid.hpp"
#include "scrutineer/geo/overlay.hpp"
#include "scrutineer/geo/region.hpp"
#include "scrutineer/geo/reporting.hpp"
#include "scrutineer/io/atomic_file.hpp"
#include "scrutineer/io/csv.hpp"
#include "scrutineer/io/layer_description.hpp"
#include "scrutineer/io/vector.hpp"

namespace scrutineer::disparity {

namespace {

// A number for a CSV cell: shortest exact form, empty when undefined.
std::string num(double v) { return std::isfinite(v) ? fmt::format("{}", v) : std::string(); }

nlohmann::json jnum(double v) { return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(); }

nlohmann::json jinterval(const Interval& i) { return {{"lo", jnum(i.lo)}, {"hi", jnum(i.hi)}}; }

std::string period_label(std::int64_t start) {
  return start % kSecondsPerDay == 0 ? format_iso_date(start) : format_iso_utc(start);
}

void check_options(const study::Study& s, const DisparityOptions& o) {
  if (!s.has_areas) throw ConfigError("disparity: give the areas with group counts (--areas)");
  if (s.groups.names.empty()) throw ConfigError("disparity: give at least one group (--group)");
  if (o.bootstrap < 0) throw ConfigError("disparity: bootstrap replicates must be >= 0");
  if (!o.reporting.empty() && !s.has_events)
    throw ConfigError("disparity: reporting rates adjust recorded crime; give the events too");
}

// Index of the area holding each event (first in area order), -1 when none; bbox pre-filter.
std::vector<std::int64_t> events_to_areas(const geo::Areas& areas, const EventSet& events) {
  std::vector<std::int64_t> owner(events.size(), -1);
  for (std::size_t a = 0; a < areas.size(); ++a) {
    const auto box = io::bbox_of(areas.polygons[a]);
    std::vector<double> x, y;
    std::vector<std::size_t> which;
    for (std::size_t i = 0; i < events.size(); ++i) {
      if (owner[i] >= 0 || !(events.x[i] >= box.xmin && events.x[i] <= box.xmax &&
                             events.y[i] >= box.ymin && events.y[i] <= box.ymax))
        continue;
      x.push_back(events.x[i]);
      y.push_back(events.y[i]);
      which.push_back(i);
    }
    if (which.empty()) continue;
    const auto inside = geo::inside_region(geo::make_region(areas.polygons[a], areas.crs), x, y);
    for (std::size_t k = 0; k < which.size(); ++k)
      if (inside[k]) owner[which[k]] = static_cast<std::int64_t>(a);
  }
  return owner;
}

nlohmann::json result_json(const DisparityReport& r, const study::Study& s,
                           const DisparityOptions& o, const std::string& flags_name) {
  const auto& res = r.result;
  nlohmann::json groups = nlohmann::json::array();
  for (const auto& g : res.groups) {
    groups.push_back({
        {"group", g.name},
        {"population", g.population},
        {"population_share", jnum(g.population_share)},
        {"exposure", g.exposure},
        {"exposure_share", jnum(g.exposure_share)},
        {"exposure_share_ci", jinterval(g.exposure_share_ci)},
        {"disparity_ratio", jnum(g.disparity_ratio)},
        {"disparity_ratio_ci", jinterval(g.disparity_ratio_ci)},
        {"per_capita_exposure", jnum(g.per_capita)},
        {"per_capita_ratio", jnum(g.per_capita_ratio)},
        {"per_capita_ratio_ci", jinterval(g.per_capita_ratio_ci)},
        {"crime_share", jnum(g.crime_share)},
        {"crime_ratio", jnum(g.crime_ratio)},
        {"crime_ratio_ci", jinterval(g.crime_ratio_ci)},
        {"true_crime_share", jnum(g.true_crime_share)},
        {"true_crime_ratio", jnum(g.true_crime_ratio)},
        {"true_crime_ratio_ci", jinterval(g.true_crime_ratio_ci)},
        {"disparity_trend_per_year",
         {{"slope", jnum(g.disparity_trend.slope_per_year)},
          {"ci", jinterval(g.disparity_trend.slope_ci)},
          {"periods", g.disparity_trend.periods}}},
        {"per_capita_ratio_trend_per_year",
         {{"slope", jnum(g.per_capita_ratio_trend.slope_per_year)},
          {"ci", jinterval(g.per_capita_ratio_trend.slope_ci)},
          {"periods", g.per_capita_ratio_trend.periods}}},
    });
  }
  nlohmann::json periods = nlohmann::json::array();
  for (std::size_t p = 0; p < res.by_period.size(); ++p) {
    nlohmann::json row = {{"start", period_label(res.period_starts[p])},
                          {"total_exposure", res.period_total_exposure[p]}};
    for (std::size_t g = 0; g < res.groups.size(); ++g)
      row["groups"][res.groups[g].name] = {
          {"exposure", res.by_period[p][g].exposure},
          {"exposure_share", jnum(res.by_period[p][g].exposure_share)},
          {"disparity_ratio", jnum(res.by_period[p][g].disparity_ratio)},
          {"per_capita_ratio", jnum(res.by_period[p][g].per_capita_ratio)}};
    periods.push_back(row);
  }
  return {
      {"tool", "scrutineer disparity"},
      {"areas", s.areas.source},
      {"area_id", s.areas.id_column},
      {"flags", flags_name},
      {"flags_format", std::string(to_string(r.flags.format))},
      {"model", r.flags.model},
      {"units", r.flags.format == FlagFormat::kArea ? "areas" : "grid cells"},
      {"cell_size", r.grid_units ? s.grid.size : 0.0},
      {"denominator", r.groups.total_source},
      {"groups_overlap", r.groups.overlapping},
      {"reference_group", res.groups[static_cast<std::size_t>(res.reference)].name},
      {"total_population", res.total_population},
      {"total_exposure", res.total_exposure},
      {"unattributed_crime_share", jnum(res.unattributed_crime_share)},
      {"bootstrap", {{"replicates", o.bootstrap}, {"seed", o.seed}, {"level", o.level}}},
      {"notes", r.notes},
      {"groups", groups},
      {"periods", periods},
  };
}

}  // namespace

std::string groups_csv(const ExposureResult& r) {
  std::string out =
      "group,population,population_share,exposure,exposure_share,exposure_share_lo,"
      "exposure_share_hi,disparity_ratio,disparity_ratio_lo,disparity_ratio_hi,per_capita_exposure,"
      "per_capita_ratio,per_capita_ratio_lo,per_capita_ratio_hi,crime_share,crime_ratio,"
      "crime_ratio_lo,crime_ratio_hi,true_crime_share,true_crime_ratio,true_crime_ratio_lo,"
      "true_crime_ratio_hi,disparity_trend_per_year,disparity_trend_lo,disparity_trend_hi,"
      "reference\n";
  for (std::size_t g = 0; g < r.groups.size(); ++g) {
    const auto& x = r.groups[g];
    out += fmt::format(
        "{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{}\n", x.name,
        num(x.population), num(x.population_share), num(x.exposure), num(x.exposure_share),
        num(x.exposure_share_ci.lo), num(x.exposure_share_ci.hi), num(x.disparity_ratio),
        num(x.disparity_ratio_ci.lo), num(x.disparity_ratio_ci.hi), num(x.per_capita),
        num(x.per_capita_ratio), num(x.per_capita_ratio_ci.lo), num(x.per_capita_ratio_ci.hi),
        num(x.crime_share), num(x.crime_ratio), num(x.crime_ratio_ci.lo), num(x.crime_ratio_ci.hi),
        num(x.true_crime_share), num(x.true_crime_ratio), num(x.true_crime_ratio_ci.lo),
        num(x.true_crime_ratio_ci.hi), num(x.disparity_trend.slope_per_year),
        num(x.disparity_trend.slope_ci.lo), num(x.disparity_trend.slope_ci.hi),
        static_cast<int>(g) == r.reference ? 1 : 0);
  }
  return out;
}

std::string periods_csv(const ExposureResult& r) {
  std::string out = "period_start,group,exposure,exposure_share,disparity_ratio,per_capita_ratio\n";
  for (std::size_t p = 0; p < r.by_period.size(); ++p)
    for (std::size_t g = 0; g < r.groups.size(); ++g) {
      const auto& x = r.by_period[p][g];
      out += fmt::format("{},{},{},{},{},{}\n", period_label(r.period_starts[p]), r.groups[g].name,
                         num(x.exposure), num(x.exposure_share), num(x.disparity_ratio),
                         num(x.per_capita_ratio));
    }
  return out;
}

std::string summary_text(const ExposureResult& r, const std::vector<std::string>& notes,
                         const std::string& title) {
  const auto pct = [](double v) {
    return std::isfinite(v) ? fmt::format("{:.1f}%", 100 * v) : std::string("-");
  };
  const auto fix = [](double v) {
    return std::isfinite(v) ? fmt::format("{:.2f}", v) : std::string("-");
  };
  const auto ci = [&](const Interval& i) {
    return std::isfinite(i.lo) ? fmt::format("[{}, {}]", fix(i.lo), fix(i.hi)) : std::string();
  };
  std::string out = title + "\n";
  out += fmt::format("{} periods; reference group: {}\n\n", r.period_starts.size(),
                     r.groups[static_cast<std::size_t>(r.reference)].name);
  out += fmt::format("{:<16} {:>9} {:>9} {:>8} {:<16} {:>8} {:<16} {:>8} {:>8}\n", "group",
                     "pop share", "exposure", "ratio", "  (interval)", "per cap", "  (interval)",
                     "vs crime", "vs true");
  for (const auto& g : r.groups)
    out += fmt::format("{:<16} {:>9} {:>9} {:>8} {:<16} {:>8} {:<16} {:>8} {:>8}\n", g.name,
                       pct(g.population_share), pct(g.exposure_share), fix(g.disparity_ratio),
                       ci(g.disparity_ratio_ci), fix(g.per_capita_ratio), ci(g.per_capita_ratio_ci),
                       fix(g.crime_ratio), fix(g.true_crime_ratio));
  out +=
      "\nratio = exposure share / population share (1 = proportional); per cap = per-capita "
      "exposure / the reference group's;\nvs crime = exposure share / share of recorded crime; vs "
      "true = against estimated true crime.\n";
  bool trend = false;
  for (const auto& g : r.groups)
    if (std::isfinite(g.disparity_trend.slope_per_year)) {
      if (!trend) out += "\nTrend of the ratio per year:\n";
      trend = true;
      out += fmt::format("  {:<16} {:+.3f} {}\n", g.name, g.disparity_trend.slope_per_year,
                         ci(g.disparity_trend.slope_ci));
    }
  if (!notes.empty()) {
    out += "\nNotes:\n";
    for (const auto& n : notes) out += "  - " + n + "\n";
  }
  return out;
}

DisparityReport compute_disparity(const study::Study& s, const FlagTable& flags,
                                  const DisparityOptions& o, const std::string& flags_name) {
  check_options(s, o);
  DisparityReport report;
  const geo::Areas& areas = s.areas;
  report.notes = s.notes;
  report.groups = s.groups;
  report.flags = flags;

  // Units: grid cells (with the study's overlay) or the areas themselves (area flags).
  if (flags.format != FlagFormat::kArea && !s.has_grid)
    throw ConfigError("disparity: cell and x/y flags need the grid's cell size (--cell-size)");
  const bool grid = flags.format != FlagFormat::kArea;
  report.grid_units = grid;
  const geo::Overlay* overlay = grid ? &s.overlay : nullptr;
  UnitPopulation pop;
  pop.groups = report.groups.names;
  if (grid) {
    for (const auto& g : report.groups.by_group)
      pop.by_group.push_back(overlay->spread_to_cells(g));
    pop.total = overlay->spread_to_cells(report.groups.total);
  } else {
    pop.by_group = report.groups.by_group;
    pop.total = report.groups.total;
  }
  if (report.flags.outside_grid > 0)
    report.notes.push_back(
        fmt::format("{} flagged points or boxes lie outside the grid and are left out",
                    report.flags.outside_grid));
  if (report.flags.invalid_cells > 0)
    report.notes.push_back(fmt::format(
        "{} flags fall on cells outside the study region (nobody lives there in the data)",
        report.flags.invalid_cells));

  std::vector<double> crime, true_crime;
  if (s.has_events) {
    EventSet events = s.events;
    if (!o.crime_category.empty())
      events = events.filter(study::keep_category(events, o.crime_category, "crime_category"));
    crime.assign(pop.units(), 0.0);
    std::int64_t outside = 0;
    if (grid) {
      for (std::size_t i = 0; i < events.size(); ++i) {
        const auto c = s.grid.cell_of(events.x[i], events.y[i]);
        if (c < 0) {
          ++outside;
          continue;
        }
        crime[static_cast<std::size_t>(c)] += 1;
      }
    } else {
      for (const auto a : events_to_areas(areas, events)) {
        if (a < 0) {
          ++outside;
          continue;
        }
        crime[static_cast<std::size_t>(a)] += 1;
      }
    }
    if (!events.empty())
      report.notes.push_back(fmt::format(
          "recorded crime: {} events of {} from {} to {} ({} outside the {}{})", events.size(),
          s.read.path, format_iso_date(events.t.front()), format_iso_date(events.t.back()), outside,
          grid ? "grid" : "areas",
          s.counts.clipped && s.counts.outside > 0
              ? fmt::format("; {} events outside the region were left out", s.counts.outside)
              : ""));
    if (!o.reporting.empty()) {
      const auto rate = geo::read_reporting_rates(o.reporting, o.reporting_id, o.reporting_rate,
                                                  areas, report.notes);
      std::vector<UnitAreaShare> shares;
      if (grid) {
        // Share of each cell lying in each area, of the part of the cell inside any area.
        for (std::int64_t c = 0; c < overlay->cells; ++c)
          for (auto k = overlay->start[c]; k < overlay->start[c + 1]; ++k)
            shares.push_back(
                {c, overlay->area[k], overlay->intersection[k] / overlay->cell_covered[c]});
      } else {
        for (std::size_t a = 0; a < areas.size(); ++a)
          shares.push_back({static_cast<std::int64_t>(a), static_cast<std::int64_t>(a), 1.0});
      }
      true_crime = estimate_true_crime(crime, shares, rate);
    }
  }

  ExposureOptions exposure_options;
  exposure_options.reference = s.options.reference;
  exposure_options.bootstrap = o.bootstrap;
  exposure_options.seed = o.seed;
  exposure_options.level = o.level;
  exposure_options.progress = o.progress;
  report.result = compute_exposure(pop, report.flags.periods, crime, true_crime, exposure_options);
  if (report.result.total_exposure <= 0)
    report.notes.push_back("no flagged place has residents: every exposure share is undefined");

  // Per-capita exposure of each area, for the map.
  const auto& times = report.result.times_flagged;
  std::vector<double> per_capita(areas.size(), 0.0), exposure(areas.size(), 0.0);
  if (grid) {
    for (std::int64_t c = 0; c < overlay->cells; ++c)
      for (auto k = overlay->start[c]; k < overlay->start[c + 1]; ++k)
        per_capita[static_cast<std::size_t>(overlay->area[k])] +=
            static_cast<double>(times[static_cast<std::size_t>(c)]) * overlay->area_share(k);
  } else {
    for (std::size_t a = 0; a < areas.size(); ++a) per_capita[a] = static_cast<double>(times[a]);
  }
  for (std::size_t a = 0; a < areas.size(); ++a)
    exposure[a] = per_capita[a] * report.groups.total[a];
  // Each area's exposure ratio and interval: its residents in each unit, as the groups' are.
  std::vector<UnitAreaPopulation> split;
  if (grid) {
    for (std::int64_t c = 0; c < overlay->cells; ++c)
      for (auto k = overlay->start[c]; k < overlay->start[c + 1]; ++k) {
        const auto a = static_cast<std::size_t>(overlay->area[k]);
        split.push_back({c, overlay->area[k], report.groups.total[a] * overlay->area_share(k)});
      }
  } else {
    for (std::size_t a = 0; a < areas.size(); ++a)
      split.push_back(
          {static_cast<std::int64_t>(a), static_cast<std::int64_t>(a), report.groups.total[a]});
  }
  exposure_options.progress = false;
  auto ratios =
      area_ratios(areas.size(), pop.units(), split, report.flags.periods, exposure_options);
  report.areas = {std::move(exposure), std::move(per_capita), std::move(ratios)};

  report.title =
      fmt::format("scrutineer disparity: {} flags{} on {} ({} areas, {})", flags_name,
                  report.flags.model.empty() ? "" : " of model " + report.flags.model, areas.source,
                  areas.size(), grid ? fmt::format("{} m cells", s.grid.size) : "area flags");
  report.summary = summary_text(report.result, report.notes, report.title);
  report.json = result_json(report, s, o, flags_name);
  return report;
}

void write_disparity(DisparityReport& report, const study::Study& s,
                     const std::filesystem::path& dir) {
  const geo::Areas& areas = s.areas;
  std::filesystem::create_directories(dir);
  const auto write = [&](const std::string& name, const std::string& text) {
    io::write_text_file(dir / name, text);
    report.written.push_back((dir / name).string());
  };
  write("groups.csv", groups_csv(report.result));
  write("periods.csv", periods_csv(report.result));
  write("disparity.json", report.json.dump(2) + "\n");
  write("summary.txt", report.summary);

  // The areas map in WGS 84 (RFC 7946), with exposure per capita.
  std::vector<io::MultiPolygon> polygons = areas.polygons;
  geo::Transformer to_wgs84(areas.crs, "EPSG:4326");
  for (auto& polygon : polygons)
    for (auto& part : polygon)
      for (auto& ring : part.rings) to_wgs84.transform(ring.x, ring.y);
  const double n_periods = static_cast<double>(report.result.period_starts.size());
  const auto& per_capita = report.areas.per_capita;
  std::vector<io::Column> columns = {
      {"population", report.groups.total, false},
      {"exposure", report.areas.exposure, false},
      {"exposure_per_capita", per_capita, false},
  };
  std::vector<double> mean_share(areas.size(), kNaN);
  if (n_periods > 0)
    for (std::size_t a = 0; a < areas.size(); ++a) mean_share[a] = per_capita[a] / n_periods;
  columns.push_back({"flagged_share_per_period", mean_share, false});
  std::vector<double> ratio, lo, hi;
  for (const auto& r : report.areas.ratios) {
    ratio.push_back(r.ratio);
    lo.push_back(r.ci.lo);
    hi.push_back(r.ci.hi);
  }
  columns.push_back({"exposure_ratio", ratio, false});
  columns.push_back({"exposure_ratio_lo", lo, false});
  columns.push_back({"exposure_ratio_hi", hi, false});
  for (std::size_t g = 0; g < report.groups.names.size(); ++g)
    columns.push_back({"pop_" + report.groups.names[g], report.groups.by_group[g], false});
  // The areas' own text attributes (names, codes) ride along, so a GIS shows them (issue 17).
  std::vector<io::TextColumn> texts = {{"id", areas.ids}};
  for (std::size_t k = 0; k < areas.text_names.size(); ++k) {
    const auto& name = areas.text_names[k];
    const bool taken =
        name == "id" || name == areas.id_column ||
        std::any_of(columns.begin(), columns.end(), [&](const auto& c) { return c.name == name; });
    if (!taken) texts.push_back({name, areas.text[k]});
  }
  const auto map_path = (dir / "areas.geojson").string();
  io::write_polygons(
      map_path, "areas", "EPSG:4326", polygons, columns, texts,
      io::layer_description(
          "Areas of the disparity audit with the patrol exposure of their residents",
          fmt::format(
              "population = residents (persons); exposure = person-periods spent in flagged "
              "places; exposure_per_capita = periods out of {} a resident spent in a flagged "
              "place; flagged_share_per_period = that divided by the periods; exposure_ratio = "
              "the area's share of exposure / its share of residents (1 = parity), "
              "exposure_ratio_lo and _hi its {:g}% bootstrap interval; pop_<group> = residents "
              "of the group (persons)",
              report.result.period_starts.size(),
              100 * report.json["bootstrap"]["level"].get<double>()),
          "EPSG:4326 (WGS 84 longitude, latitude)"));
  report.written.push_back(map_path);
}

DisparityReport run_disparity(const study::StudyOptions& study_options, const DisparityOptions& o) {
  if (o.flags.empty()) throw ConfigError("disparity: give the flags per period (--flags)");
  if (o.out.empty()) throw ConfigError("disparity: give the output folder (--out)");
  const auto s = study::build_study(study_options);
  check_options(s, o);
  const auto flags = read_flags(o.flags, o.flag_options, s.has_grid ? &s.grid : nullptr, &s.areas);
  auto report = compute_disparity(s, flags, o, o.flags);
  write_disparity(report, s, o.out);
  return report;
}

}  // namespace scrutineer::disparity
