#!/bin/sh
# Stops and searches (docs/stops.md): the Metropolitan Police's September 2022 searches by
# officer-defined ethnicity against the 2021 Census population of the Metropolitan Police District
# (the 32 London boroughs E09000002..E09000033, not the City of London E09000001, which has its own
# force), rates per 1,000 and ratios to White with exact intervals; the outcome test on the seven
# forces' records of December 2019 to February 2020 (the Met did not publish "outcome linked").
# Usage: examples/stops/run.sh [scrutineer binary] [data folder] [output folder]
# Writes OUT/disproportionality.csv, OUT/outcome_test.csv, trend.csv, veil_of_darkness.csv,
# problems.csv, outcome_problems.csv, rates.svg, hit_rates.svg and summary.txt.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
bin=${1:-$root/build/release/apps/cli/scrutineer}
data=${2:-${SCRUTINEER_SHARED_DATA:-$root/../shared/data}}
out=${3:-stops-output}
s="$data/stop-search"
"$bin" stops "$s/2022-09-metropolitan-stop-and-search.csv" \
  --outcome-records "$s/forces-2019-12_2020-02" --ethnicity officer \
  --population "$s/london_boroughs_census2021_ethnicity.csv" --population-id LAD_code \
  --areas E09000002..E09000033 --reference White --level 0.95 --output "$out"
