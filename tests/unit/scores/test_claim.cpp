// Tests of the claim check against hand computations with Bayes' rule.
#include <gtest/gtest.h>

#include "scrutineer/core/error.hpp"
#include "scrutineer/scores/claim.hpp"

namespace scrutineer::scores {
namespace {

bool any_warning(const ClaimResult& r, const std::string& text) {
  for (const auto& w : r.warnings) {
    if (w.find(text) != std::string::npos) return true;
  }
  return false;
}

TEST(ScoresClaim, AccuracyAtLowPrevalence) {
  // "80% accuracy" at prevalence 1%, with sensitivity = specificity = 0.8, per 100,000 people:
  // TP = 0.8 · 1,000 = 800, FP = 0.2 · 99,000 = 19,800, flagged 20,600, PPV = 800/20,600.
  ClaimOptions o;
  o.accuracy = 0.8;
  o.prevalence = 0.01;
  const ClaimResult r = check_claim(o);
  ASSERT_EQ(r.rows.size(), 1u);
  const auto& row = r.rows[0];
  EXPECT_NEAR(row.true_positives, 800.0, 1e-9);
  EXPECT_NEAR(row.false_positives, 19800.0, 1e-9);
  EXPECT_NEAR(row.flagged, 20600.0, 1e-9);
  EXPECT_NEAR(row.ppv, 800.0 / 20600.0, 1e-12);
  // Every split with accuracy 0.8 at p = 0.01: s from 0 to 1, PPV(s) = 0.01 s/(0.02 s + 0.19),
  // from 0 (s = 0) to 0.01/0.21 = 0.047619 (s = 1).
  EXPECT_NEAR(*row.ppv_min, 0.0, 1e-12);
  EXPECT_NEAR(*row.ppv_max, 0.01 / 0.21, 1e-12);
  EXPECT_DOUBLE_EQ(row.accuracy_flag_nobody, 0.99);
  EXPECT_TRUE(any_warning(r, "without the prevalence"));
  EXPECT_TRUE(any_warning(r, "flags nobody scores accuracy 99.00%"));
  EXPECT_TRUE(any_warning(r, "accuracy alone does not fix"));
}

TEST(ScoresClaim, SensitivitySpecificityByGroup) {
  // s = c = 0.8. Group a, p = 0.02: TP 0.016, FP 0.2 · 0.98 = 0.196, PPV 0.016/0.212.
  // Group b, p = 0.005: TP 0.004, FP 0.199, PPV 0.004/0.203.
  ClaimOptions o;
  o.sensitivity = 0.8;
  o.specificity = 0.8;
  o.prevalence = 0.01;
  o.groups = {parse_claim_group("a:0.02"), parse_claim_group("b:0.005")};
  const ClaimResult r = check_claim(o);
  ASSERT_EQ(r.rows.size(), 3u);
  EXPECT_EQ(r.rows[0].group, "all");
  EXPECT_NEAR(r.rows[1].ppv, 0.016 / 0.212, 1e-12);
  EXPECT_NEAR(r.rows[1].false_positives, 19600.0, 1e-9);
  EXPECT_NEAR(r.rows[2].ppv, 0.004 / 0.203, 1e-12);
  EXPECT_NEAR(r.rows[2].npv, 0.8 * 0.995 / (0.8 * 0.995 + 0.2 * 0.005), 1e-12);
  EXPECT_FALSE(r.rows[1].ppv_min.has_value());
  EXPECT_FALSE(any_warning(r, "without the prevalence"));
}

TEST(ScoresClaim, ClaimedPrevalenceDiffersFromDeployment) {
  // Claimed on a balanced sample (p = 0.5) where s = 0.9, c = 0.7 give accuracy 0.8.
  ClaimOptions o;
  o.accuracy = 0.8;
  o.sensitivity = 0.9;
  o.specificity = 0.7;
  o.claimed_prevalence = 0.5;
  o.prevalence = 0.05;
  const ClaimResult r = check_claim(o);
  EXPECT_TRUE(any_warning(r, "the claim was made at prevalence 50.00%"));
  EXPECT_FALSE(any_warning(r, "does not match"));
  // At p = 0.05: accuracy 0.9 · 0.05 + 0.7 · 0.95 = 0.71; PPV 0.045/(0.045 + 0.285) = 0.136364.
  EXPECT_NEAR(r.rows[0].accuracy, 0.71, 1e-12);
  EXPECT_NEAR(r.rows[0].ppv, 0.045 / 0.33, 1e-12);
  o.accuracy = 0.95;
  EXPECT_TRUE(any_warning(check_claim(o), "does not match"));
}

TEST(ScoresClaim, BadInputsAreConfigErrors) {
  ClaimOptions o;
  o.accuracy = 0.8;
  EXPECT_THROW(check_claim(o), ConfigError);  // no prevalence
  o.prevalence = 1.5;
  EXPECT_THROW(check_claim(o), ConfigError);
  ClaimOptions half;
  half.sensitivity = 0.8;
  half.prevalence = 0.1;
  EXPECT_THROW(check_claim(half), ConfigError);  // specificity missing
  ClaimOptions nothing;
  nothing.prevalence = 0.1;
  EXPECT_THROW(check_claim(nothing), ConfigError);
  EXPECT_THROW(parse_claim_group("a"), ConfigError);
  EXPECT_THROW(parse_claim_group("a:x"), ConfigError);
  EXPECT_THROW(parse_claim_group("a:0"), ConfigError);
}

TEST(ScoresClaim, Outputs) {
  ClaimCommand command;
  command.claim.accuracy = 0.8;
  command.claim.prevalence = 0.01;
  command.format = "csv";
  const std::string csv = run_claim(command);
  EXPECT_EQ(csv.rfind("group,prevalence,", 0), 0u);
  EXPECT_NE(csv.find("all,0.01,0.8,0.8,"), std::string::npos);
  command.format = "json";
  EXPECT_NE(run_claim(command).find("\"warnings\""), std::string::npos);
  command.format = "xml";
  EXPECT_THROW(run_claim(command), ConfigError);
}

}  // namespace
}  // namespace scrutineer::scores
