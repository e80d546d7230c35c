// RFC 4180 CSV reader over a memory-mapped file.
#include "scrutineer/io/csv.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <bit>
#include <climits>
#include <cstring>

#include "scrutineer/core/error.hpp"
#include "scrutineer/io/atomic_file.hpp"

namespace scrutineer::io {

namespace {
std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}
}  // namespace

CsvReader::CsvReader(std::string path, CsvOptions options, int)
    : path_(std::move(path)), options_(options) {
  options_.max_record_bytes = std::max(options_.max_record_bytes, options_.max_field_bytes);
}

namespace {

// The first delimiter, CR or LF in [pos, limit), else limit. Eight bytes at a time where they fit:
// a byte of the word equal to one of the three is a zero byte of the word XORed with it, and the
// lowest set bit of (x - 0x01..01) & ~x & 0x80..80 marks the lowest zero byte of x exactly (a
// borrow only runs upwards, past it); the tail byte by byte. The same offset as a byte loop.
std::size_t field_end(const char* data, std::size_t pos, std::size_t limit, char delim) {
  if constexpr (std::endian::native == std::endian::little) {
    constexpr std::uint64_t kOnes = 0x0101010101010101ull, kHigh = 0x8080808080808080ull;
    const std::uint64_t d = kOnes * static_cast<unsigned char>(delim);
    const std::uint64_t lf = kOnes * static_cast<unsigned char>('\n');
    const std::uint64_t cr = kOnes * static_cast<unsigned char>('\r');
    const auto zero_bytes = [](std::uint64_t x) { return (x - kOnes) & ~x & kHigh; };
    for (; pos + 8 <= limit; pos += 8) {
      std::uint64_t w;
      std::memcpy(&w, data + pos, 8);
      const std::uint64_t found = zero_bytes(w ^ d) | zero_bytes(w ^ lf) | zero_bytes(w ^ cr);
      if (found) return pos + static_cast<std::size_t>(std::countr_zero(found) >> 3);
    }
  }
  while (pos < limit && data[pos] != delim && data[pos] != '\n' && data[pos] != '\r') ++pos;
  return pos;
}

// Pages of the mapping are handed back to the kernel in windows of this size, and read ahead in
// windows of the same size.
constexpr std::size_t kWindow = 32u << 20;

std::string kind_of(mode_t mode) {
  if (S_ISDIR(mode)) return "a folder";
  if (S_ISFIFO(mode)) return "a FIFO (named pipe)";
  if (S_ISCHR(mode)) return "a character device";
  if (S_ISBLK(mode)) return "a block device";
  if (S_ISSOCK(mode)) return "a socket";
  return "not a regular file";
}

}  // namespace

CsvReader::CsvReader(const std::string& path, CsvOptions options) : CsvReader(path, options, 0) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK);  // a FIFO must not block the open
  if (fd < 0) throw IoError(fmt::format("cannot open {}: {}", path, std::strerror(errno)));
  struct stat st {};
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    const std::string kind = kind_of(st.st_mode);
    ::close(fd);
    throw IoError(fmt::format(
        "cannot read {}: it is {}; scrutineer reads regular files only (save the data to a file "
        "first)",
        path, kind));
  }
  remember_input(static_cast<std::uint64_t>(st.st_dev), static_cast<std::uint64_t>(st.st_ino));
  size_ = static_cast<std::size_t>(st.st_size);
  if (size_ > 0) {
    // Not populated up front: the pages are read ahead window by window and handed back behind
    // the read position (release_behind), so a file of any size costs a bounded resident memory.
    map_ = mmap(nullptr, size_, PROT_READ, MAP_PRIVATE, fd, 0);
    if (map_ == MAP_FAILED) {
      map_ = nullptr;
      ::close(fd);
      throw IoError(fmt::format("cannot map {}: {}", path, std::strerror(errno)));
    }
    madvise(map_, size_, MADV_SEQUENTIAL);
    madvise(map_, std::min(size_, kWindow), MADV_WILLNEED);
    data_ = static_cast<const char*>(map_);
  }
  ::close(fd);
  read_header();
}

// The pages of a private read-only file mapping that are handed back are read again from the file
// if touched later (ingest's duplicate check does), so views into the text stay valid.
void CsvReader::release_behind() {
  if (!map_ || pos_ < released_ + kWindow) return;
  const std::size_t page = static_cast<std::size_t>(sysconf(_SC_PAGESIZE));
  const std::size_t upto = pos_ / page * page;
  if (upto > released_) {
    madvise(static_cast<char*>(map_) + released_, upto - released_, MADV_DONTNEED);
    released_ = upto;
  }
  if (upto < size_)
    madvise(static_cast<char*>(map_) + upto, std::min(size_ - upto, kWindow), MADV_WILLNEED);
}

// The offset after the end of the line holding `from` (after its LF), or the end of the data;
// counts the line. Reads in windows, handing pages back as it goes.
std::size_t CsvReader::skip_line(std::size_t from) {
  while (from < size_) {
    const std::size_t n = std::min(size_ - from, kWindow);
    const void* nl = std::memchr(data_ + from, '\n', n);
    if (nl) {
      ++line_;
      return static_cast<std::size_t>(static_cast<const char*>(nl) - data_) + 1;
    }
    from += n;
    pos_ = from;
    release_behind();
  }
  return size_;
}

CsvReader CsvReader::from_string(std::string name, std::string text, CsvOptions options) {
  CsvReader r(std::move(name), options, 0);
  r.owned_ = std::move(text);
  r.data_ = r.owned_.data();
  r.size_ = r.owned_.size();
  r.read_header();
  return r;
}

CsvReader::~CsvReader() {
  if (map_ && owns_map_) munmap(map_, size_);
}

// Line feeds counted eight bytes at a time where they fit: in x = word XOR 0x0A..0A a byte is zero
// exactly when its high bit is clear in (x & 0x7F..7F) + 0x7F..7F and in x itself (the addition
// never carries out of a byte). Those high bits, shifted to the bytes' low bits and multiplied by
// 0x01..01, sum into the top byte (at most 8: no carry), without a popcount instruction.
std::int64_t CsvReader::count_lines(std::size_t begin, std::size_t end) const {
  constexpr std::uint64_t kLow = 0x7F7F7F7F7F7F7F7Full, kLf = 0x0A0A0A0A0A0A0A0Aull;
  std::int64_t lines = 0;
  for (; begin + 8 <= end; begin += 8) {
    std::uint64_t w;
    std::memcpy(&w, data_ + begin, 8);
    const std::uint64_t x = w ^ kLf;
    const std::uint64_t zero = ~(((x & kLow) + kLow) | x | kLow) >> 7;
    lines += static_cast<std::int64_t>((zero * 0x0101010101010101ull) >> 56);
  }
  return lines + std::count(data_ + begin, data_ + end, '\n');
}

std::size_t CsvReader::next_line_start(std::size_t from) const {
  if (from >= size_) return size_;
  const void* nl = std::memchr(data_ + from, '\n', size_ - from);
  return nl ? static_cast<std::size_t>(static_cast<const char*>(nl) - data_) + 1 : size_;
}

CsvReader CsvReader::slice(std::size_t begin, std::size_t stop, std::int64_t line) const {
  CsvReader r(path_, options_, 0);
  r.data_ = data_;
  r.size_ = size_;
  r.map_ = map_;
  r.owns_map_ = false;
  // A slice hands back the pages behind its own position only, never those before its start.
  const auto page = static_cast<std::size_t>(sysconf(_SC_PAGESIZE));
  r.released_ = (begin + page - 1) / page * page;
  r.header_end_ = header_end_;
  r.header_ = header_;
  r.pos_ = begin;
  r.stop_ = stop;
  r.line_ = line;
  return r;
}

CsvReader::CsvReader(CsvReader&& o) noexcept { *this = std::move(o); }

CsvReader& CsvReader::operator=(CsvReader&& o) noexcept {
  if (this == &o) return *this;
  if (map_ && owns_map_) munmap(map_, size_);
  path_ = std::move(o.path_);
  options_ = o.options_;
  const bool owned = o.data_ == o.owned_.data();
  owned_ = std::move(o.owned_);
  data_ = owned ? owned_.data() : o.data_;
  size_ = o.size_;
  pos_ = o.pos_;
  stop_ = o.stop_;
  line_ = o.line_;
  owns_map_ = o.owns_map_;
  header_end_ = o.header_end_;
  released_ = o.released_;
  map_ = o.map_;
  header_ = std::move(o.header_);
  o.map_ = nullptr;
  o.data_ = nullptr;
  o.size_ = 0;
  return *this;
}

void CsvReader::read_header() {
  if (size_ >= 3 && std::memcmp(data_, "\xEF\xBB\xBF", 3) == 0) pos_ = 3;
  CsvRecord rec;
  if (!next(rec)) throw InputError(path_, 1, 0, "the file is empty: expected a header line");
  if (rec.unterminated_quote || rec.too_long)
    throw InputError(path_, rec.line, 0,
                     fmt::format("the header line cannot be read: {}", rec.problem));
  header_end_ = pos_;
  for (auto f : rec.fields) header_.emplace_back(trim(f));
}

std::string CsvReader::delimiter_hint() const {
  const std::string_view line(data_, header_end_);
  const auto count = [&](char c) { return std::count(line.begin(), line.end(), c); };
  const auto own = count(options_.delimiter);
  char best = 0;
  auto most = own;
  for (char c : {';', '\t', '|', ','})
    if (c != options_.delimiter && count(c) > most) best = c, most = count(c);
  if (!best) return "";
  const std::string shown = best == '\t' ? "\\t" : std::string(1, best);
  return fmt::format(" (the file looks '{}'-delimited: pass --delimiter '{}')", shown, shown);
}

std::optional<std::size_t> CsvReader::find_column(std::string_view name) const {
  for (std::size_t i = 0; i < header_.size(); ++i)
    if (header_[i] == name) return i;
  return std::nullopt;
}

std::size_t CsvReader::require_column(std::string_view name) const {
  if (auto i = find_column(name)) return *i;
  std::string have;
  for (const auto& h : header_) have += (have.empty() ? "" : ", ") + h;
  throw InputError(path_, 1, 0,
                   fmt::format("missing required column '{}' (the header has: {}){}", name, have,
                               delimiter_hint()));
}

bool CsvReader::next(CsvRecord& rec) {
  rec.fields.clear();
  rec.columns.clear();
  rec.unescaped.clear();
  rec.unterminated_quote = false;
  rec.too_long = false;
  rec.problem.clear();
  release_behind();
  // Skip blank lines.
  while (pos_ < size_ && (data_[pos_] == '\n' || data_[pos_] == '\r')) {
    if (data_[pos_] == '\n') ++line_;
    ++pos_;
  }
  if (pos_ >= size_ || pos_ >= stop_) return false;
  rec.line = line_;
  const std::size_t line_start = pos_;
  const std::size_t limit =
      size_ - pos_ > options_.max_record_bytes ? pos_ + options_.max_record_bytes : size_;
  const char delim = options_.delimiter, quote = options_.quote;
  // A record past a limit: cut at the end of its current line, the rest skipped.
  const auto cut = [&](std::string problem) {
    rec.too_long = true;
    rec.problem = std::move(problem);  // the record's limit says more than a field's
    pos_ = skip_line(pos_);
    return true;
  };
  while (true) {
    if (rec.fields.size() >= options_.max_fields)
      return cut(fmt::format("more than {} fields in one record", options_.max_fields));
    const std::size_t start = pos_;
    rec.columns.push_back(
        static_cast<std::uint32_t>(std::min<std::size_t>(start - line_start + 1, UINT32_MAX)));
    if (pos_ < size_ && data_[pos_] == quote) {
      // Quoted field: find the closing quote, unescaping doubled quotes if any.
      const std::int64_t quote_line = line_;
      ++pos_;
      const std::size_t body = pos_;
      bool doubled = false, closed = false;
      while (pos_ < limit) {
        const void* q = std::memchr(data_ + pos_, quote, limit - pos_);
        if (!q) break;
        pos_ = static_cast<std::size_t>(static_cast<const char*>(q) - data_);
        if (pos_ + 1 < size_ && data_[pos_ + 1] == quote) {
          doubled = true;
          pos_ += 2;
          continue;
        }
        closed = true;
        break;
      }
      if (!closed) {
        // Not closed before the end of the file or the record limit: the quote is unbalanced.
        // The record ends with the line where it opened; the next line is read as a record again,
        // so one bad quote costs one row, not the rest of the file.
        rec.unterminated_quote = true;
        rec.problem = fmt::format(
            "the quoted field that opens at line {}, column {} is not closed {} (expected a "
            "closing '{}'); reading resumes on the next line",
            quote_line, rec.columns.back(),
            limit == size_ ? "before the end of the file"
                           : fmt::format("within {} bytes", options_.max_record_bytes),
            quote);
        line_ = quote_line;
        const std::size_t next = skip_line(body);
        std::size_t end = next;
        while (end > body && (data_[end - 1] == '\n' || data_[end - 1] == '\r')) --end;
        rec.fields.emplace_back(data_ + body, std::min(end - body, options_.max_field_bytes + 1));
        pos_ = next;
        return true;
      }
      std::string_view raw(data_ + body, pos_ - body);
      line_ += std::count(raw.begin(), raw.end(), '\n');
      ++pos_;  // closing quote
      if (doubled && raw.size() <= options_.max_field_bytes) {
        std::string s;
        s.reserve(raw.size());
        for (std::size_t i = 0; i < raw.size(); ++i) {
          s.push_back(raw[i]);
          if (raw[i] == quote && i + 1 < raw.size() && raw[i + 1] == quote) ++i;
        }
        rec.unescaped.push_back(std::move(s));
        raw = rec.unescaped.back();
      }
      // Text between the closing quote and the delimiter is kept as part of the field's tail.
      while (pos_ < limit && data_[pos_] != delim && data_[pos_] != '\n' && data_[pos_] != '\r')
        ++pos_;
      rec.fields.push_back(raw);
    } else {
      pos_ = field_end(data_, pos_, limit, delim);
      rec.fields.emplace_back(data_ + start, pos_ - start);
    }
    if (rec.fields.back().size() > options_.max_field_bytes && !rec.too_long) {
      rec.too_long = true;
      rec.problem = fmt::format("a field of {} bytes (the limit is {})", rec.fields.back().size(),
                                options_.max_field_bytes);
    }
    if (pos_ >= limit && limit < size_)
      return cut(fmt::format("a record longer than {} bytes", options_.max_record_bytes));
    if (pos_ < size_ && data_[pos_] == delim) {
      ++pos_;
      continue;
    }
    // End of record.
    if (pos_ < size_ && data_[pos_] == '\r') ++pos_;
    if (pos_ < size_ && data_[pos_] == '\n') {
      ++pos_;
      ++line_;
    }
    return true;
  }
}

bool valid_utf8(std::string_view s) {
  std::size_t i = 0;
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  while (i < s.size()) {
    const unsigned char c = p[i];
    if (c < 0x80) {
      ++i;
      continue;
    }
    std::size_t n;
    std::uint32_t cp;
    if ((c & 0xE0) == 0xC0)
      n = 1, cp = c & 0x1F;
    else if ((c & 0xF0) == 0xE0)
      n = 2, cp = c & 0x0F;
    else if ((c & 0xF8) == 0xF0)
      n = 3, cp = c & 0x07;
    else
      return false;
    if (i + n >= s.size()) return false;
    for (std::size_t k = 1; k <= n; ++k) {
      if ((p[i + k] & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (p[i + k] & 0x3F);
    }
    if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) ||
        cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
      return false;
    i += n + 1;
  }
  return true;
}

}  // namespace scrutineer::io

namespace scrutineer::io {

namespace {
// A plain number ("-3", "+1.5", "-1e-3"): left as it is by the formula rule.
bool plain_number(std::string_view s) {
  if (s.empty()) return false;
  std::size_t i = 0;
  if (s[i] == '+' || s[i] == '-') ++i;
  bool digits = false, dot = false;
  for (; i < s.size(); ++i) {
    if (s[i] >= '0' && s[i] <= '9') {
      digits = true;
    } else if (s[i] == '.' && !dot) {
      dot = true;
    } else {
      break;
    }
  }
  if (!digits) return false;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
    const std::size_t exp = i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
    if (i == exp) return false;
  }
  return i == s.size();
}
}  // namespace

void append_csv_field(std::string& out, std::string_view s, char delimiter) {
  const bool formula =
      !s.empty() &&
      (s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@' || s[0] == '\t' || s[0] == '\r') &&
      !plain_number(s);
  bool quoted = false;
  for (char c : s)
    if (c == delimiter || c == '"' || c == '\r' || c == '\n') quoted = true;
  if (quoted) out += '"';
  if (formula) out += '\'';
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  if (quoted) out += '"';
}

std::string csv_field(std::string_view s, char delimiter) {
  std::string out;
  append_csv_field(out, s, delimiter);
  return out;
}

}  // namespace scrutineer::io
