// The results folder of a run: built under a temporary name, renamed into place at the end, and
// removed on error or, through io's interrupt handler, on SIGINT/SIGTERM.
#include <fmt/format.h>
#include <unistd.h>

#include "scrutineer/core/error.hpp"
#include "scrutineer/io/atomic_file.hpp"
#include "scrutineer/recipe/run.hpp"

namespace scrutineer::recipe {

namespace fs = std::filesystem;

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
  slot_ = io::watch_temporary(temp_, true);
}

ResultsFolder::~ResultsFolder() {
  io::unwatch_temporary(slot_);
  if (committed_) return;
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
  io::unwatch_temporary(slot_);
  slot_ = -1;
  if (replace) fs::remove_all(old, error);
}

}  // namespace scrutineer::recipe
