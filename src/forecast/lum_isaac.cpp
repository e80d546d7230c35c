// Lum & Isaac's (2016) daily PredPol refits on Oakland drug crimes, as their apply_predpol.py and
// predpol.py run them, on top of the grid SEPP EM (Mohler et al. 2015).
#include "scrutineer/forecast/lum_isaac.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <filesystem>

#include "scrutineer/core/error.hpp"
#include "scrutineer/core/progress.hpp"
#include "scrutineer/core/time.hpp"
#include "scrutineer/io/atomic_file.hpp"
#include "scrutineer/io/csv.hpp"

namespace scrutineer::forecast {

SeppGridOptions lum_isaac_em_options() {
  SeppGridOptions o;
  o.theta0 = o.omega0 = o.mu0 = 1.0;
  o.tol_omega = 1e-5;
  o.tol_theta = 1e-5;
  o.tol_mu = 1e-4;
  o.stop = SeppGridStop::kAny;
  o.edge_corrected = false;
  o.max_iterations = 100000;
  return o;
}

namespace {

template <typename T>
bool parse_int(std::string_view s, T& out) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && p == s.data() + s.size() && !s.empty();
}

// mm/dd/yy with the two-digit year read as strptime's %y does: 00-68 -> 20yy, 69-99 -> 19yy.
bool parse_mdy(std::string_view s, std::int64_t& day) {
  if (s.size() != 8 || s[2] != '/' || s[5] != '/') return false;
  unsigned m = 0, d = 0, y = 0;
  if (!parse_int(s.substr(0, 2), m) || !parse_int(s.substr(3, 2), d) ||
      !parse_int(s.substr(6, 2), y))
    return false;
  const std::int64_t year = y <= 68 ? 2000 + y : 1900 + y;
  if (m < 1 || m > 12 || d < 1 || d > 31) return false;
  day = days_from_civil(year, m, d);
  const auto back = civil_from_seconds(day * kSecondsPerDay);
  return back.month == m && back.day == d;
}

std::int64_t parse_iso_day(const std::string& text, const char* what) {
  const auto s = parse_iso_datetime(text);
  if (!s) throw ConfigError(fmt::format("{} must be a date YYYY-MM-DD; got '{}'", what, text));
  return *s / kSecondsPerDay;
}

}  // namespace

OaklandRecords read_oakland_records(const std::string& path) {
  OaklandRecords result;
  io::CsvReader reader(path);
  const auto bin_col = reader.require_column("bin");
  const auto date_col = reader.require_column("OCCURRED");
  auto& out = result.records;
  io::CsvRecord rec;
  while (reader.next(rec)) {
    ++result.rows;
    const auto need = std::max(bin_col, date_col) + 1;
    if (rec.size() < need)
      throw InputError(path, rec.line, 1,
                       fmt::format("expected at least {} fields, found {}", need, rec.size()));
    OaklandRecord r{};
    if (!parse_mdy(rec[date_col], r.day))
      throw InputError(
          path, rec.line, rec.columns[date_col],
          fmt::format("expected a date mm/dd/yy in OCCURRED, found '{}'", rec[date_col]));
    if (rec[bin_col] == "NA" || rec[bin_col].empty()) {
      ++result.rows_na_bin;
      continue;
    }
    if (!parse_int(rec[bin_col], r.bin) || r.bin < 1)
      throw InputError(path, rec.line, rec.columns[bin_col],
                       fmt::format("expected a bin number >= 1 or NA, found '{}'", rec[bin_col]));
    result.max_bin = std::max(result.max_bin, r.bin);
    out.push_back(r);
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const OaklandRecord& a, const OaklandRecord& b) { return a.day < b.day; });
  return result;
}

LumIsaacResult run_lum_isaac(const LumIsaacOptions& options) {
  if (options.window_days < 1 || options.top_k < 0)
    throw ConfigError(fmt::format("lum-isaac: window must be >= 1 day and top >= 0; got {} and {}",
                                  options.window_days, options.top_k));
  const auto first = parse_iso_day(options.first_date, "--first");
  const auto last = parse_iso_day(options.last_date, "--last");
  if (last < first) throw ConfigError("lum-isaac: --last is before --first");
  LumIsaacResult result;
  const auto read = read_oakland_records(options.crimes_csv);
  const auto& records = read.records;
  result.rows = read.rows;
  result.rows_na_bin = read.rows_na_bin;
  const int bins = options.bins > 0 ? options.bins : read.max_bin;
  const auto ndays = static_cast<std::size_t>(last - first + 1);
  result.intensity.assign(static_cast<std::size_t>(bins), std::vector<double>(ndays, 0.0));
  result.observed.assign(static_cast<std::size_t>(bins), std::vector<std::int64_t>(ndays, 0));
  for (const auto& r : records)
    if (r.day >= first && r.day <= last && r.bin <= bins)
      ++result
            .observed[static_cast<std::size_t>(r.bin - 1)][static_cast<std::size_t>(r.day - first)];

  const double T = options.window_days;
  Progress progress("lum-isaac", static_cast<std::int64_t>(ndays));
  std::vector<std::vector<double>> cell_times(static_cast<std::size_t>(bins));
  for (std::size_t k = 0; k < ndays; ++k) {
    const std::int64_t D = first + static_cast<std::int64_t>(k), start = D - options.window_days;
    for (auto& c : cell_times) c.clear();
    LumIsaacDay day;
    day.date = format_iso_date(D * kSecondsPerDay);
    // Records are sorted by day, so each bin's times come out sorted.
    const auto lo =
        std::lower_bound(records.begin(), records.end(), start,
                         [](const OaklandRecord& r, std::int64_t d) { return r.day < d; });
    for (auto it = lo; it != records.end() && it->day < D; ++it) {
      if (it->bin > bins) continue;
      cell_times[static_cast<std::size_t>(it->bin - 1)].push_back(
          static_cast<double>(it->day - start));
      ++day.events;
    }
    const auto fit = fit_sepp_grid(cell_times, T, options.em);
    day.theta = fit.theta;
    day.omega = fit.omega;
    day.iterations = fit.iterations;
    day.converged = fit.converged;
    const auto lambda = sepp_grid_intensity(fit, cell_times, T);  // at t = D
    std::vector<int> ranked;
    for (int n = 0; n < bins; ++n) {
      if (cell_times[static_cast<std::size_t>(n)].empty()) continue;  // scores 0, never flagged
      result.intensity[static_cast<std::size_t>(n)][k] = lambda[static_cast<std::size_t>(n)];
      ranked.push_back(n);
    }
    // predpol.py sorts (rate, bin) pairs in reverse: equal rates put the higher bin first.
    std::sort(ranked.begin(), ranked.end(), [&](int a, int b) {
      const double la = lambda[static_cast<std::size_t>(a)],
                   lb = lambda[static_cast<std::size_t>(b)];
      return la != lb ? la > lb : a > b;
    });
    const auto k_top =
        std::min<std::size_t>(ranked.size(), static_cast<std::size_t>(options.top_k));
    for (std::size_t i = 0; i < k_top; ++i) day.top.push_back(ranked[i] + 1);
    result.days.push_back(std::move(day));
    progress.advance();
  }
  progress.finish();
  return result;
}

void write_lum_isaac(const LumIsaacResult& result, const std::string& out_dir) {
  std::filesystem::create_directories(out_dir);
  const std::filesystem::path dir(out_dir);
  std::string header = "bin";
  for (const auto& d : result.days) header += "," + d.date;
  header += "\n";
  std::string lambda = header, observed = header;
  for (std::size_t n = 0; n < result.intensity.size(); ++n) {
    lambda += std::to_string(n + 1);
    observed += std::to_string(n + 1);
    for (std::size_t k = 0; k < result.days.size(); ++k) {
      lambda += fmt::format(",{:.17g}", result.intensity[n][k]);
      observed += fmt::format(",{}", result.observed[n][k]);
    }
    lambda += "\n";
    observed += "\n";
  }
  std::string params = "date,theta,omega,iterations,converged,events\n",
              top = "date,rank,bin,intensity\n";
  for (std::size_t k = 0; k < result.days.size(); ++k) {
    const auto& d = result.days[k];
    params += fmt::format("{},{:.17g},{:.17g},{},{},{}\n", d.date, d.theta, d.omega, d.iterations,
                          d.converged ? "true" : "false", d.events);
    for (std::size_t r = 0; r < d.top.size(); ++r)
      top += fmt::format("{},{},{},{:.17g}\n", d.date, r + 1, d.top[r],
                         result.intensity[static_cast<std::size_t>(d.top[r] - 1)][k]);
  }
  io::write_text_file(dir / "oakland_intensities.csv", lambda);
  io::write_text_file(dir / "oakland_observed.csv", observed);
  io::write_text_file(dir / "oakland_params.csv", params);
  io::write_text_file(dir / "oakland_top.csv", top);
}

}  // namespace scrutineer::forecast
