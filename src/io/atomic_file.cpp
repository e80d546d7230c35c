// Atomic output files: write to a temporary, rename on commit.
#include "scrutineer/io/atomic_file.hpp"

#include <fmt/format.h>
#include <ftw.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <csignal>
#include <cstdio>
#include <cstring>

#include "scrutineer/core/error.hpp"

namespace scrutineer::io {

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
}  // namespace

AtomicFile::AtomicFile(std::filesystem::path target) : target_(std::move(target)) {
  auto dir = target_.parent_path();
  if (!dir.empty()) std::filesystem::create_directories(dir);
  temp_ = dir / fmt::format(".{}.tmp-{}-{}", target_.filename().string(), getpid(), g_counter++);
  slot_ = watch_temporary(temp_);
}

AtomicFile::~AtomicFile() {
  if (!committed_) {
    if (out_.is_open()) out_.close();
    std::error_code ec;
    std::filesystem::remove(temp_, ec);
  }
  unwatch_temporary(slot_);
}

std::ofstream& AtomicFile::stream() {
  if (!out_.is_open()) {
    out_.open(temp_, std::ios::binary | std::ios::trunc);
    if (!out_)
      throw IoError(fmt::format("cannot write {}: {}", temp_.string(), std::strerror(errno)));
  }
  return out_;
}

void AtomicFile::commit() {
  if (out_.is_open()) {
    out_.flush();
    if (!out_) throw IoError(fmt::format("cannot write {}", target_.string()));
    out_.close();
  }
  std::error_code ec;
  std::filesystem::rename(temp_, target_, ec);
  if (ec)
    throw IoError(fmt::format("cannot move output into {}: {}", target_.string(), ec.message()));
  committed_ = true;
}

void write_text_file(const std::filesystem::path& target, const std::string& text) {
  AtomicFile file(target);
  file.stream() << text;
  file.commit();
}

int watch_temporary(const std::filesystem::path& path, bool folder) {
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
