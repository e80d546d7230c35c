// The output-folder rule: scrutineer never deletes what it did not make. A results folder is built
// under a temporary name beside its target and moved into place only when complete; it carries a
// manifest of the files scrutineer wrote, so a later run knows which files it may replace.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace scrutineer::io {

// The manifest's name inside every results folder (JSON: engine, files).
inline constexpr const char* kManifestName = ".scrutineer-manifest.json";

// What a target folder holds, for the rule below.
enum class FolderState {
  kAbsent,      // nothing there: the results folder is created
  kEmpty,       // an empty folder: replaced
  kOwnResults,  // an earlier scrutineer result holding only the files its manifest lists
  kForeign,     // anything else: files scrutineer did not write (or a folder without manifest)
  kNotAFolder,  // a file, a device or a link to one: never written into
};

FolderState folder_state(const std::filesystem::path& target);

// Refuses (ConfigError, exit 64) a target that the rule forbids: kNotAFolder always, kForeign
// unless `replace`. The message says what was found and how to proceed.
void check_output_folder(const std::filesystem::path& target, bool replace);

// A folder built under a temporary name (`.NAME.tmp-PID`) beside `target`:
// - commit() moves it into place: onto an absent or empty target, or in place of an earlier
//   scrutineer result; with `replace` on a foreign folder, it deletes only the files the folder's
//   manifest lists (if any) and moves each new file in, leaving every other file as it was;
// - the destructor (on error) and io's SIGINT/SIGTERM handler remove the temporary folder;
// - temporary folders left by a killed run (`kill -9`) beside the target are removed when their
//   process is gone and they hold the mark scrutineer puts in each.
class OutputFolder {
 public:
  // Checks the target at once (check_output_folder), so a refused run does no work.
  OutputFolder(std::filesystem::path target, bool replace = false);
  ~OutputFolder();
  OutputFolder(const OutputFolder&) = delete;
  OutputFolder& operator=(const OutputFolder&) = delete;

  // Where stages write now.
  const std::filesystem::path& path() const { return temp_; }
  // Where the results end up (absolute).
  const std::filesystem::path& target() const { return target_; }
  // Writes the manifest and moves the folder into place. Throws ConfigError when the target
  // changed into one the rule forbids meanwhile, IoError when a move fails.
  void commit();

 private:
  void commit_whole();
  void commit_file_by_file();
  std::filesystem::path target_;
  std::filesystem::path temp_;
  bool replace_ = false;
  bool committed_ = false;
  int slot_ = -1;
};

// Files listed by the manifest of `folder` (relative paths); empty when it has none.
std::vector<std::filesystem::path> manifest_files(const std::filesystem::path& folder);

// Removes `.NAME.tmp-PID` folders beside `target` whose process has ended and which hold
// scrutineer's mark. Returns how many were removed.
int remove_stale_temporaries(const std::filesystem::path& target);

}  // namespace scrutineer::io
