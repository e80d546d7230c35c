// Atomic output files: nothing is visible until commit, nothing is left after a failure.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "scrutineer/io/atomic_file.hpp"

namespace scrutineer::io {

namespace fs = std::filesystem;

namespace {
fs::path fresh_dir(const std::string& name) {
  auto dir = fs::temp_directory_path() / ("scrutineer-test-" + name);
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}
std::size_t entries(const fs::path& dir) {
  return static_cast<std::size_t>(
      std::distance(fs::directory_iterator(dir), fs::directory_iterator()));
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

}  // namespace scrutineer::io
