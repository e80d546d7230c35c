// RFC 4180 CSV reader over a memory-mapped file.
#include "scrutineer/io/csv.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>

#include "scrutineer/core/error.hpp"

namespace scrutineer::io {

namespace {
std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}
}  // namespace

CsvReader::CsvReader(std::string path, CsvOptions options, int)
    : path_(std::move(path)), options_(options) {}

CsvReader::CsvReader(const std::string& path, CsvOptions options) : CsvReader(path, options, 0) {
  const int fd = ::open(path.c_str(), O_RDONLY);
  if (fd < 0) throw IoError(fmt::format("cannot open {}: {}", path, std::strerror(errno)));
  struct stat st {};
  if (fstat(fd, &st) != 0 || S_ISDIR(st.st_mode)) {
    ::close(fd);
    throw IoError(fmt::format("cannot read {}: not a regular file", path));
  }
  size_ = static_cast<std::size_t>(st.st_size);
  if (size_ > 0) {
    // Populated up front: one pass of readahead instead of a page fault every 4 KiB.
    map_ = mmap(nullptr, size_, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
    if (map_ == MAP_FAILED) {
      ::close(fd);
      throw IoError(fmt::format("cannot map {}: {}", path, std::strerror(errno)));
    }
    madvise(map_, size_, MADV_SEQUENTIAL);
    data_ = static_cast<const char*>(map_);
  }
  ::close(fd);
  read_header();
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
  if (map_) munmap(map_, size_);
}

CsvReader::CsvReader(CsvReader&& o) noexcept { *this = std::move(o); }

CsvReader& CsvReader::operator=(CsvReader&& o) noexcept {
  if (this == &o) return *this;
  if (map_) munmap(map_, size_);
  path_ = std::move(o.path_);
  options_ = o.options_;
  const bool owned = o.data_ == o.owned_.data();
  owned_ = std::move(o.owned_);
  data_ = owned ? owned_.data() : o.data_;
  size_ = o.size_;
  pos_ = o.pos_;
  line_ = o.line_;
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
  for (auto f : rec.fields) header_.emplace_back(trim(f));
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
                   fmt::format("missing required column '{}' (the header has: {})", name, have));
}

bool CsvReader::next(CsvRecord& rec) {
  rec.fields.clear();
  rec.columns.clear();
  rec.unescaped.clear();
  rec.unterminated_quote = false;
  rec.too_long = false;
  // Skip blank lines.
  while (pos_ < size_ && (data_[pos_] == '\n' || data_[pos_] == '\r')) {
    if (data_[pos_] == '\n') ++line_;
    ++pos_;
  }
  if (pos_ >= size_) return false;
  rec.line = line_;
  std::size_t line_start = pos_;
  const char delim = options_.delimiter, quote = options_.quote;
  while (true) {
    const std::size_t start = pos_;
    rec.columns.push_back(static_cast<std::uint32_t>(start - line_start + 1));
    if (pos_ < size_ && data_[pos_] == quote) {
      // Quoted field: find the closing quote, unescaping doubled quotes if any.
      ++pos_;
      const std::size_t body = pos_;
      bool doubled = false;
      while (true) {
        const void* q = std::memchr(data_ + pos_, quote, size_ - pos_);
        if (!q) {
          pos_ = size_;
          rec.unterminated_quote = true;
          break;
        }
        pos_ = static_cast<std::size_t>(static_cast<const char*>(q) - data_);
        if (pos_ + 1 < size_ && data_[pos_ + 1] == quote) {
          doubled = true;
          pos_ += 2;
          continue;
        }
        break;
      }
      std::string_view raw(data_ + body, pos_ - body);
      for (char c : raw)
        if (c == '\n') ++line_;
      if (!rec.unterminated_quote) ++pos_;  // closing quote
      if (doubled) {
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
      while (pos_ < size_ && data_[pos_] != delim && data_[pos_] != '\n' && data_[pos_] != '\r')
        ++pos_;
      rec.fields.push_back(raw);
    } else {
      while (pos_ < size_ && data_[pos_] != delim && data_[pos_] != '\n' && data_[pos_] != '\r')
        ++pos_;
      rec.fields.emplace_back(data_ + start, pos_ - start);
    }
    if (rec.fields.back().size() > options_.max_field_bytes) rec.too_long = true;
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
