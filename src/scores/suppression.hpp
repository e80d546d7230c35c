// Small-cell suppression plan for the published tables of a score audit: primary suppression of
// counts below k and complementary (secondary) suppression of what would let a reader recover a
// hidden count from published margins (Hundepool et al. 2012, "Statistical Disclosure Control",
// Wiley, ch. 5: tabular data).
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "scrutineer/scores/audit.hpp"

namespace scrutineer::scores {

// What to hide for one group at one threshold. Rates follow their counts: a rate of published
// counts reveals nothing new, and a rate of a hidden count would reveal it.
struct GroupPlan {
  bool group = false;      // n and everything else
  bool selected = false;   // selected, pprev, ppr
  bool confusion = false;  // tp, fp, tn, fn and every rate that needs the outcome
};

struct BinPlan {
  bool n = false;         // the bin's size (and its outcomes)
  bool outcomes = false;  // outcomes and outcome rate
};

class SuppressionPlan {
 public:
  SuppressionPlan(const AuditResult& r, std::int64_t k);
  bool small(std::int64_t x) const { return x < k_; }
  const GroupPlan& group(const std::string& threshold, const std::string& attribute,
                         const std::string& group) const;
  bool rate_hidden(const GroupStats& s, Metric metric) const;
  const BinPlan& bin(const CalibrationBin& b) const;
  // A representation row's `listed` is its group's `selected`.
  bool listed_hidden(const RepresentationRow& row) const;

 private:
  std::int64_t k_;
  std::map<std::string, GroupPlan> groups_;
  std::map<std::string, BinPlan> bins_;
  void plan_groups(const AuditResult& r);
  void plan_bins(const AuditResult& r);
};

}  // namespace scrutineer::scores
