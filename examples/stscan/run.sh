#!/bin/sh
# Space-time clusters of aggravated assaults on Chicago's South Side, October-December 2016
# (City of Chicago portal via the Crime Open Database; ${data}/chicago/PROVENANCE.md), two ways:
#  - permutation/: the space-time permutation scan (Kulldorff et al. 2005, PLoS Med 2(3) e59),
#    cases only: circles up to 500 m around each event location, windows up to 14 days;
#  - poisson/: the Poisson space-time scan (Kulldorff 2001, JRSS A 164(1) 61-72) on 250 m cells
#    with the ACS 2014 population of the 77 community areas (pop_2014) apportioned to the cells.
# Both with 999 Monte Carlo replications, seed 1. The same runs as audit.toml and
# audit_poisson.toml (tests/unit/recipe/data_test_stscan_doors.cpp checks the files are identical).
# Usage: examples/stscan/run.sh [scrutineer binary] [data folder] [output folder]
# Writes OUT/permutation/ and OUT/poisson/: clusters.csv, clusters.geojson, summary.txt
# (docs/stscan.md).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
bin=${1:-$root/build/release/apps/cli/scrutineer}
data=${2:-${SCRUTINEER_SHARED_DATA:-$root/../shared/data}}
out=${3:-stscan-output}
chicago=$data/chicago
read="--format generic --time date --lon longitude --lat latitude --time-zone America/Chicago
  --crs EPSG:2790 --from 2016-10-01 --to 2017-01-01 --region $chicago/southside_region.geojson"
# shellcheck disable=SC2086 # $read holds several flags
"$bin" stscan "$chicago/aggravated_assaults_2010_2019.csv" $read \
  --model permutation --max-radius 500 --max-days 14 --replications 999 --seed 1 \
  --output "$out/permutation"
# shellcheck disable=SC2086
"$bin" stscan "$chicago/aggravated_assaults_2010_2019.csv" $read \
  --model poisson --cell-size 250 --population "$chicago/community_areas_acs2014.geojson" \
  --population-field pop_2014 --max-radius 500 --max-days 14 --replications 999 --seed 1 \
  --output "$out/poisson"
