// `scrutineer stops` and the [stops] stage (stops/command.hpp): the computation and its files.
#include "scrutineer/stops/command.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "scrutineer/core/error.hpp"
#include "scrutineer/io/atomic_file.hpp"
#include "scrutineer/io/csv.hpp"

namespace scrutineer::stops {

namespace {

// Published text names an input by its file name only: the same summary from any folder, through
// the command or a recipe, and no local path in a published output.
std::string file_name(const std::string& source) {
  if (source.rfind("built-in ", 0) == 0) return source;
  return std::filesystem::path(source).filename().string();
}

std::string num(double x, int digits = 6) {
  if (std::isnan(x)) return "";
  if (std::isinf(x)) return "inf";
  return fmt::format("{:.{}f}", x, digits);
}

// A count as published: "" when suppressed (1 .. min_cell - 1).
bool hidden(std::int64_t n, std::int64_t min_cell) { return n > 0 && n < min_cell; }
std::string count(std::int64_t n, std::int64_t min_cell) {
  return hidden(n, min_cell) ? "" : std::to_string(n);
}

void check(const StopsOptions& o) {
  if (o.records.empty()) throw ConfigError("stops: records are needed (CSV files or folders)");
  if (o.population.empty() && (!o.areas.empty() || !o.benchmark.empty()))
    throw ConfigError("stops: areas and benchmark need a population table (population = FILE)");
  if (o.benchmark.empty() && !o.benchmark_areas.empty())
    throw ConfigError("stops: benchmark_areas needs a benchmark table (benchmark = FILE)");
  if (!(o.level > 0 && o.level < 1)) throw ConfigError("stops: level must be in (0, 1)");
  const FlagLinkOptions d;
  const auto& f = o.flag_link;
  if (f.flags.empty() &&
      (!f.region.empty() || f.crs != d.crs || f.cell_size != d.cell_size ||
       f.origin_x != d.origin_x || f.origin_y != d.origin_y || f.read.format != d.read.format ||
       !f.read.model.empty() || f.read.top != d.read.top))
    throw ConfigError("stops: the flags_* and flag_* options need a flags file (flags = FILE)");
}

std::string rate_row(const GroupRate& r, std::int64_t min_cell) {
  const bool h = hidden(r.stops, min_cell);
  return fmt::format("{},{},{},{},{},{},{},{}", count(r.stops, min_cell), num(r.population, 0),
                     h ? "" : num(r.per_1000), h ? "" : num(r.per_1000_interval.low),
                     h ? "" : num(r.per_1000_interval.high), h ? "" : num(r.ratio),
                     h ? "" : num(r.ratio_interval.low), h ? "" : num(r.ratio_interval.high));
}

std::string disproportionality_csv(const StopsResult& res, const StopsOptions& o) {
  const bool bench = res.benchmark_rates.has_value();
  std::string out =
      "group,stops,population,per_1000,per_1000_low,per_1000_high,ratio,ratio_low,ratio_high";
  if (bench)
    out +=
        ",benchmark_population,benchmark_per_1000,benchmark_ratio,benchmark_ratio_low,"
        "benchmark_ratio_high";
  out += ",note\n";
  const auto& t = *res.rates;
  for (std::size_t i = 0; i < t.rows.size(); ++i) {
    const auto& r = t.rows[i];
    out += io::csv_field(r.group) + "," + rate_row(r, o.min_cell);
    if (bench) {
      const auto* b = &res.benchmark_rates->rows[0];
      for (const auto& x : res.benchmark_rates->rows)
        if (x.group == r.group) b = &x;
      const bool h = hidden(r.stops, o.min_cell);
      out += fmt::format(",{},{},{},{},{}", num(b->population, 0), h ? "" : num(b->per_1000),
                         h ? "" : num(b->ratio), h ? "" : num(b->ratio_interval.low),
                         h ? "" : num(b->ratio_interval.high));
    }
    std::string note = r.group == t.reference ? "reference group" : "";
    if (hidden(r.stops, o.min_cell)) note = fmt::format("suppressed: fewer than {}", o.min_cell);
    out += "," + io::csv_field(note) + "\n";
  }
  const std::string blanks = bench ? ",,,,,,,,,,," : ",,,,,,";  // the rates' empty fields
  for (const auto& [group, people] : t.excluded)
    out += fmt::format("{},,{}{},{}\n", io::csv_field(group), num(people, 0), blanks,
                       io::csv_field("excluded from the denominators: the records' ethnicity (" +
                                     res.records.ethnicity_source + ") has no such group"));
  const auto missing = res.records.problems.count("missing ethnicity")
                           ? res.records.problems.at("missing ethnicity")
                           : 0;
  std::int64_t unknown = 0;
  for (const auto& [category, n] : res.records.unknown_categories) unknown += n;
  out += fmt::format("(missing ethnicity),{},{}{},{}\n", count(missing, o.min_cell), "", blanks,
                     io::csv_field("stops with no ethnicity recorded: in no group"));
  if (unknown > 0)
    out += fmt::format("(unknown category),{},{}{},{}\n", count(unknown, o.min_cell), "", blanks,
                       io::csv_field("ethnicity not in the map: in no group (problems.csv)"));
  return out;
}

std::string trend_csv(const StopsResult& res, const StopsOptions& o) {
  std::string out =
      "month,group,stops,population,per_1000,per_1000_low,per_1000_high,ratio,"
      "ratio_low,ratio_high\n";
  for (const auto& [month, table] : res.trend)
    for (const auto& r : table.rows) {
      out += fmt::format("{},{},{}\n", month, io::csv_field(r.group), rate_row(r, o.min_cell));
    }
  return out;
}

std::string outcome_csv(const OutcomeTest& t, const StopsOptions& o) {
  std::string out =
      "group,searches,hits,misses,blank,hit_rate,hit_rate_low,hit_rate_high,"
      "chi_squared,df,p_value\n";
  for (const auto& r : t.rows) {
    const bool h = hidden(r.hits, o.min_cell) || hidden(r.misses, o.min_cell);
    out += fmt::format("{},{},{},{},{},{},{},{},{},{},{}\n", io::csv_field(r.group),
                       count(r.searches, o.min_cell), h ? "" : count(r.hits, o.min_cell),
                       h ? "" : count(r.misses, o.min_cell), count(r.blank, o.min_cell),
                       h ? "" : num(r.hit_rate), h ? "" : num(r.interval.low),
                       h ? "" : num(r.interval.high), num(t.test.statistic, 4), t.test.df,
                       fmt::format("{:.6g}", t.test.p_value));
  }
  return out;
}

std::string veil_csv(const VeilResult& v, const StopsOptions& o) {
  std::string out =
      "group,light,dark,share_light,share_dark,odds_ratio,odds_ratio_low,"
      "odds_ratio_high,window_start,window_end,twilight_excluded\n";
  const auto clock = [](double m) {
    const int whole = static_cast<int>(std::lround(m));
    return fmt::format("{:02}:{:02}", whole / 60, whole % 60);
  };
  for (const auto& r : v.rows) {
    const bool h = hidden(r.light, o.min_cell) || hidden(r.dark, o.min_cell);
    out += fmt::format(
        "{},{},{},{},{},{},{},{},{},{},{}\n", io::csv_field(r.group), count(r.light, o.min_cell),
        count(r.dark, o.min_cell), h ? "" : num(r.share_light), h ? "" : num(r.share_dark),
        h ? "" : num(r.odds.ratio), h ? "" : num(r.odds.interval.low),
        h ? "" : num(r.odds.interval.high), clock(v.window_start), clock(v.window_end), v.twilight);
  }
  return out;
}

std::string level_text(double level) { return fmt::format("{:g}%", level * 100); }

// What the ratio's interval supports, in words.
std::string ratio_words(const GroupRate& r, const std::string& reference, double level) {
  if (std::isnan(r.ratio_interval.low)) return "no interval (no stops)";
  if (r.ratio_interval.low > 1)
    return fmt::format("{:.2f} times the {} rate ({} interval {:.2f} to {:.2f})", r.ratio,
                       reference, level_text(level), r.ratio_interval.low, r.ratio_interval.high);
  if (r.ratio_interval.high < 1)
    return fmt::format("{:.2f} times the {} rate, i.e. lower ({} interval {:.2f} to {:.2f})",
                       r.ratio, reference, level_text(level), r.ratio_interval.low,
                       r.ratio_interval.high);
  return fmt::format(
      "{:.2f} times the {} rate, but the {} interval ({:.2f} to {:.2f}) includes 1: no "
      "difference this data can distinguish",
      r.ratio, reference, level_text(level), r.ratio_interval.low, r.ratio_interval.high);
}

std::string records_text(const StopRecords& r, const std::string& what) {
  std::string out = fmt::format(
      "{}: {} rows read from {} file(s), {} kept, {} dropped; ethnicity "
      "mapped by the {} table.\n",
      what, r.rows_read, r.files.size(), r.stops.size(), r.dropped(),
      file_name(r.ethnicity_source));
  for (const auto& [reason, n] : r.problems) out += fmt::format("  {}: {}\n", reason, n);
  return out;
}

std::string flag_link_text(const FlagLink& f, const StopsOptions& o) {
  std::string s = fmt::format(
      "\nStops in the cells a forecast flagged ({}{}): {} flag periods, {} cells ever flagged; {} "
      "stops used, {} without a location, {} outside the flag periods, {} off the grid.\n",
      f.flags, f.model.empty() ? "" : ", model " + f.model, f.periods, f.flagged_cells, f.used,
      f.no_location, f.outside_periods, f.outside_grid);
  for (const auto& r : f.rows) {
    if (r.group == o.reference || std::isnan(r.odds.interval.low)) continue;
    const bool clear = r.odds.interval.low > 1 || r.odds.interval.high < 1;
    s += fmt::format(
        "  {}: {:.1f}% of stops in flagged cells, {:.1f}% elsewhere; odds ratio {:.2f} "
        "({} interval {:.2f} to {:.2f}){}.\n",
        r.group, 100 * r.share_inside, 100 * r.share_outside, r.odds.ratio, level_text(o.level),
        r.odds.interval.low, r.odds.interval.high,
        clear ? "" : ": no difference this data can distinguish");
  }
  s += "  Flagged places drawing more stops of a group says where officers were sent, not who "
       "offends there.\n";
  return s;
}

std::string summary_text(const StopsResult& res, const StopsOptions& o) {
  std::string s =
      "Stops and searches audit (scrutineer stops). It audits police records; it never "
      "scores a person.\n\n";
  s += records_text(res.records, "Records");
  if (res.outcome_records) s += records_text(*res.outcome_records, "Outcome-test records");
  if (res.rates) {
    const auto& t = *res.rates;
    s += fmt::format(
        "\nDisproportionality: stops in the records' period per 1,000 residents of each group "
        "({} area(s) of {}), ratio to {} with the exact conditional interval (Breslow & Day "
        "1987). A rate over a month is not an annual rate.\n",
        res.population->areas, file_name(res.population->source), t.reference);
    for (const auto& r : t.rows) {
      if (r.group == t.reference || hidden(r.stops, o.min_cell)) continue;
      s += fmt::format("  {}: {:.2f} per 1,000 against {:.2f}: {}.\n", r.group, r.per_1000,
                       std::find_if(t.rows.begin(), t.rows.end(),
                                    [&](const GroupRate& x) { return x.group == t.reference; })
                           ->per_1000,
                       ratio_words(r, t.reference, o.level));
    }
    for (const auto& [g, n] : t.excluded)
      s += fmt::format(
          "  The population group {} ({:.0f} people) has no counterpart in the "
          "records' ethnicity and is excluded from the denominators.\n",
          g, n);
    for (const auto& g : t.no_population)
      s += fmt::format("  The records' group {} has no population column: not rated.\n", g);
  }
  if (res.benchmark_rates) {
    s += fmt::format(
        "\nSensitivity to the denominator ({}): the ratios against the alternative "
        "benchmark are\n",
        file_name(res.benchmark->source));
    for (const auto& r : res.benchmark_rates->rows)
      if (r.group != res.benchmark_rates->reference && !hidden(r.stops, o.min_cell))
        s += fmt::format("  {}: {}.\n", r.group,
                         ratio_words(r, res.benchmark_rates->reference, o.level));
    s += "  A ratio that moves with the benchmark is a statement about the benchmark as much as "
         "about the stops.\n";
  }
  const auto& t = res.outcome;
  s += fmt::format(
      "\nOutcome test (Becker; Knowles, Persico & Todd 2001): share of searches whose outcome "
      "was linked to the object of search. {} searches with a blank 'outcome linked' are "
      "excluded; {} with an outcome but no ethnicity are in no group.\n",
      t.blank, t.missing_group);
  for (const auto& r : t.rows)
    if (r.hits + r.misses > 0 && !hidden(r.hits, o.min_cell) && !hidden(r.misses, o.min_cell))
      s += fmt::format("  {}: {:.1f}% of {} ({} interval {:.1f}% to {:.1f}%).\n", r.group,
                       100 * r.hit_rate, r.hits + r.misses, level_text(o.level),
                       100 * r.interval.low, 100 * r.interval.high);
  s +=
      fmt::format("  Equal hit rates: chi-squared {:.2f} on {} df, p = {:.3g}: {}.\n",
                  t.test.statistic, t.test.df, t.test.p_value,
                  t.test.p_value < 1 - o.level ? "the hit rates differ by more than chance explains"
                                               : "no difference this data can distinguish");
  s += "  Caveat (infra-marginality): average hit rates can differ even when officers apply the "
       "same threshold of suspicion to every group, and be equal when they do not; the threshold "
       "test (Simoiu, Corbett-Davies & Goel 2017) is not built.\n";
  if (res.veil) {
    const auto& v = *res.veil;
    s += fmt::format(
        "\nVeil of darkness (Grogger & Ridgeway 2006): {} stops with a time, a location and a "
        "group; window {:02}:{:02} to {:02}:{:02} local time (earliest and latest civil dusk of "
        "{} at {:.3f}, {:.3f}); {} in the window: {} in daylight, {} in darkness, {} in twilight "
        "(set aside).\n",
        v.usable, std::lround(v.window_start) / 60, std::lround(v.window_start) % 60,
        std::lround(v.window_end) / 60, std::lround(v.window_end) % 60, v.year, v.lat, v.lon,
        v.in_window, v.light, v.dark, v.twilight);
    for (const auto& r : v.rows) {
      if (r.group == o.reference || std::isnan(r.odds.interval.low)) continue;
      const bool clear = r.odds.interval.low > 1 || r.odds.interval.high < 1;
      s += fmt::format(
          "  {}: odds ratio daylight vs darkness {:.2f} ({} interval {:.2f} to "
          "{:.2f}){}.\n",
          r.group, r.odds.ratio, level_text(o.level), r.odds.interval.low, r.odds.interval.high,
          clear ? "" : ": no difference this data can distinguish");
    }
    s += "  Caveats: who is out, and what they do, differs between light and dark; the window "
         "is narrow when the records span a short part of the year; locations are anonymised "
         "points; this is the simple comparison, not a regression with controls.\n";
  }
  if (res.flag_link) s += flag_link_text(*res.flag_link, o);
  return s;
}

}  // namespace

StopsResult run_stops(const StopsOptions& o) {
  check(o);
  StopsResult res;
  res.records = read_stops(o.records, o.read);
  if (!o.outcome_records.empty()) res.outcome_records = read_stops(o.outcome_records, o.read);
  const auto areas = expand_area_codes(o.areas);
  if (!o.population.empty()) {
    res.population = read_population(o.population, o.population_id, areas);
    const auto counts = stops_by_group(res.records);
    res.rates = rate_table(res.records.groups, counts, *res.population, o.reference, o.level);
    for (const auto& [month, c] : stops_by_month(res.records))
      res.trend[month] = rate_table(res.records.groups, c, *res.population, o.reference, o.level);
    if (!o.benchmark.empty()) {
      res.benchmark =
          read_population(o.benchmark, o.benchmark_id,
                          o.benchmark_areas.empty() ? areas : expand_area_codes(o.benchmark_areas));
      res.benchmark_rates =
          rate_table(res.records.groups, counts, *res.benchmark, o.reference, o.level);
    }
  }
  res.outcome = outcome_test(res.outcome_records ? *res.outcome_records : res.records, o.level);
  if (o.veil) {
    auto v = veil_of_darkness(res.records, o.reference, o.level, o.read.time_zone);
    if (v.usable > 0) res.veil = std::move(v);
  }
  if (!o.flag_link.flags.empty())
    res.flag_link = link_flags(res.records, o.flag_link, o.reference, o.level);
  res.summary = summary_text(res, o);
  res.files.emplace_back("summary.txt", res.summary);
  res.files.emplace_back("problems.csv", problems_csv(res.records));
  if (res.outcome_records)
    res.files.emplace_back("outcome_problems.csv", problems_csv(*res.outcome_records));
  if (res.rates) {
    res.files.emplace_back("disproportionality.csv", disproportionality_csv(res, o));
    res.files.emplace_back("trend.csv", trend_csv(res, o));
    std::vector<std::string> labels;
    std::vector<double> values;
    std::vector<Interval> bounds;
    for (const auto& r : res.rates->rows) {
      if (hidden(r.stops, o.min_cell)) continue;
      labels.push_back(r.group);
      values.push_back(r.per_1000);
      bounds.push_back(r.per_1000_interval);
    }
    res.files.emplace_back(
        "rates.svg", interval_chart("Stops per 1,000 residents by group, over the records' period",
                                    labels, values, bounds, "per 1,000"));
  }
  res.files.emplace_back("outcome_test.csv", outcome_csv(res.outcome, o));
  {
    std::vector<std::string> labels;
    std::vector<double> values;
    std::vector<Interval> bounds;
    for (const auto& r : res.outcome.rows) {
      if (r.hits + r.misses == 0 || hidden(r.hits, o.min_cell) || hidden(r.misses, o.min_cell))
        continue;
      labels.push_back(r.group);
      values.push_back(100 * r.hit_rate);
      bounds.push_back({100 * r.interval.low, 100 * r.interval.high});
    }
    res.files.emplace_back(
        "hit_rates.svg", interval_chart("Searches that found what they were for, by group", labels,
                                        values, bounds, "%"));
  }
  if (res.veil) res.files.emplace_back("veil_of_darkness.csv", veil_csv(*res.veil, o));
  if (res.flag_link)
    res.files.emplace_back("flag_link.csv", flag_link_csv(*res.flag_link, o.min_cell));
  return res;
}

void write_stops(const StopsResult& result, const std::filesystem::path& folder) {
  std::vector<std::pair<std::filesystem::path, std::string>> files;
  for (const auto& [name, text] : result.files) files.emplace_back(folder / name, text);
  io::write_text_files(files);
}

}  // namespace scrutineer::stops
