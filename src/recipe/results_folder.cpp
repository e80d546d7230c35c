// The results folder of a run: built under a temporary name, renamed into place at the end, and
// removed on error or on SIGINT/SIGTERM (the handler then hands over to io's handler, which
// removes the temporary files and exits).
#include <fmt/format.h>
#include <ftw.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <csignal>
#include <cstdio>
#include <cstring>

#include "scrutineer/core/error.hpp"
#include "scrutineer/recipe/run.hpp"

namespace scrutineer::recipe {

namespace {

namespace fs = std::filesystem;

// One folder at a time; fixed storage so that the handler touches no heap.
std::array<char, 4096> g_folder{};
std::atomic<bool> g_active{false};
struct sigaction g_previous_int {};
struct sigaction g_previous_term {};

extern "C" int remove_entry(const char* path, const struct stat*, int, struct FTW*) {
  return std::remove(path);
}

// nftw is not on POSIX's async-signal-safe list, but the process ends right after.
extern "C" void on_signal(int sig) {
  if (g_active) nftw(g_folder.data(), remove_entry, 16, FTW_DEPTH | FTW_PHYS);
  const auto& previous = sig == SIGINT ? g_previous_int : g_previous_term;
  if (previous.sa_handler != SIG_DFL && previous.sa_handler != SIG_IGN &&
      previous.sa_handler != nullptr)
    previous.sa_handler(sig);
  _exit(128 + sig);
}

void watch(const fs::path& folder) {
  const auto text = folder.string();
  if (text.size() >= g_folder.size()) return;
  std::memcpy(g_folder.data(), text.c_str(), text.size() + 1);
  g_active = true;
  struct sigaction action {};
  action.sa_handler = on_signal;
  sigemptyset(&action.sa_mask);
  sigaction(SIGINT, &action, &g_previous_int);
  sigaction(SIGTERM, &action, &g_previous_term);
}

void unwatch() {
  if (!g_active) return;
  g_active = false;
  sigaction(SIGINT, &g_previous_int, nullptr);
  sigaction(SIGTERM, &g_previous_term, nullptr);
}

}  // namespace

ResultsFolder::ResultsFolder(fs::path target) : target_(fs::absolute(std::move(target))) {
  target_ = target_.lexically_normal();
  if (target_.filename().empty()) target_ = target_.parent_path();
  std::error_code error;
  fs::create_directories(target_.parent_path(), error);
  temp_ = target_.parent_path() /
          fmt::format(".{}.tmp-{}", target_.filename().string(), static_cast<long>(getpid()));
  fs::remove_all(temp_, error);
  if (!fs::create_directory(temp_, error) || error)
    throw IoError(
        fmt::format("cannot create the results folder '{}': {}", temp_.string(), error.message()));
  watch(temp_);
}

ResultsFolder::~ResultsFolder() {
  if (committed_) return;
  unwatch();
  std::error_code error;
  fs::remove_all(temp_, error);
}

void ResultsFolder::commit() {
  std::error_code error;
  const auto old = target_.parent_path() / fmt::format(".{}.old-{}", target_.filename().string(),
                                                       static_cast<long>(getpid()));
  const bool replace = fs::exists(target_, error);
  if (replace) {
    fs::rename(target_, old, error);
    if (error)
      throw IoError(fmt::format("cannot move the earlier results '{}' aside: {}", target_.string(),
                                error.message()));
  }
  fs::rename(temp_, target_, error);
  if (error) {
    const auto message = error.message();
    if (replace) fs::rename(old, target_, error);
    throw IoError(fmt::format("cannot move the results into '{}': {}", target_.string(), message));
  }
  committed_ = true;
  unwatch();
  if (replace) fs::remove_all(old, error);
}

}  // namespace scrutineer::recipe
