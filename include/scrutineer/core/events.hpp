// EventSet: recorded crimes as a struct of arrays, sorted by time, in a projected metric CRS.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace scrutineer {

// The finest time the source records. UK data (data.police.uk) are month-only.
enum class TimeResolution { kSecond, kMinute, kDay, kMonth };

std::string_view to_string(TimeResolution resolution);
TimeResolution time_resolution_from_string(std::string_view name);

struct EventSet {
  std::vector<std::int64_t> t;           // seconds since the Unix epoch, UTC
  std::vector<double> x;                 // metres east in `crs`
  std::vector<double> y;                 // metres north in `crs`
  std::vector<std::int32_t> category;    // index into `categories`
  std::vector<std::int64_t> source_row;  // line of the source file (1 = header)
  std::vector<std::string> categories;   // dictionary of category names
  TimeResolution resolution = TimeResolution::kMinute;
  std::string crs;        // e.g. "EPSG:2790"
  std::string time_zone;  // IANA zone of the source's local time ("America/Chicago", "UTC")

  std::size_t size() const { return t.size(); }
  bool empty() const { return t.empty(); }
  void reserve(std::size_t n);
  // Appends one event; `category_name` is dictionary-encoded.
  void push_back(std::int64_t time, double px, double py, std::string_view category_name,
                 std::int64_t row);
  // Stable sort of every column by time.
  void sort_by_time();
  // Events with t0 <= t < t1 (needs sorted times), same CRS, dictionary and resolution.
  EventSet slice_time(std::int64_t t0, std::int64_t t1) const;
  // Keeps the events whose index is flagged.
  EventSet filter(const std::vector<bool>& keep) const;
  // Throws ConfigError when the data are coarser than `needed` (e.g. month data for a daily
  // method).
  void require_resolution(TimeResolution needed, std::string_view method) const;
};

}  // namespace scrutineer
