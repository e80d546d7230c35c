// Outputs are written to a temporary file beside the target and renamed into place on commit(), so
// a failure or Ctrl-C never leaves a half-written result. Uncommitted temporaries are removed by
// the destructor and by the SIGINT/SIGTERM handler that install_interrupt_cleanup() sets up.
#pragma once

#include <filesystem>
#include <fstream>
#include <string>

namespace scrutineer::io {

class AtomicFile {
 public:
  explicit AtomicFile(std::filesystem::path target);
  ~AtomicFile();
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;

  // Path to write to (for libraries such as GDAL that open files by name).
  const std::filesystem::path& temp_path() const { return temp_; }
  const std::filesystem::path& target() const { return target_; }
  // A stream on the temporary file (opened on first use).
  std::ofstream& stream();
  // Flushes, closes and renames the temporary onto the target. Throws IoError on failure.
  void commit();

 private:
  std::filesystem::path target_;
  std::filesystem::path temp_;
  std::ofstream out_;
  bool committed_ = false;
  int slot_ = -1;
};

// Writes a whole text file atomically.
void write_text_file(const std::filesystem::path& target, const std::string& text);

// Registers a temporary file, or a folder (removed with everything in it), for the interrupt
// handler to delete; returns its slot (-1 when every slot is taken). unwatch_temporary() releases
// it.
int watch_temporary(const std::filesystem::path& path, bool folder = false);
void unwatch_temporary(int slot);

// Installs SIGINT and SIGTERM handlers that delete uncommitted temporaries, then exit with
// 128 + signal. Called once by the front ends.
void install_interrupt_cleanup();

}  // namespace scrutineer::io
