#!/bin/sh
# Lum & Isaac (2016), "To predict and serve?", Significance 13(5): their PredPol run on Oakland drug
# crimes, reproduced as their code computed it (OUT/) and as the paper's EM defines it (OUT/exact/).
# Usage: examples/lum_isaac/run.sh [scrutineer binary] [data folder] [out folder]
set -eu
SCRUTINEER=${1:-build/release/apps/cli/scrutineer}
DATA=${2:-../shared/data/oakland-drug-crimes}
OUT=${3:-lum_isaac_out}
HERE=$(dirname "$0")
# Their settings (apply_predpol.py + predpol.py): prediction dates 2010-12-28 .. 2011-12-30, window
# D - 180 <= t < D in whole days, theta = omega = mu = 1 at the start, stop on ANY of
# |d omega| <= 1e-5, |d theta| <= 1e-5, sum |d mu| <= 1e-4, plain M-step, 20 bins flagged per day,
# and predpol.py's E-step as NumPy runs it (`pij[n] / denom` divides each parent's column by the
# intensity at the event after it): --e-step as-coded gives their committed
# predpol_drug_predictions.csv.
"$SCRUTINEER" -q lum-isaac --crimes "$DATA/drug_crimes_with_bins.csv" --out "$OUT" \
  --first 2010-12-28 --last 2011-12-30 --window 180 --top 20 --stop any --e-step as-coded
# The same run with the E-step of Mohler et al. (2015), eq. 4 (each child divided by its own
# intensity), for the comparison.
"$SCRUTINEER" -q lum-isaac --crimes "$DATA/drug_crimes_with_bins.csv" --out "$OUT/exact" \
  --first 2010-12-28 --last 2011-12-30 --window 180 --top 20 --stop any --e-step exact
# The per-bin daily counts must equal the authors' own observed file, byte for byte.
if cmp -s "$OUT/oakland_observed.csv" "$DATA/predpol_drug_observed.csv"; then
  echo "observed counts: identical to predpol_drug_observed.csv"
else
  echo "observed counts: DIFFER from predpol_drug_observed.csv" >&2
  exit 1
fi
# Day by day: theta, omega, iterations, intensities and flagged bins, as-coded against exact
# (OUT/e_step_comparison.csv); and against the authors' file where it is present.
python3 "$HERE/compare_e_steps.py" "$OUT" "$OUT/exact" "$DATA/predpol_drug_predictions.csv"
