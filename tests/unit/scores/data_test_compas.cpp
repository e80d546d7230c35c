// ProPublica's COMPAS analysis (Larson, Mattu, Kirchner & Angwin 2016) reproduced from
// ../shared/data/compas: truth tables from the notebook "Compas Analysis.ipynb" (cells 51, 54, 55
// of github.com/propublica/compas-analysis at bafff5d), and the 6,172-row cohort of its filters.
#include <gtest/gtest.h>

#include <filesystem>

#include "scrutineer/scores/audit.hpp"

namespace scrutineer::scores {
namespace {

const std::string kCompas =
    std::string(SCRUTINEER_SHARED_DATA) + "/compas/compas-scores-two-years.csv";

// Medium or High counts as high risk: score_text != Low, which is decile_score >= 5 on every row
// (PROVENANCE.md).
PeopleOptions compas() {
  PeopleOptions o;
  o.path = kCompas;
  o.score_column = "decile_score";
  o.outcome_column = "two_year_recid";
  o.group_columns = {"race"};
  return o;
}

const GroupStats& race(const AuditResult& r, const std::string& name) {
  for (const auto& s : r.groups) {
    if (s.group == name) return s;
  }
  throw std::runtime_error("no group " + name);
}

TEST(ScoresCompas, ProPublicaTruthTables) {
  if (!std::filesystem::exists(kCompas)) GTEST_SKIP() << kCompas << " absent: see PROVENANCE.md";
  AuditOptions a;
  a.thresholds = {parse_threshold(">=5")};
  a.bootstrap = 0;
  const People people = load_people(compas());
  EXPECT_EQ(people.size(), 7214u);  // "Total: 7214.00" (cell 51)
  const AuditResult r = run_audit(people, a);
  // Black defendants (cell 54): Survived Low 990, High 805; Recidivated Low 532, High 1369;
  // "False positive rate: 44.85", "False negative rate: 27.99".
  const auto& black = race(r, "African-American");
  EXPECT_EQ(black.confusion.tn, 990);
  EXPECT_EQ(black.confusion.fp, 805);
  EXPECT_EQ(black.confusion.fn, 532);
  EXPECT_EQ(black.confusion.tp, 1369);
  EXPECT_NEAR(100.0 * *group_fraction(Metric::kFpr, black).value(), 44.85, 0.005);
  EXPECT_NEAR(100.0 * *group_fraction(Metric::kFnr, black).value(), 27.99, 0.005);
  // White defendants (cell 55): 1139, 349, 461, 505; FPR 23.45, FNR 47.72.
  const auto& white = race(r, "Caucasian");
  EXPECT_EQ(white.confusion.tn, 1139);
  EXPECT_EQ(white.confusion.fp, 349);
  EXPECT_EQ(white.confusion.fn, 461);
  EXPECT_EQ(white.confusion.tp, 505);
  EXPECT_NEAR(100.0 * *group_fraction(Metric::kFpr, white).value(), 23.45, 0.005);
  EXPECT_NEAR(100.0 * *group_fraction(Metric::kFnr, white).value(), 47.72, 0.005);
  // All defendants (cell 51): 2681, 1282, 1216, 2035.
  Confusion all;
  for (const auto& s : r.groups) {
    all.tn += s.confusion.tn;
    all.fp += s.confusion.fp;
    all.fn += s.confusion.fn;
    all.tp += s.confusion.tp;
  }
  EXPECT_EQ(all.tn, 2681);
  EXPECT_EQ(all.fp, 1282);
  EXPECT_EQ(all.fn, 1216);
  EXPECT_EQ(all.tp, 2035);
  // The largest group is the reference: Caucasian FPR over African-American FPR = 349/1488 over
  // 805/1795; the notebook's 44.85/23.45 = 1.91 is the inverse (cell 56).
  for (const auto& d : r.disparities) {
    if (d.group == "Caucasian" && d.metric == Metric::kFpr) {
      EXPECT_EQ(d.reference, "African-American");
      EXPECT_NEAR(1.0 / *d.ratio, 1.9126, 0.001);
      EXPECT_EQ(d.test, "z");
      EXPECT_LT(*d.p_value, 1e-10);
    }
  }
}

TEST(ScoresCompas, HighOnlyTruthTables) {
  if (!std::filesystem::exists(kCompas)) GTEST_SKIP() << kCompas << " absent: see PROVENANCE.md";
  // Only High counted (decile 8-10), cells 58-59: white 1407, 81, 771, 195; black 1511, 284,
  // 1160, 741.
  AuditOptions a;
  a.thresholds = {parse_threshold(">=8")};
  a.bootstrap = 0;
  const AuditResult r = run_audit(load_people(compas()), a);
  const auto& white = race(r, "Caucasian");
  EXPECT_EQ(white.confusion.tn, 1407);
  EXPECT_EQ(white.confusion.fp, 81);
  EXPECT_EQ(white.confusion.fn, 771);
  EXPECT_EQ(white.confusion.tp, 195);
  const auto& black = race(r, "African-American");
  EXPECT_EQ(black.confusion.tn, 1511);
  EXPECT_EQ(black.confusion.fp, 284);
  EXPECT_EQ(black.confusion.fn, 1160);
  EXPECT_EQ(black.confusion.tp, 741);
}

TEST(ScoresCompas, NotebookCohortFilters) {
  if (!std::filesystem::exists(kCompas)) GTEST_SKIP() << kCompas << " absent: see PROVENANCE.md";
  PeopleOptions o = compas();
  o.where = {"days_b_screening_arrest <= 30", "days_b_screening_arrest >= -30", "is_recid != -1",
             "c_charge_degree != 'O'", "score_text != 'N/A'"};
  const People people = load_people(o);
  // nrow(df) = 6172 (notebook cell 3); PROVENANCE.md: 307 empty, 735 outside ±30.
  EXPECT_EQ(people.size(), 6172u);
  EXPECT_EQ(people.filters[0].missing, 307);
  EXPECT_EQ(people.filters[0].rejected + people.filters[1].rejected, 735);
  // Notebook cell 6: African-American 3175, Caucasian 2103, Hispanic 509, Other 343, Asian 31,
  // Native American 11; cell 12: 2809 recidivated.
  AuditOptions a;
  a.thresholds = {parse_threshold(">=5")};
  a.bootstrap = 0;
  const AuditResult r = run_audit(people, a);
  EXPECT_EQ(race(r, "African-American").n, 3175);
  EXPECT_EQ(race(r, "Caucasian").n, 2103);
  EXPECT_EQ(race(r, "Hispanic").n, 509);
  EXPECT_EQ(race(r, "Other").n, 343);
  EXPECT_EQ(race(r, "Asian").n, 31);
  EXPECT_EQ(race(r, "Native American").n, 11);
  std::int64_t recidivated = 0;
  for (const auto& s : r.groups) recidivated += s.confusion.positive();
  EXPECT_EQ(recidivated, 2809);
  // The duplicated decile_score column was checked on every row and noted.
  bool noted = false;
  for (const auto& n : people.notes) noted = noted || n.find("decile_score") != std::string::npos;
  EXPECT_TRUE(noted);
}

TEST(ScoresCompas, ViolentCohortFilters) {
  const std::string path =
      std::string(SCRUTINEER_SHARED_DATA) + "/compas/compas-scores-two-years-violent.csv";
  if (!std::filesystem::exists(path)) GTEST_SKIP() << path << " absent: see PROVENANCE.md";
  // PROVENANCE.md: the same filters with v_score_text leave 4,020 rows; two_year_recid appears
  // twice (identical), so it maps to the first with a note.
  PeopleOptions o;
  o.path = path;
  o.score_column = "v_decile_score";
  o.outcome_column = "two_year_recid";
  o.group_columns = {"race"};
  o.where = {"days_b_screening_arrest <= 30", "days_b_screening_arrest >= -30", "is_recid != -1",
             "c_charge_degree != 'O'", "v_score_text != 'N/A'"};
  const People people = load_people(o);
  EXPECT_EQ(people.rows_read, 4743);
  EXPECT_EQ(people.size(), 4020u);
  bool noted = false;
  for (const auto& n : people.notes) noted = noted || n.find("two_year_recid") != std::string::npos;
  EXPECT_TRUE(noted);
}

}  // namespace
}  // namespace scrutineer::scores
