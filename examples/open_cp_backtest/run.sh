#!/bin/sh
# Reproduces open_cp's scripted backtest (QuantCrimAtLeeds/PredictCode, open_cp/scripted) on Chicago
# aggravated assaults in the South Side: 92 daily forecasts from 2016-10-01, training from 2016-01-01,
# 150 m grid at origin (0, 0) in EPSG:2790, coverages 1%..100%, open_cp's tie rule; models naive,
# retro, prohotspot and stscan (STScanProvider(500, 21 days, False)) as open_cp's code runs them.
# Usage: examples/open_cp_backtest/run.sh [scrutineer binary] [output folder]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
bin=${1:-$root/build/release/apps/cli/scrutineer}
out=${2:-open_cp_backtest-output}
data=${SCRUTINEER_SHARED_DATA:-$root/../shared/data}/chicago
"$bin" backtest "$data/aggravated_assaults_2010_2019.csv" \
  --time date --lon longitude --lat latitude --time-zone America/Chicago --crs EPSG:2790 \
  --region "$data/southside_region.geojson" --cell-size 150 --origin-x 0 --origin-y 0 \
  --from 2016-10-01 --to 2017-01-01 --train-from 2016-01-01 --period day \
  --model naive \
  --model retro:bandwidth=200,kernel=quartic \
  --model prohotspot:space_bandwidth=8,time_bandwidth=8,distance=chebyshev,time_unit=7d,clock=wall \
  --model stscan:radius=500,window=21d,max=false,max_rule=as-coded,clock=wall,ties=numpy \
  --no-baselines --coverages 1..100 --operating 5% --tie-rule open_cp --out "$out"
echo "per-day hit counts (open_cp's HitCountEvaluator layout): $out/hit_counts.csv"
