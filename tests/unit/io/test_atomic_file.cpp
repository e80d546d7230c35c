// Atomic output files: nothing is visible until commit, nothing is left after a failure.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "scrutineer/core/error.hpp"
#include "scrutineer/io/atomic_file.hpp"
#include "temp_folder.hpp"

namespace scrutineer::io {

namespace fs = std::filesystem;

namespace {
using test::fresh_dir;
std::size_t entries(const fs::path& dir) {
  return static_cast<std::size_t>(
      std::distance(fs::directory_iterator(dir), fs::directory_iterator()));
}
std::string read(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}
// The id of a process that has ended (a child, reaped).
long dead_pid() {
  const pid_t child = fork();
  if (child == 0) _exit(0);
  int status = 0;
  waitpid(child, &status, 0);
  return static_cast<long>(child);
}
}  // namespace

TEST(AtomicFile, CommitRenamesIntoPlace) {
  const auto dir = fresh_dir("atomic-commit");
  {
    AtomicFile f(dir / "out.csv");
    f.stream() << "a,b\n1,2\n";
    EXPECT_FALSE(fs::exists(dir / "out.csv"));
    f.commit();
  }
  std::ifstream in(dir / "out.csv");
  std::stringstream text;
  text << in.rdbuf();
  EXPECT_EQ(text.str(), "a,b\n1,2\n");
  EXPECT_EQ(entries(dir), 1u);
}

TEST(AtomicFile, UncommittedLeavesNothing) {
  const auto dir = fresh_dir("atomic-abort");
  {
    AtomicFile f(dir / "out.csv");
    f.stream() << "partial";
  }
  EXPECT_EQ(entries(dir), 0u);
}

TEST(AtomicFile, ExistingTargetReplacedOnlyOnCommit) {
  const auto dir = fresh_dir("atomic-replace");
  write_text_file(dir / "r.json", "old");
  {
    AtomicFile f(dir / "r.json");
    f.stream() << "new";
  }
  std::ifstream in(dir / "r.json");
  std::string s;
  in >> s;
  EXPECT_EQ(s, "old");
}

// Issue 19, item 2: `--summary /dev/full` as root turned the device into a regular file. A device
// is written in place: /dev/null stays a character device, /dev/full reports the full disk.
TEST(AtomicFile, DevicesAreWrittenInPlaceNeverReplaced) {
  {
    AtomicFile f("/dev/null");
    EXPECT_TRUE(f.direct());
    f.stream() << "discarded";
    f.commit();
  }
  EXPECT_TRUE(fs::is_character_file("/dev/null"));
  if (fs::exists("/dev/full")) {
    EXPECT_THROW(write_text_file("/dev/full", "no space"), IoError);
    EXPECT_TRUE(fs::is_character_file("/dev/full"));
  }
}

// A named pipe is written as a stream (a reader on the other end gets the text) and stays a pipe.
TEST(AtomicFile, FifoIsWrittenAsAStream) {
  const auto dir = fresh_dir("atomic-fifo");
  const auto fifo = dir / "pipe";
  ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
  std::string got;
  std::thread reader([&] { got = read(fifo); });
  write_text_file(fifo, "through the pipe\n");
  reader.join();
  EXPECT_EQ(got, "through the pipe\n");
  EXPECT_TRUE(fs::is_fifo(fifo));
  EXPECT_EQ(entries(dir), 1u);  // no temporary beside it
}

// Issue 19, item 2: an output that is a symbolic link was replaced by a regular file and its
// target never written. The link stays; the file it names gets the text.
TEST(AtomicFile, SymlinkIsFollowedAndStaysALink) {
  const auto dir = fresh_dir("atomic-link");
  fs::create_directories(dir / "real");
  write_text_file(dir / "real" / "summary.json", "old");
  fs::create_symlink("real/summary.json", dir / "link.json");
  fs::create_symlink("link.json", dir / "link2.json");  // a chain of two
  write_text_file(dir / "link2.json", "new");
  EXPECT_TRUE(fs::is_symlink(dir / "link.json"));
  EXPECT_TRUE(fs::is_symlink(dir / "link2.json"));
  EXPECT_EQ(read(dir / "real" / "summary.json"), "new");
  EXPECT_EQ(entries(dir / "real"), 1u);  // the temporary was put beside the target and renamed
  // A dangling link: the file it names is created.
  fs::create_symlink("real/later.json", dir / "dangling.json");
  write_text_file(dir / "dangling.json", "created");
  EXPECT_TRUE(fs::is_symlink(dir / "dangling.json"));
  EXPECT_EQ(read(dir / "real" / "later.json"), "created");
}

// Issue 19, item 6: temporaries of a killed process are removed when the target is next written;
// those of live processes (this one, pid 1) and files of other names are kept.
TEST(AtomicFile, StaleTemporariesOfDeadProcessesAreRemoved) {
  const auto dir = fresh_dir("atomic-stale");
  const long dead = dead_pid();
  const auto stale = dir / (".out.csv.tmp-" + std::to_string(dead) + "-0");
  const auto live = dir / ".out.csv.tmp-1-3";
  const auto own = dir / (".out.csv.tmp-" + std::to_string(getpid()) + "-999999");
  const auto other = dir / (".other.csv.tmp-" + std::to_string(dead) + "-0");
  const auto odd = dir / (".out.csv.tmp-" + std::to_string(dead) + "-0-journal");
  for (const auto& p : {stale, live, own, other, odd}) write_text_file(p, "x");
  write_text_file(dir / "out.csv", "a\n");
  EXPECT_FALSE(fs::exists(stale));
  EXPECT_TRUE(fs::exists(live));
  EXPECT_TRUE(fs::exists(own));
  EXPECT_TRUE(fs::exists(other));
  EXPECT_TRUE(fs::exists(odd));
}

// Missing folders are created for the output, and removed again when it is not committed.
TEST(AtomicFile, MissingParentsCreatedAndRemovedOnFailure) {
  const auto dir = fresh_dir("atomic-parents");
  {
    AtomicFile f(dir / "a" / "b" / "out.csv");
    f.stream() << "x";
  }
  EXPECT_FALSE(fs::exists(dir / "a"));
  write_text_file(dir / "a" / "b" / "out.csv", "x");
  EXPECT_EQ(read(dir / "a" / "b" / "out.csv"), "x");
}

TEST(AtomicFile, FolderTargetIsRefused) {
  const auto dir = fresh_dir("atomic-folder");
  EXPECT_THROW(write_text_file(dir, "x"), IoError);
}

// Issue 19, item 5: outputs that belong together appear together or not at all. A member that
// fails while being completed (/dev/full) stops the group before any file is moved into place.
TEST(FileGroup, FailureBeforeTheRenamesLeavesNone) {
  if (!fs::exists("/dev/full")) GTEST_SKIP() << "no /dev/full";
  const auto dir = fresh_dir("group-none");
  write_text_file(dir / "events.csv", "old events");
  {
    FileGroup group;
    group.add_text(dir / "events.csv", "new events");
    group.add_text("/dev/full", std::string(1 << 16, 'x'));
    EXPECT_THROW(group.commit(), IoError);
  }
  EXPECT_EQ(read(dir / "events.csv"), "old events");
  EXPECT_EQ(entries(dir), 1u);
}

TEST(FileGroup, AllAppearOnCommit) {
  const auto dir = fresh_dir("group-all");
  write_text_files({{dir / "a.csv", "A"}, {dir / "b.json", "B"}});
  EXPECT_EQ(read(dir / "a.csv"), "A");
  EXPECT_EQ(read(dir / "b.json"), "B");
  EXPECT_EQ(entries(dir), 2u);
}

// A rename that fails after an earlier one succeeded: the earlier file is restored.
TEST(FileGroup, FailedRenameRestoresTheEarlierFiles) {
  const auto dir = fresh_dir("group-restore");
  write_text_file(dir / "events.csv", "old events");
  {
    FileGroup group;
    group.add_text(dir / "events.csv", "new events");
    group.add_text(dir / "summary.json", "new summary");
    fs::create_directories(dir / "summary.json" / "in-the-way");  // rename(2) onto it fails
    EXPECT_THROW(group.commit(), IoError);
  }
  EXPECT_EQ(read(dir / "events.csv"), "old events");
  EXPECT_EQ(entries(dir), 2u);  // events.csv and the folder in the way; no temporary
}

// Issue 19, item 3: `ingest x.csv -o x.csv --summary x.csv` overwrote its input.
TEST(CheckOutputsDistinct, RefusesAnOutputThatIsAnInputOrAnotherOutput) {
  const auto dir = fresh_dir("distinct");
  write_text_file(dir / "x.csv", "a\n");
  fs::create_symlink("x.csv", dir / "alias.csv");
  const fs::path in = dir / "x.csv";
  try {
    check_outputs_distinct({{"input", in}}, {{"--out", dir / "sub" / ".." / "x.csv"}});
    FAIL() << "expected a ConfigError";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("--out"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("input"), std::string::npos);
  }
  EXPECT_THROW(check_outputs_distinct({{"input", in}}, {{"--summary", dir / "alias.csv"}}),
               ConfigError);
  EXPECT_THROW(check_outputs_distinct(
                   {{"input", in}}, {{"--out", dir / "new.csv"}, {"--summary", dir / "./new.csv"}}),
               ConfigError);
  EXPECT_NO_THROW(check_outputs_distinct(
      {{"input", in}}, {{"--out", dir / "e.csv"}, {"--summary", dir / "s.json"}, {"--x", ""}}));
  // Devices may be named twice: `--out /dev/null --summary /dev/null`.
  EXPECT_NO_THROW(check_outputs_distinct({{"input", in}},
                                         {{"--out", "/dev/null"}, {"--summary", "/dev/null"}}));
}

}  // namespace scrutineer::io
