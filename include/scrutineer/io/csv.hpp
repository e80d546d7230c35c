// A fast RFC 4180 CSV reader: memory-mapped, one pass, fields as views without copies (quoted
// fields with doubled quotes are unescaped into a buffer owned by the record). It never throws on a
// bad record: the record says what is wrong (unterminated quote, over-long field or record), and
// the caller counts it.
//
// Bounded memory on any input: a field holds at most max_field_bytes, a record max_record_bytes
// and max_fields fields; a record beyond a limit is cut at the end of its line (`too_long`, its
// fields incomplete) and reading goes on with the next line. The mapping's pages behind the read
// position are handed back to the kernel as reading goes, so the resident memory of a reader is
// about max_record_bytes + 2 x 32 MiB of mapping + its fields, whatever the file's size. Only
// regular files are read: a FIFO, a device (/dev/zero) or a socket is refused with an IoError.
#pragma once

#include <cstddef>
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
  // A record longer than this, or with more fields, is cut at the end of its line and marked
  // `too_long`. A quoted field still open at this length (or at the end of the file) is an
  // unterminated quote: the record ends with the line where the quote opened.
  std::size_t max_record_bytes = 16 << 20;
  std::size_t max_fields = 10000;
};

struct CsvRecord {
  std::vector<std::string_view> fields;
  std::vector<std::uint32_t> columns;  // 1-based character column where each field starts
  std::int64_t line = 0;               // 1-based line where the record starts
  // A quoted field was not closed before the end of the file or max_record_bytes: the record ends
  // with the line where the quote opened (`line`), and reading resumes on the next line.
  bool unterminated_quote = false;
  bool too_long = false;  // a field exceeded max_field_bytes, or the record a record limit
  std::string problem;    // what is wrong, for messages (empty when nothing is)
  std::deque<std::string> unescaped;  // storage for unescaped fields (stable addresses)
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
  // The 1-based line number at position().
  std::int64_t line() const { return line_; }
  // Index of a header column (exact match after trimming spaces and a UTF-8 BOM).
  std::optional<std::size_t> find_column(std::string_view name) const;
  // As find_column, but throws InputError naming the file, line 1 and the columns that exist (and
  // delimiter_hint()).
  std::size_t require_column(std::string_view name) const;
  // When the header line holds another usual delimiter (';', tab, '|') more often than the one in
  // use: " (the file looks ';'-delimited: pass --delimiter ';')"; else "".
  std::string delimiter_hint() const;
  // Reads the next record. Returns false at the end of the data. Blank lines are skipped.
  bool next(CsvRecord& record);
  // The raw bytes between two positions (as returned by position()); valid while the reader lives.
  std::string_view text(std::size_t begin, std::size_t end) const {
    return {data_ + begin, end - begin};
  }
  // The number of line feeds in the raw bytes [begin, end).
  std::int64_t count_lines(std::size_t begin, std::size_t end) const;

  // A reader over the same bytes (which must outlive it) that starts reading at `begin`, a record
  // boundary whose line number is `line`, and stops before any record that starts at or after
  // `stop` (a record that starts before `stop` is read to its end, past `stop` if need be). Reading
  // from a record boundary gives the same records, lines and messages as reading the whole file:
  // parallel ingest reads the chunks of a file with one slice each.
  CsvReader slice(std::size_t begin, std::size_t stop, std::int64_t line) const;
  // The offset of the next line start at or after `from` (after a line feed), or bytes().
  std::size_t next_line_start(std::size_t from) const;

 private:
  CsvReader(std::string path, CsvOptions options, int);
  void read_header();
  void release_behind();
  std::size_t skip_line(std::size_t from);
  std::size_t header_end_ = 0;
  std::size_t released_ = 0;  // mapping pages before this offset were handed back
  std::string path_;
  CsvOptions options_;
  std::string owned_;  // text when built from a string
  const char* data_ = nullptr;
  std::size_t size_ = 0;
  std::size_t pos_ = 0;
  std::size_t stop_ = SIZE_MAX;  // no record starts at or after this offset (slices)
  std::int64_t line_ = 1;
  void* map_ = nullptr;
  bool owns_map_ = true;  // false for a slice, which reads its parent's mapping
  std::vector<std::string> header_;
};

// True when `s` is valid UTF-8.
bool valid_utf8(std::string_view s);

// One CSV field as written by every CSV writer: quoted per RFC 4180 when it holds the delimiter, a
// quote, CR or LF; and neutralised against spreadsheet formula injection (OWASP): text that starts
// with =, +, -, @, tab or CR and is not a plain number gets a leading apostrophe, so a spreadsheet
// shows it as text instead of running it (`=HYPERLINK(...)`).
std::string csv_field(std::string_view s, char delimiter = ',');
void append_csv_field(std::string& out, std::string_view s, char delimiter = ',');

}  // namespace scrutineer::io
