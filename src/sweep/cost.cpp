// The stated cost estimate of a task (sweep.hpp): input size x periods x models for a backtest,
// days x replicates x mitigations for a feedback loop. Only an order for scheduling.
#include <algorithm>
#include <cstdio>

#include "scrutineer/recipe/recipe.hpp"
#include "scrutineer/sweep/sweep.hpp"

namespace scrutineer::sweep {

namespace {

// Days since 1970-01-01 of a YYYY-MM-DD date (Hinnant's days_from_civil); -1 when unreadable.
long long day_number(const std::string& date) {
  int y = 0, m = 0, d = 0;
  if (std::sscanf(date.c_str(), "%d-%d-%d", &y, &m, &d) != 3) return -1;
  y -= m <= 2;
  const long long era = (y >= 0 ? y : y - 399) / 400;
  const long long yoe = y - era * 400;
  const long long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const long long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

double periods(const recipe::BacktestStage& b) {
  const auto from = day_number(b.from), to = day_number(b.to);
  if (from < 0 || to <= from) return 1;
  const double days = static_cast<double>(to - from);
  switch (b.options.period) {
    case evaluate::PeriodUnit::kMonth:
      return std::max(1.0, days / 30.44);
    case evaluate::PeriodUnit::kWeek:
      return std::max(1.0, days / 7);
    default:
      return days;
  }
}

}  // namespace

double estimate_cost(const std::string& recipe_text, const std::filesystem::path& recipe_file,
                     const std::string& data_dir) {
  const auto r = recipe::parse_recipe_text(recipe_file, recipe_text, data_dir);
  double bytes = 0;
  for (const auto& input : r.inputs) {
    std::error_code ec;
    const auto size = std::filesystem::file_size(input, ec);
    if (!ec) bytes += static_cast<double>(size);
  }
  const double mb = std::max(1.0, bytes / 1e6);
  double cost = 0;
  if (r.backtest.enabled)
    cost +=
        mb * periods(r.backtest) * static_cast<double>(std::max<std::size_t>(1, r.models.size()));
  if (r.feedback.enabled)
    cost += static_cast<double>(r.feedback.options.days * r.feedback.options.replicates) *
            static_cast<double>(r.feedback.options.mitigations.size()) / 1000.0;
  if (r.scores.enabled) cost += mb;
  return cost;
}

}  // namespace scrutineer::sweep
