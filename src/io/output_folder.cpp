// The output-folder rule (see the header): results are built beside the target and moved into
// place; only files a scrutineer manifest lists are ever deleted.
#include "scrutineer/io/output_folder.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>

#include "scrutineer/core/error.hpp"
#include "scrutineer/io/atomic_file.hpp"
#include "temporaries.hpp"

namespace scrutineer::io {

namespace {

namespace fs = std::filesystem;

// Put in each temporary results folder while it is being built, so that a later run removes only
// folders scrutineer made.
constexpr const char* kPartialMark = ".scrutineer-partial";

fs::path absolute_target(fs::path target) {
  target = fs::absolute(std::move(target)).lexically_normal();
  if (target.filename().empty()) target = target.parent_path();
  return target;
}

// Every entry under `dir` that is not a folder, relative, sorted; symbolic links are not followed.
std::vector<fs::path> entries_under(const fs::path& dir) {
  std::vector<fs::path> out;
  for (const auto& entry : fs::recursive_directory_iterator(dir))
    if (!entry.is_directory() || entry.is_symlink())
      out.push_back(entry.path().lexically_relative(dir));
  std::sort(out.begin(), out.end());
  return out;
}

void write_manifest(const fs::path& folder, const std::vector<fs::path>& files) {
  nlohmann::json list = nlohmann::json::array();
  for (const auto& f : files)
    if (f != kManifestName) list.push_back(f.generic_string());
  const nlohmann::json manifest = {
      {"written_by", "scrutineer"},
      {"note", "the files scrutineer wrote here; a later run replaces these and no others"},
      {"files", list}};
  write_text_file(folder / kManifestName, manifest.dump(2) + "\n");
}

std::string describe(FolderState state) {
  switch (state) {
    case FolderState::kNotAFolder:
      return "is not a folder";
    case FolderState::kForeign:
      return "is not empty and is not a scrutineer results folder (it holds files scrutineer did "
             "not write)";
    default:
      return "can be written";
  }
}

void move_file(const fs::path& from, const fs::path& to) {
  std::error_code error;
  fs::create_directories(to.parent_path(), error);
  fs::rename(from, to, error);
  if (error)
    throw IoError(fmt::format("cannot move '{}' into place: {}", to.string(), error.message()));
}

}  // namespace

std::vector<fs::path> manifest_files(const fs::path& folder) {
  std::ifstream in(folder / kManifestName);
  if (!in) return {};
  const auto manifest = nlohmann::json::parse(in, nullptr, false);
  std::vector<fs::path> out;
  if (!manifest.is_object() || manifest.value("written_by", "") != "scrutineer" ||
      !manifest.contains("files") || !manifest["files"].is_array())
    return out;
  for (const auto& f : manifest["files"]) {
    if (!f.is_string()) continue;
    const fs::path p = fs::path(f.get<std::string>()).lexically_normal();
    // Only paths inside the folder: a manifest never names anything outside it.
    if (p.empty() || p.is_absolute() || *p.begin() == "..") continue;
    out.push_back(p);
  }
  return out;
}

FolderState folder_state(const fs::path& target) {
  std::error_code error;
  const auto link = fs::symlink_status(target, error);
  if (!fs::exists(link)) return FolderState::kAbsent;
  if (!fs::is_directory(fs::status(target, error))) return FolderState::kNotAFolder;
  const auto entries = entries_under(target);
  if (entries.empty()) return FolderState::kEmpty;
  const auto listed = manifest_files(target);
  if (listed.empty()) return FolderState::kForeign;
  const std::set<fs::path> own(listed.begin(), listed.end());
  for (const auto& entry : entries) {
    if (entry == kManifestName) continue;
    if (!own.count(entry) || !fs::is_regular_file(fs::symlink_status(target / entry, error)))
      return FolderState::kForeign;
  }
  return FolderState::kOwnResults;
}

void check_output_folder(const fs::path& target, bool replace) {
  const auto state = folder_state(target);
  if (state == FolderState::kNotAFolder)
    throw ConfigError(fmt::format("output folder '{}' {}", target.string(), describe(state)));
  if (state == FolderState::kForeign && !replace)
    throw ConfigError(fmt::format(
        "output folder '{}' {}; choose a new or empty folder, or pass --replace to write into "
        "it (scrutineer then replaces only the files it wrote there before and the files of the "
        "same names, and deletes nothing else)",
        target.string(), describe(state)));
}

int remove_stale_temporaries(const fs::path& target) {
  const auto dir = target.parent_path();
  const auto prefix = fmt::format(".{}.tmp-", target.filename().string());
  int removed = 0;
  std::error_code error;
  for (const auto& entry : fs::directory_iterator(dir, error)) {
    if (!detail::stale_temporary(entry.path().filename().string(), prefix, false)) continue;
    if (!entry.is_directory() || entry.is_symlink() ||
        !fs::exists(entry.path() / kPartialMark, error))
      continue;
    fs::remove_all(entry.path(), error);
    if (!error) ++removed;
  }
  return removed;
}

OutputFolder::OutputFolder(fs::path target, bool replace)
    : target_(absolute_target(std::move(target))), replace_(replace) {
  check_output_folder(target_, replace_);
  std::error_code error;
  fs::create_directories(target_.parent_path(), error);
  remove_stale_temporaries(target_);
  temp_ = target_.parent_path() /
          fmt::format(".{}.tmp-{}", target_.filename().string(), static_cast<long>(getpid()));
  fs::remove_all(temp_, error);  // this process's own leftover, if any
  if (!fs::create_directory(temp_, error) || error)
    throw IoError(
        fmt::format("cannot create the results folder '{}': {}", temp_.string(), error.message()));
  slot_ = watch_temporary(temp_, true);
  std::ofstream(temp_ / kPartialMark) << "scrutineer is writing results here\n";
}

OutputFolder::~OutputFolder() {
  unwatch_temporary(slot_);
  if (committed_) return;
  std::error_code error;
  fs::remove_all(temp_, error);
}

void OutputFolder::commit() {
  std::error_code error;
  fs::remove(temp_ / kPartialMark, error);
  const auto state = folder_state(target_);
  check_output_folder(target_, replace_);  // it may have changed while the run worked
  if (state == FolderState::kForeign || fs::is_symlink(target_))
    commit_file_by_file();
  else
    commit_whole();
  committed_ = true;
  io::unwatch_temporary(slot_);
  slot_ = -1;
}

// Absent, empty or an earlier result: the folder is renamed into place, the earlier one aside.
void OutputFolder::commit_whole() {
  write_manifest(temp_, entries_under(temp_));
  std::error_code error;
  const auto old = target_.parent_path() / fmt::format(".{}.old-{}", target_.filename().string(),
                                                       static_cast<long>(getpid()));
  const bool earlier = folder_state(target_) == FolderState::kOwnResults;
  if (earlier) {
    fs::rename(target_, old, error);
    if (error)
      throw IoError(fmt::format("cannot move the earlier results '{}' aside: {}", target_.string(),
                                error.message()));
  }
  fs::rename(temp_, target_, error);  // onto an empty folder too (rename(2))
  if (error) {
    const auto message = error.message();
    if (earlier) fs::rename(old, target_, error);
    throw IoError(fmt::format("cannot move the results into '{}': {}", target_.string(), message));
  }
  if (earlier) fs::remove_all(old, error);  // it held only files its manifest listed
}

// A folder with files of others (--replace), or a link to a folder: the files its manifest lists
// are deleted, each new file is moved in, and nothing else is touched.
void OutputFolder::commit_file_by_file() {
  const auto dest = fs::canonical(target_);
  std::error_code error;
  for (const auto& f : manifest_files(dest))
    if (fs::is_regular_file(fs::symlink_status(dest / f, error))) fs::remove(dest / f, error);
  const auto files = entries_under(temp_);
  for (const auto& f : files) move_file(temp_ / f, dest / f);
  write_manifest(dest, files);
  fs::remove_all(temp_, error);
}

}  // namespace scrutineer::io
