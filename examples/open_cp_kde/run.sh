#!/bin/sh
# open_cp's single KDE prediction (QuantCrimAtLeeds/PredictCode, open_cp.kde.KDE): Chicago
# aggravated assaults of 2016 inside the South Side region, exponential time kernel of 10 days x
# Gaussian of 50 m, each cell the mean over a 5 x 5 lattice of midpoints (open_cp's samples=-5),
# at 2017-01-01, on open_cp's 150 m grid at origin (0, 0) in EPSG:2790.
# Usage: examples/open_cp_kde/run.sh [scrutineer binary] [data folder] [out folder]
# Writes OUT/kde_surface.csv (cell,ix,iy,x,y,risk,rank). Risk differs from open_cp's by constant
# factors only (scrutineer's time kernel is e^(-a/10)/10 and the sum is not divided by the
# weights' total), which leave the ranking unchanged.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
bin=${1:-$root/build/release/apps/cli/scrutineer}
data=${2:-${SCRUTINEER_SHARED_DATA:-$root/../shared/data}/chicago}
out=${3:-open_cp_kde-output}
mkdir -p "$out"
# Events of the region only (open_cp clips them to the region before training): the default of
# `forecast` (--no-clip would keep the others). Training: 2016-01-01 .. 2016-12-31 (366 days).
"$bin" -q forecast --events "$data/aggravated_assaults_2010_2019.csv" \
  --time date --lon longitude --lat latitude --time-zone America/Chicago --crs EPSG:2790 \
  --region "$data/southside_region.geojson" --cell-size 150 --origin-x 0 --origin-y 0 \
  --model kde \
  --model-params time_kernel=exponential,time_scale=10,space=fixed,bandwidth=50,cell_risk=lattice,samples=5 \
  --at 2017-01-01 --train-days 366 --coverage 0.05 --tie-rule open_cp \
  --output "$out/kde_surface.csv"
echo "kde surface (open_cp's single prediction): $out/kde_surface.csv"
