// read_events: the format and its columns (plan.cpp), every row read and checked (rows.cpp), the
// coordinates projected (project.cpp), duplicates found; then the events sorted by time and the
// read report.
#include "scrutineer/ingest/ingest.hpp"

#include <fmt/format.h>
#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>
#include <tbb/parallel_invoke.h>

#include <algorithm>
#include <array>
#include <limits>
#include <memory>
#include <optional>

#include "reader.hpp"
#include "scrutineer/core/error.hpp"
#include "scrutineer/geo/crs.hpp"

namespace scrutineer::ingest {

namespace detail {

void Drops::count(DropReason reason, std::int64_t line) {
  if (log_) {
    log_->emplace_back(reason, line);
    return;
  }
  auto& r = report_->dropped[static_cast<std::size_t>(reason)];
  ++r.count;
  if (r.first_lines.size() < options_.example_lines) r.first_lines.push_back(line);
}

void Drops::fail(std::int64_t line, std::int64_t column, const std::string& message) const {
  throw InputError(input_.path(), line, column, message);
}

void Drops::bad_record(DropReason reason, const io::CsvRecord& rec, int column,
                       const std::string& what) {
  if (options_.strict) {
    std::int64_t col = 0;
    if (column != kNone && static_cast<std::size_t>(column) < rec.columns.size())
      col = rec.columns[static_cast<std::size_t>(column)];
    const std::string where =
        column == kNone
            ? std::string("the row")
            : fmt::format("column '{}'", input_.header()[static_cast<std::size_t>(column)]);
    fail(rec.line, col, fmt::format("{} ({}): {}", to_string(reason), where, what));
  }
  count(reason, rec.line);
}

void Drops::bad_line(DropReason reason, std::int64_t line,
                     const std::function<std::string()>& what) {
  if (options_.strict) fail(line, 0, fmt::format("{}: {}", to_string(reason), what()));
  count(reason, line);
}

}  // namespace detail

namespace {

using detail::Rows;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// Stable LSD radix sort of row indices by time, 16 bits a pass over (t - min t): a year of
// seconds needs two passes, so it beats a comparison sort on millions of unordered rows.
void radix_sort_by_time(std::vector<std::size_t>& order, const std::vector<std::int64_t>& t) {
  std::int64_t lo = t[order.front()], hi = lo;
  for (auto i : order) lo = std::min(lo, t[i]), hi = std::max(hi, t[i]);
  const auto span = static_cast<std::uint64_t>(hi) - static_cast<std::uint64_t>(lo);
  std::vector<std::pair<std::uint64_t, std::size_t>> a(order.size()), b(order.size());
  for (std::size_t k = 0; k < order.size(); ++k)
    a[k] = {static_cast<std::uint64_t>(t[order[k]]) - static_cast<std::uint64_t>(lo), order[k]};
  for (unsigned shift = 0; shift < 64 && (span >> shift) != 0; shift += 16) {
    std::vector<std::size_t> count(65537, 0);
    for (const auto& e : a) ++count[((e.first >> shift) & 0xFFFF) + 1];
    for (std::size_t d = 1; d < count.size(); ++d) count[d] += count[d - 1];
    for (const auto& e : a) b[count[(e.first >> shift) & 0xFFFF]++] = e;
    a.swap(b);
  }
  for (std::size_t k = 0; k < order.size(); ++k) order[k] = a[k].second;
}

// "3 bad_time (first at line 4), 1 missing_coordinates (first at line 9)".
std::string drop_summary(const ReadReport& report) {
  std::string why;
  for (std::size_t k = 0; k < kDropReasons; ++k)
    if (report.dropped[k].count)
      why += fmt::format("{}{} {} (first at line {})", why.empty() ? "" : ", ",
                         report.dropped[k].count, to_string(static_cast<DropReason>(k)),
                         report.dropped[k].first_lines.front());
  return why;
}

// The kept rows by time, then file order among equal times (so the order never depends on the
// sort algorithm); exports already in time order are left as they are.
std::vector<std::size_t> kept_in_time_order(const Rows& rows) {
  std::vector<std::size_t> order;
  order.reserve(rows.size());
  for (std::size_t i = 0; i < rows.size(); ++i)
    if (!rows.drop[i]) order.push_back(i);
  if (order.empty()) return order;
  const auto earlier = [&](std::size_t i, std::size_t j) {
    return rows.t[i] != rows.t[j] ? rows.t[i] < rows.t[j] : i < j;
  };
  if (!std::is_sorted(order.begin(), order.end(), earlier)) radix_sort_by_time(order, rows.t);
  return order;
}

// The events in `order`, their categories renumbered in order of first use; returns the count of
// each category. The columns are filled in parallel, each value from its own row.
std::vector<std::int64_t> gather_events(Rows& rows, const std::vector<std::size_t>& order,
                                        bool located, ReadResult& result) {
  const auto& names = rows.categories.names();
  std::vector<std::int32_t> remap(names.size(), -1);
  std::vector<std::int64_t> counts;
  EventSet& ev = result.events;
  for (auto i : order) {
    auto& c = remap[static_cast<std::size_t>(rows.category[i])];
    if (c < 0) {
      c = static_cast<std::int32_t>(ev.categories.size());
      ev.categories.push_back(names[static_cast<std::size_t>(rows.category[i])]);
      counts.push_back(0);
    }
    ++counts[static_cast<std::size_t>(c)];
  }
  const std::size_t n = order.size();
  const bool cells = !rows.cell.empty();
  tbb::parallel_invoke([&] { ev.t.resize(n); }, [&] { ev.x.resize(n); }, [&] { ev.y.resize(n); },
                       [&] { ev.category.resize(n); }, [&] { ev.source_row.resize(n); },
                       [&] { result.cell.resize(cells ? n : 0); });
  tbb::parallel_for(tbb::blocked_range<std::size_t>(0, n, 1 << 14), [&](const auto& r) {
    for (std::size_t k = r.begin(); k != r.end(); ++k) {
      const auto i = order[k];
      ev.t[k] = rows.t[i];
      ev.x[k] = located ? rows.a[i] : kNaN;
      ev.y[k] = located ? rows.b[i] : kNaN;
      ev.category[k] = remap[static_cast<std::size_t>(rows.category[i])];
      ev.source_row[k] = rows.line[i];
      if (cells) result.cell[k] = rows.cell[i];
    }
  });
  return counts;
}

void gather_kept(Rows& rows, const std::vector<std::size_t>& order,
                 const std::vector<std::string>& names, ReadResult& result) {
  for (std::size_t k = 0; k < names.size(); ++k) {
    KeptColumn column{names[k], {}};
    column.values.reserve(order.size());
    for (auto i : order) column.values.push_back(std::move(rows.kept[i][k]));
    result.kept.push_back(std::move(column));
  }
}

// The report's time span, bounding box and categories (largest first).
void summarise(const EventSet& ev, const std::vector<std::int64_t>& counts, ReadReport& report) {
  report.t_min = ev.t.front();
  report.t_max = ev.t.back();
  if (!report.target_crs.empty()) {
    report.xmin = *std::min_element(ev.x.begin(), ev.x.end());
    report.xmax = *std::max_element(ev.x.begin(), ev.x.end());
    report.ymin = *std::min_element(ev.y.begin(), ev.y.end());
    report.ymax = *std::max_element(ev.y.begin(), ev.y.end());
  }
  for (std::size_t c = 0; c < counts.size(); ++c)
    report.categories.emplace_back(ev.categories[c], counts[c]);
  std::stable_sort(report.categories.begin(), report.categories.end(),
                   [](const auto& p, const auto& q) {
                     return p.second != q.second ? p.second > q.second : p.first < q.first;
                   });
}

ReadResult read(detail::Input& input, const ReadOptions& options) {
  ReadResult result;
  ReadReport& report = result.report;
  report.path = input.path();
  detail::Drops drops(input, options, report);
  detail::Plan plan = detail::make_plan(input, options, report);
  // PROJ's search for the projection's operation runs while the rows are read.
  std::optional<geo::TransformSearch> search;
  if (!options.target_crs.empty() && (plan.lon != detail::kNone || !plan.source_crs.empty()))
    search.emplace(plan.lon != detail::kNone ? "EPSG:4326" : plan.source_crs, options.target_crs);
  Rows rows = detail::read_rows(input, plan, options, drops, report);
  if (report.rows_read == 0)
    drops.fail(2, 0, "no data rows after the header: expected at least one record");
  detail::check_extent(rows, drops);
  result.events.crs = detail::project(rows, plan, options, drops, input.path(), report);
  detail::mark_duplicates(rows, input, options, drops, report);

  const std::vector<std::size_t> order = kept_in_time_order(rows);
  for (const auto& r : report.dropped) report.rows_dropped += r.count;
  report.rows_kept = static_cast<std::int64_t>(order.size());
  if (order.empty())
    drops.fail(0, 0,
               fmt::format("none of the {} data rows could be used: {}", report.rows_read,
                           drop_summary(report)));
  const auto counts = gather_events(rows, order, !report.target_crs.empty(), result);
  gather_kept(rows, order, report.columns_kept, result);
  result.events.resolution = report.resolution;
  // An events CSV holds UTC times but keeps the zone of the original source's local days.
  result.events.time_zone = plan.event_zone.empty() ? plan.zone : plan.event_zone;
  summarise(result.events, counts, report);
  return result;
}

}  // namespace

std::string_view to_string(DropReason reason) {
  static constexpr std::array<std::string_view, kDropReasons> kNames{"unterminated_quote",
                                                                     "field_too_long",
                                                                     "wrong_column_count",
                                                                     "invalid_utf8",
                                                                     "bad_time",
                                                                     "missing_coordinates",
                                                                     "out_of_range_coordinates",
                                                                     "swapped_lat_lon",
                                                                     "bad_cell",
                                                                     "projection_failed",
                                                                     "duplicate"};
  return kNames[static_cast<std::size_t>(reason)];
}

ReadResult read_events(const std::string& path, const ReadOptions& options) {
  const io::CsvOptions csv{options.delimiter, '"', options.max_field_bytes};
  detail::Input input([path, csv] { return io::CsvReader(path, csv); });
  return read(input, options);
}

ReadResult read_events_from_string(const std::string& name, std::string text,
                                   const ReadOptions& options) {
  const io::CsvOptions csv{options.delimiter, '"', options.max_field_bytes};
  auto shared = std::make_shared<const std::string>(std::move(text));
  detail::Input input(
      [name, shared, csv] { return io::CsvReader::from_string(name, *shared, csv); });
  return read(input, options);
}

}  // namespace scrutineer::ingest
