// The list of input formats (one file each: format_*.cpp), and what is generated from it: the
// names --format and a recipe accept, detection, and the table of docs/ingest.md.
#include <fmt/format.h>

#include <algorithm>

#include "scrutineer/ingest/format.hpp"

namespace scrutineer::ingest {

Format events_format();
Format chicago_format();
Format code_format();
Format police_uk_format();
Format sfpd_format();
Format generic_format();

const std::vector<Format>& formats() {
  // In the order `auto` tries them; one line per format.
  static const std::vector<Format> kFormats{
      events_format(),     // first: a CSV written by ingest may keep any of a source's columns
      chicago_format(),    // Primary Type, Date
      code_format(),       // date_single
      police_uk_format(),  // Month and a crime type
      sfpd_format(),       // Incident Datetime, Incident Category
      generic_format(),    // last: what auto falls back to
  };
  return kFormats;
}

const Format* find_format(std::string_view name) {
  for (const auto& format : formats())
    if (format.name == name) return &format;
  return nullptr;
}

std::vector<std::string> format_names() {
  std::vector<std::string> names{"auto"};
  for (const auto& format : formats()) names.emplace_back(format.name);
  return names;
}

std::string unknown_format_message(std::string_view name) {
  if (name == "auto" || find_format(name)) return "";
  const auto names = format_names();
  std::string list;
  for (std::size_t i = 0; i < names.size(); ++i)
    list += (i == 0 ? "" : i + 1 == names.size() ? " or " : ", ") + names[i];
  return fmt::format("unknown format '{}': expected {}", name, list);
}

std::string detect_format(const std::vector<std::string>& header) {
  for (const auto& format : formats())
    if (format.detect && format.detect(header)) return std::string(format.name);
  return std::string(formats().back().name);
}

std::string formats_markdown() {
  std::string out =
      "| format | exports | detected when the header has | time (pattern, resolution) | "
      "coordinates | category | default zone | identifying columns declared |\n"
      "|---|---|---|---|---|---|---|---|\n";
  for (const auto& f : formats()) {
    std::string identifiers;
    for (auto column : f.identifiers)
      identifiers += fmt::format("{}`{}`", identifiers.empty() ? "" : ", ", column);
    out += fmt::format("| `{}` | {} | {} | {} | {} | {} | {} | {} |\n", f.name, f.description,
                       f.docs.detected_when, f.docs.time, f.docs.coordinates, f.docs.category,
                       f.docs.zone, identifiers.empty() ? "none" : identifiers);
  }
  return out;
}

bool ascii_iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if ((a[i] | 0x20) != (b[i] | 0x20)) return false;
  return true;
}

bool header_has(const Header& header, std::string_view name) {
  return !first_present(header, {name}).empty();
}

std::string first_present(const Header& header, std::initializer_list<std::string_view> names) {
  for (auto name : names) {
    if (name.empty()) continue;
    for (const auto& column : header)
      if (column == name) return column;
    for (const auto& column : header)
      if (ascii_iequals(column, name)) return column;
  }
  return "";
}

}  // namespace scrutineer::ingest
