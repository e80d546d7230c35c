// The output-folder rule: scrutineer never deletes what it did not make (issue 19, item 1: `run -o
// .` deleted the current folder's files, the recipe included).
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "scrutineer/core/error.hpp"
#include "scrutineer/io/output_folder.hpp"
#include "temp_folder.hpp"

namespace scrutineer::io {

namespace fs = std::filesystem;

namespace {
using test::fresh_dir;
std::string slurp(const fs::path& file) {
  std::ifstream in(file);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}
// Builds a results folder at `target` holding `files` (name -> text).
void write_results(const fs::path& target, const std::map<std::string, std::string>& files,
                   bool replace = false) {
  OutputFolder folder(target, replace);
  for (const auto& [name, text] : files) {
    fs::create_directories((folder.path() / name).parent_path());
    std::ofstream(folder.path() / name) << text;
  }
  folder.commit();
}
}  // namespace

TEST(OutputFolder, ForeignFolderIsRefusedAndKeptWhole) {
  const auto dir = fresh_dir("out-foreign");
  std::ofstream(dir / "audit.toml") << "my recipe";
  std::ofstream(dir / "notes.txt") << "my notes";
  EXPECT_EQ(folder_state(dir), FolderState::kForeign);
  EXPECT_THROW(OutputFolder folder(dir), ConfigError);
  EXPECT_EQ(slurp(dir / "audit.toml"), "my recipe");
  EXPECT_EQ(slurp(dir / "notes.txt"), "my notes");
  // Nothing was left beside it either.
  for (const auto& entry : fs::directory_iterator(dir.parent_path()))
    EXPECT_EQ(entry.path().filename().string().find(".scrutineer-test-out-foreign.tmp"),
              std::string::npos);
}

TEST(OutputFolder, CurrentFolderAsTargetIsRefused) {
  // `run -o .`: the target is the folder itself, whatever way it is spelled.
  const auto dir = fresh_dir("out-dot");
  std::ofstream(dir / "audit.toml") << "recipe";
  const auto cwd = fs::current_path();
  fs::current_path(dir);
  EXPECT_THROW(OutputFolder folder("."), ConfigError);
  EXPECT_THROW(OutputFolder folder("./"), ConfigError);
  fs::current_path(cwd);
  EXPECT_EQ(slurp(dir / "audit.toml"), "recipe");
}

TEST(OutputFolder, ReplaceTouchesOnlyItsOwnFiles) {
  const auto dir = fresh_dir("out-replace");
  std::ofstream(dir / "audit.toml") << "my recipe";
  write_results(dir, {{"report.html", "first"}, {"sub/a.csv", "1"}, {"old.csv", "x"}}, true);
  EXPECT_EQ(slurp(dir / "audit.toml"), "my recipe");
  EXPECT_EQ(slurp(dir / "report.html"), "first");
  // A second run writes other files: the first run's old.csv goes, the user's file stays.
  write_results(dir, {{"report.html", "second"}, {"sub/a.csv", "2"}}, true);
  EXPECT_EQ(slurp(dir / "audit.toml"), "my recipe");
  EXPECT_EQ(slurp(dir / "report.html"), "second");
  EXPECT_EQ(slurp(dir / "sub" / "a.csv"), "2");
  EXPECT_FALSE(fs::exists(dir / "old.csv"));
  const auto listed = manifest_files(dir);
  EXPECT_EQ(listed, (std::vector<fs::path>{"report.html", "sub/a.csv"}));
}

TEST(OutputFolder, EarlierResultsAreReplacedWhole) {
  const auto dir = fresh_dir("out-earlier");
  const auto target = dir / "results";
  write_results(target, {{"a.csv", "1"}, {"b/c.csv", "2"}});
  EXPECT_EQ(folder_state(target), FolderState::kOwnResults);
  write_results(target, {{"a.csv", "3"}});
  EXPECT_EQ(slurp(target / "a.csv"), "3");
  EXPECT_FALSE(fs::exists(target / "b" / "c.csv"));
  // No temporary or aside folder is left.
  std::size_t entries = 0;
  for ([[maybe_unused]] const auto& entry : fs::directory_iterator(dir)) ++entries;
  EXPECT_EQ(entries, 1u);
}

TEST(OutputFolder, AFileAddedToEarlierResultsMakesThemForeign) {
  const auto dir = fresh_dir("out-added");
  const auto target = dir / "results";
  write_results(target, {{"a.csv", "1"}});
  std::ofstream(target / "my-analysis.R") << "keep me";
  EXPECT_EQ(folder_state(target), FolderState::kForeign);
  EXPECT_THROW(write_results(target, {{"a.csv", "2"}}), ConfigError);
  write_results(target, {{"a.csv", "2"}}, true);
  EXPECT_EQ(slurp(target / "my-analysis.R"), "keep me");
  EXPECT_EQ(slurp(target / "a.csv"), "2");
}

TEST(OutputFolder, EmptyFolderAndFileTargets) {
  const auto dir = fresh_dir("out-empty");
  fs::create_directories(dir / "empty");
  EXPECT_EQ(folder_state(dir / "empty"), FolderState::kEmpty);
  write_results(dir / "empty", {{"a.csv", "1"}});
  EXPECT_EQ(slurp(dir / "empty" / "a.csv"), "1");
  std::ofstream(dir / "file.txt") << "a file";
  EXPECT_EQ(folder_state(dir / "file.txt"), FolderState::kNotAFolder);
  EXPECT_THROW(OutputFolder folder(dir / "file.txt", true), ConfigError);
  EXPECT_EQ(slurp(dir / "file.txt"), "a file");
}

TEST(OutputFolder, ALinkToAFolderIsWrittenThroughNotReplaced) {
  const auto dir = fresh_dir("out-link");
  fs::create_directories(dir / "real");
  fs::create_directory_symlink(dir / "real", dir / "link");
  write_results(dir / "link", {{"a.csv", "1"}});
  EXPECT_TRUE(fs::is_symlink(dir / "link"));
  EXPECT_EQ(slurp(dir / "real" / "a.csv"), "1");
}

TEST(OutputFolder, UncommittedLeavesNothing) {
  const auto dir = fresh_dir("out-abort");
  {
    OutputFolder folder(dir / "results");
    std::ofstream(folder.path() / "a.csv") << "partial";
  }
  EXPECT_TRUE(fs::is_empty(dir));
}

TEST(OutputFolder, StaleTemporaryOfAKilledRunIsRemoved) {
  // A child process starts a results folder and dies without cleaning up (as kill -9 would).
  const auto dir = fresh_dir("out-stale");
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    auto* folder = new OutputFolder(dir / "results");  // never destroyed
    std::ofstream(folder->path() / "big.csv") << "data";
    _exit(0);
  }
  int status = 0;
  waitpid(child, &status, 0);
  const auto stale = dir / (".results.tmp-" + std::to_string(child));
  ASSERT_TRUE(fs::exists(stale / "big.csv"));
  // A folder of the same form that scrutineer did not make is left alone.
  const auto other = dir / ".results.tmp-999999999";
  fs::create_directories(other);
  std::ofstream(other / "theirs.txt") << "not ours";
  write_results(dir / "results", {{"a.csv", "1"}});
  EXPECT_FALSE(fs::exists(stale));
  EXPECT_TRUE(fs::exists(other / "theirs.txt"));
}

}  // namespace scrutineer::io
