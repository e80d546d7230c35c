// Lum & Isaac's (2016, Significance 13(5)) feedback loop: grid SEPP (Mohler et al. 2015) refitted
// daily on records that include the extra records its own flags produced.
#include "scrutineer/feedback/lum_isaac_loop.hpp"

#include <fmt/format.h>
#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>

#include <algorithm>

#include "scrutineer/core/error.hpp"
#include "scrutineer/core/progress.hpp"
#include "scrutineer/core/random.hpp"
#include "scrutineer/core/time.hpp"
#include "scrutineer/feedback/measures.hpp"
#include "scrutineer/forecast/lum_isaac.hpp"

namespace scrutineer::feedback {

LumIsaacLoopOptions::LumIsaacLoopOptions() : em(forecast::lum_isaac_em_options()) {}

BinDays read_oakland_bin_days(const std::string& crimes_csv, const std::string& first_date,
                              const std::string& last_date, int window_days) {
  const auto first = parse_iso_datetime(first_date);
  if (!first)
    throw ConfigError(fmt::format("first date: expected YYYY-MM-DD, found '{}'", first_date));
  if (window_days < 1) throw ConfigError("window: expected at least 1 day");
  const auto last = parse_iso_datetime(last_date);
  if (!last)
    throw ConfigError(fmt::format("last date: expected YYYY-MM-DD, found '{}'", last_date));
  const std::int64_t from = *first / kSecondsPerDay - window_days, to = *last / kSecondsPerDay;
  if (to < *first / kSecondsPerDay) throw ConfigError("last date: expected on or after the first");
  const auto read = forecast::read_oakland_records(crimes_csv);
  BinDays out;
  out.counts.assign(static_cast<std::size_t>(read.max_bin),
                    std::vector<std::int64_t>(static_cast<std::size_t>(to - from + 1), 0));
  for (const auto& r : read.records)
    if (r.day >= from && r.day <= to)
      ++out.counts[static_cast<std::size_t>(r.bin - 1)][static_cast<std::size_t>(r.day - from)];
  for (std::int64_t d = *first / kSecondsPerDay; d <= to; ++d)
    out.dates.push_back(format_iso_date(d * kSecondsPerDay));
  return out;
}

namespace {

// Fit window of prediction day k: data days k .. k + window − 1, time = day offset in the window.
void window_times(const BinDays& data, std::size_t k, int window,
                  std::vector<std::vector<double>>& times) {
  for (std::size_t n = 0; n < data.counts.size(); ++n) {
    auto& t = times[n];
    t.clear();
    for (int i = 0; i < window; ++i)
      t.insert(t.end(), static_cast<std::size_t>(data.counts[n][k + static_cast<std::size_t>(i)]),
               static_cast<double>(i));
  }
}

}  // namespace

LumIsaacRun lum_isaac_run(BinDays data, const LumIsaacLoopOptions& o, double p,
                          std::uint64_t replicate) {
  if (data.counts.empty()) throw ConfigError("lum-isaac loop: no bins");
  const auto bins = data.counts.size();
  const auto total_days = data.counts[0].size();
  const auto window = static_cast<std::size_t>(o.window_days);
  if (total_days <= window)
    throw ConfigError(fmt::format("lum-isaac loop: expected more than {} days of records, found {}",
                                  window, total_days));
  const std::size_t days = total_days - window;
  Rng rng(o.seed, replicate);
  LumIsaacRun run;
  run.days_flagged.assign(bins, 0);
  std::vector<std::int64_t> count_of{static_cast<std::int64_t>(bins)};
  double distinct = 0;
  std::vector<std::vector<double>> times(bins);
  for (std::size_t k = 0; k < days; ++k) {
    window_times(data, k, o.window_days, times);
    const auto fit = forecast::fit_sepp_grid(times, static_cast<double>(o.window_days), o.em);
    const auto lambda =
        forecast::sepp_grid_intensity(fit, times, static_cast<double>(o.window_days));
    std::vector<int> ranked;
    double window_total = 0;
    for (std::size_t n = 0; n < bins; ++n) {
      window_total += static_cast<double>(times[n].size());
      if (!times[n].empty()) ranked.push_back(static_cast<int>(n));
    }
    std::sort(ranked.begin(), ranked.end(), [&](int a, int b) {
      const double la = lambda[static_cast<std::size_t>(a)],
                   lb = lambda[static_cast<std::size_t>(b)];
      return la != lb ? la > lb : a > b;
    });
    ranked.resize(std::min(ranked.size(), static_cast<std::size_t>(o.top_k)));
    std::vector<int> top;
    double added = 0, in_flagged = 0, window_flagged = 0;
    const std::size_t today = k + window;
    for (int n : ranked) {
      auto& recorded = data.counts[static_cast<std::size_t>(n)][today];
      // Lum & Isaac: Binomial(records that day + 1, p) extra records, dated that day.
      const auto extra = p > 0 ? rng.binomial(recorded + 1, p) : 0;
      recorded += extra;
      added += static_cast<double>(extra);
      in_flagged += static_cast<double>(recorded);
      window_flagged += static_cast<double>(times[static_cast<std::size_t>(n)].size());
      top.push_back(n + 1);
      auto& flagged = run.days_flagged[static_cast<std::size_t>(n)];
      if (flagged == 0) distinct += 1;
      --count_of[static_cast<std::size_t>(flagged)];
      ++flagged;
      if (count_of.size() <= static_cast<std::size_t>(flagged)) count_of.resize(flagged + 1, 0);
      ++count_of[static_cast<std::size_t>(flagged)];
    }
    run.top.push_back(std::move(top));
    run.added.push_back(added);
    run.flagged_records.push_back(in_flagged);
    run.window_share_flagged.push_back(window_total > 0 ? window_flagged / window_total : 0);
    run.gini_days_flagged.push_back(gini_of_counts(count_of, static_cast<std::int64_t>(bins)));
    run.distinct_bins.push_back(distinct);
  }
  return run;
}

LumIsaacLoopResult run_lum_isaac_loop(const BinDays& data, const LumIsaacLoopOptions& o) {
  if (!(o.p >= 0 && o.p <= 1))
    throw ConfigError(fmt::format("p: expected a probability in [0, 1], found {}", o.p));
  if (o.top_k < 1) throw ConfigError("top: expected at least 1 bin");
  if (o.replicates < 1) throw ConfigError("replicates: expected at least 1");
  LumIsaacLoopResult result;
  result.dates = data.dates;
  result.p = o.p;
  Progress progress("lum-isaac loop", o.replicates + 1, o.progress);
  result.runs.resize(static_cast<std::size_t>(o.replicates));
  tbb::parallel_for(tbb::blocked_range<std::int64_t>(-1, o.replicates, 1), [&](const auto& range) {
    for (std::int64_t r = range.begin(); r != range.end(); ++r) {
      if (r < 0)
        result.plain = lum_isaac_run(data, o, 0.0, 0);
      else
        result.runs[static_cast<std::size_t>(r)] =
            lum_isaac_run(data, o, o.p, static_cast<std::uint64_t>(r));
      progress.advance();
    }
  });
  progress.finish();
  return result;
}

}  // namespace scrutineer::feedback
