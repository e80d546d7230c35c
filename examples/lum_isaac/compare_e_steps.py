#!/usr/bin/env python3
# Lum & Isaac's run as their code computed it (E-step as coded) against the paper's E-step (Mohler
# et al. 2015, eq. 4), day by day; and each against the authors' committed intensities if present.
# Standard library only. Usage: compare_e_steps.py AS_CODED_DIR EXACT_DIR [AUTHORS_CSV]
# Writes AS_CODED_DIR/e_step_comparison.csv and prints a summary.
import csv
import os
import sys

TOLERANCE = 1e-4


def table(path):
    with open(path, newline="") as f:
        rows = list(csv.reader(f))
    return rows[0][1:], [[float(v) for v in r[1:]] for r in rows[1:]]


def by_date(path, key="date"):
    out = {}
    with open(path, newline="") as f:
        for row in csv.DictReader(f):
            out.setdefault(row[key], []).append(row)
    return out


def day_differences(a, b, k):
    """Largest absolute and relative difference between two intensity tables on day k."""
    worst, worst_rel = 0.0, 0.0
    for ra, rb in zip(a, b):
        d = abs(ra[k] - rb[k])
        worst = max(worst, d)
        if max(ra[k], rb[k]) > 0:
            worst_rel = max(worst_rel, d / max(ra[k], rb[k]))
    return worst, worst_rel


def main():
    coded_dir, exact_dir = sys.argv[1], sys.argv[2]
    authors = sys.argv[3] if len(sys.argv) > 3 else ""
    dates, coded = table(os.path.join(coded_dir, "oakland_intensities.csv"))
    _, exact = table(os.path.join(exact_dir, "oakland_intensities.csv"))
    pc = by_date(os.path.join(coded_dir, "oakland_params.csv"))
    pe = by_date(os.path.join(exact_dir, "oakland_params.csv"))
    tc = by_date(os.path.join(coded_dir, "oakland_top.csv"))
    te = by_date(os.path.join(exact_dir, "oakland_top.csv"))
    rows = []
    for k, date in enumerate(dates):
        worst, worst_rel = day_differences(coded, exact, k)
        top_c = [int(r["bin"]) for r in tc.get(date, [])]
        top_e = [int(r["bin"]) for r in te.get(date, [])]
        c, e = pc[date][0], pe[date][0]
        rows.append([date, c["theta"], e["theta"], c["omega"], e["omega"], c["iterations"],
                     e["iterations"], repr(worst), repr(worst_rel),
                     len(set(top_c) & set(top_e)), int(top_c == top_e)])
    with open(os.path.join(coded_dir, "e_step_comparison.csv"), "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["date", "theta_as_coded", "theta_exact", "omega_as_coded", "omega_exact",
                    "iterations_as_coded", "iterations_exact", "max_abs_difference",
                    "max_relative_difference", "top20_shared", "top20_same_order"])
        w.writerows(rows)
    differing = [r for r in rows if float(r[7]) > TOLERANCE]
    print(f"as-coded vs exact E-step, {len(rows)} days: {len(differing)} days differ by more "
          f"than {TOLERANCE:g} (max {max(float(r[7]) for r in rows):.3g}, "
          f"max relative {max(float(r[8]) for r in rows):.1%}); "
          f"top 20 differ (as sets) on {sum(r[9] < 20 for r in rows)} days, "
          f"in order on {sum(r[10] == 0 for r in rows)}; iterations as-coded "
          f"{min(int(r[5]) for r in rows)}-{max(int(r[5]) for r in rows)}, exact "
          f"{min(int(r[6]) for r in rows)}-{max(int(r[6]) for r in rows)}")
    if authors and os.path.exists(authors):
        their_dates, theirs = table(authors)
        if their_dates != dates:
            sys.exit("the authors' file has other dates")
        for name, ours in (("as-coded", coded), ("exact", exact)):
            per_day = [day_differences(theirs, ours, k)[0] for k in range(len(dates))]
            print(f"{name} vs the authors' predpol_drug_predictions.csv: max |difference| "
                  f"{max(per_day):.3g}, days above {TOLERANCE:g}: "
                  f"{sum(d > TOLERANCE for d in per_day)}")


if __name__ == "__main__":
    main()
