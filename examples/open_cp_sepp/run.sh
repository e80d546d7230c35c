#!/bin/sh
# open_cp's continuous SEPP (QuantCrimAtLeeds/PredictCode, open_cp.sepp.SEPPTrainer) on Chicago
# aggravated assaults inside the South Side region: trained on the 360 days before 2017-01-01,
# 40 iterations, initial time bandwidth 10,000 minutes (open_cp's Chicago case study) and 50 m,
# cut-offs 120 days and 500 m, a prediction at 2017-01-01 averaged over a 5 x 5 lattice of
# midpoints per cell (open_cp's samples=-5), on open_cp's 150 m grid at origin (0, 0) in EPSG:2790.
# compat=open_cp takes open_cp's three conventions (inclusive cut-offs in the fit, same-instant
# pairs may trigger, the background's nu at the forecast time); docs/forecast.md compares them.
# Usage: examples/open_cp_sepp/run.sh [scrutineer binary] [data folder] [out folder] [seed]
# Writes OUT/sepp_surface.csv (cell,ix,iy,x,y,risk,rank): expected events per cell per day
# (open_cp's risk is in minutes and per unit area: constant factors, the ranking is the same).
# SEPP_PARAMS (optional) is appended to the model's parameters, e.g. SEPP_PARAMS=compat=none.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
bin=${1:-$root/build/release/apps/cli/scrutineer}
data=${2:-${SCRUTINEER_SHARED_DATA:-$root/../shared/data}/chicago}
out=${3:-open_cp_sepp-output}
seed=${4:-1}
mkdir -p "$out"
# 10,000 minutes = 6.944444444444445 days. Events of the region only (open_cp clips them).
"$bin" -q forecast --events "$data/aggravated_assaults_2010_2019.csv" \
  --time date --lon longitude --lat latitude --time-zone America/Chicago --crs EPSG:2790 \
  --region "$data/southside_region.geojson" --cell-size 150 --origin-x 0 --origin-y 0 \
  --model sepp \
  --model-params "compat=open_cp,iterations=40,init_time_scale=6.944444444444445,init_space_sd=50,time_cutoff=120,space_cutoff=500,cell_risk=lattice,samples=5,seed=$seed${SEPP_PARAMS:+,$SEPP_PARAMS}" \
  --at 2017-01-01 --train-days 360 --coverage 0.05 --tie-rule open_cp \
  --output "$out/sepp_surface.csv"
echo "sepp surface (open_cp's settings): $out/sepp_surface.csv"
