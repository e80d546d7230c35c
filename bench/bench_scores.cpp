// Benchmarks of the score audit: tabulation and the stratified bootstrap on a synthetic table of
// people (invented scores and outcomes; nobody is scored by scrutineer).
#include <benchmark/benchmark.h>

#include "scrutineer/core/random.hpp"
#include "scrutineer/scores/audit.hpp"

namespace {

scrutineer::scores::People synthetic(std::int64_t n) {
  scrutineer::Rng rng(42);
  scrutineer::scores::People p;
  p.outcome_mapped = true;
  p.groups.push_back({"group", {"a", "b", "c", "d", "e", "f"}, {}});
  for (std::int64_t i = 0; i < n; ++i) {
    p.score.push_back(static_cast<double>(1 + rng.below(10)));
    p.outcome.push_back(static_cast<std::int8_t>(rng.bernoulli(0.45)));
    p.groups[0].codes.push_back(static_cast<std::uint32_t>(rng.below(6)));
  }
  return p;
}

void BM_AuditNoBootstrap(benchmark::State& state) {
  const auto people = synthetic(state.range(0));
  scrutineer::scores::AuditOptions o;
  o.thresholds = {scrutineer::scores::parse_threshold(">=5")};
  o.bootstrap = 0;
  for (auto _ : state) benchmark::DoNotOptimize(scrutineer::scores::run_audit(people, o));
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_AuditNoBootstrap)->Arg(7214)->Arg(1 << 20)->Unit(benchmark::kMillisecond);

void BM_AuditBootstrap1000(benchmark::State& state) {
  const auto people = synthetic(state.range(0));
  scrutineer::scores::AuditOptions o;
  o.thresholds = {scrutineer::scores::parse_threshold(">=5")};
  o.bootstrap = 1000;
  for (auto _ : state) benchmark::DoNotOptimize(scrutineer::scores::run_audit(people, o));
  state.SetItemsProcessed(state.iterations() * state.range(0) * 1000);
}
BENCHMARK(BM_AuditBootstrap1000)->Arg(7214)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
