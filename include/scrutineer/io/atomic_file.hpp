// The atomic-output rule. An output is written to a temporary file beside its target and renamed
// into place on commit(), so a failure or Ctrl-C never leaves a half-written result:
// - a target that is a device, a FIFO or a socket (/dev/stdout, /dev/null, a named pipe), and any
//   path under /dev or /proc, is written directly, in place: such files cannot be replaced, and
//   a rename would turn the device into a regular file. Nothing is staged for them;
// - a target that is a symbolic link is followed (through every link, up to 40): the temporary is
//   put beside the file the link names, which is replaced atomically; the link stays a link;
// - temporaries (`.NAME.tmp-PID-N`) that a killed process (`kill -9`) left beside the target are
//   removed when the target is next written, if that process has ended;
// - missing parent folders are created (like mkdir -p); the ones created are removed again when
//   the output is not committed.
// Uncommitted temporaries are removed by the destructor and by the SIGINT/SIGTERM handler that
// install_interrupt_cleanup() sets up. Every failure is an IoError (exit 74).
#pragma once

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace scrutineer::io {

class AtomicFile {
 public:
  explicit AtomicFile(std::filesystem::path target);
  ~AtomicFile();
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;

  // Path to write to (for libraries such as GDAL that open files by name): the temporary, or the
  // target itself when it is written directly.
  const std::filesystem::path& temp_path() const { return temp_; }
  // The path as given.
  const std::filesystem::path& target() const { return target_; }
  // The file that commit() replaces: the target with its symbolic links followed.
  const std::filesystem::path& destination() const { return destination_; }
  // True when the target is a device, FIFO or socket, written in place.
  bool direct() const { return direct_; }
  // A stream on the temporary file (opened on first use). A direct target that is this process's
  // standard output or error (`--summary /dev/stdout` with stdout redirected to a file) is written
  // through that stream, so its text and what the program prints stay in order.
  std::ostream& stream();
  // Flushes, closes and renames the temporary onto the target. Throws IoError on failure.
  void commit();

  // commit() in two steps, for FileGroup: prepare() flushes and closes the temporary and checks
  // that every byte was written; publish() renames it into place.
  void prepare();
  void publish();

 private:
  std::filesystem::path target_;
  std::filesystem::path destination_;
  std::filesystem::path temp_;
  std::vector<std::filesystem::path> created_;  // parent folders this output created
  std::ofstream out_;
  std::FILE* direct_file_ = nullptr;  // the device, FIFO or standard stream of a direct target
  bool direct_owned_ = false;         // direct_file_ was opened here (not stdout/stderr)
  std::unique_ptr<std::streambuf> direct_buf_;
  std::unique_ptr<std::ostream> direct_out_;
  bool direct_ = false;
  bool prepared_ = false;
  bool committed_ = false;
  int slot_ = -1;
};

// Outputs that belong together (an events file and its summary; the files of `scores --out`):
// every file is written to its temporary first; commit() then checks them all (flush, close) and
// only when all are complete renames them into place one after the other. A failure before the
// renames leaves none of them. If a rename itself fails, the renames already made are undone (the
// earlier files are restored from hard links taken just before). What remains is the window
// between the renames themselves (microseconds): a `kill -9` or a power cut exactly there can
// leave some files new and some old. Devices in a group are written directly, as they come.
class FileGroup {
 public:
  FileGroup() = default;
  FileGroup(const FileGroup&) = delete;
  FileGroup& operator=(const FileGroup&) = delete;
  // A member of the group; the reference stays valid while the group lives.
  AtomicFile& add(const std::filesystem::path& target);
  // Adds a file holding `text`.
  void add_text(const std::filesystem::path& target, const std::string& text);
  void commit();

 private:
  std::vector<std::unique_ptr<AtomicFile>> files_;
};

// Writes a whole text file atomically.
void write_text_file(const std::filesystem::path& target, const std::string& text);
// Writes several text files as one group (FileGroup): all of them or none.
void write_text_files(const std::vector<std::pair<std::filesystem::path, std::string>>& files);

// Refuses (ConfigError, exit 64) an output that is one of the inputs, or two outputs that are the
// same file: paths are compared after following links (std::filesystem::equivalent: same device
// and inode) and, for outputs that do not exist yet, by their absolute normal form. Each entry is
// (option name, path), e.g. {"input", "x.csv"}, {"--out", "x.csv"}; empty paths and devices
// (/dev/stdout, /dev/null) are skipped. The message names both options.
using NamedPath = std::pair<std::string, std::filesystem::path>;
void check_outputs_distinct(const std::vector<NamedPath>& inputs,
                            const std::vector<NamedPath>& outputs);

// The safety net under check_outputs_distinct: io's readers (CsvReader, the recipe reader) note
// each file they open (device and inode), and AtomicFile refuses (ConfigError) to replace a file
// this process has read as input.
void remember_input(std::uint64_t device, std::uint64_t inode);
bool is_remembered_input(std::uint64_t device, std::uint64_t inode);

// Removes `.NAME.tmp-PID-N` files beside `target` whose process has ended. Returns how many.
int remove_stale_file_temporaries(const std::filesystem::path& target);

// Registers a temporary file, or a folder (removed with everything in it), for the interrupt
// handler to delete; returns its slot (-1 when every slot is taken). unwatch_temporary() releases
// it.
int watch_temporary(const std::filesystem::path& path, bool folder = false);
void unwatch_temporary(int slot);

// Installs SIGINT and SIGTERM handlers that delete uncommitted temporaries, then exit with
// 128 + signal. Called once by the front ends.
void install_interrupt_cleanup();

}  // namespace scrutineer::io
