// Tests of the group audit on tests/data/scores/tiny.csv, whose confusion matrices at score >= 5
// are known by construction (see tests/data/scores/README.md).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "scrutineer/core/error.hpp"
#include "scrutineer/core/parallel.hpp"
#include "scrutineer/scores/audit.hpp"

namespace scrutineer::scores {
namespace {

const std::string kTiny = std::string(SCRUTINEER_TEST_DATA) + "/scores/tiny.csv";

PeopleOptions tiny_people() {
  PeopleOptions o;
  o.path = kTiny;
  o.score_column = "score";
  o.outcome_column = "outcome";
  o.group_columns = {"group"};
  return o;
}

AuditOptions at_five(int bootstrap = 0) {
  AuditOptions a;
  a.thresholds = {parse_threshold(">=5")};
  a.bootstrap = bootstrap;
  return a;
}

const GroupStats& group(const AuditResult& r, const std::string& g, const std::string& t = "") {
  for (const auto& s : r.groups) {
    if (s.group == g && (t.empty() || s.threshold == t)) return s;
  }
  throw std::runtime_error("no group " + g);
}

const Disparity& disparity(const AuditResult& r, const std::string& g, Metric m) {
  for (const auto& d : r.disparities) {
    if (d.group == g && d.metric == m) return d;
  }
  throw std::runtime_error("no disparity for " + g);
}

TEST(ScoresAudit, ParsesThresholdsAndBenchmarks) {
  EXPECT_EQ(parse_threshold(">=5").label(), "score>=5");
  EXPECT_EQ(parse_threshold("7.5").value, 7.5);
  EXPECT_EQ(parse_threshold("top:100").kind, Threshold::Kind::kTopK);
  EXPECT_EQ(parse_threshold("top%:20").label(), "top20%");
  EXPECT_THROW(parse_threshold("top:0"), ConfigError);
  EXPECT_THROW(parse_threshold("top:2.5"), ConfigError);
  EXPECT_THROW(parse_threshold("top%:150"), ConfigError);
  EXPECT_THROW(parse_threshold("high"), ConfigError);
  const Benchmark b = parse_benchmark("population:race:Black=0.13");
  EXPECT_EQ(b.name, "population");
  EXPECT_EQ(b.attribute, "race");
  EXPECT_EQ(b.group, "Black");
  EXPECT_DOUBLE_EQ(b.share, 0.13);
  EXPECT_THROW(parse_benchmark("population:race=0.13"), ConfigError);
  EXPECT_THROW(parse_benchmark("p:race:B=1.5"), ConfigError);
}

TEST(ScoresAudit, ConfusionMatricesByConstruction) {
  const AuditResult r = run_audit(load_people(tiny_people()), at_five());
  const auto& a = group(r, "A");
  const auto& b = group(r, "B");
  const auto& c = group(r, "C");
  EXPECT_EQ(a.confusion.tp, 6);
  EXPECT_EQ(a.confusion.fp, 4);
  EXPECT_EQ(a.confusion.tn, 8);
  EXPECT_EQ(a.confusion.fn, 2);
  EXPECT_EQ(b.confusion.tp, 2);
  EXPECT_EQ(b.confusion.fp, 1);
  EXPECT_EQ(b.confusion.tn, 6);
  EXPECT_EQ(b.confusion.fn, 3);
  EXPECT_EQ(c.n, 3);
  EXPECT_EQ(c.selected, 1);
  // ppr of A = 10 of the 14 flagged (10 + 3 + 1).
  EXPECT_DOUBLE_EQ(*group_fraction(Metric::kPpr, a).value(), 10.0 / 14.0);
}

TEST(ScoresAudit, DisparitiesToTheLargestGroup) {
  const AuditResult r = run_audit(load_people(tiny_people()), at_five());
  // Reference: A (20 people). FPR: B 1/7, A 4/12: ratio 3/7, difference 1/7 − 1/3 = −4/21.
  const auto& fpr = disparity(r, "B", Metric::kFpr);
  EXPECT_EQ(fpr.reference, "A");
  EXPECT_DOUBLE_EQ(*fpr.ratio, 3.0 / 7.0);
  EXPECT_NEAR(*fpr.difference, -4.0 / 21.0, 1e-15);
  EXPECT_FALSE(*fpr.fair);
  // Expected counts of [[1, 6], [4, 8]]: 7 · 5/19 = 1.84 < 5, so Fisher's exact test.
  EXPECT_EQ(fpr.test, "fisher");
  EXPECT_NEAR(*fpr.p_value, fisher_exact_p(1, 6, 4, 8), 1e-15);
  // Precision: B 2/3, A 6/10: ratio 10/9 = 1.111 lies in [0.8, 1.25]: fair.
  const auto& ppv = disparity(r, "B", Metric::kPpv);
  EXPECT_DOUBLE_EQ(*ppv.ratio, (2.0 / 3.0) / 0.6);
  EXPECT_TRUE(*ppv.fair);
  // pprev: B 3/12 against A 10/20: ratio 0.5.
  EXPECT_DOUBLE_EQ(*disparity(r, "B", Metric::kPprev).ratio, 0.5);
  for (const auto& d : r.disparities) EXPECT_NE(d.group, "A");
}

TEST(ScoresAudit, NamedAndLowestReferences) {
  AuditOptions named = at_five();
  named.reference = ReferenceRule::kNamed;
  named.named_reference = {{"group", "B"}};
  const AuditResult r = run_audit(load_people(tiny_people()), named);
  // A against B: FPR (4/12) / (1/7) = 7/3.
  EXPECT_DOUBLE_EQ(*disparity(r, "A", Metric::kFpr).ratio, 7.0 / 3.0);
  AuditOptions missing = named;
  missing.named_reference = {{"group", "Z"}};
  EXPECT_THROW(run_audit(load_people(tiny_people()), missing), ConfigError);

  AuditOptions lowest = at_five();
  lowest.reference = ReferenceRule::kMin;
  lowest.min_cell = 0;  // every group may be the reference (the suppression rule: test_suppression)
  const AuditResult m = run_audit(load_people(tiny_people()), lowest);
  // Lowest FPR: C has 0 of 1 negatives flagged, so C is the FPR reference; ratios against 0 are
  // undefined, and the differences are A 1/3 and B 1/7.
  const auto& a = disparity(m, "A", Metric::kFpr);
  EXPECT_EQ(a.reference, "C");
  EXPECT_FALSE(a.ratio.has_value());
  EXPECT_DOUBLE_EQ(*a.difference, 1.0 / 3.0);
  // Lowest pprev: B (3/12 = 0.25 against A 0.5 and C 1/3).
  EXPECT_EQ(disparity(m, "A", Metric::kPprev).reference, "B");
}

TEST(ScoresAudit, CompositeParities) {
  const AuditResult r = run_audit(load_people(tiny_people()), at_five());
  for (const auto& p : r.parities) {
    if (p.group == "A") {  // the reference is fair against itself
      EXPECT_TRUE(*p.equalised_odds);
      EXPECT_TRUE(*p.statistical);
    }
    if (p.group == "B") {
      // FPR ratio 3/7 fails, so equalised odds and type I parity fail.
      EXPECT_FALSE(*p.equalised_odds);
      EXPECT_FALSE(*p.type_i);
      // FNR 3/5 against 1/4: ratio 2.4 fails type II.
      EXPECT_FALSE(*p.type_ii);
    }
  }
}

TEST(ScoresAudit, ChouldechovaIdentityHoldsOnCounts) {
  const AuditResult r = run_audit(load_people(tiny_people()), at_five());
  for (const auto& row : r.identity) {
    if (row.group == "C") continue;
    ASSERT_TRUE(row.fpr_identity.has_value()) << row.group;
    EXPECT_NEAR(*row.fpr_identity, *row.fpr, 1e-12) << row.group;
    if (row.group == "B") {
      // B's prevalence 5/12 with A's PPV 0.6 and FNR 0.25: (5/7)(0.4/0.6)(0.75) = 5/14.
      EXPECT_NEAR(*row.fpr_at_reference_ppv_fnr, 5.0 / 14.0, 1e-12);
    }
  }
}

TEST(ScoresAudit, TopKBreaksTiesByFileOrder) {
  AuditOptions o;
  o.bootstrap = 0;
  o.thresholds = {parse_threshold("top:5"), parse_threshold("top:4"), parse_threshold("top%:10")};
  const AuditResult r = run_audit(load_people(tiny_people()), o);
  // Scores 9, 9 (A), then 8, 8 (A) and 8 (B, later in the file). top5 takes all three 8s.
  EXPECT_EQ(group(r, "A", "top5").selected, 4);
  EXPECT_EQ(group(r, "B", "top5").selected, 1);
  EXPECT_EQ(group(r, "A", "top5").confusion.tp, 3);
  // top4 splits the tie at 8 in file order: both of A's, none of B's.
  EXPECT_EQ(group(r, "A", "top4").selected, 4);
  EXPECT_EQ(group(r, "B", "top4").selected, 0);
  // 10% of 35 = 3.5, rounded half up to 4.
  EXPECT_EQ(group(r, "A", "top10%").selected, 4);
}

TEST(ScoresAudit, FlagsAndListsNeedNoThreshold) {
  PeopleOptions flag = tiny_people();
  flag.score_column.clear();
  flag.flag_column = "flag";
  AuditOptions none;
  none.bootstrap = 0;
  const AuditResult r = run_audit(load_people(flag), none);
  EXPECT_EQ(group(r, "A").confusion.tp, 6);  // flag = score >= 5
  EXPECT_THROW(run_audit(load_people(tiny_people()), none), ConfigError);
}

TEST(ScoresAudit, BootstrapIsSeededAndThreadIndependent) {
  const People people = load_people(tiny_people());
  AuditResult one, two;
  {
    ThreadLimit limit(1);
    one = run_audit(people, at_five(200));
  }
  {
    ThreadLimit limit(2);
    two = run_audit(people, at_five(200));
  }
  ASSERT_EQ(one.disparities.size(), two.disparities.size());
  int with_interval = 0;
  for (std::size_t i = 0; i < one.disparities.size(); ++i) {
    const auto& a = one.disparities[i];
    const auto& b = two.disparities[i];
    ASSERT_EQ(a.ratio_ci.has_value(), b.ratio_ci.has_value());
    if (!a.ratio_ci) continue;
    ++with_interval;
    EXPECT_EQ(a.ratio_ci->lo, b.ratio_ci->lo);
    EXPECT_EQ(a.ratio_ci->hi, b.ratio_ci->hi);
    EXPECT_LE(a.ratio_ci->lo, a.ratio_ci->hi);
  }
  EXPECT_GT(with_interval, 10);
  AuditOptions other = at_five(200);
  other.seed = 7;
  const AuditResult three = run_audit(people, other);
  const auto& d1 = disparity(one, "B", Metric::kPprev);
  const auto& d3 = disparity(three, "B", Metric::kPprev);
  EXPECT_NE(d1.ratio_ci->lo + d1.ratio_ci->hi, d3.ratio_ci->lo + d3.ratio_ci->hi);
}

TEST(ScoresAudit, CalibrationPerScoreValue) {
  const AuditResult r = run_audit(load_people(tiny_people()), at_five());
  // 9 distinct scores (1-9) <= 10 bins: one bin per value. Group A, score 9: one TP, one FP.
  bool found = false;
  for (const auto& c : r.calibration) {
    if (c.group == "A" && c.score_lo == 9.0) {
      EXPECT_EQ(c.bin, 9);
      EXPECT_EQ(c.n, 2);
      EXPECT_EQ(c.outcomes, 1);
      found = true;
    }
  }
  EXPECT_TRUE(found);
}

TEST(ScoresAudit, RepresentationAgainstABenchmark) {
  PeopleOptions list;
  list.path = kTiny;
  list.group_columns = {"group"};
  AuditOptions o;
  o.bootstrap = 0;
  o.benchmarks = {parse_benchmark("population:group:B=0.1")};
  const AuditResult r = run_audit(load_people(list), o);
  ASSERT_EQ(r.representation.size(), 1u);
  const auto& row = r.representation[0];
  // Everyone is on the list: B holds 12 of 35 = 0.342857, against 0.1: ratio 3.42857.
  EXPECT_EQ(row.listed, 12);
  EXPECT_EQ(row.all_listed, 35);
  EXPECT_DOUBLE_EQ(row.ratio, 12.0 / 35.0 / 0.1);
  EXPECT_DOUBLE_EQ(row.ratio_ci.lo, wilson_interval(12, 35).lo / 0.1);
  // Score test: z = (0.342857 − 0.1)/sqrt(0.1 · 0.9/35) = 4.789, p ≈ 1.7e-6.
  EXPECT_LT(*row.p_value, 1e-5);
  EXPECT_FALSE(r.has_outcome);
}

TEST(ScoresAudit, BenchmarksFromAFile) {
  const auto path = std::filesystem::temp_directory_path() / "scrutineer_benchmarks.csv";
  std::ofstream(path) << "benchmark,attribute,group,share\npopulation,group,B,0.1\n"
                         "convicted,group,B,0.3\n";
  const auto b = read_benchmarks(path.string());
  ASSERT_EQ(b.size(), 2u);
  EXPECT_EQ(b[1].name, "convicted");
  EXPECT_DOUBLE_EQ(b[1].share, 0.3);
  std::ofstream(path) << "benchmark,attribute,group,share\npopulation,group,B,lots\n";
  try {
    read_benchmarks(path.string());
    FAIL();
  } catch (const InputError& e) {
    EXPECT_EQ(e.line(), 2);
    EXPECT_EQ(e.column(), 20);  // "population,group,B," is 19 characters
  }
  std::filesystem::remove(path);
}

// The groups table as column -> value for the row of `group`.
std::map<std::string, std::string> groups_row(const std::string& csv, const std::string& group) {
  std::istringstream lines(csv);
  std::string header, line;
  std::getline(lines, header);
  auto split = [](const std::string& text) {
    std::vector<std::string> out;
    std::stringstream fields(text);
    for (std::string f; std::getline(fields, f, ',');) out.push_back(f);
    return out;
  };
  const auto columns = split(header);
  while (std::getline(lines, line)) {
    const auto values = split(line);
    if (values.size() != columns.size() || values[2] != group) continue;
    std::map<std::string, std::string> row;
    for (std::size_t i = 0; i < columns.size(); ++i) row[columns[i]] = values[i];
    return row;
  }
  throw std::runtime_error("no row for group " + group);
}

TEST(ScoresAudit, SmallCellsAreSuppressedAndListed) {
  // Tiny data at >= 5 (see CountsGroupsByHand): A n 20, selected 10, tp 6 fp 4 tn 8 fn 2;
  // B n 12, selected 3, tp 2 fp 1 tn 6 fn 3; C n 3, selected 1. 35 people in all.
  const AuditResult r = run_audit(load_people(tiny_people()), at_five());
  const PublishOptions publish{10};
  const std::string csv = groups_csv(r, publish);
  const auto a = groups_row(csv, "A");
  const auto b = groups_row(csv, "B");
  const auto c = groups_row(csv, "C");
  // C (n 3 < 10) is hidden whole. B's n = 12 is not small, but published it would give C's
  // n = 35 − 20 − 12 = 3, so B is hidden too (complementary suppression).
  for (const auto& row : {b, c}) {
    EXPECT_EQ(row.at("n"), kSuppressed);
    EXPECT_EQ(row.at("selected"), kSuppressed);
    EXPECT_EQ(row.at("pprev"), kSuppressed);
  }
  // A's n, selected (10, and 20 − 10 = 10) and pprev 10/20 are published; its confusion counts
  // are below 10, and so is every rate built on them: FPR = 4/12 with fp + tn = 12 would give
  // fp = 4 back.
  EXPECT_EQ(a.at("n"), "20");
  EXPECT_EQ(a.at("selected"), "10");
  EXPECT_EQ(a.at("pprev"), "0.5");
  for (const char* column : {"tp", "fp", "tn", "fn", "fpr", "fnr", "tpr", "precision", "prev"}) {
    EXPECT_EQ(a.at(column), kSuppressed) << column;
  }
  const auto where = suppressed_cells(r, publish);
  auto listed = [&](const std::string& text) {
    return std::any_of(where.begin(), where.end(),
                       [&](const std::string& w) { return w.find(text) != std::string::npos; });
  };
  EXPECT_TRUE(listed("group=C: n"));
  EXPECT_TRUE(listed("group=B: n"));
  EXPECT_TRUE(listed("group=A: fpr"));
  // No disparity of an outcome rate can be published: every group's confusion matrix is hidden.
  EXPECT_EQ(disparities_csv(r, publish).find(",fpr,0"), std::string::npos);
  EXPECT_NE(audit_json(r, publish).find("\"suppressed\""), std::string::npos);
  // With k = 0 nothing is suppressed.
  EXPECT_TRUE(suppressed_cells(r, PublishOptions{0}).empty());
}

TEST(ScoresAudit, SuppressionHidesWhatAMarginWouldReveal) {
  // k = 3 on the same data. No n is below 3. A's fn = 2 and B's fp = 1 hide their confusion
  // matrices. C's selected = 1 is hidden; all_selected = 14 is published through ppr, so C's
  // selection would be 14 − 10 − 3: B's selected (the smallest other) is hidden as well, and with
  // it B's confusion matrix (selected = tp + fp).
  const AuditResult r = run_audit(load_people(tiny_people()), at_five());
  const std::string csv = groups_csv(r, PublishOptions{3});
  const auto a = groups_row(csv, "A");
  const auto b = groups_row(csv, "B");
  const auto c = groups_row(csv, "C");
  EXPECT_EQ(a.at("n"), "20");
  EXPECT_EQ(b.at("n"), "12");
  EXPECT_EQ(c.at("n"), "3");
  EXPECT_EQ(a.at("selected"), "10");
  EXPECT_EQ(b.at("selected"), kSuppressed);
  EXPECT_EQ(c.at("selected"), kSuppressed);
  EXPECT_EQ(b.at("pprev"), kSuppressed);
  EXPECT_EQ(a.at("fn"), kSuppressed);
  EXPECT_EQ(a.at("tp"), kSuppressed);  // else fn = (tp + fn) − tp through prevalence
  EXPECT_EQ(a.at("fnr"), kSuppressed);
  EXPECT_EQ(b.at("fpr"), kSuppressed);
}

TEST(ScoresAudit, NoOutputContainsIdentifiers) {
  ScoresCommand command;
  command.people = tiny_people();
  command.people.group_columns = {"group", "sex"};
  command.audit = at_five(20);
  command.publish.min_cell = 0;
  const auto dir = std::filesystem::temp_directory_path() / "scrutineer_scores_test_ids";
  std::filesystem::remove_all(dir);
  command.out_dir = dir.string();
  std::string everything = run_scores(command);
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    std::ifstream in(entry.path());
    everything += std::string(std::istreambuf_iterator<char>(in), {});
  }
  EXPECT_EQ(everything.find("Zed Example"), std::string::npos);
  EXPECT_EQ(everything.find("1001"), std::string::npos);
  EXPECT_NE(everything.find("identifier columns dropped"), std::string::npos);
  EXPECT_TRUE(std::filesystem::exists(dir / "scores.json"));
  EXPECT_TRUE(std::filesystem::exists(dir / "scores_disparities.csv"));
  std::filesystem::remove_all(dir);
}

TEST(ScoresAudit, NoPeopleGivesEmptyGroups) {
  // A People value without rows (the reader refuses such a file, see test_people.cpp) audits to
  // nothing rather than failing.
  People none;
  none.outcome_mapped = true;
  none.groups.push_back(GroupColumn{"group", {}, {}});
  const AuditResult r = run_audit(none, at_five(50));
  EXPECT_EQ(r.people, 0);
  EXPECT_TRUE(r.groups.empty());
  EXPECT_TRUE(r.disparities.empty());
}

}  // namespace
}  // namespace scrutineer::scores
