// The read report of `scrutineer ingest` as JSON and as readable text.
#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "scrutineer/core/time.hpp"
#include "scrutineer/ingest/ingest.hpp"

namespace scrutineer::ingest {

namespace {

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& s : items) out += (out.empty() ? "" : ", ") + s;
  return out.empty() ? "(none)" : out;
}

std::string lines(const std::vector<std::int64_t>& first, std::int64_t count) {
  std::string out;
  for (auto l : first) out += (out.empty() ? "" : ", ") + std::to_string(l);
  if (count > static_cast<std::int64_t>(first.size())) out += ", ...";
  return out;
}

}  // namespace

std::string report_json(const ReadReport& r) {
  using nlohmann::json;
  json dropped = json::object();
  for (std::size_t k = 0; k < kDropReasons; ++k) {
    const auto& d = r.dropped[k];
    dropped[std::string(to_string(static_cast<DropReason>(k)))] = {{"count", d.count},
                                                                   {"first_lines", d.first_lines}};
  }
  json categories = json::array();
  for (const auto& [name, count] : r.categories)
    categories.push_back({{"name", name}, {"count", count}});
  json j = {
      {"input", r.path},
      {"format", r.format},
      {"time",
       {{"column", r.time_column},
        {"format", r.time_format},
        {"time_zone", r.time_zone},
        {"resolution", std::string(to_string(r.resolution))},
        {"first_utc", format_iso_utc(r.t_min)},
        {"last_utc", format_iso_utc(r.t_max)}}},
      {"coordinates", r.coordinates},
      {"crs", r.target_crs},
      {"rows", {{"read", r.rows_read}, {"kept", r.rows_kept}, {"dropped", r.rows_dropped}}},
      {"dropped", dropped},
      {"duplicates",
       {{"count", r.duplicates.count},
        {"first_lines", r.duplicates.first_lines},
        {"dropped", r.duplicates_dropped}}},
      {"categories", categories},
      {"columns",
       {{"used", r.columns_used},
        {"kept", r.columns_kept},
        {"not_carried", r.columns_not_carried},
        {"personal_identifiers_not_carried", r.personal_identifiers}}},
  };
  if (!r.target_crs.empty()) {
    j["bbox"] = {{"crs", r.target_crs},
                 {"xmin", r.xmin},
                 {"ymin", r.ymin},
                 {"xmax", r.xmax},
                 {"ymax", r.ymax}};
    j["bbox_wgs84"] = {{"lon_min", r.lon_min},
                       {"lat_min", r.lat_min},
                       {"lon_max", r.lon_max},
                       {"lat_max", r.lat_max}};
  }
  return j.dump(2) + "\n";
}

std::string report_text(const ReadReport& r) {
  std::string out;
  out += fmt::format("input        {} (format {})\n", r.path, r.format);
  out += fmt::format("rows         {} read, {} kept, {} dropped\n", r.rows_read, r.rows_kept,
                     r.rows_dropped);
  for (std::size_t k = 0; k < kDropReasons; ++k) {
    const auto& d = r.dropped[k];
    if (d.count == 0) continue;
    out += fmt::format("  dropped    {:>8}  {:<26} lines {}\n", d.count,
                       to_string(static_cast<DropReason>(k)), lines(d.first_lines, d.count));
  }
  if (r.duplicates.count > 0)
    out += fmt::format("duplicates   {} rows repeat an earlier row byte for byte ({}; lines {})\n",
                       r.duplicates.count, r.duplicates_dropped ? "dropped" : "kept",
                       lines(r.duplicates.first_lines, r.duplicates.count));
  out +=
      fmt::format("time         {} .. {} UTC ({} resolution; local zone {}; '{}' of column {})\n",
                  format_iso_utc(r.t_min), format_iso_utc(r.t_max), to_string(r.resolution),
                  r.time_zone, r.time_format, r.time_column);
  if (!r.target_crs.empty()) {
    out += fmt::format("crs          {} (from {})\n", r.target_crs, r.coordinates);
    out += fmt::format("bbox         x {:.1f} .. {:.1f}, y {:.1f} .. {:.1f} m\n", r.xmin, r.xmax,
                       r.ymin, r.ymax);
    out += fmt::format("bbox WGS 84  lon {:.6f} .. {:.6f}, lat {:.6f} .. {:.6f}\n", r.lon_min,
                       r.lon_max, r.lat_min, r.lat_max);
  } else {
    out += "crs          (no coordinates in this source)\n";
  }
  out += fmt::format("categories   {}\n", r.categories.size());
  for (const auto& [name, count] : r.categories) out += fmt::format("  {:>10}  {}\n", count, name);
  out += fmt::format("columns kept {}\n", join(r.columns_kept));
  out += fmt::format("not carried  {}\n", join(r.columns_not_carried));
  if (!r.personal_identifiers.empty())
    out += fmt::format("  of which identify people or places: {}\n", join(r.personal_identifiers));
  return out;
}

}  // namespace scrutineer::ingest
