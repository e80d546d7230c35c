// Disproportionality, the outcome test and the veil of darkness (stops/analysis.hpp).
#include "scrutineer/stops/analysis.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <set>

#include "scrutineer/core/error.hpp"
#include "scrutineer/core/time.hpp"
#include "scrutineer/io/csv.hpp"
#include "scrutineer/stops/solar.hpp"

namespace scrutineer::stops {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// Splits "E09000002" into ("E", 9000002, width 8).
bool split_code(const std::string& code, std::string& prefix, long long& number,
                std::size_t& width) {
  std::size_t i = code.size();
  while (i > 0 && std::isdigit(static_cast<unsigned char>(code[i - 1]))) --i;
  if (i == code.size()) return false;
  prefix = code.substr(0, i);
  width = code.size() - i;
  return std::from_chars(code.data() + i, code.data() + code.size(), number).ec == std::errc();
}

}  // namespace

std::vector<std::string> expand_area_codes(const std::vector<std::string>& items) {
  std::vector<std::string> out;
  for (const auto& item : items) {
    const auto dots = item.find("..");
    if (dots == std::string::npos) {
      out.push_back(item);
      continue;
    }
    std::string p1, p2;
    long long a = 0, b = 0;
    std::size_t w1 = 0, w2 = 0;
    if (!split_code(item.substr(0, dots), p1, a, w1) ||
        !split_code(item.substr(dots + 2), p2, b, w2) || p1 != p2 || w1 != w2 || a > b)
      throw ConfigError(fmt::format(
          "areas: expected a range FIRST..LAST of codes with the same prefix and digits "
          "(E09000002..E09000033), found '{}'",
          item));
    for (long long n = a; n <= b; ++n)
      out.push_back(p1 + fmt::format("{:0{}}", n, static_cast<int>(w1)));
  }
  return out;
}

Population read_population(const std::string& path, const std::string& id_column,
                           const std::vector<std::string>& areas) {
  io::CsvReader reader(path);
  const auto id = reader.require_column(id_column);
  Population out;
  out.source = path;
  const std::set<std::string> wanted(areas.begin(), areas.end());
  std::set<std::string> seen;
  std::vector<std::size_t> numeric;  // columns that hold numbers (decided on the first row)
  io::CsvRecord r;
  bool first = true;
  while (reader.next(r)) {
    if (!r.problem.empty() || r.size() != reader.header().size())
      throw InputError(path, r.line, 1,
                       fmt::format("expected {} fields, found {}", reader.header().size(),
                                   r.problem.empty() ? std::to_string(r.size()) : r.problem));
    if (first) {
      for (std::size_t c = 0; c < r.size(); ++c) {
        double v = 0;
        const auto f = r[c];
        if (c != id && !f.empty() &&
            std::from_chars(f.data(), f.data() + f.size(), v).ptr == f.data() + f.size()) {
          numeric.push_back(c);
          out.groups.push_back(reader.header()[c]);
          out.totals[reader.header()[c]] = 0;
        }
      }
      first = false;
    }
    const std::string code(r[id]);
    if (!wanted.empty() && !wanted.count(code)) continue;
    if (!seen.insert(code).second)
      throw InputError(path, r.line, r.columns[id], "area '" + code + "' listed twice");
    for (const auto c : numeric) {
      double v = 0;
      const auto f = r[c];
      const auto res = std::from_chars(f.data(), f.data() + f.size(), v);
      if (res.ec != std::errc() || res.ptr != f.data() + f.size() || v < 0)
        throw InputError(path, r.line, r.columns[c],
                         fmt::format("expected a count of people, found '{}'", f));
      out.totals[reader.header()[c]] += v;
    }
    ++out.areas;
  }
  for (const auto& a : wanted)
    if (!seen.count(a))
      throw ConfigError(fmt::format("areas: '{}' is not in the population table {}", a, path));
  if (out.groups.empty())
    throw InputError(path, 1, 1, "expected numeric population columns (one per group)");
  return out;
}

RateTable rate_table(const std::vector<std::string>& groups, const std::vector<std::int64_t>& stops,
                     const Population& population, const std::string& reference, double level) {
  RateTable t;
  t.reference = reference;
  for (std::size_t g = 0; g < groups.size(); ++g) {
    const auto it = population.totals.find(groups[g]);
    if (it == population.totals.end()) {
      t.no_population.push_back(groups[g]);
      continue;
    }
    GroupRate row;
    row.group = groups[g];
    row.stops = stops[g];
    row.population = it->second;
    row.per_1000 =
        row.population > 0 ? 1000.0 * static_cast<double>(row.stops) / row.population : kNaN;
    const auto count = poisson_interval(row.stops, level);
    row.per_1000_interval = {1000 * count.low / row.population, 1000 * count.high / row.population};
    t.rows.push_back(row);
  }
  for (const auto& g : population.groups)
    if (std::find(groups.begin(), groups.end(), g) == groups.end())
      t.excluded.emplace_back(g, population.totals.at(g));
  const auto ref = std::find_if(t.rows.begin(), t.rows.end(),
                                [&](const GroupRate& r) { return r.group == reference; });
  if (ref == t.rows.end())
    throw ConfigError(fmt::format(
        "reference: '{}' is not a group of both the stops and the population table", reference));
  const auto ref_stops = ref->stops;
  const auto ref_population = ref->population, ref_rate = ref->per_1000;
  for (auto& row : t.rows) {
    row.ratio = ref_rate > 0 ? row.per_1000 / ref_rate : kNaN;
    // The reference against itself has ratio 1 and no interval.
    row.ratio_interval =
        row.group == reference
            ? Interval{kNaN, kNaN}
            : rate_ratio_interval(row.stops, row.population, ref_stops, ref_population, level);
  }
  return t;
}

std::vector<std::int64_t> stops_by_group(const StopRecords& records) {
  std::vector<std::int64_t> out(records.groups.size(), 0);
  for (const auto& s : records.stops)
    if (s.group >= 0) ++out[static_cast<std::size_t>(s.group)];
  return out;
}

std::map<std::string, std::vector<std::int64_t>> stops_by_month(const StopRecords& records) {
  std::map<std::string, std::vector<std::int64_t>> out;
  for (const auto& s : records.stops) {
    if (s.group < 0) continue;
    const auto month = format_iso_date(s.local).substr(0, 7);
    auto& counts = out[month];
    counts.resize(records.groups.size(), 0);
    ++counts[static_cast<std::size_t>(s.group)];
  }
  return out;
}

OutcomeTest outcome_test(const StopRecords& records, double level) {
  OutcomeTest t;
  t.rows.resize(records.groups.size());
  for (std::size_t g = 0; g < records.groups.size(); ++g) t.rows[g].group = records.groups[g];
  for (const auto& s : records.stops) {
    if (!s.searched) continue;
    if (s.linked < 0) ++t.blank;
    if (s.group < 0) {
      if (s.linked >= 0) ++t.missing_group;
      continue;
    }
    auto& row = t.rows[static_cast<std::size_t>(s.group)];
    ++row.searches;
    if (s.linked == 1) ++row.hits;
    if (s.linked == 0) ++row.misses;
    if (s.linked < 0) ++row.blank;
  }
  std::vector<std::int64_t> k, n;
  for (auto& row : t.rows) {
    const auto decided = row.hits + row.misses;
    row.hit_rate =
        decided > 0 ? static_cast<double>(row.hits) / static_cast<double>(decided) : kNaN;
    row.interval = decided > 0 ? clopper_pearson(row.hits, decided, level) : Interval{kNaN, kNaN};
    k.push_back(row.hits);
    n.push_back(decided);
  }
  t.test = chi_squared_equal_proportions(k, n);
  return t;
}

namespace {

// Local clock minutes after midnight of a UTC instant.
double clock_minutes(std::int64_t local_seconds) {
  const auto day =
      local_seconds -
      static_cast<std::int64_t>(std::floor(static_cast<double>(local_seconds) / 86400.0)) * 86400;
  return static_cast<double>(day) / 60.0;
}

std::int64_t floor_day(std::int64_t seconds) {
  return static_cast<std::int64_t>(std::floor(static_cast<double>(seconds) / 86400.0));
}

}  // namespace

VeilResult veil_of_darkness(const StopRecords& records, const std::string& reference, double level,
                            const std::string& time_zone) {
  VeilResult v;
  std::vector<const Stop*> usable;
  for (const auto& s : records.stops)
    if (s.has_time && s.has_location && s.group >= 0) {
      usable.push_back(&s);
      v.lat += s.lat;
      v.lon += s.lon;
    }
  v.usable = static_cast<std::int64_t>(usable.size());
  const auto ref = std::find(records.groups.begin(), records.groups.end(), reference);
  if (usable.empty() || ref == records.groups.end()) return v;
  v.lat /= static_cast<double>(usable.size());
  v.lon /= static_cast<double>(usable.size());
  const TimeZone zone(time_zone);
  // The window: the earliest and latest civil dusk of the year, in local clock time.
  const auto first_day = floor_day(usable.front()->local);
  v.year = static_cast<int>(civil_from_seconds(first_day * 86400).year);
  const auto jan1 = days_from_civil(v.year, 1, 1), next = days_from_civil(v.year + 1, 1, 1);
  v.window_start = 24 * 60;
  v.window_end = 0;
  for (auto day = jan1; day < next; ++day) {
    const auto dusk = sun_event_utc(day, v.lat, v.lon, kCivilDuskZenith);
    if (!dusk) continue;
    const double m = clock_minutes(zone.to_local(*dusk));
    v.window_start = std::min(v.window_start, m);
    v.window_end = std::max(v.window_end, m);
  }
  const auto r = static_cast<int>(ref - records.groups.begin());
  std::vector<std::int64_t> light(records.groups.size(), 0), dark(records.groups.size(), 0);
  for (const auto* s : usable) {
    const double m = clock_minutes(s->local);
    if (m < v.window_start || m > v.window_end) continue;
    ++v.in_window;
    const auto day = floor_day(s->local);  // the local date: its UTC day holds its sunset
    const auto sunset = sun_event_utc(day, s->lat, s->lon, kSunsetZenith);
    const auto dusk = sun_event_utc(day, s->lat, s->lon, kCivilDuskZenith);
    if (!sunset || !dusk) continue;
    if (s->utc < *sunset) {
      ++v.light;
      ++light[static_cast<std::size_t>(s->group)];
    } else if (s->utc > *dusk) {
      ++v.dark;
      ++dark[static_cast<std::size_t>(s->group)];
    } else {
      ++v.twilight;
    }
  }
  for (std::size_t g = 0; g < records.groups.size(); ++g) {
    VeilRow row;
    row.group = records.groups[g];
    row.light = light[g];
    row.dark = dark[g];
    row.share_light =
        v.light > 0 ? static_cast<double>(light[g]) / static_cast<double>(v.light) : kNaN;
    row.share_dark = v.dark > 0 ? static_cast<double>(dark[g]) / static_cast<double>(v.dark) : kNaN;
    const auto rr = static_cast<std::size_t>(r);
    row.odds = woolf_odds_ratio(light[g], light[rr], dark[g], dark[rr], level);
    if (g == rr) row.odds.interval = {kNaN, kNaN};  // the reference against itself
    v.rows.push_back(row);
  }
  return v;
}

}  // namespace scrutineer::stops
