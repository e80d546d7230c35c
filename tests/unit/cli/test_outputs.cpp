// End-to-end checks of the output rules (issue 19): never write over an input, never turn a device
// or a link into a regular file, outputs that belong together appear together, file system errors
// exit 74.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace {

namespace fs = std::filesystem;

struct CliRun {
  int code = -1;
  std::string output;
};

CliRun run(const std::string& args) {
  const std::string command = std::string(SCRUTINEER_CLI) + " -q " + args + " 2>&1";
  CliRun r;
  FILE* pipe = popen(command.c_str(), "r");
  if (!pipe) return r;
  char buffer[4096];
  while (const std::size_t n = fread(buffer, 1, sizeof buffer, pipe)) r.output.append(buffer, n);
  const int status = pclose(pipe);
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

std::string read(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

fs::path fresh(const std::string& name) {
  const auto dir = fs::temp_directory_path() / ("scrutineer-outputs-" + name);
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

const fs::path kPortal = fs::path(SCRUTINEER_TEST_DATA) / "ingest" / "portal_bad_rows.csv";

// Issue 19, item 3: `ingest x.csv -o x.csv --summary x.csv` overwrote its input and exited 0.
TEST(Outputs, IngestRefusesToWriteOverItsInput) {
  const auto dir = fresh("same");
  fs::copy_file(kPortal, dir / "x.csv");
  const auto before = read(dir / "x.csv");
  const std::string x = (dir / "x.csv").string();
  CliRun r = run("ingest " + x + " -o " + x + " --summary " + x);
  EXPECT_EQ(r.code, 64) << r.output;
  EXPECT_NE(r.output.find("--out"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("input"), std::string::npos) << r.output;
  EXPECT_EQ(read(dir / "x.csv"), before);
  // The same through a link and another spelling, and two outputs on one file.
  fs::create_symlink("x.csv", dir / "alias.csv");
  r = run("ingest " + x + " --summary " + (dir / "alias.csv").string());
  EXPECT_EQ(r.code, 64) << r.output;
  r = run("ingest " + x + " -o " + (dir / "e.csv").string() + " --summary " + dir.string() +
          "/./e.csv");
  EXPECT_EQ(r.code, 64) << r.output;
  EXPECT_NE(r.output.find("--summary"), std::string::npos) << r.output;
  EXPECT_EQ(read(dir / "x.csv"), before);
}

// Issue 19, items 2 and 5: `--summary /dev/full` turned the device into a regular file, and the
// events file was committed before the summary failed. Now the device stays a device, the run
// exits 74, and the events file does not appear without its summary.
TEST(Outputs, IngestSummaryOnAFullDeviceLeavesNoEventsAndKeepsTheDevice) {
  if (!fs::exists("/dev/full")) GTEST_SKIP() << "no /dev/full";
  const auto dir = fresh("full");
  const CliRun r = run("ingest " + kPortal.string() + " -o " + (dir / "events.csv").string() +
                       " --summary /dev/full");
  EXPECT_EQ(r.code, 74) << r.output;
  EXPECT_TRUE(fs::is_character_file("/dev/full"));
  EXPECT_FALSE(fs::exists(dir / "events.csv"));
  EXPECT_TRUE(fs::is_empty(dir));
}

// `--summary /dev/stdout` writes the JSON to standard output; /dev/null stays a device.
TEST(Outputs, IngestWritesDevicesInPlace) {
  CliRun r = run("ingest " + kPortal.string() + " --summary /dev/stdout");
  EXPECT_EQ(r.code, 0) << r.output;
  EXPECT_NE(r.output.find("\"rows\": {"), std::string::npos) << r.output;
  r = run("ingest " + kPortal.string() + " --summary /dev/null");
  EXPECT_EQ(r.code, 0) << r.output;
  EXPECT_TRUE(fs::is_character_file("/dev/null"));
  // Standard output redirected to a file: the JSON and the printed report both arrive, in order.
  const auto dir = fresh("stdout");
  r = run("ingest " + kPortal.string() + " --summary /dev/stdout > " + (dir / "out.txt").string());
  EXPECT_EQ(r.code, 0) << r.output;
  const auto text = read(dir / "out.txt");
  EXPECT_EQ(text.rfind("{", 0), 0u) << text;
  EXPECT_NE(text.find("rows         6 read"), std::string::npos) << text;
}

// Issue 19, item 2: an output that is a link was replaced and its target never written.
TEST(Outputs, IngestWritesThroughALink) {
  const auto dir = fresh("link");
  fs::create_directories(dir / "real");
  fs::create_symlink("real/events.csv", dir / "events.csv");
  const CliRun r = run("ingest " + kPortal.string() + " -o " + (dir / "events.csv").string());
  EXPECT_EQ(r.code, 0) << r.output;
  EXPECT_TRUE(fs::is_symlink(dir / "events.csv"));
  EXPECT_EQ(read(dir / "real" / "events.csv").rfind("time_utc,", 0), 0u);
}

// Issue 19, item 15: a file system that refuses a folder gave exit 70 (internal error). A parent
// that is a file: ENOTDIR, an I/O error, exit 74.
TEST(Outputs, FileSystemRefusalIsAnIoError) {
  const auto dir = fresh("enotdir");
  std::ofstream(dir / "file") << "x";
  const CliRun r = run("ingest " + kPortal.string() + " --summary " +
                       (dir / "file" / "sub" / "s.json").string());
  EXPECT_EQ(r.code, 74) << r.output;
}

// Issue 19, item 5: `scores --out` left one of its files when another failed. A folder in the way
// of scores.json (the last file) makes the group fail: none of the six files appears.
TEST(Outputs, ScoresOutputsAppearTogetherOrNotAtAll) {
  const auto dir = fresh("scores");
  fs::create_directories(dir / "out" / "scores.json" / "in-the-way");
  const CliRun r = run("scores " + std::string(SCRUTINEER_TEST_DATA) +
                       "/scores/tiny.csv --score score --outcome outcome --group group "
                       "--threshold '>=5' --min-cell 0 --out " +
                       (dir / "out").string());
  EXPECT_EQ(r.code, 74) << r.output;
  std::size_t files = 0;
  for (const auto& e : fs::directory_iterator(dir / "out")) files += e.is_regular_file();
  EXPECT_EQ(files, 0u);
}

}  // namespace
