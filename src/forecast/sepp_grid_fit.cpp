// EM fit of the grid self-exciting point process: Mohler et al. (2015), JASA 110(512), eq. (1)-(6),
// in O(N) per cell through the exponential kernel's running sums (DESIGN.md), and Lum & Isaac's
// (2016) replication settings (stop rule, starting values, same-day pairs).
#include <fmt/format.h>
#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <numeric>

#include "approximate_exp.hpp"
#include "scrutineer/core/error.hpp"
#include "scrutineer/forecast/sepp.hpp"
#include "scrutineer/forecast/sepp_grid.hpp"

#if defined(__GLIBC__) && defined(__x86_64__)
// glibc's exp is a wrapper that sets errno on overflow and underflow around the kernel it also
// exports as __exp_finite (one ifunc: the same FMA, AVX2 or SSE2 variant for this processor).
// Calling the kernel directly gives exp's very numbers, without the wrapper's call and checks (a
// third of the E-step's exp time); errno is not read here.
extern "C" double scrutineer_exp_kernel(double) noexcept;
__asm__(".symver scrutineer_exp_kernel,__exp_finite@GLIBC_2.15");
#define SCRUTINEER_EXP scrutineer_exp_kernel
#else
#define SCRUTINEER_EXP std::exp
#endif

// Divisions, multiplications and additions are correctly rounded whatever the vector width, so a
// clone with AVX2 (4 lanes, no FMA) gives SSE2's results bit for bit, where the processor has it.
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define SCRUTINEER_AVX2_CLONES __attribute__((target_clones("avx2", "default")))
#else
#define SCRUTINEER_AVX2_CLONES
#endif

namespace scrutineer::forecast {

namespace {

// e^x is exactly 0 in double precision for every x below ln(2^-1075) ~ -745.13 (the result rounds
// below half the smallest subnormal); -746 leaves a margin for libm's last-place error. Terms with
// such an exponent are skipped: they add exact zeros, so the sums are unchanged bit for bit, and
// glibc's exp is slow near and below the underflow threshold.
constexpr double kExpZeroBelow = -746.0;

double exp_or_zero(double x) { return x < kExpZeroBelow ? 0.0 : SCRUTINEER_EXP(x); }

// Visits each event i (times sorted) with S_i and B_i, the running sums over strictly earlier
// events: moving from group time t' (m' events) to t, with D = t - t': S = e^(-wD)(S' + m'),
// B = e^(-wD)(B' + D (S' + m')). With m' = 1 these are DESIGN.md's A_j and B_j; grouping ties
// gives same-time pairs zero weight.
template <class Visit>
void for_each_running_sum(const std::vector<double>& times, double omega, Visit&& visit) {
  const auto n = times.size();
  double big_s = 0, big_b = 0, prev_t = 0, prev_m = 0;
  std::size_t j = 0;
  while (j < n) {
    std::size_t k = j;
    while (k < n && times[k] == times[j]) ++k;
    if (j > 0) {
      const double delta = times[j] - prev_t;
      const double decay = exp_or_zero(-omega * delta);
      big_b = decay * (big_b + delta * (big_s + prev_m));
      big_s = decay * (big_s + prev_m);
    }
    for (auto i = j; i < k; ++i) visit(i, big_s, big_b);
    prev_t = times[j];
    prev_m = static_cast<double>(k - j);
    j = k;
  }
}

}  // namespace

void sepp_grid_running_sums(const std::vector<double>& times, double omega, std::vector<double>& s,
                            std::vector<double>& b) {
  s.assign(times.size(), 0.0);
  b.assign(times.size(), 0.0);
  for_each_running_sum(times, omega, [&](std::size_t i, double big_s, double big_b) {
    s[i] = big_s;
    b[i] = big_b;
  });
}

void sepp_grid_forward_sums(const std::vector<double>& times, double omega, std::vector<double>& f,
                            std::vector<double>& g) {
  // Later events of t_i are the earlier events of -t_i on the reversed axis; negation and
  // reversal are exact, so f and g are the running sums' own numbers.
  thread_local std::vector<double> reversed;
  reversed.assign(times.rbegin(), times.rend());
  for (auto& t : reversed) t = -t;
  sepp_grid_running_sums(reversed, omega, f, g);
  std::reverse(f.begin(), f.end());
  std::reverse(g.begin(), g.end());
}

SeppGridEStep parse_sepp_grid_e_step(std::string_view name, std::string_view what) {
  if (name == "exact") return SeppGridEStep::kExact;
  if (name == "as-coded") return SeppGridEStep::kAsCoded;
  throw ConfigError(fmt::format("{} must be exact or as-coded; got '{}'", what, name));
}

SeppGridArithmetic parse_sepp_grid_arithmetic(std::string_view name, std::string_view what) {
  if (name == "exact") return SeppGridArithmetic::kExact;
  if (name == "fast") return SeppGridArithmetic::kFast;
  throw ConfigError(fmt::format("{} must be exact or fast; got '{}'", what, name));
}

SeppGridAccelerate parse_sepp_grid_accelerate(std::string_view name, std::string_view what) {
  if (name == "none") return SeppGridAccelerate::kNone;
  if (name == "squarem") return SeppGridAccelerate::kSquarem;
  throw ConfigError(fmt::format("{} must be none or squarem; got '{}'", what, name));
}

void check_sepp_grid_options(const SeppGridOptions& options) {
  if (options.arithmetic == SeppGridArithmetic::kFast && options.e_step != SeppGridEStep::kExact)
    throw ConfigError("sepp-grid: arithmetic=fast needs e_step=exact");
}

double sepp_grid_fast_error(std::size_t later_groups, std::size_t events) {
  constexpr double u = 0x1p-53;
  return 4 * static_cast<double>(later_groups) * (kApproximateExpError + 10 * u) +
         (4 * static_cast<double>(events) + 40) * u;
}

namespace {

// One cell's E-step sums (Mohler et al. 2015, eq. 4-5) at the current parameters.
struct CellSums {
  double background = 0;    // sum_j p_jj
  double triggered = 0;     // sum_j sum_i p_ij
  double triggered_dt = 0;  // sum_j sum_i p_ij (t_j - t_i)
  double edge_mass = 0;     // sum_i (1 - e^(-w (T - t_i)))
  double edge_dt = 0;       // sum_i (T - t_i) e^(-w (T - t_i))
  double log_lambda = 0;    // sum_j log lambda(t_j)
};

// predpol.py's triggering sums: its (N-1) x (N-1) matrix has children t_1..t_{N-1} as rows and
// parents t_0..t_{N-2} as columns, and `pij / denom` divides column i by denom[i] =
// lambda(t_{i+1}). Summing each column first, parent i contributes theta omega f[i] /
// lambda(t_{i+1}) to sum p_ij and theta omega g[i] / lambda(t_{i+1}) to sum p_ij (t_j - t_i), with
// f, g the forward sums: O(N) instead of the matrix's O(N^2).
void as_coded_triggering(const std::vector<double>& times, const std::vector<double>& s, double mu,
                         double tw, double omega, CellSums& out) {
  thread_local std::vector<double> f, g;
  sepp_grid_forward_sums(times, omega, f, g);
  for (std::size_t i = 0; i + 1 < times.size(); ++i) {
    const double lambda_next = mu + tw * s[i + 1];
    out.triggered += tw * f[i] / lambda_next;
    out.triggered_dt += tw * g[i] / lambda_next;
  }
}

// Which sums an E-step needs besides the weights: the compensator's edge terms (the
// edge-corrected M-step and the log-likelihood) and sum_j log lambda (the log-likelihood only).
// The plain M-step reads neither, so its iterations skip a log and an exp per event; every sum
// they do compute is the same.
struct Needs {
  bool edges = true;
  bool log = true;
};

// The per-event terms of one cell, given the running sums s, b at event j (lambda = mu + tw s).
inline void add_event(CellSums& out, double mu, double tw, double s, double b, bool exact,
                      bool log) {
  const double lambda = mu + tw * s;
  if (lambda > 0) {
    out.background += mu / lambda;
    if (exact) {
      out.triggered += tw * s / lambda;
      out.triggered_dt += tw * b / lambda;
    }
    if (log) out.log_lambda += std::log(lambda);
  } else {
    out.background += 1;  // mu = 0 and no earlier event: only the background can explain it
    out.log_lambda = -INFINITY;
  }
}

// The compensator's edge terms of one cell, in event order.
void add_edges(const std::vector<double>& times, double omega, double T, CellSums& out) {
  for (const double t : times) {
    const double rest = T - t;
    const double decay = exp_or_zero(-omega * rest);
    out.edge_mass += 1 - decay;
    out.edge_dt += rest * decay;
  }
}

CellSums e_step(const std::vector<double>& times, double mu, double theta, double omega, double T,
                SeppGridEStep kind, Needs needs) {
  CellSums out;
  if (times.empty()) return out;
  const double tw = theta * omega;
  if (kind == SeppGridEStep::kExact) {
    // The running sums of sepp_grid_running_sums, used as they are made instead of stored.
    for_each_running_sum(times, omega, [&](std::size_t, double big_s, double big_b) {
      add_event(out, mu, tw, big_s, big_b, true, needs.log);
    });
  } else {
    thread_local std::vector<double> s, b;
    sepp_grid_running_sums(times, omega, s, b);
    as_coded_triggering(times, s, mu, tw, omega, out);
    for (std::size_t j = 0; j < times.size(); ++j)
      add_event(out, mu, tw, s[j], b[j], false, needs.log);
  }
  if (needs.edges) add_edges(times, omega, T, out);
  return out;
}

// The exact E-step's layout of one fit, made once: between EM iterations only mu, theta and omega
// change, never the times. Active cell i has `first[i]` events in its first time group and its
// later groups in [begin[i], begin[i + 1]); the later groups of all cells lie in one array, each
// with for_each_running_sum's D (`gap`, the time since the group before) and m' (`before`, the
// events of the group before), its own events, its cell (`owner`), and `keep` = 0 and `opening` =
// first[i] at a cell's first later group (the sums restart there), keep = all bits set and
// opening = 0 elsewhere; `weight` is `events` as a double (arithmetic=fast multiplies by it).
struct Plan {
  std::vector<double> first;
  std::vector<std::size_t> begin;
  std::vector<double> gap, before, opening, weight;
  std::vector<std::uint64_t> keep;
  std::vector<std::size_t> events, owner;
  bool constant(std::size_t i) const { return begin[i] == begin[i + 1]; }
};

Plan make_plan(const std::vector<std::vector<double>>& cell_times,
               const std::vector<std::size_t>& active) {
  Plan p;
  p.first.reserve(active.size());
  p.begin.reserve(active.size() + 1);
  for (std::size_t i = 0; i < active.size(); ++i) {
    const auto& times = cell_times[active[i]];
    p.begin.push_back(p.gap.size());
    double m_before = 0;
    for (std::size_t j = 0, k = 0; j < times.size(); j = k) {
      while (k < times.size() && times[k] == times[j]) ++k;
      if (j == 0) {
        p.first.push_back(static_cast<double>(k));
      } else {
        const bool opens = p.gap.size() == p.begin.back();
        p.gap.push_back(times[j] - times[j - 1]);  // times[j - 1] is the group before's time
        p.before.push_back(m_before);
        p.keep.push_back(opens ? 0 : ~std::uint64_t{0});
        p.opening.push_back(opens ? p.first.back() : 0.0);
        p.events.push_back(k - j);
        p.weight.push_back(static_cast<double>(k - j));
        p.owner.push_back(i);
      }
      m_before = static_cast<double>(k - j);
    }
  }
  p.begin.push_back(p.gap.size());
  return p;
}

// Per later group: the decay e^(-w D), then mu, lambda, tw S and tw B, then the three quotients.
struct Scratch {
  std::vector<double> decay, mu, lambda, s, b;
  explicit Scratch(std::size_t groups)
      : decay(groups), mu(groups), lambda(groups), s(groups), b(groups) {}
};

// Runs step(g, state) over the groups [g0, g1) in four runs of whole cells advanced in lockstep:
// the running sums of one cell form a chain of dependent multiplications and additions, and four
// independent chains keep the processor busy where one would wait on each result. Each cell's
// operations, and so its sums, are the same whatever the runs.
template <class State, class Step>
void in_four_runs(const Plan& p, std::size_t g0, std::size_t g1, Step&& step) {
  std::array<std::size_t, 5> cut{g0, 0, 0, 0, g1};
  for (std::size_t q = 1; q < 4; ++q) {
    const auto target = g0 + (g1 - g0) * q / 4;
    cut[q] = std::max(cut[q - 1],
                      std::min(g1, *std::lower_bound(p.begin.begin(), p.begin.end(), target)));
  }
  auto a = cut[0], b = cut[1], c = cut[2], d = cut[3];
  State sa{}, sb{}, sc{}, sd{};
  for (; a < cut[1] && b < cut[2] && c < cut[3] && d < cut[4]; ++a, ++b, ++c, ++d) {
    step(a, sa);
    step(b, sb);
    step(c, sc);
    step(d, sd);
  }
  for (; a < cut[1]; ++a) step(a, sa);
  for (; b < cut[2]; ++b) step(b, sb);
  for (; c < cut[3]; ++c) step(c, sc);
  for (; d < cut[4]; ++d) step(d, sd);
}

// mu, s and b divided by lambda, element by element: divisions only, so that the compiler
// vectorises them.
SCRUTINEER_AVX2_CLONES void divide(double* __restrict mu, double* __restrict s,
                                   double* __restrict b, const double* __restrict lambda,
                                   std::size_t n) {
  for (std::size_t g = 0; g < n; ++g) {
    mu[g] = mu[g] / lambda[g];
    s[g] = s[g] / lambda[g];
    b[g] = b[g] / lambda[g];
  }
}

// arithmetic=fast: mu, s and b times events / lambda (one division instead of three, and the
// group's events multiplied in instead of added one by one).
SCRUTINEER_AVX2_CLONES void scale_by_inverse(double* __restrict mu, double* __restrict s,
                                             double* __restrict b, const double* __restrict lambda,
                                             const double* __restrict events, std::size_t n) {
  for (std::size_t g = 0; g < n; ++g) {
    const double w = events[g] / lambda[g];
    mu[g] *= w;
    s[g] *= w;
    b[g] *= w;
  }
}

// arithmetic=fast: decay[g] = e^(-omega gap[g]) by exp_taylor, four at a time, and 0 where
// -omega gap[g] < -708 (the exact decay is below 3.3e-308 there).
SCRUTINEER_AVX2_CLONES void fast_decays(const double* __restrict gap, double omega,
                                        double* __restrict decay, std::size_t n) {
  const auto four = [&](const double* in, double* out) {
    Quad x;
    std::memcpy(&x, in, sizeof(x));
    x = -omega * x;
    const auto keep = x >= -708.0;
    exp_taylor_in_place(x);
    x = reinterpret_cast<Quad>(reinterpret_cast<decltype(x > x)>(x) & keep);
    std::memcpy(out, &x, sizeof(x));
  };
  std::size_t g = 0;
  for (; g + 4 <= n; g += 4) four(gap + g, decay + g);
  if (g == n) return;
  double in[4] = {0, 0, 0, 0}, out[4];
  std::copy(gap + g, gap + n, in);
  four(in, out);
  std::copy(out, out + (n - g), decay + g);
}

// x where keep has every bit set, +0 where it has none: a sum restarting at a cell's first later
// group, exact for any x (NaN and infinities included) and without a branch.
double kept(double x, std::uint64_t keep) {
  return std::bit_cast<double>(std::bit_cast<std::uint64_t>(x) & keep);
}

struct Running {
  double s, b;
};

struct Totals {
  double background, triggered, triggered_dt;
};

// arithmetic=fast: the three sums of each cell from the groups' quotients, scaled by events /
// lambda (scale_by_inverse) and added once per group; lambda = 0 (mu = 0, no earlier event) is
// explained by the background alone, one per event, as in add_event.
void planned_fast_sums(const Plan& p, std::size_t g0, std::size_t g1, Scratch& x,
                       std::vector<CellSums>& sums) {
  scale_by_inverse(x.mu.data() + g0, x.s.data() + g0, x.b.data() + g0, x.lambda.data() + g0,
                   p.weight.data() + g0, g1 - g0);
  in_four_runs<Totals>(p, g0, g1, [&](std::size_t g, Totals& t) {
    const bool positive = x.lambda[g] > 0;
    t.background =
        kept(t.background, p.keep[g]) + p.opening[g] + (positive ? x.mu[g] : p.weight[g]);
    t.triggered = kept(t.triggered, p.keep[g]) + (positive ? x.s[g] : 0.0);
    t.triggered_dt = kept(t.triggered_dt, p.keep[g]) + (positive ? x.b[g] : 0.0);
    auto& out = sums[p.owner[g]];
    out.background = t.background;
    out.triggered = t.triggered;
    out.triggered_dt = t.triggered_dt;
  });
}

// e_step's exact sums (Needs{false, false}) of the cells whose later groups are [g0, g1), with the
// same operations in the same order, in flat passes without a branch per cell (the cells are short:
// a loop per cell mispredicts its end). The first group has S = B = 0, so lambda = mu and each of
// its events adds mu / mu = 1 to the background (1 also when mu = 0, add_event's other branch) and
// exact zeros to the triggering sums: the background starts at first[i]. The events of a later
// group share S and B, so its quotients are computed once and added once per event; a cell's sums
// restart at its first later group (kept; the background at first[i], x + 0 = x for the sums > 0
// that it carries on). Needs a finite mu >= 0 and a finite tw >= 0. Sets the three sums of every
// cell with a later group. `fast`: arithmetic=fast's decays, quotients and sums (planned_fast).
void planned_e_step(const Plan& p, std::size_t g0, std::size_t g1, const std::vector<double>& mu,
                    double tw, double omega, bool fast, Scratch& x, std::vector<CellSums>& sums) {
  if (fast) {
    fast_decays(p.gap.data() + g0, omega, x.decay.data() + g0, g1 - g0);
  } else {
    for (auto g = g0; g < g1; ++g) x.decay[g] = exp_or_zero(-omega * p.gap[g]);
  }
  in_four_runs<Running>(p, g0, g1, [&](std::size_t g, Running& r) {
    const double delta = p.gap[g], m = p.before[g];
    r.s = kept(r.s, p.keep[g]);
    r.b = kept(r.b, p.keep[g]);
    r.b = x.decay[g] * (r.b + delta * (r.s + m));
    r.s = x.decay[g] * (r.s + m);
    x.mu[g] = mu[p.owner[g]];
    x.s[g] = tw * r.s;
    x.b[g] = tw * r.b;
    x.lambda[g] = x.mu[g] + x.s[g];  // mu + tw S
  });
  if (fast) return planned_fast_sums(p, g0, g1, x, sums);
  divide(x.mu.data() + g0, x.s.data() + g0, x.b.data() + g0, x.lambda.data() + g0, g1 - g0);
  in_four_runs<Totals>(p, g0, g1, [&](std::size_t g, Totals& t) {
    t.background = kept(t.background, p.keep[g]) + p.opening[g];
    t.triggered = kept(t.triggered, p.keep[g]);
    t.triggered_dt = kept(t.triggered_dt, p.keep[g]);
    if (x.lambda[g] > 0) {
      for (std::size_t k = 0; k < p.events[g]; ++k) {
        t.background += x.mu[g];
        t.triggered += x.s[g];
        t.triggered_dt += x.b[g];
      }
    } else {
      for (std::size_t k = 0; k < p.events[g]; ++k) t.background += 1;
    }
    auto& out = sums[p.owner[g]];
    out.background = t.background;
    out.triggered = t.triggered;
    out.triggered_dt = t.triggered_dt;
  });
}

void check_input(const std::vector<std::vector<double>>& cell_times, double window_length,
                 const SeppGridOptions& options, const SeppGridFit* warm_start) {
  check_sepp_grid_options(options);
  if (!(window_length > 0))
    throw ConfigError(fmt::format("sepp-grid: window length must be > 0; got {}", window_length));
  if (warm_start != nullptr && warm_start->mu.size() != cell_times.size())
    throw ConfigError(fmt::format("sepp-grid: warm start has {} cells, the data {}",
                                  warm_start->mu.size(), cell_times.size()));
  for (std::size_t n = 0; n < cell_times.size(); ++n)
    for (std::size_t j = 1; j < cell_times[n].size(); ++j)
      if (cell_times[n][j] < cell_times[n][j - 1])
        throw ConfigError(fmt::format("sepp-grid: the times of cell {} are not sorted", n));
}

// Below this many events, an E-step or an intensity is not split between threads: a feedback
// loop's daily refit is small and already runs in parallel over replicates.
constexpr std::size_t kParallelEvents = 8192;

// The E-step of the cells with events, `active` (cell indices, increasing), with mu[i] the
// background rate of cell active[i]. A cell without events has mu = 0 and all-zero sums: leaving it
// out of every sum below adds no term but an exact zero, so results are those of a loop over all
// cells, at a cost proportional to the cells with events rather than to the grid. Only the cells
// `visit` (indices into active, increasing) are needed; `events` is their number of events. With
// a plan, exact sums without the log come from planned_e_step.
struct EStepInput {
  const std::vector<std::vector<double>>& cell_times;
  const std::vector<std::size_t>& active;
  const std::vector<std::size_t>& visit;
  std::size_t events;
  const Plan* plan;
  Scratch* scratch;
  bool fast = false;  // arithmetic=fast (planned E-steps only)
};

// Whether planned_e_step gives e_step's sums: the exact E-step without the log, a finite tw >= 0
// and every needed mu finite and >= 0.
bool can_plan(const EStepInput& in, const std::vector<double>& mu, double tw, SeppGridEStep kind,
              Needs needs) {
  if (in.plan == nullptr || kind != SeppGridEStep::kExact || needs.log) return false;
  if (!(std::isfinite(tw) && tw >= 0)) return false;
  for (const auto i : in.visit)
    if (!(std::isfinite(mu[i]) && mu[i] >= 0)) return false;
  return true;
}

// The planned E-step of active cells [i0, i1).
void planned_cells(const EStepInput& in, std::size_t i0, std::size_t i1,
                   const std::vector<double>& mu, double tw, double omega, double T, Needs needs,
                   std::vector<CellSums>& sums) {
  const auto& plan = *in.plan;
  planned_e_step(plan, plan.begin[i0], plan.begin[i1], mu, tw, omega, in.fast, *in.scratch, sums);
  for (auto i = i0; i < i1; ++i) {
    if (plan.constant(i)) sums[i] = CellSums{plan.first[i]};  // the first group only
    if (!needs.edges) continue;
    sums[i].edge_mass = sums[i].edge_dt = 0;
    add_edges(in.cell_times[in.active[i]], omega, T, sums[i]);
  }
}

void e_step_all(const EStepInput& in, const std::vector<double>& mu, double theta, double omega,
                double T, SeppGridEStep kind, Needs needs, std::vector<CellSums>& sums) {
  sums.resize(in.active.size());
  const double tw = theta * omega;
  const bool planned = can_plan(in, mu, tw, kind, needs);
  const auto cells = in.active.size();
  if (planned && in.events < kParallelEvents) {
    // The feedback loop's case: after the first iteration, `visit` is the cells with a later
    // group, which planned_e_step sets; every other cell is left out.
    if (in.visit.size() == cells) {
      planned_cells(in, 0, cells, mu, tw, omega, T, needs, sums);
    } else {
      planned_e_step(*in.plan, 0, in.plan->gap.size(), mu, tw, omega, in.fast, *in.scratch, sums);
    }
    return;
  }
  if (planned) {  // every cell's sums (a cell that left the EM is set but not read)
    tbb::parallel_for(tbb::blocked_range<std::size_t>(0, cells, 64), [&](const auto& range) {
      planned_cells(in, range.begin(), range.end(), mu, tw, omega, T, needs, sums);
    });
    return;
  }
  const auto cell = [&](std::size_t i) {
    return e_step(in.cell_times[in.active[i]], mu[i], theta, omega, T, kind, needs);
  };
  if (in.events < kParallelEvents) {
    for (const auto i : in.visit) sums[i] = cell(i);
    return;
  }
  tbb::parallel_for(tbb::blocked_range<std::size_t>(0, in.visit.size(), 64),
                    [&](const auto& range) {
                      for (std::size_t v = range.begin(); v != range.end(); ++v)
                        sums[in.visit[v]] = cell(in.visit[v]);
                    });
}

double log_likelihood(const std::vector<CellSums>& sums, const std::vector<double>& mu,
                      double theta, double T) {
  // log L = sum_j log lambda(t_j) - sum_n mu_n T - theta sum_i (1 - e^(-w (T - t_i)))
  double ll = 0;
  for (std::size_t i = 0; i < sums.size(); ++i)
    ll += sums[i].log_lambda - mu[i] * T - theta * sums[i].edge_mass;
  return ll;
}

// After the first iteration, the cells whose events all share one time (most cells of a short
// window hold one event) leave the EM: whatever theta and omega, their E-step gives the background
// sum m (each event 1, planned_e_step) and exact zeros, so mu = m / T, as the first iteration set
// it, and every later iteration adds exact zeros for them to the M-step's sums and to sum |delta
// mu|. Needs the plain M-step (the edge terms change with omega). Both mu buffers keep m / T;
// returns the events of the dropped cells.
std::size_t drop_constant_cells(const Plan& plan, const std::vector<double>& mu,
                                std::vector<double>& next_mu, std::vector<std::size_t>& visit) {
  std::size_t dropped = 0, staying = 0;
  for (const auto i : visit) {
    if (plan.constant(i) && std::isfinite(mu[i])) {
      next_mu[i] = mu[i];
      dropped += static_cast<std::size_t>(plan.first[i]);
      continue;
    }
    visit[staying++] = i;
  }
  visit.resize(staying);
  return dropped;
}

// The parameters between EM iterations: theta, omega and mu of the active cells.
struct EmParams {
  double theta = 0, omega = 0;
  std::vector<double> mu;
};

// Which of one iteration's three changes are within their tolerances.
struct Small {
  bool theta, omega, mu;
};

bool stops(const Small& s, SeppGridStop rule) {
  return rule == SeppGridStop::kAny ? (s.theta || s.omega || s.mu) : (s.theta && s.omega && s.mu);
}

// One E+M iteration (Mohler et al. 2015, eq. 4-6), the map F of x = (theta, omega, mu): the
// E-step of the visited cells, then the M-step reduced in cell order (so the result does not
// depend on the thread count). Sets y's theta, omega and the visited cells' mu.
class EmIteration {
 public:
  EmIteration(EStepInput& in, const SeppGridOptions& o, double T, double total)
      : in_(in), o_(o), T_(T), total_(total) {}

  Small operator()(const EmParams& x, EmParams& y) {
    e_step_all(in_, x.mu, x.theta, x.omega, T_, o_.e_step, Needs{o_.edge_corrected, false}, sums_);
    double trig = 0, trig_dt = 0, edge_mass = 0, edge_dt = 0, dmu = 0;
    for (const auto i : in_.visit) {
      trig += sums_[i].triggered;
      trig_dt += sums_[i].triggered_dt;
      edge_mass += sums_[i].edge_mass;
      edge_dt += sums_[i].edge_dt;
      y.mu[i] = sums_[i].background / T_;  // mu_n = sum_j p_jj / T
      dmu += std::abs(y.mu[i] - x.mu[i]);
    }
    y.theta = 0;
    y.omega = x.omega;
    if (trig > 0) {
      if (o_.edge_corrected) {
        // Maximising the expected complete log-likelihood with the compensator
        // theta sum_i (1 - e^(-w (T - t_i))) (Daws's correction of the paper's eq. 6).
        y.theta = trig / edge_mass;
        y.omega = trig / (trig_dt + y.theta * edge_dt);
      } else {
        y.theta = trig / total_;   // theta = sum p_ij / N
        y.omega = trig / trig_dt;  // omega = sum p_ij / sum p_ij (t_j - t_i)
      }
    }
    if (!std::isfinite(y.omega) || y.omega <= 0)
      throw InternalError(fmt::format("sepp-grid: the EM diverged (omega = {})", y.omega));
    return {std::abs(y.theta - x.theta) <= o_.tol_theta,
            std::abs(y.omega - x.omega) <= o_.tol_omega, dmu <= o_.tol_mu};
  }

 private:
  EStepInput& in_;
  const SeppGridOptions& o_;
  double T_, total_;
  std::vector<CellSums> sums_;
};

// The EM loop state that both loops share: the iteration, the fit's counters, and the cells that
// leave the EM after the first iteration (drop_constant_cells).
struct EmLoop {
  EmIteration& em;
  EStepInput& in;
  std::vector<std::size_t>& visit;  // in.visit
  const Plan& plan;
  const SeppGridOptions& o;
  bool can_drop;
  SeppGridFit& fit;

  // y = F(x); after the first iteration the constant cells leave, with their rate in x and y.
  // Returns whether the iteration's changes stop the EM.
  bool iterate(EmParams& x, EmParams& y) {
    const bool stop = stops(em(x, y), o.stop);
    if (++fit.iterations == 1 && can_drop && !stop)
      in.events -= drop_constant_cells(plan, y.mu, x.mu, visit);
    return stop;
  }
};

// The plain EM: x = F(x) until the changes of one iteration are within the tolerances.
void plain_em(EmLoop& loop, EmParams& x) {
  EmParams y = x;
  while (loop.fit.iterations < loop.o.max_iterations) {
    const bool stop = loop.iterate(x, y);
    std::swap(x, y);
    if (stop) {
      loop.fit.converged = true;
      return;
    }
  }
}

// Squared distance between two parameter points over theta, omega and the visited cells' mu.
double distance2(const EmParams& a, const EmParams& b, const std::vector<std::size_t>& visit) {
  double d = (a.theta - b.theta) * (a.theta - b.theta) + (a.omega - b.omega) * (a.omega - b.omega);
  for (const auto i : visit) d += (a.mu[i] - b.mu[i]) * (a.mu[i] - b.mu[i]);
  return d;
}

// |v|^2, v = x2 - 2 x1 + x0, over theta, omega and the visited cells' mu.
double second_difference2(const EmParams& x0, const EmParams& x1, const EmParams& x2,
                          const std::vector<std::size_t>& visit) {
  const auto square = [](double a, double b, double c) {
    return (c - 2 * b + a) * (c - 2 * b + a);
  };
  double v2 = square(x0.theta, x1.theta, x2.theta) + square(x0.omega, x1.omega, x2.omega);
  for (const auto i : visit) v2 += square(x0.mu[i], x1.mu[i], x2.mu[i]);
  return v2;
}

// x0 - 2 alpha r + alpha^2 v with r = x1 - x0 and v = x2 - 2 x1 + x0 (Varadhan & Roland 2008,
// eq. 9), coordinate by coordinate over theta, omega and the visited cells' mu (the other cells'
// rates are left as they are).
void extrapolate(const EmParams& x0, const EmParams& x1, const EmParams& x2, double alpha,
                 const std::vector<std::size_t>& visit, EmParams& out) {
  const auto point = [&](double a, double b, double c) {
    return a - 2 * alpha * (b - a) + alpha * alpha * (c - 2 * b + a);
  };
  out.theta = point(x0.theta, x1.theta, x2.theta);
  out.omega = point(x0.omega, x1.omega, x2.omega);
  for (const auto i : visit) out.mu[i] = point(x0.mu[i], x1.mu[i], x2.mu[i]);
}

// A point the EM can start from: 0 <= theta < 1, omega > 0, every visited mu > 0, all finite.
bool valid(const EmParams& x, const std::vector<std::size_t>& visit) {
  if (!(x.theta >= 0 && x.theta < 1 && x.omega > 0 && std::isfinite(x.omega))) return false;
  for (const auto i : visit)
    if (!(x.mu[i] > 0 && std::isfinite(x.mu[i]))) return false;
  return true;
}

// accelerate=squarem: SQUAREM's SqS3 scheme (Varadhan & Roland 2008, Scand. J. Statist. 35(2),
// 335-353). From x0: x1 = F(x0), x2 = F(x1), r = x1 - x0, v = x2 - 2 x1 + x0, the step
// alpha = -|r| / |v| bounded to [-step_max, -1] (alpha = -1 gives x2, two plain iterations; the
// bound grows 4-fold each time it binds, as in the SQUAREM package), x' = x0 - 2 alpha r +
// alpha^2 v, halved towards -1 (alpha = (alpha - 1) / 2) until x' is valid, then the stabilising
// iteration x'' = F(x'). Safeguard: x'' is kept only when its residual |F(x') - x'| is not larger
// than x0's, |r|; otherwise the cycle ends at x2 (plain EM's point) and the bound resets to 1.
// Every F is one iteration; the EM stops at the first iteration whose changes are within the
// tolerances, as the plain EM does, and returns its result.
void squarem_em(EmLoop& loop, EmParams& x0) {
  EmParams x1 = x0, x2 = x0, xp = x0, xq = x0;
  double step_max = 1;
  const auto& visit = loop.in.visit;
  const auto done = [&](EmParams& last, bool stop) {
    loop.fit.converged = stop;
    if (stop || loop.fit.iterations >= loop.o.max_iterations) {
      std::swap(x0, last);
      return true;
    }
    return false;
  };
  bool first = true;
  while (loop.fit.iterations < loop.o.max_iterations) {
    if (done(x1, loop.iterate(x0, x1))) return;
    if (first) {  // the rates of the cells that left the EM, the same in every buffer from now on
      x2.mu = xp.mu = xq.mu = x1.mu;
      first = false;
    }
    if (done(x2, loop.iterate(x1, x2))) return;
    const double r2 = distance2(x1, x0, visit), v2 = second_difference2(x0, x1, x2, visit);
    double alpha = v2 > 0 ? -std::sqrt(r2 / v2) : -1.0;
    alpha = std::min(-1.0, std::max(-step_max, alpha));
    if (alpha == -step_max) step_max *= 4;
    while (alpha < -1) {
      extrapolate(x0, x1, x2, alpha, visit, xp);
      if (valid(xp, visit)) break;
      alpha = alpha < -1.01 ? (alpha - 1) / 2 : -1.0;
    }
    EmParams& from = alpha < -1 ? xp : x2;  // alpha = -1: x' = x2
    if (done(xq, loop.iterate(from, xq))) return;
    if (alpha < -1 && distance2(xq, xp, visit) > r2) {
      std::swap(x0, x2);
      step_max = 1;
    } else {
      std::swap(x0, xq);
    }
  }
}

}  // namespace

SeppGridFit fit_sepp_grid(const std::vector<std::vector<double>>& cell_times, double window_length,
                          const SeppGridOptions& options, const SeppGridFit* warm_start) {
  check_input(cell_times, window_length, options, warm_start);
  const double T = window_length;
  const auto cells = cell_times.size();
  SeppGridFit fit;
  fit.theta = warm_start ? warm_start->theta : options.theta0;
  fit.omega = warm_start ? warm_start->omega : options.omega0;
  fit.mu.assign(cells, 0.0);
  // The EM visits the cells with events only (e_step_all); mu holds their rates, in cell order.
  std::vector<std::size_t> active;
  std::vector<double> mu;
  double total = 0;
  for (std::size_t n = 0; n < cells; ++n) {
    if (cell_times[n].empty()) continue;  // no events: mu = 0, outside the sums (Lum & Isaac)
    total += static_cast<double>(cell_times[n].size());
    const double warm = warm_start ? warm_start->mu[n] : 0.0;
    active.push_back(n);
    mu.push_back(warm > 0 ? warm : options.mu0);
  }
  const auto store_mu = [&] {
    for (std::size_t i = 0; i < active.size(); ++i) fit.mu[active[i]] = mu[i];
  };
  if (total == 0) {
    fit.converged = true;
    return fit;
  }
  const bool exact = options.e_step == SeppGridEStep::kExact;
  const Plan plan = exact ? make_plan(cell_times, active) : Plan{};
  Scratch scratch(plan.gap.size());
  std::vector<std::size_t> visit(active.size());
  std::iota(visit.begin(), visit.end(), std::size_t{0});
  EStepInput in{cell_times,
                active,
                visit,
                static_cast<std::size_t>(total),
                exact ? &plan : nullptr,
                &scratch,
                options.arithmetic == SeppGridArithmetic::kFast};
  EmIteration em(in, options, T, total);
  EmLoop loop{em, in, visit, plan, options, exact && !options.edge_corrected, fit};
  EmParams x{fit.theta, fit.omega, std::move(mu)};
  if (options.accelerate == SeppGridAccelerate::kSquarem) {
    squarem_em(loop, x);
  } else {
    plain_em(loop, x);
  }
  fit.theta = x.theta;
  fit.omega = x.omega;
  mu = std::move(x.mu);
  store_mu();
  fit.log_likelihood = std::numeric_limits<double>::quiet_NaN();
  if (options.log_likelihood) {
    std::vector<CellSums> sums;
    visit.resize(active.size());  // every cell, with the log's terms
    std::iota(visit.begin(), visit.end(), std::size_t{0});
    e_step_all({cell_times, active, visit, static_cast<std::size_t>(total), nullptr, nullptr}, mu,
               fit.theta, fit.omega, T, options.e_step, Needs{}, sums);
    fit.log_likelihood = log_likelihood(sums, mu, fit.theta, T);
  }
  return fit;
}

double sepp_grid_fast_intensity_error(std::size_t n) {
  return kApproximateExpError + (2 * static_cast<double>(n) + 6) * 0x1p-53;
}

namespace {

// arithmetic=fast's intensity: the gaps t - t_i of every cell's earlier events in one array,
// their decays by fast_decays (0 where the exact term is below 3.3e-308; the exact sum skips the
// terms that are exact zeros), then each cell's sum in event order, as the exact path adds them.
// Each term within delta + 2u of the exact one and n positive terms summed in the same order:
// lambda within sepp_grid_fast_intensity_error(n) (docs/forecast.md).
std::vector<double> fast_intensity(const SeppGridFit& fit,
                                   const std::vector<std::vector<double>>& cell_times, double t) {
  thread_local std::vector<double> gap, decay;
  thread_local std::vector<std::size_t> end;  // cell n's gaps end at end[n]
  gap.clear();
  end.clear();
  for (const auto& times : cell_times) {
    for (const double ti : times)
      if (ti < t) gap.push_back(t - ti);
    end.push_back(gap.size());
  }
  decay.resize(gap.size());
  fast_decays(gap.data(), fit.omega, decay.data(), gap.size());
  std::vector<double> out(cell_times.size());
  const double tw = fit.theta * fit.omega;
  for (std::size_t n = 0, k = 0; n < cell_times.size(); ++n) {
    double sum = 0;
    for (; k < end[n]; ++k) sum += decay[k];
    out[n] = fit.mu[n] + tw * sum;
  }
  return out;
}

}  // namespace

std::vector<double> sepp_grid_intensity(const SeppGridFit& fit,
                                        const std::vector<std::vector<double>>& cell_times,
                                        double t, SeppGridArithmetic arithmetic) {
  if (fit.mu.size() != cell_times.size())
    throw ConfigError(fmt::format("sepp-grid: the fit has {} cells, the data {}", fit.mu.size(),
                                  cell_times.size()));
  if (arithmetic == SeppGridArithmetic::kFast) return fast_intensity(fit, cell_times, t);
  std::vector<double> out(cell_times.size());
  const double tw = fit.theta * fit.omega;
  const auto cell = [&](std::size_t n) {
    // lambda_n(t) = mu_n + theta w sum_{t_i < t} e^(-w (t - t_i)). The times are sorted, so the
    // terms that underflow to exact zeros are a prefix: the sum starts after it (same sum). exp
    // through glibc's kernel: exp's very numbers without the errno wrapper.
    const auto& times = cell_times[n];
    const auto first = std::partition_point(times.begin(), times.end(), [&](double ti) {
      return -fit.omega * (t - ti) < kExpZeroBelow;
    });
    double sum = 0;
    for (auto it = first; it != times.end(); ++it)
      if (*it < t) sum += SCRUTINEER_EXP(-fit.omega * (t - *it));
    out[n] = fit.mu[n] + tw * sum;
  };
  std::size_t events = 0;
  for (const auto& times : cell_times) events += times.size();
  if (events < kParallelEvents) {
    for (std::size_t n = 0; n < cell_times.size(); ++n) cell(n);
  } else {
    tbb::parallel_for(std::size_t{0}, cell_times.size(), cell);
  }
  return out;
}

}  // namespace scrutineer::forecast
