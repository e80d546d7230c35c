// A fast RFC 4180 CSV reader: memory-mapped, one pass, fields as views without copies (quoted
// fields with doubled quotes are unescaped into a buffer owned by the record). It never throws on a
// bad record: the record says what is wrong (unterminated quote, over-long field), and the caller
// counts it.
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace scrutineer::io {

struct CsvOptions {
  char delimiter = ',';
  char quote = '"';
  // A field longer than this marks the record `too_long` (its text is still returned).
  std::size_t max_field_bytes = 1 << 20;
};

struct CsvRecord {
  std::vector<std::string_view> fields;
  std::vector<std::uint32_t> columns;  // 1-based character column where each field starts
  std::int64_t line = 0;               // 1-based line where the record starts
  bool unterminated_quote = false;     // the file ended inside a quoted field
  bool too_long = false;               // a field exceeded max_field_bytes
  std::deque<std::string> unescaped;   // storage for unescaped fields (stable addresses)
  std::size_t size() const { return fields.size(); }
  const std::string_view& operator[](std::size_t i) const { return fields[i]; }
};

class CsvReader {
 public:
  // Opens and maps the file and reads its header line. Throws IoError if it cannot be opened and
  // InputError (line 1) if it is empty.
  explicit CsvReader(const std::string& path, CsvOptions options = {});
  // Reads from text in memory; `name` is used in messages.
  static CsvReader from_string(std::string name, std::string text, CsvOptions options = {});
  ~CsvReader();
  CsvReader(CsvReader&&) noexcept;
  CsvReader& operator=(CsvReader&&) noexcept;

  const std::string& path() const { return path_; }
  const std::vector<std::string>& header() const { return header_; }
  std::size_t bytes() const { return size_; }
  std::size_t position() const { return pos_; }
  // Index of a header column (exact match after trimming spaces and a UTF-8 BOM).
  std::optional<std::size_t> find_column(std::string_view name) const;
  // As find_column, but throws InputError naming the file, line 1 and the columns that exist.
  std::size_t require_column(std::string_view name) const;
  // Reads the next record. Returns false at the end of the data. Blank lines are skipped.
  bool next(CsvRecord& record);
  // The raw bytes between two positions (as returned by position()); valid while the reader lives.
  std::string_view text(std::size_t begin, std::size_t end) const {
    return {data_ + begin, end - begin};
  }

 private:
  CsvReader(std::string path, CsvOptions options, int);
  void read_header();
  std::string path_;
  CsvOptions options_;
  std::string owned_;  // text when built from a string
  const char* data_ = nullptr;
  std::size_t size_ = 0;
  std::size_t pos_ = 0;
  std::int64_t line_ = 1;
  void* map_ = nullptr;
  std::vector<std::string> header_;
};

// True when `s` is valid UTF-8.
bool valid_utf8(std::string_view s);

}  // namespace scrutineer::io
