// Issue 17: the findings summary's sentences say what the numbers and their intervals support,
// and no more. Every expected sentence is written from the hand-set numbers of the test.
#include <gtest/gtest.h>

#include <string>

#include "scrutineer/recipe/findings.hpp"

using namespace scrutineer;
using recipe::judge;
using recipe::Verdict;

namespace {

evaluate::ModelResult model(const std::string& name, bool baseline, double hit, double wrong,
                            evaluate::Interval vs = {}) {
  evaluate::ModelResult m;
  m.spec.name = name;
  m.spec.baseline = baseline;
  m.operating.hit_rate = {hit, hit - 0.01, hit + 0.01};
  m.operating.wrong_share = {wrong, wrong - 0.002, wrong + 0.002};
  m.vs_best_baseline = vs;
  return m;
}

// Chicago's shape (issue 17): the model's flags empty 99.1% of the time, naive's 98.6%, random's
// 99.8%; the model's hit rate 0.210 against naive's 0.220.
evaluate::BacktestResult chicago_like(evaluate::Interval vs) {
  evaluate::BacktestResult b;
  b.best_baseline = "naive";
  b.models = {model("prohotspot", false, 0.210, 0.991, vs), model("naive", true, 0.220, 0.986),
              model("random", true, 0.020, 0.998)};
  return b;
}

disparity::GroupExposure group(const std::string& name, double exposure_share,
                               double population_share, double ratio, double lo, double hi) {
  disparity::GroupExposure g;
  g.name = name;
  g.exposure_share = exposure_share;
  g.population_share = population_share;
  g.disparity_ratio = ratio;
  g.disparity_ratio_ci = {lo, hi};
  return g;
}

}  // namespace

TEST(Findings, JudgeAgainstTheNoDifferenceValue) {
  EXPECT_EQ(judge(1.02, 1.30, 1), Verdict::kAbove);
  EXPECT_EQ(judge(0.50, 0.99, 1), Verdict::kBelow);
  EXPECT_EQ(judge(0.95, 1.05, 1), Verdict::kIncludes);
  EXPECT_EQ(judge(-0.01, 0.02, 0), Verdict::kIncludes);
  EXPECT_EQ(judge(NAN, NAN, 1), Verdict::kUnknown);
}

TEST(Findings, NoModelBeatsNaiveSaysSoWithTheInterval) {
  // difference 0.210 - 0.220 = -0.010, interval -0.030 to +0.008 includes 0.
  const auto f = recipe::accuracy_findings(chicago_like({-0.010, -0.030, 0.008}), "day", 0.95);
  ASSERT_EQ(f.size(), 2u);
  EXPECT_EQ(f[0].text,
            "No evidence that prohotspot beats the best baseline, naive: hit rate 0.210 against "
            "0.220, a difference of -0.010 whose 95% interval -0.030 to +0.008 includes 0.");
  EXPECT_EQ(f[0].section, "accuracy");
  // Beats it only when the whole interval is above 0; worse when the whole is below.
  EXPECT_EQ(recipe::accuracy_findings(chicago_like({0.02, 0.01, 0.03}), "day", 0.95)[0].text.rfind(
                "prohotspot beats the best baseline, naive: hit rate 0.210 against 0.220, a "
                "difference of +0.020 (95% interval +0.010 to +0.030).",
                0),
            0u);
  EXPECT_EQ(
      recipe::accuracy_findings(chicago_like({-0.02, -0.03, -0.01}), "day", 0.95)[0].text.rfind(
          "prohotspot does worse than the best baseline, naive", 0),
      0u);
}

TEST(Findings, WrongShareStandsNextToTheBaselines) {
  const auto f = recipe::accuracy_findings(chicago_like({-0.010, -0.030, 0.008}), "day", 0.95);
  // 0.991 +- 0.002 as percentages with one decimal; the baselines' 0.986 and 0.998 beside it.
  EXPECT_EQ(f[1].text.rfind("99.1% of the cell-days flagged by prohotspot saw no recorded crime "
                            "(95% interval 98.9% to 99.3%); for the baselines' flags: naive "
                            "98.6%, random 99.8%.",
                            0),
            0u)
      << f[1].text;
}

TEST(Findings, GroupExposureAgainstPopulationAndCrime) {
  disparity::ExposureResult r;
  // A: 30% of exposure, 20% of residents, ratio 1.5 [1.2, 1.8] -> more than its share.
  auto a = group("A", 0.30, 0.20, 1.5, 1.2, 1.8);
  // ... 28% of recorded crime, ratio 0.30/0.28 = 1.071 [0.9, 1.3] -> includes 1.
  a.crime_share = 0.28;
  a.crime_ratio = 0.30 / 0.28;
  a.crime_ratio_ci = {0.9, 1.3};
  // B: 70% of exposure, 80% of residents, ratio 0.875 [0.8, 0.95] -> less; no crime benchmark.
  r.groups = {a, group("B", 0.70, 0.80, 0.875, 0.8, 0.95), group("C", 0.1, 0.1, 1.0, NAN, NAN)};
  const auto f = recipe::disparity_findings(r, "retro", 0.95);
  ASSERT_EQ(f.size(), 3u);
  EXPECT_EQ(f[0].text,
            "A (retro flags): 30.0% of patrol exposure against 20.0% of the residents (ratio "
            "1.500, 95% interval 1.200 to 1.800): more than its share of the residents; against "
            "28.0% of recorded crime (ratio 1.071, 95% interval 0.900 to 1.300): no evidence of "
            "a difference from its share of recorded crime.");
  EXPECT_NE(f[1].text.find("(ratio 0.875, 95% interval 0.800 to 0.950): less than its share of "
                           "the residents."),
            std::string::npos)
      << f[1].text;
  EXPECT_NE(f[2].text.find("no interval (bootstrap off), so not judged"), std::string::npos);
  EXPECT_EQ(f[0].section, "disparity");
}

TEST(Findings, FeedbackWithoutDiscoveriesSaysSo) {
  feedback::LoopResult loop;
  loop.days = 2;
  loop.replicates = 4;
  feedback::ScenarioResult sc;
  sc.mean.assign(static_cast<std::size_t>(feedback::Measure::kCount), {0.0, 0.0});
  sc.mean[static_cast<std::size_t>(feedback::Measure::kTvdArea)] = {0.2, 0.4};  // mean 0.300
  sc.concentration_day = {-1, 3, -1, 1};                                        // 2 of 4
  loop.scenarios = {sc};
  feedback::LoopOptions o;
  o.concentration_share = 0.5;
  const auto f = recipe::feedback_findings(loop, o);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].text,
            "Feedback with mitigation 'none': one area held over 50.0% of a day's flags in 2 of "
            "4 replicates; patrols differed from true crime by a total variation distance of "
            "0.300 over areas (mean over 2 days; 0 = patrols in proportion to true crime). "
            "Patrols discovered almost no crime that victims did not report (0.00 a day), so "
            "this run shows little feedback from discoveries.");
  // 1.5 discoveries a day, none trained (a reported-only mitigation): said as such.
  loop.scenarios[0].mean[static_cast<std::size_t>(feedback::Measure::kDiscovered)] = {1, 2};
  EXPECT_NE(recipe::feedback_findings(loop, o)[0].text.find(
                "Patrols discovered 1.50 crimes a day that victims did not report; 0.00 a day of "
                "those records trained the next forecast."),
            std::string::npos)
      << recipe::feedback_findings(loop, o)[0].text;
}

TEST(Findings, FairInsideTauButTestRejectsIsExplained) {
  // COMPAS's case (issue 17): Hispanic FNR ratio 1.17, p = 0.034, fair = true.
  const std::string csv =
      "threshold,attribute,group,reference,metric,value,reference_value,ratio,difference,fair,"
      "ratio_lo,ratio_hi,difference_lo,difference_hi,p_value,test\n"
      "score>=5,race,Hispanic,Caucasian,fnr,0.585,0.5,1.17,0.085,true,1.01,1.33,0.01,0.16,0.034,"
      "z\n"
      "score>=5,race,Asian,Caucasian,fpr,suppressed,0.2,suppressed,suppressed,suppressed,,,,,,\n"
      "score>=5,race,Other,Caucasian,precision,0.5,0.6,0.7,-0.1,false,0.4,1.1,,,0.2,z\n"
      "score>=5,race,Other,Caucasian,tpr,0.5,0.6,0.83,-0.1,true,0.4,1.1,,,0.2,z\n"
      "score>=5,race,Black,Caucasian,fpr,0.423,0.22,1.923,0.2,false,1.7,2.2,,,0.00001,z\n";
  const auto f = recipe::scores_findings(csv, 0.8, 0.95);
  ASSERT_EQ(f.size(), 3u);  // the suppressed row and the TPR row say nothing
  EXPECT_NE(f[2].text.find("outside the 0.8 to 1.25 rule, and the test rejects equality (p < "
                           "0.001)."),
            std::string::npos)
      << f[2].text;
  EXPECT_EQ(f[0].text,
            "race = Hispanic: false negative rate (not flagged among those with the outcome) "
            "0.585 against 0.500 for the reference group Caucasian (ratio 1.170, 95% interval "
            "1.010 to 1.330): inside the 0.8 to 1.25 rule, so `fair`, but the test rejects "
            "equality (p = 0.034): the difference is real, and smaller than the rule "
            "tolerates.");
  EXPECT_NE(f[1].text.find("outside the 0.8 to 1.25 rule, but the test cannot tell it from "
                           "equality (p = 0.200"),
            std::string::npos)
      << f[1].text;
}
