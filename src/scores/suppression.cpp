// Small-cell suppression plan (Hundepool et al. 2012, "Statistical Disclosure Control", ch. 5):
// primary suppression of counts below k, then complementary suppression so that no hidden count
// can be recovered from a published margin.
#include "suppression.hpp"

#include <algorithm>
#include <functional>
#include <vector>

namespace scrutineer::scores {

namespace {

std::string key(const std::string& a, const std::string& b, const std::string& c = "") {
  return a + '\x1f' + b + '\x1f' + c;
}

// Members of one margin (a published total): when exactly one member is hidden, its value is the
// total minus the others, so the smallest other member is hidden too (first in order on ties).
// Returns whether it hid one.
bool complete_margin(const std::vector<std::size_t>& members,
                     const std::function<bool&(std::size_t)>& hidden,
                     const std::function<std::int64_t(std::size_t)>& value) {
  const auto count =
      std::count_if(members.begin(), members.end(), [&](std::size_t i) { return hidden(i); });
  if (count != 1 || members.size() < 2) return false;
  std::size_t pick = members.size();
  for (std::size_t j = 0; j < members.size(); ++j) {
    if (hidden(members[j])) continue;
    if (pick == members.size() || value(members[j]) < value(members[pick])) pick = j;
  }
  hidden(members[pick]) = true;
  return true;
}

using Margins = std::map<std::string, std::vector<std::size_t>>;

// Completes every margin of a two-way table (rows and columns) until each holds no hidden cell or
// at least two, so that no hidden cell is a published total minus published cells.
void complete_margins(const Margins& rows, const Margins& columns,
                      const std::function<bool&(std::size_t)>& hidden,
                      const std::function<std::int64_t(std::size_t)>& value) {
  for (bool changed = true; changed;) {
    changed = false;
    for (const Margins* margins : {&rows, &columns}) {
      for (const auto& [name, members] : *margins) {
        changed = complete_margin(members, hidden, value) || changed;
      }
    }
  }
}

const GroupPlan kNothingHidden{};
const BinPlan kBinNothingHidden{};

}  // namespace

SuppressionPlan::SuppressionPlan(const AuditResult& r, std::int64_t k) : k_(k) {
  plan_groups(r);
  plan_bins(r);
}

void SuppressionPlan::plan_groups(const AuditResult& r) {
  std::vector<GroupPlan*> plans;
  std::map<std::string, std::vector<std::size_t>> margins;  // threshold, attribute -> groups
  for (std::size_t i = 0; i < r.groups.size(); ++i) {
    const GroupStats& s = r.groups[i];
    GroupPlan& p = groups_[key(s.threshold, s.attribute, s.group)];
    p.group = small(s.n);
    p.selected = small(s.selected) || small(s.n - s.selected);
    const Confusion& c = s.confusion;
    p.confusion = r.has_outcome && (small(c.tp) || small(c.fp) || small(c.tn) || small(c.fn));
    plans.push_back(&p);
    margins[key(s.threshold, s.attribute)].push_back(i);
  }
  for (const auto& [name, members] : margins) {
    // Group sizes add up to the people audited; selections to all_selected (published via ppr).
    complete_margin(
        members, [&](std::size_t i) -> bool& { return plans[i]->group; },
        [&](std::size_t i) { return r.groups[i].n; });
    for (std::size_t i : members) plans[i]->selected = plans[i]->selected || plans[i]->group;
    complete_margin(
        members, [&](std::size_t i) -> bool& { return plans[i]->selected; },
        [&](std::size_t i) { return r.groups[i].selected; });
    // selected = tp + fp, so a hidden selection hides the confusion matrix.
    for (std::size_t i : members) {
      plans[i]->confusion = r.has_outcome && (plans[i]->confusion || plans[i]->selected);
    }
    // The groups' confusion matrices add up to the whole population's, which any other attribute
    // whose matrices are all published gives away.
    if (r.has_outcome) {
      complete_margin(
          members, [&](std::size_t i) -> bool& { return plans[i]->confusion; },
          [&](std::size_t i) { return r.groups[i].n; });
    }
  }
}

void SuppressionPlan::plan_bins(const AuditResult& r) {
  std::map<std::string, bool> group_hidden;  // attribute, group -> hidden at any threshold
  for (const GroupStats& s : r.groups) {
    group_hidden[key(s.attribute, s.group)] |=
        groups_[key(s.threshold, s.attribute, s.group)].group;
  }
  // Calibration is a groups × bins table per attribute; every group has every bin (an empty bin
  // is a cell of 0), so which rows exist reveals nothing.
  std::vector<BinPlan*> plans;
  Margins rows, columns;  // attribute, group -> its bins; attribute, bin -> its groups
  for (std::size_t i = 0; i < r.calibration.size(); ++i) {
    const CalibrationBin& b = r.calibration[i];
    BinPlan& p = bins_[key(b.attribute, b.group, std::to_string(b.bin))];
    p.n = small(b.n) || group_hidden[key(b.attribute, b.group)];
    p.outcomes = small(b.outcomes) || small(b.n - b.outcomes);
    plans.push_back(&p);
    rows[key(b.attribute, b.group)].push_back(i);
    columns[key(b.attribute, std::to_string(b.bin))].push_back(i);
  }
  // A group's bin sizes add up to its n, and its bin outcomes to its tp + fn; a bin's cells add up
  // across the groups of an attribute to the bin's total, which any other attribute whose cells
  // are all published gives away.
  complete_margins(
      rows, columns, [&](std::size_t i) -> bool& { return plans[i]->n; },
      [&](std::size_t i) { return r.calibration[i].n; });
  for (BinPlan* p : plans) p->outcomes = p->outcomes || p->n;
  complete_margins(
      rows, columns, [&](std::size_t i) -> bool& { return plans[i]->outcomes; },
      [&](std::size_t i) { return r.calibration[i].outcomes; });
}

const GroupPlan& SuppressionPlan::group(const std::string& threshold, const std::string& attribute,
                                        const std::string& group) const {
  const auto it = groups_.find(key(threshold, attribute, group));
  return it == groups_.end() ? kNothingHidden : it->second;
}

bool SuppressionPlan::rate_hidden(const GroupStats& s, Metric metric) const {
  const GroupPlan& p = group(s.threshold, s.attribute, s.group);
  if (p.group) return true;
  return metric_needs_outcome(metric) ? p.confusion : p.selected;
}

const BinPlan& SuppressionPlan::bin(const CalibrationBin& b) const {
  const auto it = bins_.find(key(b.attribute, b.group, std::to_string(b.bin)));
  return it == bins_.end() ? kBinNothingHidden : it->second;
}

bool SuppressionPlan::listed_hidden(const RepresentationRow& row) const {
  return group(row.threshold, row.attribute, row.group).selected;
}

}  // namespace scrutineer::scores
