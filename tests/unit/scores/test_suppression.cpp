// Small-cell suppression across every output of a score audit: no table reveals a hidden group's
// counts or scores (issue 19, item 11), and the reference group's own parities are published
// (issue 12).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "scrutineer/core/error.hpp"
#include "scrutineer/scores/audit.hpp"

namespace scrutineer::scores {
namespace {

namespace fs = std::filesystem;

// Columns that name a row or describe another group or the whole population, never the group's own
// count or rate: the reference group's value, bins and their score bounds (cut on everyone's
// scores), the whole list's size.
const std::set<std::string> kStructural = {
    "threshold", "attribute", "group",     "reference",       "metric",     "bin",
    "score_lo",  "score_hi",  "benchmark", "benchmark_share", "all_listed", "reference_value"};

// 110 invented people in two large groups (`big1` 60, `big2` 50, every score 1-10 held by at least
// 5 people of each) and `Z`, 3 people with scores 7, 8 and 9; a second attribute `sex`.
std::string small_group_csv() {
  std::ostringstream out;
  out << "score,outcome,group,sex\n";
  for (int i = 0; i < 60; ++i) {
    out << (i % 10 + 1) << ',' << (i / 10) % 2 << ",big1," << (i % 3 == 0 ? 'F' : 'M') << '\n';
  }
  for (int i = 0; i < 50; ++i) {
    out << (i % 10 + 1) << ',' << (i / 7) % 2 << ",big2," << (i % 2 == 0 ? 'F' : 'M') << '\n';
  }
  out << "7,1,Z,F\n8,0,Z,M\n9,1,Z,F\n";
  return out.str();
}

struct Csv {
  std::vector<std::string> columns;
  std::vector<std::map<std::string, std::string>> rows;
};

// The outputs hold no quoted field (no label has a comma or a quote).
Csv parse_csv(const std::string& text) {
  auto split = [](const std::string& line) {
    std::vector<std::string> out;
    std::stringstream fields(line);
    for (std::string f; std::getline(fields, f, ',');) out.push_back(f);
    if (!line.empty() && line.back() == ',') out.emplace_back();
    return out;
  };
  std::istringstream lines(text);
  std::string line;
  Csv csv;
  std::getline(lines, line);
  csv.columns = split(line);
  while (std::getline(lines, line)) {
    const auto values = split(line);
    EXPECT_EQ(values.size(), csv.columns.size()) << line;
    std::map<std::string, std::string> row;
    for (std::size_t i = 0; i < values.size() && i < csv.columns.size(); ++i) {
      row[csv.columns[i]] = values[i];
    }
    csv.rows.push_back(std::move(row));
  }
  return csv;
}

// Every value of a row of the hidden group that is not structural is suppressed or empty.
void expect_hidden(const std::map<std::string, std::string>& row, const std::string& where) {
  for (const auto& [column, value] : row) {
    if (kStructural.count(column)) continue;
    EXPECT_TRUE(value == kSuppressed || value.empty() || value == "-")
        << where << ": column " << column << " shows '" << value << "'";
  }
}

void check_csv(const std::string& name, const std::string& text, int* rows_of_z) {
  for (const auto& row : parse_csv(text).rows) {
    if (row.count("group") && row.at("group") == "Z") {
      ++*rows_of_z;
      expect_hidden(row, name);
    }
  }
}

// Every array of row objects in the JSON: the same rule (null for an empty value).
void check_json(const std::string& name, const std::string& text, int* rows_of_z) {
  const auto j = nlohmann::json::parse(text);
  for (const auto& [table, rows] : j.items()) {
    if (!rows.is_array()) continue;
    for (const auto& row : rows) {
      if (!row.is_object() || !row.contains("group") || row["group"] != "Z") continue;
      ++*rows_of_z;
      std::map<std::string, std::string> values;
      for (const auto& [column, value] : row.items()) {
        values[column] = value.is_null()     ? ""
                         : value.is_string() ? value.get<std::string>()
                                             : value.dump();
      }
      expect_hidden(values, name + " " + table);
    }
  }
}

// The readable table: each section is a header line starting with "threshold" and rows up to a
// blank line; no value holds a space here.
void check_table(const std::string& text, int* rows_of_z) {
  std::istringstream lines(text);
  std::vector<std::string> columns;
  for (std::string line; std::getline(lines, line);) {
    std::istringstream words(line);
    std::vector<std::string> tokens;
    for (std::string w; words >> w;) tokens.push_back(w);
    if (tokens.empty()) {
      columns.clear();
    } else if (tokens[0] == "threshold") {
      columns = tokens;
    } else if (!columns.empty() && tokens.size() == columns.size() && tokens[2] == "Z") {
      ++*rows_of_z;
      std::map<std::string, std::string> row;
      for (std::size_t i = 0; i < tokens.size(); ++i) row[columns[i]] = tokens[i];
      expect_hidden(row, "table");
    }
  }
}

// A margin's hidden cells: none, or at least two (one would be the total minus the others).
void expect_margins_hold(const std::map<std::string, int>& hidden, const std::string& what) {
  for (const auto& [margin, count] : hidden) {
    EXPECT_NE(count, 1) << what << " " << margin << " has a single hidden cell";
  }
}

TEST(ScoresSuppression, NoOutputRevealsASmallGroup) {
  const fs::path dir = fs::temp_directory_path() / "scrutineer_scores_small_group";
  fs::remove_all(dir);
  fs::create_directories(dir);
  const fs::path input = dir / "people.csv";
  std::ofstream(input) << small_group_csv();
  ScoresCommand command;
  command.people.path = input.string();
  command.people.score_column = "score";
  command.people.outcome_column = "outcome";
  command.people.group_columns = {"group", "sex"};
  command.audit.thresholds = {parse_threshold(">=5")};
  command.audit.bootstrap = 20;
  command.audit.benchmarks = {parse_benchmark("population:group:Z=0.01")};
  command.publish.min_cell = 5;
  command.out_dir = (dir / "out").string();

  int rows_of_z = 0;
  command.format = "table";
  check_table(run_scores(command), &rows_of_z);
  EXPECT_GE(rows_of_z, 4);  // groups, disparities, parities, identity, representation
  command.format = "json";
  std::string printed = run_scores(command);
  check_json("stdout", printed.substr(0, printed.rfind("}\n") + 2), &rows_of_z);
  command.format = "csv";
  printed = run_scores(command);
  check_csv("stdout", printed.substr(0, printed.find("wrote ")), &rows_of_z);

  // Every file the audit writes, whatever its name: none may be left unchecked.
  int files = 0;
  Csv calibration;
  for (const auto& entry : fs::directory_iterator(dir / "out")) {
    std::ifstream in(entry.path());
    const std::string text{std::istreambuf_iterator<char>(in), {}};
    const std::string name = entry.path().filename().string();
    const int before = rows_of_z;
    if (entry.path().extension() == ".csv") {
      check_csv(name, text, &rows_of_z);
    } else if (entry.path().extension() == ".json") {
      check_json(name, text, &rows_of_z);
    } else {
      ADD_FAILURE() << "an output this test does not know how to read: " << name;
    }
    EXPECT_GT(rows_of_z, before) << name << " has no row for Z to check";
    if (name == "scores_calibration.csv") calibration = parse_csv(text);
    ++files;
  }
  EXPECT_EQ(files, 6);

  // Calibration: Z has a row for every bin, as every group does, so which rows exist does not
  // give its members' scores (7, 8 and 9) away.
  std::map<std::string, std::set<std::string>> bins;  // group -> bins
  std::map<std::string, int> hidden_in_group, hidden_in_bin;
  for (const auto& row : calibration.rows) {
    bins[row.at("attribute") + "=" + row.at("group")].insert(row.at("bin"));
    const bool hidden = row.at("n") == kSuppressed;
    hidden_in_group[row.at("attribute") + "=" + row.at("group")] += hidden;
    hidden_in_bin[row.at("attribute") + " bin " + row.at("bin")] += hidden;
  }
  ASSERT_EQ(bins["group=big1"].size(), 10u);  // scores 1-10, one bin per value
  for (const auto& [group, seen] : bins) EXPECT_EQ(seen, bins["group=big1"]) << group;
  expect_margins_hold(hidden_in_group, "calibration");
  expect_margins_hold(hidden_in_bin, "calibration");

  // Groups: sizes add up to the people audited, so Z's n is not the total minus the others'.
  std::ifstream in(dir / "out" / "scores_groups.csv");
  std::map<std::string, int> hidden_n;
  const Csv groups = parse_csv({std::istreambuf_iterator<char>(in), {}});
  for (const auto& row : groups.rows) {
    hidden_n[row.at("threshold") + " " + row.at("attribute")] += row.at("n") == kSuppressed;
  }
  EXPECT_EQ(hidden_n["score>=5 group"], 2);  // Z, and big2 with it
  expect_margins_hold(hidden_n, "groups");
  fs::remove_all(dir);
}

// Issue 19: under reference = min, naming a suppressed group as the lowest would reveal where its
// hidden rate lies. Z (3 people, scores 7, 8, 9 all flagged at >= 5, outcomes 1, 0, 1) has FNR 0/2
// = 0, below big1's and big2's (both have people with outcome 1 and scores 1-4), so with no
// suppression Z is the FNR reference; with min_cell 5 it is never anyone's reference.
TEST(ScoresSuppression, LowestReferenceIsNeverASuppressedGroup) {
  const fs::path dir = fs::temp_directory_path() / "scrutineer_scores_min_reference";
  fs::create_directories(dir);
  const fs::path input = dir / "people.csv";
  std::ofstream(input) << small_group_csv();
  PeopleOptions o;
  o.path = input.string();
  o.score_column = "score";
  o.outcome_column = "outcome";
  o.group_columns = {"group"};
  const People people = load_people(o);
  AuditOptions a;
  a.thresholds = {parse_threshold(">=5")};
  a.bootstrap = 0;
  a.reference = ReferenceRule::kMin;
  a.min_cell = 0;
  const AuditResult open = run_audit(people, a);
  bool z_is_reference = false;
  for (const auto& d : open.disparities) {
    z_is_reference = z_is_reference || (d.metric == Metric::kFnr && d.reference == "Z");
  }
  EXPECT_TRUE(z_is_reference);
  // Published with a larger threshold than the audit chose its references with: refused.
  PublishOptions p;
  p.min_cell = 5;
  EXPECT_THROW(audit_json(open, p), ConfigError);

  a.min_cell = 5;
  const AuditResult guarded = run_audit(people, a);
  ASSERT_FALSE(guarded.disparities.empty());
  for (const auto& d : guarded.disparities) EXPECT_NE(d.reference, "Z") << metric_name(d.metric);
  EXPECT_NO_THROW(audit_json(guarded, p));
  fs::remove_all(dir);
}

// The parities table as group -> column -> value, from the JSON.
std::map<std::string, std::map<std::string, std::string>> parities(const AuditResult& r,
                                                                   const PublishOptions& p) {
  std::map<std::string, std::map<std::string, std::string>> out;
  const auto json = nlohmann::json::parse(audit_json(r, p));
  for (const auto& row : json["parities"]) {
    for (const auto& [column, value] : row.items()) {
      out[row["group"].get<std::string>()][column] =
          value.is_string() ? value.get<std::string>() : value.dump();
    }
  }
  return out;
}

TEST(ScoresSuppression, TheReferenceGroupsParitiesArePublished) {
  // tiny.csv at >= 5 with k = 3 (see test_audit.cpp): C's selected (1) is hidden, and B's with it;
  // the reference A (the largest, 20 people) is published. A disparity of A against itself would be
  // 1, so A is fair on every metric by definition (Aequitas), whatever is hidden elsewhere.
  PeopleOptions o;
  o.path = std::string(SCRUTINEER_TEST_DATA) + "/scores/tiny.csv";
  o.score_column = "score";
  o.outcome_column = "outcome";
  o.group_columns = {"group"};
  AuditOptions a;
  a.thresholds = {parse_threshold(">=5")};
  a.bootstrap = 0;
  const AuditResult r = run_audit(load_people(o), a);
  for (std::int64_t k : {3, 10}) {
    const auto p = parities(r, PublishOptions{k});
    for (const char* part : {"statistical_parity", "impact_parity", "equalised_odds",
                             "type_i_parity", "type_ii_parity"}) {
      EXPECT_EQ(p.at("A").at(part), "true") << "k = " << k << ", " << part;
      // C's selection is hidden at both k, so a parity of C built on it is too.
      EXPECT_EQ(p.at("C").at(part), kSuppressed) << "k = " << k << ", " << part;
    }
  }
  // With nothing hidden, B's parities are those of its disparity rows (test_audit.cpp,
  // CompositeParities): pprev ratio 0.5 is unfair.
  EXPECT_EQ(parities(r, PublishOptions{0}).at("B").at("statistical_parity"), "false");
}

}  // namespace
}  // namespace scrutineer::scores
