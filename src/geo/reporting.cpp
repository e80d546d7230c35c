// Reporting rates by area (Akpinar et al. 2021, FAccT), read from a CSV.
#include "scrutineer/geo/reporting.hpp"

#include <fmt/format.h>

#include <charconv>

#include "scrutineer/core/error.hpp"
#include "scrutineer/io/csv.hpp"

namespace scrutineer::geo {

namespace {

bool parse_rate(std::string_view text, double& value) {
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  return ec == std::errc() && end == text.data() + text.size() && value > 0 && value <= 1;
}

}  // namespace

std::vector<double> read_reporting_rates(const std::string& path, const std::string& id_column,
                                         const std::string& rate_column, const geo::Areas& areas,
                                         std::vector<std::string>& notes) {
  io::CsvReader csv(path);
  const auto id_k = csv.require_column(id_column), rate_k = csv.require_column(rate_column);
  std::vector<double> rate(areas.size(), 0);  // 0 = not named yet
  std::int64_t unknown = 0;
  io::CsvRecord rec;
  while (csv.next(rec)) {
    if (std::max(id_k, rate_k) >= rec.size())
      throw InputError(
          path, rec.line, 1,
          fmt::format("expected {} fields, found {}", csv.header().size(), rec.size()));
    const auto a = areas.find(rec[id_k]);
    if (!a) {
      ++unknown;
      continue;
    }
    if (rate[*a] > 0)
      throw InputError(path, rec.line, rec.columns[id_k],
                       fmt::format("area '{}' has a reporting rate already", rec[id_k]));
    if (!parse_rate(rec[rate_k], rate[*a]))
      throw InputError(path, rec.line, rec.columns[rate_k],
                       fmt::format("expected a reporting rate in (0, 1], found '{}'", rec[rate_k]));
  }
  std::int64_t missing = 0;
  for (auto& r : rate)
    if (r == 0) {
      r = 1;
      ++missing;
    }
  if (missing > 0)
    notes.push_back(fmt::format(
        "{} areas have no reporting rate in {}: their recorded crime is taken as true (rate 1)",
        missing, path));
  if (unknown > 0)
    notes.push_back(
        fmt::format("{} rows of {} name areas that are not in the areas file", unknown, path));
  return rate;
}

}  // namespace scrutineer::geo
