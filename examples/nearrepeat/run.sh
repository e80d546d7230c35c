#!/bin/sh
# The Knox test as Ratcliffe's Near Repeat Calculator (NRC 1.3) ran it on Chicago residential
# burglary in 2016 (tobydavies/NearRepeat, notebooks/nrc_output): 11,701 events, 100 m x 3 spatial
# bands, 2 days x 2 temporal bands, Euclidean distance, the NRC's band convention, 19 permutations.
# Usage: examples/nearrepeat/run.sh [scrutineer binary] [data folder] [output folder]
# Writes OUT/knox.csv, OUT/knox.svg and OUT/summary.txt (see docs/nearrepeat.md).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
bin=${1:-$root/build/release/apps/cli/scrutineer}
data=${2:-${SCRUTINEER_SHARED_DATA:-$root/../shared/data}}
out=${3:-nearrepeat-output}
"$bin" nearrepeat "$data/chicago-burglary-nearrepeat/chicago_burglary_2014_2017.csv" \
  --format generic --x x --y y --source-crs EPSG:26971 --time date_single --time-format %d/%m/%Y \
  --time-zone UTC --from 2016-01-01 --to 2017-01-01 \
  --spatial-bandwidth 100 --spatial-bands 3 --temporal-bandwidth 2 --temporal-bands 2 \
  --distance euclidean --convention nrc --permutations 19 --seed 1 --output "$out"
