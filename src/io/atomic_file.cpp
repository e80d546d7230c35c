// Atomic output files (see the header for the rule): write to a temporary, rename on commit;
// devices written in place, links followed, stale temporaries of killed runs removed.
#include "scrutineer/io/atomic_file.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <ftw.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <mutex>
#include <set>

#include "scrutineer/core/error.hpp"
#include "temporaries.hpp"

namespace scrutineer::io {

namespace fs = std::filesystem;

namespace detail {

bool process_alive(long pid) { return kill(static_cast<pid_t>(pid), 0) == 0 || errno == EPERM; }

long temporary_pid(const std::string& name, const std::string& prefix, bool with_counter) {
  if (name.rfind(prefix, 0) != 0 || name.size() == prefix.size()) return -1;
  std::string digits = name.substr(prefix.size());
  if (with_counter) {
    const auto dash = digits.find('-');
    if (dash == std::string::npos || dash + 1 == digits.size()) return -1;
    const auto counter = digits.substr(dash + 1);
    if (counter.size() > 10 || !std::all_of(counter.begin(), counter.end(), ::isdigit)) return -1;
    digits.resize(dash);
  }
  if (digits.empty() || digits.size() > 9 || !std::all_of(digits.begin(), digits.end(), ::isdigit))
    return -1;
  return std::stol(digits);
}

bool stale_temporary(const std::string& name, const std::string& prefix, bool with_counter) {
  const long pid = temporary_pid(name, prefix, with_counter);
  return pid > 0 && pid != static_cast<long>(getpid()) && !process_alive(pid);
}

}  // namespace detail

namespace {
// Temporaries to delete on a signal: fixed slots so the handler touches no heap.
constexpr int kSlots = 256;
constexpr std::size_t kPathMax = 4096;
std::array<std::atomic<bool>, kSlots> g_used{};
std::array<bool, kSlots> g_folder{};
std::array<std::array<char, kPathMax>, kSlots> g_paths{};

extern "C" int remove_entry(const char* path, const struct stat*, int, struct FTW*) {
  return std::remove(path);
}

// nftw is not on POSIX's async-signal-safe list, but the process ends right after.
extern "C" void on_interrupt(int sig) {
  for (int i = 0; i < kSlots; ++i) {
    if (!g_used[i]) continue;
    if (g_folder[i])
      nftw(g_paths[i].data(), remove_entry, 16, FTW_DEPTH | FTW_PHYS);
    else
      unlink(g_paths[i].data());
  }
  const char msg[] = "\ninterrupted: no partial output was left\n";
  [[maybe_unused]] auto n = write(STDERR_FILENO, msg, sizeof msg - 1);
  _exit(128 + sig);
}

std::atomic<unsigned> g_counter{0};

std::mutex g_inputs_mutex;
std::set<std::pair<std::uint64_t, std::uint64_t>> g_inputs;

fs::path temporary_beside(const fs::path& file) {
  return file.parent_path() / fmt::format(".{}.tmp-{}-{}", file.filename().string(),
                                          static_cast<long>(getpid()), g_counter++);
}

// Paths under /dev and /proc name devices, or magic links to open files (/dev/stdout is
// /proc/self/fd/1, which may name a pipe): they are never replaced.
bool special_location(const fs::path& absolute) {
  auto it = absolute.begin();
  if (it == absolute.end() || *it != "/") return false;
  ++it;
  return it != absolute.end() && (*it == "dev" || *it == "proc");
}

// Follows every symbolic link of `path` itself (not of its folders), dangling ones included.
fs::path follow_links(fs::path path) {
  for (int hops = 0;; ++hops) {
    std::error_code error;
    if (!fs::is_symlink(fs::symlink_status(path, error))) return path;
    if (hops == 40)
      throw IoError(
          fmt::format("cannot write {}: too many levels of symbolic links", path.string()));
    const fs::path next = fs::read_symlink(path, error);
    if (error)
      throw IoError(fmt::format("cannot read the link {}: {}", path.string(), error.message()));
    path = next.is_absolute() ? next : (path.parent_path() / next).lexically_normal();
  }
}

// Creates the missing folders above `file`; returns the ones it created, innermost first.
std::vector<fs::path> create_parents(const fs::path& file) {
  std::vector<fs::path> missing;
  std::error_code error;
  for (fs::path dir = file.parent_path(); !dir.empty() && !fs::exists(dir, error);
       dir = dir.parent_path()) {
    missing.push_back(dir);
    if (dir == dir.parent_path()) break;
  }
  for (auto it = missing.rbegin(); it != missing.rend(); ++it) {
    fs::create_directory(*it, error);
    if (error)
      throw IoError(fmt::format("cannot create the folder {} for {}: {}", it->string(),
                                file.string(), error.message()));
  }
  return missing;
}

// An output stream buffer on a C stream (a device, a FIFO, or stdout itself).
class FileBuf : public std::streambuf {
 public:
  explicit FileBuf(std::FILE* file) : file_(file) {}

 protected:
  int_type overflow(int_type c) override {
    if (traits_type::eq_int_type(c, traits_type::eof())) return traits_type::not_eof(c);
    return std::fputc(c, file_) == EOF ? traits_type::eof() : c;
  }
  std::streamsize xsputn(const char* s, std::streamsize n) override {
    return static_cast<std::streamsize>(std::fwrite(s, 1, static_cast<std::size_t>(n), file_));
  }
  int sync() override { return std::fflush(file_) == 0 ? 0 : -1; }

 private:
  std::FILE* file_;
};

// Signals that would run the interrupt handler are held while a group's files are renamed, so
// Ctrl-C cannot split the group.
class HoldSignals {
 public:
  HoldSignals() {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGHUP);
    pthread_sigmask(SIG_BLOCK, &set, &old_);
  }
  ~HoldSignals() { pthread_sigmask(SIG_SETMASK, &old_, nullptr); }

 private:
  sigset_t old_;
};

}  // namespace

void remember_input(std::uint64_t device, std::uint64_t inode) {
  const std::lock_guard lock(g_inputs_mutex);
  g_inputs.emplace(device, inode);
}

bool is_remembered_input(std::uint64_t device, std::uint64_t inode) {
  const std::lock_guard lock(g_inputs_mutex);
  return g_inputs.count({device, inode}) > 0;
}

int remove_stale_file_temporaries(const fs::path& target) {
  const auto dir = target.parent_path().empty() ? fs::path(".") : target.parent_path();
  const auto prefix = fmt::format(".{}.tmp-", target.filename().string());
  int removed = 0;
  std::error_code error;
  for (const auto& entry : fs::directory_iterator(dir, error)) {
    if (!detail::stale_temporary(entry.path().filename().string(), prefix, true)) continue;
    if (!fs::is_regular_file(fs::symlink_status(entry.path(), error))) continue;
    if (fs::remove(entry.path(), error)) ++removed;
  }
  return removed;
}

AtomicFile::AtomicFile(fs::path target) : target_(std::move(target)) {
  std::error_code error;
  const fs::path absolute = fs::absolute(target_, error).lexically_normal();
  if (target_.empty() || error)
    throw IoError(fmt::format("cannot write '{}': not a file name", target_.string()));
  const auto followed = fs::status(absolute, error);  // through links
  if (special_location(absolute) ||
      (fs::exists(followed) && !fs::is_regular_file(followed) && !fs::is_directory(followed))) {
    direct_ = true;
    destination_ = temp_ = target_;
    return;
  }
  destination_ = follow_links(absolute);
  if (fs::is_directory(fs::status(destination_, error)))
    throw IoError(fmt::format("cannot write {}: it is a folder", target_.string()));
  struct stat st {};
  if (::stat(destination_.c_str(), &st) == 0 &&
      is_remembered_input(static_cast<std::uint64_t>(st.st_dev),
                          static_cast<std::uint64_t>(st.st_ino)))
    throw ConfigError(fmt::format(
        "output '{}' is a file this run reads as input: scrutineer never writes over its input; "
        "choose another output path",
        target_.string()));
  created_ = create_parents(destination_);
  remove_stale_file_temporaries(destination_);
  temp_ = temporary_beside(destination_);
  slot_ = watch_temporary(temp_);
}

AtomicFile::~AtomicFile() {
  if (direct_owned_ && direct_file_) std::fclose(direct_file_);
  if (!committed_ && !direct_) {
    if (out_.is_open()) out_.close();
    std::error_code ec;
    fs::remove(temp_, ec);
    for (const auto& dir : created_) fs::remove(dir, ec);  // only if still empty
  }
  unwatch_temporary(slot_);
}

std::ostream& AtomicFile::stream() {
  if (direct_) {
    if (!direct_out_) {
      struct stat target {
      }, st{};
      const bool known = ::stat(target_.c_str(), &target) == 0;
      auto same = [&](int fd) {
        return known && fstat(fd, &st) == 0 && st.st_dev == target.st_dev &&
               st.st_ino == target.st_ino;
      };
      if (same(STDOUT_FILENO)) {
        direct_file_ = stdout;
      } else if (same(STDERR_FILENO)) {
        direct_file_ = stderr;
      } else {
        direct_file_ = std::fopen(target_.c_str(), "ab");
        direct_owned_ = true;
        if (!direct_file_)
          throw IoError(fmt::format("cannot write {}: {}", target_.string(), std::strerror(errno)));
      }
      direct_buf_ = std::make_unique<FileBuf>(direct_file_);
      direct_out_ = std::make_unique<std::ostream>(direct_buf_.get());
    }
    return *direct_out_;
  }
  if (!out_.is_open()) {
    out_.open(temp_, std::ios::binary | std::ios::trunc);
    if (!out_)
      throw IoError(fmt::format("cannot write {}: {}", temp_.string(), std::strerror(errno)));
  }
  return out_;
}

void AtomicFile::prepare() {
  if (prepared_) return;
  if (direct_out_) {
    errno = 0;
    const bool written = static_cast<bool>(direct_out_->flush());
    const bool flushed = std::fflush(direct_file_) == 0 && !std::ferror(direct_file_);
    const int code = errno;
    const bool closed = !direct_owned_ || std::fclose(direct_file_) == 0;
    direct_file_ = nullptr;
    if (!written || !flushed || !closed)
      throw IoError(fmt::format("cannot write {}{}", target_.string(),
                                code ? std::string(": ") + std::strerror(code) : ""));
  } else if (out_.is_open()) {
    errno = 0;
    out_.flush();
    const bool flushed = static_cast<bool>(out_);
    out_.close();
    if (!flushed || out_.fail())
      throw IoError(fmt::format("cannot write {}{}", target_.string(),
                                errno ? std::string(": ") + std::strerror(errno) : ""));
  } else if (!direct_) {
    // Nothing was streamed: the temporary is whatever a library wrote by name, or an empty file.
    std::error_code ec;
    if (!fs::exists(temp_, ec)) std::ofstream(temp_, std::ios::binary);
    if (!fs::exists(temp_, ec))
      throw IoError(fmt::format("cannot write {}: {}", temp_.string(), std::strerror(errno)));
  }
  prepared_ = true;
}

void AtomicFile::publish() {
  prepare();
  if (!direct_) {
    std::error_code ec;
    fs::rename(temp_, destination_, ec);
    if (ec)
      throw IoError(
          fmt::format("cannot move output into {}: {}", destination_.string(), ec.message()));
  }
  committed_ = true;
  unwatch_temporary(slot_);
  slot_ = -1;
}

void AtomicFile::commit() {
  prepare();
  HoldSignals hold;
  publish();
}

AtomicFile& FileGroup::add(const fs::path& target) {
  files_.push_back(std::make_unique<AtomicFile>(target));
  return *files_.back();
}

void FileGroup::add_text(const fs::path& target, const std::string& text) {
  add(target).stream() << text;
}

void FileGroup::commit() {
  for (auto& f : files_) f->prepare();  // every file complete before any is moved
  HoldSignals hold;
  // Hard links to the files about to be replaced, to restore them if a later rename fails.
  std::vector<fs::path> backups(files_.size());
  std::error_code ec;
  for (std::size_t i = 0; i < files_.size(); ++i) {
    const auto& f = *files_[i];
    if (f.direct() || !fs::is_regular_file(fs::symlink_status(f.destination(), ec))) continue;
    const auto backup = temporary_beside(f.destination());
    if (::link(f.destination().c_str(), backup.c_str()) == 0) backups[i] = backup;
  }
  std::size_t done = 0;
  try {
    for (; done < files_.size(); ++done) files_[done]->publish();
  } catch (...) {
    for (std::size_t i = 0; i < done; ++i) {
      const auto& f = *files_[i];
      if (f.direct()) continue;
      if (!backups[i].empty())
        fs::rename(backups[i], f.destination(), ec);
      else
        fs::remove(f.destination(), ec);
    }
    for (const auto& b : backups)
      if (!b.empty()) fs::remove(b, ec);
    throw;
  }
  for (const auto& b : backups)
    if (!b.empty()) fs::remove(b, ec);
}

void write_text_file(const fs::path& target, const std::string& text) {
  AtomicFile file(target);
  file.stream() << text;
  file.commit();
}

void write_text_files(const std::vector<std::pair<fs::path, std::string>>& files) {
  FileGroup group;
  for (const auto& [path, text] : files) group.add_text(path, text);
  group.commit();
}

namespace {

bool skipped_output(const fs::path& p) {
  if (p.empty()) return true;
  std::error_code error;
  const auto absolute = fs::absolute(p, error).lexically_normal();
  const auto st = fs::status(absolute, error);
  return special_location(absolute) ||
         (fs::exists(st) && !fs::is_regular_file(st) && !fs::is_directory(st));
}

bool same_file(const fs::path& a, const fs::path& b) {
  std::error_code error;
  if (fs::exists(a, error) && fs::exists(b, error)) return fs::equivalent(a, b, error) && !error;
  // One does not exist yet: compare where each would be written.
  auto where = [](const fs::path& p) {
    std::error_code e;
    return fs::weakly_canonical(fs::absolute(p, e), e).lexically_normal();
  };
  return where(a) == where(b);
}

}  // namespace

void check_outputs_distinct(const std::vector<NamedPath>& inputs,
                            const std::vector<NamedPath>& outputs) {
  for (std::size_t i = 0; i < outputs.size(); ++i) {
    const auto& [out_name, out] = outputs[i];
    if (skipped_output(out)) continue;
    for (const auto& [in_name, in] : inputs)
      if (!in.empty() && same_file(in, out))
        throw ConfigError(fmt::format(
            "{} '{}' is the same file as {} '{}': scrutineer never writes over its input; choose "
            "another output path",
            out_name, out.string(), in_name, in.string()));
    for (std::size_t j = 0; j < i; ++j) {
      const auto& [other_name, other] = outputs[j];
      if (!skipped_output(other) && same_file(other, out))
        throw ConfigError(
            fmt::format("{} '{}' and {} '{}' are the same file: give each output "
                        "its own path",
                        other_name, other.string(), out_name, out.string()));
    }
  }
}

int watch_temporary(const fs::path& path, bool folder) {
  const std::string s = path.string();
  if (s.size() >= kPathMax) return -1;
  for (int i = 0; i < kSlots; ++i) {
    bool expected = false;
    if (g_used[i].compare_exchange_strong(expected, true)) {
      std::memcpy(g_paths[i].data(), s.c_str(), s.size() + 1);
      g_folder[i] = folder;
      return i;
    }
  }
  return -1;
}

void unwatch_temporary(int slot) {
  if (slot >= 0) g_used[slot] = false;
}

void install_interrupt_cleanup() {
  std::signal(SIGINT, on_interrupt);
  std::signal(SIGTERM, on_interrupt);
}

}  // namespace scrutineer::io
