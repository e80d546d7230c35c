// Register import and export (JSON, CSV).
#include "scrutineer/registry/exchange.hpp"

#include <fmt/format.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "scrutineer/core/error.hpp"
#include "scrutineer/io/csv.hpp"

namespace scrutineer::registry {

namespace {
std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  out.push_back('"');
  return out;
}

void add_or_update(Store& store, const ToolRecord& r, ImportCounts& counts) {
  if (store.get(r.slug)) {
    store.update(r);
    ++counts.updated;
  } else {
    store.add(r);
    ++counts.added;
  }
}

ImportCounts import_json(Store& store, const std::string& path) {
  std::ifstream in(path);
  if (!in) throw IoError(fmt::format("cannot open {}", path));
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(in);
  } catch (const nlohmann::json::parse_error& e) {
    throw InputError(path, 0, 0, fmt::format("not valid JSON: {}", e.what()));
  }
  ImportCounts counts;
  if (!j.is_array()) j = nlohmann::json::array({j});
  for (std::size_t i = 0; i < j.size(); ++i)
    add_or_update(store, record_from_json(j[i], fmt::format("{} (record {})", path, i + 1)),
                  counts);
  return counts;
}

ImportCounts import_csv(Store& store, const std::string& path) {
  io::CsvReader reader(path);
  const auto& header = reader.header();
  ImportCounts counts;
  io::CsvRecord row;
  while (reader.next(row)) {
    if (row.size() != header.size())
      throw InputError(path, row.line, 0,
                       fmt::format("expected {} fields, found {}", header.size(), row.size()));
    nlohmann::json j = nlohmann::json::object();
    for (std::size_t i = 0; i < header.size(); ++i) {
      if (row[i].empty()) continue;
      if (header[i] == "slug") {
        j["slug"] = std::string(row[i]);
        continue;
      }
      // "tier2.owner.team" -> nested object, so record_from_json validates every key.
      nlohmann::json* node = &j;
      std::string key = header[i];
      for (auto dot = key.find('.'); dot != std::string::npos; dot = key.find('.')) {
        node = &(*node)[key.substr(0, dot)];
        key = key.substr(dot + 1);
      }
      (*node)[key] = std::string(row[i]);
    }
    add_or_update(store, record_from_json(j, fmt::format("{}:{}", path, row.line)), counts);
  }
  return counts;
}
}  // namespace

std::string export_json(const Store& store) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& r : store.list()) out.push_back(record_to_json(r));
  return out.dump(2) + "\n";
}

std::string export_csv(const Store& store) {
  std::ostringstream out;
  out << "slug";
  for (const auto& f : record_fields()) out << ',' << f.key;
  out << '\n';
  for (const auto& r : store.list()) {
    out << csv_field(r.slug);
    for (const auto& f : record_fields()) out << ',' << csv_field(r.get(f.key));
    out << '\n';
  }
  return out.str();
}

ImportCounts import_file(Store& store, const std::string& path) {
  if (path.size() >= 4 && path.substr(path.size() - 4) == ".csv") return import_csv(store, path);
  return import_json(store, path);
}

}  // namespace scrutineer::registry
