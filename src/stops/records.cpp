// Reading stop records and mapping ethnicity to census groups (stops/records.hpp).
#include "scrutineer/stops/records.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <filesystem>
#include <optional>

#include "scrutineer/core/error.hpp"
#include "scrutineer/core/time.hpp"
#include "scrutineer/io/csv.hpp"

namespace scrutineer::stops {

namespace fs = std::filesystem;

std::vector<std::string> EthnicityMap::groups() const {
  std::vector<std::string> out;
  for (const auto& [category, group] : rows)
    if (!group.empty() && std::find(out.begin(), out.end(), group) == out.end())
      out.push_back(group);
  return out;
}

const std::string* EthnicityMap::find(const std::string& category) const {
  for (const auto& row : rows)
    if (row.first == category) return &row.second;
  return nullptr;
}

EthnicityMap builtin_ethnicity_map(const std::string& name) {
  EthnicityMap m;
  m.source = "built-in " + name;
  if (name == "officer") {
    m.rows = {{"White", "White"}, {"Black", "Black"}, {"Asian", "Asian"}, {"Other", "Other"}};
  } else if (name == "self") {
    const std::string w = "White - ", x = "Mixed/Multiple ethnic groups - ",
                      a = "Asian/Asian British - ", b = "Black/African/Caribbean/Black British - ",
                      o = "Other ethnic group - ";
    m.rows = {{w + "English/Welsh/Scottish/Northern Irish/British", "White"},
              {w + "Irish", "White"},
              {w + "Gypsy or Irish Traveller", "White"},
              {w + "Any other White background", "White"},
              {x + "White and Black Caribbean", "Mixed"},
              {x + "White and Black African", "Mixed"},
              {x + "White and Asian", "Mixed"},
              {x + "Any other Mixed/Multiple ethnic background", "Mixed"},
              {a + "Indian", "Asian"},
              {a + "Pakistani", "Asian"},
              {a + "Bangladeshi", "Asian"},
              {a + "Chinese", "Asian"},
              {a + "Any other Asian background", "Asian"},
              {b + "African", "Black"},
              {b + "Caribbean", "Black"},
              {b + "Any other Black/African/Caribbean background", "Black"},
              {o + "Arab", "Other"},
              {o + "Any other ethnic group", "Other"},
              {o + "Not stated", ""}};
  } else if (name == "opp") {
    m.rows = {{"white", "White"},       {"black", "Black"},
              {"hispanic", "Hispanic"}, {"asian/pacific islander", "Asian"},
              {"other", "Other"},       {"unknown", ""}};
  } else {
    throw ConfigError(fmt::format("no built-in ethnicity map '{}' (officer, self, opp)", name));
  }
  return m;
}

EthnicityMap read_ethnicity_map(const std::string& path) {
  io::CsvReader reader(path);
  const auto category = reader.require_column("category");
  const auto group = reader.require_column("group");
  EthnicityMap m;
  m.source = path;
  io::CsvRecord r;
  while (reader.next(r)) {
    if (!r.problem.empty() || r.size() <= std::max(category, group))
      throw InputError(
          path, r.line, 1,
          "expected category,group, found " + (r.problem.empty() ? "too few fields" : r.problem));
    const std::string c(r[category]);
    if (m.find(c))
      throw InputError(path, r.line, r.columns[category], "category '" + c + "' listed twice");
    m.rows.emplace_back(c, std::string(r[group]));
  }
  if (m.rows.empty()) throw InputError(path, 2, 1, "expected at least one category,group row");
  return m;
}

std::int64_t StopRecords::dropped() const {
  std::int64_t n = 0;
  for (const auto* reason : {"bad date", "unreadable record", "wrong number of fields"}) {
    const auto it = problems.find(reason);
    if (it != problems.end()) n += it->second;
  }
  return n;
}

namespace {

std::string trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
    s.remove_suffix(1);
  return std::string(s);
}

std::optional<double> parse_number(const std::string& s) {
  double v = 0;
  const auto* end = s.data() + s.size();
  const auto [p, ec] = std::from_chars(s.data(), end, v);
  if (ec != std::errc() || p != end || !std::isfinite(v)) return std::nullopt;
  return v;
}

// 1 / 0 / -1 (blank, NA); nullopt for text that is none of these.
std::optional<int> parse_bool(const std::string& s) {
  std::string l(s);
  std::transform(l.begin(), l.end(), l.begin(), [](unsigned char c) { return std::tolower(c); });
  if (l == "true" || l == "1" || l == "yes") return 1;
  if (l == "false" || l == "0" || l == "no") return 0;
  if (l.empty() || l == "na" || l == "nan") return -1;
  return std::nullopt;
}

// "YYYY-MM-DDTHH:MM[:SS]" with "Z", "+HH:MM" or "-HH:MM": the UTC instant; without a suffix,
// nullopt in `utc` and the wall time in `wall`.
struct ParsedTime {
  std::optional<std::int64_t> utc, wall;
};
ParsedTime parse_time_text(const std::string& s) {
  ParsedTime out;
  std::string body = s;
  std::optional<std::int64_t> offset;
  if (s.size() > 19 && (s[19] == '+' || s[19] == '-') && s.size() == 25 && s[22] == ':') {
    int hh = 0, mm = 0;
    const auto h = std::from_chars(s.data() + 20, s.data() + 22, hh);
    const auto m = std::from_chars(s.data() + 23, s.data() + 25, mm);
    if (h.ec != std::errc() || m.ec != std::errc()) return out;
    offset = (s[19] == '-' ? -1 : 1) * (hh * 3600 + mm * 60);
    body = s.substr(0, 19);
  } else if (!s.empty() && s.back() == 'Z') {
    offset = 0;
    body = s.substr(0, s.size() - 1);
  }
  const auto wall = parse_iso_datetime(body);
  if (!wall) return out;
  if (offset)
    out.utc = *wall - *offset;
  else
    out.wall = *wall;
  return out;
}

struct Columns {
  std::optional<std::size_t> date, time, lat, lon, ethnicity, search, hit;
};

Columns find_columns(const io::CsvReader& reader, const ReadOptions& o) {
  Columns c;
  if (o.layout == "police-uk") {
    c.date = reader.require_column("Date");
    c.lat = reader.require_column("Latitude");
    c.lon = reader.require_column("Longitude");
    c.ethnicity = reader.require_column(o.ethnicity == "self" ? "Self-defined ethnicity"
                                                              : "Officer-defined ethnicity");
    c.hit = reader.require_column("Outcome linked to object of search");
    return c;
  }
  const auto want = [&](const std::string& name) -> std::optional<std::size_t> {
    if (name.empty()) return std::nullopt;
    return reader.require_column(name);
  };
  c.date = want(o.date_column);
  if (!c.date) throw ConfigError("stops: the generic layout needs a date column");
  c.time = want(o.time_column);
  c.lat = want(o.lat_column);
  c.lon = want(o.lon_column);
  c.ethnicity = want(o.ethnicity_column);
  if (!c.ethnicity) throw ConfigError("stops: an ethnicity column is needed");
  c.search = want(o.search_column);
  c.hit = want(o.hit_column);
  return c;
}

std::vector<std::string> expand_paths(const std::vector<std::string>& paths) {
  std::vector<std::string> out;
  for (const auto& p : paths) {
    if (fs::is_directory(p)) {
      std::vector<std::string> inside;
      for (const auto& entry : fs::directory_iterator(p))
        if (entry.is_regular_file() && entry.path().extension() == ".csv")
          inside.push_back(entry.path().string());
      std::sort(inside.begin(), inside.end());
      if (inside.empty()) throw IoError(fmt::format("stops: no .csv file in the folder '{}'", p));
      out.insert(out.end(), inside.begin(), inside.end());
    } else {
      out.push_back(p);
    }
  }
  if (out.empty()) throw ConfigError("stops: no records file given");
  return out;
}

class Reader {
 public:
  Reader(const ReadOptions& o, StopRecords& out, const EthnicityMap& map)
      : o_(o), out_(out), map_(map), zone_(o.time_zone) {
    out_.groups = map.groups();
  }

  void read_file(const std::string& path) {
    io::CsvReader reader(path);
    const auto c = find_columns(reader, o_);
    io::CsvRecord r;
    while (reader.next(r)) {
      ++out_.rows_read;
      if (!r.problem.empty()) {
        note("unreadable record", path, r.line, 1, r.problem);
        continue;
      }
      if (r.size() != reader.header().size()) {
        note("wrong number of fields", path, r.line, 1,
             fmt::format("expected {} fields, found {}", reader.header().size(), r.size()));
        continue;
      }
      Stop s;
      if (!read_date(r, c, path, s)) continue;
      read_location(r, c, path, s);
      read_group(r, *c.ethnicity, path, s);
      read_outcome(r, c, path, s);
      out_.stops.push_back(s);
    }
  }

 private:
  void note(const std::string& reason, const std::string& path, std::int64_t line,
            std::int64_t column, const std::string& what) {
    ++out_.problems[reason];
    if (!out_.first_problem.count(reason))
      out_.first_problem[reason] = fmt::format("{}:{}:{}: {}", path, line, column, what);
  }

  bool read_date(const io::CsvRecord& r, const Columns& c, const std::string& path, Stop& s) {
    const auto text = trim(r[*c.date]);
    ParsedTime parsed;
    if (text.size() > 10) {  // a date-time, with or without an offset
      parsed = parse_time_text(text);
    } else {  // a date, plus the local time of day when there is one
      const auto clock = c.time ? trim(r[*c.time]) : std::string();
      s.has_time = !clock.empty() && clock != "NA";
      parsed.wall = parse_iso_datetime(s.has_time ? text + "T" + clock : text);
    }
    if (parsed.utc) {
      s.utc = *parsed.utc;
      s.local = zone_.to_local(s.utc);
    } else if (parsed.wall) {
      s.local = *parsed.wall;
      s.utc = zone_.to_utc(s.local);
    } else {
      note("bad date", path, r.line, r.columns[*c.date],
           fmt::format("expected a date (YYYY-MM-DD, and a time HH:MM[:SS] in the time column, or "
                       "an ISO date-time with an offset), found '{}'",
                       text));
      return false;
    }
    return true;
  }

  void read_location(const io::CsvRecord& r, const Columns& c, const std::string& path, Stop& s) {
    if (!c.lat || !c.lon) return;
    const auto lat_text = trim(r[*c.lat]), lon_text = trim(r[*c.lon]);
    if (lat_text.empty() || lon_text.empty() || lat_text == "NA" || lon_text == "NA") {
      ++out_.problems["no coordinates"];
      return;
    }
    const auto lat = parse_number(lat_text), lon = parse_number(lon_text);
    if (!lat || !lon || std::fabs(*lat) > 90 || std::fabs(*lon) > 180) {
      note("bad coordinates", path, r.line, r.columns[*c.lat],
           fmt::format("expected latitude and longitude in degrees, found '{}', '{}'", lat_text,
                       lon_text));
      return;
    }
    const auto& b = o_.bounds;
    if (!b.empty() && (*lon < b[0] || *lat < b[1] || *lon > b[2] || *lat > b[3])) {
      note("outside bounds", path, r.line, r.columns[*c.lat],
           fmt::format("({}, {}) is outside the bounds {},{},{},{}", *lat, *lon, b[0], b[1], b[2],
                       b[3]));
      return;
    }
    s.has_location = true;
    s.lat = *lat;
    s.lon = *lon;
  }

  void read_group(const io::CsvRecord& r, std::size_t column, const std::string& path, Stop& s) {
    const auto text = trim(r[column]);
    if (text.empty()) {
      ++out_.problems["missing ethnicity"];
      return;
    }
    const auto* group = map_.find(text);
    if (!group) {
      ++out_.unknown_categories[text];
      note("unknown ethnicity category", path, r.line, r.columns[column],
           fmt::format("'{}' is not in the ethnicity map ({})", text, map_.source));
      return;
    }
    if (group->empty()) {
      ++out_.problems["missing ethnicity"];
      return;
    }
    s.group = static_cast<int>(std::find(out_.groups.begin(), out_.groups.end(), *group) -
                               out_.groups.begin());
  }

  void read_outcome(const io::CsvRecord& r, const Columns& c, const std::string& path, Stop& s) {
    if (c.search) {
      const auto v = parse_bool(trim(r[*c.search]));
      if (!v || *v < 0)
        note("bad search flag", path, r.line, r.columns[*c.search],
             fmt::format("expected true or false, found '{}'", trim(r[*c.search])));
      s.searched = v && *v == 1;
    }
    if (!c.hit) return;
    const auto text = trim(r[*c.hit]);
    const auto v = parse_bool(text);
    if (!v)
      note("bad outcome linked", path, r.line, r.columns[*c.hit],
           fmt::format("expected True, False or blank, found '{}'", text));
    s.linked = v ? *v : -1;
  }

  const ReadOptions& o_;
  StopRecords& out_;
  const EthnicityMap& map_;
  TimeZone zone_;
};

void check_options(const ReadOptions& o) {
  if (o.layout != "police-uk" && o.layout != "generic")
    throw ConfigError(
        fmt::format("stops: layout must be police-uk or generic, found '{}'", o.layout));
  if (o.ethnicity != "officer" && o.ethnicity != "self")
    throw ConfigError("stops: ethnicity must be officer or self");
  if (o.layout == "generic" && o.ethnicity != "officer")
    throw ConfigError(
        "stops: ethnicity = self applies to data.police.uk records only; for the generic layout "
        "name the column with ethnicity_column");
  if (!o.bounds.empty() &&
      (o.bounds.size() != 4 || o.bounds[0] >= o.bounds[2] || o.bounds[1] >= o.bounds[3]))
    throw ConfigError("stops: bounds must be min_lon,min_lat,max_lon,max_lat with min < max");
  if (o.layout == "police-uk") {
    const ReadOptions d;
    if (o.date_column != d.date_column || o.time_column != d.time_column ||
        o.lat_column != d.lat_column || o.lon_column != d.lon_column ||
        o.ethnicity_column != d.ethnicity_column || o.search_column != d.search_column ||
        o.hit_column != d.hit_column)
      throw ConfigError(
          "stops: the *_column options apply to the generic layout only (data.police.uk files "
          "have fixed columns): set layout = generic or leave them out");
  }
}

}  // namespace

StopRecords read_stops(const std::vector<std::string>& paths, const ReadOptions& options) {
  check_options(options);
  const auto map = !options.ethnicity_map.empty() ? read_ethnicity_map(options.ethnicity_map)
                   : options.layout == "generic"  ? builtin_ethnicity_map("opp")
                                                  : builtin_ethnicity_map(options.ethnicity);
  StopRecords out;
  out.ethnicity_source = map.source;
  out.files = expand_paths(paths);
  Reader reader(options, out, map);
  for (const auto& file : out.files) reader.read_file(file);
  return out;
}

std::string problems_csv(const StopRecords& records) {
  std::string out = "reason,count,kept,example\n";
  for (const auto& [reason, count] : records.problems) {
    const bool dropped =
        reason == "bad date" || reason == "unreadable record" || reason == "wrong number of fields";
    const auto it = records.first_problem.find(reason);
    out += fmt::format("{},{},{},{}\n", io::csv_field(reason), count, dropped ? "no" : "yes",
                       io::csv_field(it == records.first_problem.end() ? "" : it->second));
  }
  for (const auto& [category, count] : records.unknown_categories)
    out += fmt::format("{},{},yes,\n", io::csv_field("unknown ethnicity category: " + category),
                       count);
  return out;
}

}  // namespace scrutineer::stops
