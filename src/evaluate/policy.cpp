// Top-cell policies and their tie rules; the open_cp rule matches open_cp.evaluation.top_slice
// (QuantCrimAtLeeds/PredictCode): n = floor(N x fraction), threshold ties keep the last cells.
#include "scrutineer/evaluate/policy.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <optional>
#include <string>

#include "scrutineer/core/error.hpp"
#include "scrutineer/evaluate/ranking.hpp"

namespace scrutineer::evaluate {

std::string_view to_string(TieRule rule) {
  switch (rule) {
    case TieRule::kOpenCp:
      return "open_cp";
    case TieRule::kRowMajor:
      return "row-major";
    case TieRule::kRandom:
      return "random";
  }
  return "?";
}

TieRule tie_rule_from_string(std::string_view name) {
  if (name == "open_cp" || name == "opencp" || name == "open-cp") return TieRule::kOpenCp;
  if (name == "row-major" || name == "row_major") return TieRule::kRowMajor;
  if (name == "random") return TieRule::kRandom;
  throw ConfigError(
      fmt::format("unknown tie rule '{}' (expected open_cp, row-major or random)", name));
}

namespace {

// "5%" or "0.05" -> 0.05; nullopt when the text is neither.
std::optional<double> parse_share(const std::string& text) {
  try {
    std::size_t used = 0;
    const double v = std::stod(text, &used);
    const bool percent = used < text.size() && text.substr(used) == "%";
    if ((used != text.size() && !percent) || !(v >= 0)) return std::nullopt;
    return percent ? v / 100 : v;
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

}  // namespace

Policy parse_policy(std::string_view text) {
  const std::string t(text);
  Policy p;
  std::optional<double> share;
  if (t.rfind("count:", 0) == 0) {
    p.mode = PolicyMode::kCount;
    share = parse_share(t.substr(6));
    if (share && *share >= 1 && *share == std::floor(*share)) {
      p.count = static_cast<std::int64_t>(*share);
      return p;
    }
    share.reset();
  } else if (t.rfind("area:", 0) == 0) {
    p.mode = PolicyMode::kArea;
    share = parse_share(t.substr(5));
  } else {
    share = parse_share(t);
  }
  if (!share)
    throw ConfigError(
        fmt::format("expected a share such as 5% or 0.05, count:N or area:X%, found '{}'", text));
  p.coverage = *share;
  return p;
}

std::string policy_spec(const Policy& policy) {
  switch (policy.mode) {
    case PolicyMode::kCount:
      return fmt::format("count:{}", policy.count);
    case PolicyMode::kArea:
      return fmt::format("area:{:g}%", policy.coverage * 100);
    case PolicyMode::kCoverage:
      break;
  }
  return fmt::format("{:g}%", policy.coverage * 100);
}

std::string_view to_string(PolicyMode mode) {
  switch (mode) {
    case PolicyMode::kCoverage:
      return "coverage";
    case PolicyMode::kCount:
      return "count";
    case PolicyMode::kArea:
      return "area";
  }
  return "?";
}

std::vector<std::int64_t> rank_cells(const std::vector<double>& risk, const geo::Grid& grid,
                                     TieRule rule, std::uint64_t seed) {
  if (static_cast<std::int64_t>(risk.size()) != grid.cells())
    throw InternalError(
        fmt::format("risk has {} values for a grid of {} cells", risk.size(), grid.cells()));
  // One tie order, then a stable sort by risk (evaluate/ranking.hpp): the order of risk
  // decreasing, then the rule's tie key, without a comparison sort that hashes in its comparator.
  return rank_by_risk(risk, tie_order(grid, rule, seed));
}

std::int64_t cells_for_coverage(std::int64_t valid_cells, double coverage) {
  if (!(coverage >= 0.0 && coverage <= 1.0))
    throw ConfigError(fmt::format("coverage must lie in [0, 1], found {}", coverage));
  const double n = std::floor(static_cast<double>(valid_cells) * coverage);
  return std::clamp(static_cast<std::int64_t>(n), std::int64_t{0}, valid_cells);
}

std::int64_t cells_for_policy(const std::vector<std::int64_t>& ranking, const Policy& policy,
                              const std::vector<double>& cell_area) {
  const auto valid = static_cast<std::int64_t>(ranking.size());
  switch (policy.mode) {
    case PolicyMode::kCoverage:
      return cells_for_coverage(valid, policy.coverage);
    case PolicyMode::kCount:
      if (policy.count < 0)
        throw ConfigError(fmt::format("cell count must be >= 0, found {}", policy.count));
      return std::min(policy.count, valid);
    case PolicyMode::kArea: {
      if (!(policy.coverage >= 0.0 && policy.coverage <= 1.0))
        throw ConfigError(fmt::format("coverage must lie in [0, 1], found {}", policy.coverage));
      if (cell_area.empty()) return cells_for_coverage(valid, policy.coverage);
      double total = 0.0;
      for (const auto c : ranking) total += cell_area[c];
      const double budget = policy.coverage * total;
      double used = 0.0;
      std::int64_t n = 0;
      for (const auto c : ranking) {
        if (used + cell_area[c] > budget) break;
        used += cell_area[c];
        ++n;
      }
      return n;
    }
  }
  return 0;
}

std::vector<std::int64_t> select_top(const std::vector<double>& risk, const geo::Grid& grid,
                                     const Policy& policy, const std::vector<double>& cell_area) {
  auto ranking = rank_cells(risk, grid, policy.tie_rule, policy.seed);
  ranking.resize(static_cast<std::size_t>(cells_for_policy(ranking, policy, cell_area)));
  return ranking;
}

}  // namespace scrutineer::evaluate
