#!/usr/bin/python3
# Independent check of scrutineer's Lum & Isaac run: their day-by-day EM (predpol.py of K. Lum and
# W. Isaac, "To predict and serve?", Significance 13(5), 2016) written again from its description
# with NumPy, sharing no code with scrutineer. O(N^2) matrices per bin, as predpol.py builds them.
#
# Usage: /usr/bin/python3 predpol_check.py CRIMES_CSV OUT_FOLDER [--e-step as-coded|exact]
# Writes OUT_FOLDER/intensities.csv (bin, one column per date) and OUT_FOLDER/params.csv (date,
# theta, omega, iterations).
#
# as-coded: the triggering matrix M (rows: children t_1..t_{N-1}, columns: parents t_0..t_{N-2})
# is divided by the vector d of the children's intensities with NumPy's broadcasting, M / d, which
# divides column j by d[j]. exact: each row i by d[i] (Mohler et al. 2015, eq. 4).
import csv
import datetime
import os
import sys

import numpy as np

FIRST = datetime.date(2010, 12, 28)
LAST = datetime.date(2011, 12, 30)
WINDOW = 180
TOL_OMEGA, TOL_THETA, TOL_MU = 1e-5, 1e-5, 1e-4


def read_records(path):
    """(bin, date) for every row whose bin is not NA; OCCURRED is mm/dd/yy."""
    out = []
    with open(path, newline="") as f:
        rows = csv.reader(f)
        header = next(rows)
        b, d = header.index("bin"), header.index("OCCURRED")
        for row in rows:
            if row[b] in ("NA", ""):
                continue
            out.append((int(row[b]), datetime.datetime.strptime(row[d], "%m/%d/%y").date()))
    return out


def window_bins(records, day):
    """Sorted day offsets (from the window start) of each bin's records in [day - 180, day)."""
    start = day - datetime.timedelta(days=WINDOW)
    bins = {}
    for b, d in records:
        if start <= d < day:
            bins.setdefault(b, []).append((d - start).days)
    return {b: np.array(sorted(v), dtype=float) for b, v in bins.items()}


def gaps(times):
    """Lower-triangular (N-1) x (N-1) matrix: entry (i, j), j <= i, is t_{i+1} - t_j."""
    n = len(times) - 1
    g = times[1:, None] - times[None, :-1]
    return np.where(np.tril(np.ones((n, n), dtype=bool)), g, 0.0)


def em(bins, as_coded):
    gap = {b: gaps(t) for b, t in bins.items()}
    total = sum(len(t) for t in bins.values())
    theta, omega = 1.0, 1.0
    mu = {b: 1.0 for b in bins}
    last_theta, last_omega = theta + 10, omega + 10
    last_mu = {b: 11.0 for b in bins}
    iterations = 0
    # their loop runs while ALL three changes are above tolerance
    while (abs(omega - last_omega) > TOL_OMEGA and abs(theta - last_theta) > TOL_THETA
           and sum(abs(mu[b] - last_mu[b]) for b in mu) > TOL_MU):
        last_theta, last_omega, last_mu = theta, omega, dict(mu)
        trig, trig_dt, bg = 0.0, 0.0, {}
        for b, g in gap.items():
            k = np.where(g > 0, theta * omega * np.exp(-omega * g), 0.0)
            lam = mu[b] + k.sum(axis=1)  # intensity at each child t_1..t_{N-1}
            p = k / lam if as_coded else k / lam[:, None]
            trig += p.sum()
            trig_dt += (p * g).sum()
            bg[b] = (mu[b] / lam).sum() + 1.0  # the first event is all background
        omega = trig / trig_dt
        theta = trig / total
        mu = {b: bg[b] / WINDOW for b in bins}
        iterations += 1
    return theta, omega, mu, iterations


def main():
    crimes, out = sys.argv[1], sys.argv[2]
    as_coded = not (len(sys.argv) > 4 and sys.argv[3] == "--e-step" and sys.argv[4] == "exact")
    records = read_records(crimes)
    max_bin = max(b for b, _ in records)
    days = [FIRST + datetime.timedelta(days=k) for k in range((LAST - FIRST).days + 1)]
    rates = np.zeros((max_bin, len(days)))
    params = []
    for k, day in enumerate(days):
        bins = window_bins(records, day)
        theta, omega, mu, iterations = em(bins, as_coded)
        for b, t in bins.items():
            rates[b - 1, k] = mu[b] + theta * omega * np.exp(-omega * (WINDOW - t)).sum()
        params.append((day.isoformat(), theta, omega, iterations))
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, "intensities.csv"), "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["bin"] + [d.isoformat() for d in days])
        for b in range(max_bin):
            w.writerow([b + 1] + [repr(float(v)) for v in rates[b]])
    with open(os.path.join(out, "params.csv"), "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["date", "theta", "omega", "iterations"])
        for row in params:
            w.writerow([row[0], repr(row[1]), repr(row[2]), row[3]])


if __name__ == "__main__":
    main()
