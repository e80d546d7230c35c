// EventSet: recorded crimes as a struct of arrays.
#include "scrutineer/core/events.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <numeric>

#include "scrutineer/core/error.hpp"

namespace scrutineer {

std::string_view to_string(TimeResolution resolution) {
  switch (resolution) {
    case TimeResolution::kSecond:
      return "second";
    case TimeResolution::kMinute:
      return "minute";
    case TimeResolution::kDay:
      return "day";
    case TimeResolution::kMonth:
      return "month";
  }
  throw InternalError("unknown time resolution");
}

TimeResolution time_resolution_from_string(std::string_view name) {
  for (auto r : {TimeResolution::kSecond, TimeResolution::kMinute, TimeResolution::kDay,
                 TimeResolution::kMonth}) {
    if (to_string(r) == name) return r;
  }
  throw ConfigError(
      fmt::format("unknown time resolution '{}': expected second, minute, day or month", name));
}

void EventSet::reserve(std::size_t n) {
  t.reserve(n);
  x.reserve(n);
  y.reserve(n);
  category.reserve(n);
  source_row.reserve(n);
}

void EventSet::push_back(std::int64_t time, double px, double py, std::string_view category_name,
                         std::int64_t row) {
  auto it = std::find(categories.begin(), categories.end(), category_name);
  if (it == categories.end()) it = categories.insert(categories.end(), std::string(category_name));
  t.push_back(time);
  x.push_back(px);
  y.push_back(py);
  category.push_back(static_cast<std::int32_t>(it - categories.begin()));
  source_row.push_back(row);
}

namespace {
template <typename T>
std::vector<T> gather(const std::vector<T>& v, const std::vector<std::size_t>& order) {
  std::vector<T> out;
  out.reserve(order.size());
  for (auto i : order) out.push_back(v[i]);
  return out;
}

EventSet gather_all(const EventSet& e, const std::vector<std::size_t>& order) {
  EventSet out;
  out.t = gather(e.t, order);
  out.x = gather(e.x, order);
  out.y = gather(e.y, order);
  out.category = gather(e.category, order);
  out.source_row = gather(e.source_row, order);
  out.categories = e.categories;
  out.resolution = e.resolution;
  out.crs = e.crs;
  out.time_zone = e.time_zone;
  return out;
}
}  // namespace

void EventSet::sort_by_time() {
  std::vector<std::size_t> order(size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](auto a, auto b) { return t[a] < t[b]; });
  *this = gather_all(*this, order);
}

EventSet EventSet::slice_time(std::int64_t t0, std::int64_t t1) const {
  auto lo = std::lower_bound(t.begin(), t.end(), t0) - t.begin();
  auto hi = std::lower_bound(t.begin(), t.end(), t1) - t.begin();
  std::vector<std::size_t> order;
  for (auto i = lo; i < std::max(lo, hi); ++i) order.push_back(static_cast<std::size_t>(i));
  return gather_all(*this, order);
}

EventSet EventSet::filter(const std::vector<bool>& keep) const {
  std::vector<std::size_t> order;
  for (std::size_t i = 0; i < size(); ++i)
    if (keep[i]) order.push_back(i);
  return gather_all(*this, order);
}

void EventSet::require_resolution(TimeResolution needed, std::string_view method) const {
  if (static_cast<int>(resolution) <= static_cast<int>(needed)) return;
  throw ConfigError(fmt::format(
      "{} needs times to the {} but these data record only the {} (e.g. data.police.uk gives the "
      "month alone); use a method or period that works by {}",
      method, to_string(needed), to_string(resolution), to_string(resolution)));
}

}  // namespace scrutineer
