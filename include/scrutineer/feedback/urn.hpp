// Pólya-urn models of predictive policing: Ensign, Friedler, Neville, Scheidegger &
// Venkatasubramanian (2018), "Runaway Feedback Loops in Predictive Policing", FAT*, PMLR
// 81:160-171.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace scrutineer::feedback {

// How many balls an incident adds. kFixed adds the expected count (the rate itself, as in the
// authors' deterministic update matrix); kBernoulli one ball with probability = rate (the paper's
// model: rate <= 1); kPoisson a Poisson(rate) count.
enum class Replacement { kFixed, kBernoulli, kPoisson };

std::string_view to_string(Replacement replacement);
Replacement replacement_from_string(std::string_view name);  // ConfigError when unknown

struct UrnOptions {
  std::vector<double> prior;           // n_i at day 0, one per region (> 0). Oakland: 609, 379
  std::vector<double> discovery_rate;  // λ_i: incidents found per visit to region i
  std::vector<double> report_rate;     // r_i: incidents reported from i per day whoever visits
                                       // (empty = discovered-only)
  double discovered_weight = 1.0;      // w_d: balls per discovered incident
  double reported_weight = 1.0;        // w_r: balls per reported incident
  Replacement replacement = Replacement::kBernoulli;
  // Ensign et al.'s fix: a discovered update from region i is kept with probability
  // min_j p_j / p_i (= min(1, p_j / p_i) for two regions), p = the visit probabilities.
  bool rejection = false;
  // Each ball leaves the urn with this probability every day (binomial thinning; multiplication
  // by 1 - decay under kFixed), never taking a region below `floor` balls.
  double decay = 0.0;
  double floor = 1.0;
  std::int64_t days = 1000;
  std::int64_t replicates = 1000;
  std::uint64_t seed = 1;
  std::int64_t record_every = 1;  // days between recorded points of the trajectories
  bool progress = true;
};

// Throws ConfigError naming the bad option.
void validate(const UrnOptions& options);

struct UrnResult {
  std::int64_t regions = 0, replicates = 0;
  std::vector<std::int64_t> days;  // recorded days (0 = the prior)
  // Share of balls n_i / Σ n, per recorded day and region: [day_index * regions + region].
  std::vector<double> mean_share, sd_share, q05_share, q50_share, q95_share;
  // Per replicate, per region: the final share and the share of days the region was visited.
  std::vector<double> final_share;  // [replicate * regions + region]
  std::vector<double> visit_share;  // [replicate * regions + region]
  // λ_i / Σ λ: the share an unbiased allocation would learn.
  std::vector<double> true_share;
  // Mean of the final shares and its Monte-Carlo standard error, per region.
  std::vector<double> final_mean, final_se;
  // Replicates whose largest final share exceeds `runaway_share` (default 0.99).
  double runaway_share = 0.99;
  std::int64_t runaway_replicates = 0;
};

// Runs options.replicates independent urns (TBB over replicates; replicate r uses
// Rng(seed, r), so results do not depend on the thread count).
UrnResult run_urn(const UrnOptions& options);

// One replicate: the ball counts after each day (row per day, days + 1 rows incl. the prior).
std::vector<std::vector<double>> urn_trajectory(const UrnOptions& options, std::int64_t replicate);

// The expected replacement matrix [[a, b], [c, d]] of a two-region urn without rejection:
// row = region visited, column = region that gains balls (Ensign et al.'s "mixed" urn):
// a = w_d λ_A + w_r r_A, b = w_r r_B, c = w_r r_A, d = w_d λ_B + w_r r_B.
struct ReplacementMatrix {
  double a = 0, b = 0, c = 0, d = 0;
};
ReplacementMatrix expected_replacement(const UrnOptions& options);

// Zeros in [0, 1] of the drift f(x) = (c + d − a − b) x² + (a − 2c − d) x + c of the share x of
// region A (generalised Pólya urn; Renlund 2010, stochastic approximation). The share converges to
// a zero where f' < 0 (`stable`); `stable` is empty when f ≡ 0 (a = d, b = c = 0: the classical
// Pólya urn, whose limit is random, Beta-distributed).
struct UrnLimit {
  ReplacementMatrix matrix;
  std::vector<double> zeros;
  std::optional<double> stable;
};
UrnLimit quadratic_limit(const ReplacementMatrix& matrix);

// The expected one-day change of region A's share numerator, E[ΔA] − x E[ΔA + ΔB], for a two-region
// urn at share x, with rejection when options.rejection is set. Its stable zero is the limit share;
// found by bisection in `drift_limit` (used for the rejection fix, where the matrix is not fixed).
double drift(const UrnOptions& options, double x);
std::optional<double> drift_limit(const UrnOptions& options);

}  // namespace scrutineer::feedback
