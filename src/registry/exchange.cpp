// Register import and export (JSON, CSV).
#include "scrutineer/registry/exchange.hpp"

#include <fmt/format.h>

#include <functional>
#include <nlohmann/json.hpp>
#include <sstream>

#include "scrutineer/core/error.hpp"
#include "scrutineer/io/csv.hpp"
#include "scrutineer/io/read_file.hpp"

namespace scrutineer::registry {

namespace {
// Quoted, spreadsheet formulas neutralised (issue 19, item 16): the one CSV field writer.
std::string csv_field(const std::string& s) { return io::csv_field(s); }

// Where the JSON parser is: a stack of the arrays (with the index of the current element) and
// objects (with the current key) it is inside, kept by the parser's callback; so an error that
// nlohmann::json reports without a place (a number out of range) can name the record and field.
struct JsonPlace {
  struct Frame {
    bool array = false;
    std::size_t index = 0;
    std::string key;
  };
  std::vector<Frame> frames;

  void next_element() {
    if (!frames.empty() && frames.back().array) ++frames.back().index;
  }
  bool operator()(int, nlohmann::json::parse_event_t event, nlohmann::json& parsed) {
    using Event = nlohmann::json::parse_event_t;
    switch (event) {
      case Event::object_start:
        frames.push_back({false, 0, ""});
        break;
      case Event::array_start:
        frames.push_back({true, 0, ""});
        break;
      case Event::key:
        if (!frames.empty()) frames.back().key = parsed.get<std::string>();
        break;
      case Event::object_end:
      case Event::array_end:
        if (!frames.empty()) frames.pop_back();
        next_element();
        break;
      case Event::value:
        next_element();
        break;
    }
    return true;
  }
  // "record 3, field 'tier1.description'" (the record counted from 1 in a top-level array).
  std::string describe() const {
    std::size_t record = 1;
    std::size_t first = 0;
    if (!frames.empty() && frames[0].array) {
      record = frames[0].index + 1;
      first = 1;
    }
    std::string field;
    for (std::size_t i = first; i < frames.size(); ++i) {
      if (frames[i].array) break;
      if (!field.empty()) field += '.';
      field += frames[i].key;
    }
    return field.empty() ? fmt::format("record {}", record)
                         : fmt::format("record {}, field '{}'", record, field);
  }
};

// 1-based line and column of byte `offset` (counted from 1, as nlohmann::json reports it).
std::pair<std::int64_t, std::int64_t> line_and_column(const std::string& text, std::size_t offset) {
  std::int64_t line = 1, column = 1;
  for (std::size_t i = 0; i + 1 < offset && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
  }
  return {line, column};
}

std::vector<ToolRecord> read_json(const std::string& path) {
  // Bounded (issue 19, item 13): a FIFO, /dev/zero or a huge file is refused before it is held.
  const std::string text = io::read_small_file(path, kMaxImportJsonBytes, "register import file");
  JsonPlace place;
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(text, std::ref(place));
  } catch (const nlohmann::json::parse_error& e) {
    const auto [line, column] = line_and_column(text, e.byte);
    throw InputError(path, line, column, fmt::format("not valid JSON ({})", place.describe()));
  } catch (const nlohmann::json::exception& e) {
    // Out of range: 1e999 and the like, which nlohmann::json reports with no place.
    const std::string what = e.id == 406 ? "a number too large for a double" : e.what();
    throw InputError(path, 0, 0, fmt::format("{}: {}", place.describe(), what));
  }
  std::vector<ToolRecord> records;
  if (!j.is_array()) j = nlohmann::json::array({j});
  records.reserve(j.size());
  for (std::size_t i = 0; i < j.size(); ++i)
    records.push_back(record_from_json(j[i], fmt::format("{} (record {})", path, i + 1)));
  return records;
}

std::vector<ToolRecord> read_csv(const std::string& path) {
  io::CsvReader reader(path);
  const auto& header = reader.header();
  std::vector<ToolRecord> records;
  io::CsvRecord row;
  while (reader.next(row)) {
    // A record the reader could not read whole is refused, never imported cut (issue 19).
    if (row.unterminated_quote || row.too_long) {
      const std::int64_t column = row.columns.empty() ? 1 : row.columns.back();
      throw InputError(path, row.line, column, row.problem);
    }
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
      std::string section;
      for (auto dot = key.find('.'); dot != std::string::npos; dot = key.find('.')) {
        section += (section.empty() ? "" : ".") + key.substr(0, dot);
        node = &(*node)[key.substr(0, dot)];
        if (!node->is_null() && !node->is_object())
          throw InputError(path, 1, 0,
                           fmt::format("column '{}' lies inside column '{}', which holds text",
                                       header[i], section));
        key = key.substr(dot + 1);
      }
      if (node->contains(key) && (*node)[key].is_object())
        throw InputError(path, 1, 0,
                         fmt::format("column '{}' names a section, not a field", header[i]));
      (*node)[key] = std::string(row[i]);
    }
    records.push_back(record_from_json(j, fmt::format("{}:{}", path, row.line)));
  }
  return records;
}

[[noreturn]] void nothing_written(const InputError& e) {
  const std::string where = InputError(e.file(), e.line(), e.column(), "").what();
  std::string what = e.what();
  if (what.rfind(where, 0) == 0) what.erase(0, where.size());
  throw InputError(e.file(), e.line(), e.column(),
                   what + "; nothing was written (a file is imported whole or not at all)");
}
}  // namespace

std::string export_json(const Store& store) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& r : store.list()) out.push_back(record_to_json(r));
  return out.dump(2) + "\n";
}

std::string export_csv(const Store& store) {
  std::ostringstream out;
  out << "slug,atrs_version";
  for (const auto& f : record_fields()) out << ',' << f.key;
  out << '\n';
  for (const auto& r : store.list()) {
    out << csv_field(r.slug) << ',' << kAtrsVersion;
    for (const auto& f : record_fields()) out << ',' << csv_field(r.get(f.key));
    out << '\n';
  }
  return out.str();
}

ImportCounts import_file(Store& store, const std::string& path) {
  std::vector<ToolRecord> records;
  try {
    const bool csv = path.size() >= 4 && path.substr(path.size() - 4) == ".csv";
    records = csv ? read_csv(path) : read_json(path);
  } catch (const InputError& e) {
    nothing_written(e);
  }
  return store.upsert_all(records);
}

}  // namespace scrutineer::registry
