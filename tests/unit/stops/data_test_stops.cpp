// examples/stops/run.sh on the shared stop-and-search data, end to end through the scrutineer
// executable: its figures against hand computations from the published counts, against the
// independent re-implementation examples/stops/check.py, and the recipe's [stops] stage against
// the command (byte-identical CSVs). Skipped when ../shared/data is absent.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

namespace fs = std::filesystem;

namespace {

const fs::path kData = SCRUTINEER_SHARED_DATA;
const fs::path kRoot = fs::path(SCRUTINEER_TEST_DATA).parent_path().parent_path();

std::string slurp(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// The rows of a CSV by its first field, each as column name -> text (no quoted commas here).
std::map<std::string, std::map<std::string, std::string>> table(const fs::path& path) {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  const auto split = [](const std::string& s) {
    std::vector<std::string> out(1);
    for (const char c : s) {
      if (c == ',')
        out.emplace_back();
      else
        out.back().push_back(c);
    }
    return out;
  };
  const auto header = split(line);
  std::map<std::string, std::map<std::string, std::string>> out;
  while (std::getline(in, line)) {
    const auto fields = split(line);
    for (std::size_t i = 0; i < header.size() && i < fields.size(); ++i)
      out[fields[0]][header[i]] = fields[i];
  }
  return out;
}

fs::path fresh(const std::string& name) {
  const auto dir =
      fs::temp_directory_path() / ("scrutineer-stops-data-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  fs::remove_all(dir / name);
  return dir / name;
}

#define REQUIRE_DATA()                                                                 \
  if (!fs::exists(kData / "stop-search" / "2022-09-metropolitan-stop-and-search.csv")) \
  GTEST_SKIP() << "stop-search absent: ../shared/data not present"

}  // namespace

TEST(StopsData, MetSeptember2022DisproportionalityAndTheSevenForcesOutcomeTest) {
  REQUIRE_DATA();
  const auto out = fresh("example");
  const auto command = (kRoot / "examples" / "stops" / "run.sh").string() + " " + SCRUTINEER_CLI +
                       " " + kData.string() + " " + out.string() + " > /dev/null";
  ASSERT_EQ(std::system(command.c_str()), 0) << command;
  auto d = table(out / "disproportionality.csv");
  // PROVENANCE.md: officer-defined White 5,047, Black 4,585, Asian 1,914, Other 613, blank 288;
  // the 32 boroughs: White 4,680,557, Black 1,397,932, Asian 1,816,202, Other 600,950.
  EXPECT_EQ(d["White"]["stops"], "5047");
  EXPECT_EQ(d["Black"]["stops"], "4585");
  EXPECT_EQ(d["Asian"]["stops"], "1914");
  EXPECT_EQ(d["Other"]["stops"], "613");
  EXPECT_EQ(d["(missing ethnicity)"]["stops"], "288");
  EXPECT_EQ(d["Black"]["population"], "1397932");
  EXPECT_EQ(d["Mixed"]["population"], "295511");  // excluded from the denominators, and said so
  EXPECT_NE(d["Mixed"]["note"].find("excluded"), std::string::npos);
  // 4585 x 1000 / 1397932 = 3.279845; 5047 x 1000 / 4680557 = 1.078290; ratio 3.041708.
  EXPECT_NEAR(std::stod(d["Black"]["per_1000"]), 3.279845, 1e-6);
  EXPECT_NEAR(std::stod(d["White"]["per_1000"]), 1.078290, 1e-6);
  EXPECT_NEAR(std::stod(d["Black"]["ratio"]), 3.041708, 1e-6);
  // 1914 x 1000 / 1816202 / 1.078290 = 0.977332; 613 x 1000 / 600950 / 1.078290 = 0.945990.
  EXPECT_NEAR(std::stod(d["Asian"]["ratio"]), 0.977332, 1e-6);
  EXPECT_NEAR(std::stod(d["Other"]["ratio"]), 0.945990, 1e-6);
  EXPECT_LT(std::stod(d["Black"]["ratio_low"]), 3.041708);
  EXPECT_GT(std::stod(d["Black"]["ratio_high"]), 3.041708);
  // PROVENANCE.md: "outcome linked" True 4,684, False 9,567, blank 8,336 over the seven forces
  // (all groups); the hits and misses by group sum to at most those.
  auto o = table(out / "outcome_test.csv");
  long long hits = 0, misses = 0;
  for (const char* g : {"White", "Black", "Asian", "Other"}) {
    hits += std::stoll(o[g]["hits"]);
    misses += std::stoll(o[g]["misses"]);
  }
  EXPECT_LE(hits, 4684);
  EXPECT_LE(misses, 9567);
  EXPECT_GT(hits + misses, 13000);
  // The independent re-implementation agrees with every figure.
  const auto check = "python3 " + (kRoot / "examples" / "stops" / "check.py").string() + " " +
                     kData.string() + " " + out.string();
  EXPECT_EQ(std::system(check.c_str()), 0) << check;
}

TEST(StopsData, RecipeStageWritesTheSameFilesAsTheCommand) {
  REQUIRE_DATA();
  const auto cli = fresh("cli"), run = fresh("run");
  const auto recipe = fresh("recipe.toml");
  std::ofstream(recipe)
      << "title = \"stops\"\n[stops]\n"
         "records = [\"${data}/stop-search/2022-09-metropolitan-stop-and-search.csv\"]\n"
         "outcome_records = [\"${data}/stop-search/forces-2019-12_2020-02\"]\n"
         "population = \"${data}/stop-search/london_boroughs_census2021_ethnicity.csv\"\n"
         "areas = [\"E09000002..E09000033\"]\n";
  const auto s = kData / "stop-search";
  const auto a = std::string(SCRUTINEER_CLI) + " -q stops " +
                 (s / "2022-09-metropolitan-stop-and-search.csv").string() + " --outcome-records " +
                 (s / "forces-2019-12_2020-02").string() + " --population " +
                 (s / "london_boroughs_census2021_ethnicity.csv").string() +
                 " --areas E09000002..E09000033 --output " + cli.string() + " > /dev/null";
  ASSERT_EQ(std::system(a.c_str()), 0) << a;
  const auto b = std::string(SCRUTINEER_CLI) + " -q run " + recipe.string() + " --data " +
                 kData.string() + " --out " + run.string() + " > /dev/null";
  ASSERT_EQ(std::system(b.c_str()), 0) << b;
  for (const char* file :
       {"disproportionality.csv", "trend.csv", "outcome_test.csv", "veil_of_darkness.csv",
        "problems.csv", "outcome_problems.csv", "summary.txt"}) {
    const auto one = slurp(cli / file);
    EXPECT_FALSE(one.empty()) << file;
    EXPECT_EQ(one, slurp(run / "stops" / file)) << file;
  }
  EXPECT_NE(slurp(run / "report.html").find("Stops and searches"), std::string::npos);
}
