#!/usr/bin/env python3
# Independent numpy re-implementation of open_cp's continuous SEPP (QuantCrimAtLeeds/PredictCode:
# sepp.SEPPTrainer.train -> StocasticDecluster.run_optimisation, initial_p_matrix, sample_points,
# p_matrix_fast, kernels.KNNG1_NDFactors and KthNearestNeighbourGaussianKDE, SEPPPredictor.predict
# -> make_space_kernel), after Mohler, Short, Brantingham, Schoenberg & Tita (2011), JASA
# 106(493). Written from open_cp's rules, sharing no code with scrutineer or open_cp.
#
# Usage: check_sepp.py EVENTS.csv REGION.geojson SURFACE.csv [SEED] [--compare OTHER.csv ...]
#   EVENTS.csv: ../shared/data/chicago/aggravated_assaults_2010_2019.csv (date,...,longitude,
#   latitude); REGION.geojson: southside_region.geojson; SURFACE.csv: a scrutineer surface
#   (cell,ix,iy,x,y,risk,rank) whose rows name the cells to score (x, y = cell centre).
#   Prints open_cp's surface as cell,risk,rank on stdout ("-" as SURFACE.csv's risk is ignored).
#   With --compare, prints instead, for each OTHER.csv, the top 5% cells shared with open_cp's
#   surface and the Spearman correlation over all cells.
# Or: check_sepp.py --compare-files REFERENCE.csv OTHER.csv ... compares saved surfaces (any CSV
#   with cell and risk columns, the same cells) without fitting.
#
# The run is the (13, part 6): the 360 days before 2017-01-01 (naive local times, as
# open_cp reads them: 2016-01-07 00:00 <= t < 2017-01-01 00:00), events inside the region (in
# EPSG:2790), 40 iterations, initial time bandwidth 10,000 minutes and 50 m (open_cp's Chicago
# case study), cut-offs 120 days and 500 m, k = 100 (time), 15 (space, trigger), a prediction at
# 2017-01-01 00:00 averaged over a 5 x 5 lattice of midpoints per cell (open_cp's samples=-5).
# Times are in minutes from the first event, as open_cp. Ties in time keep the file's order.
import csv
import datetime
import json
import sys

import numpy as np

MIN_PER_DAY = 24 * 60
TIME_CUTOFF = 120 * MIN_PER_DAY  # minutes
SPACE_CUTOFF = 500.0  # metres
INIT_TIME_BW = 10000.0  # minutes
INIT_SPACE_BW = 50.0
K_TIME, K_SPACE = 100, 15
ITERATIONS = 40
CELL = 150.0
LATTICE = 5
START, PREDICT = datetime.datetime(2016, 1, 7), datetime.datetime(2017, 1, 1)


def load_events(path, region_path):
    from pyproj import Transformer
    from shapely.geometry import Point, shape
    from shapely.ops import transform
    from shapely.prepared import prep

    to2790 = Transformer.from_crs("EPSG:4326", "EPSG:2790", always_xy=True)
    with open(region_path) as f:
        region = shape(json.load(f)["features"][0]["geometry"])
    region = prep(transform(lambda x, y: to2790.transform(x, y), region))
    times, xs, ys = [], [], []
    with open(path, newline="") as f:
        for row in csv.DictReader(f):
            if not row["longitude"] or not row["latitude"]:
                continue
            t = datetime.datetime.strptime(row["date"], "%Y-%m-%d %H:%M")
            if not (START <= t < PREDICT):
                continue
            x, y = to2790.transform(float(row["longitude"]), float(row["latitude"]))
            if region.contains(Point(x, y)):
                times.append(t), xs.append(x), ys.append(y)
    order = sorted(range(len(times)), key=lambda i: times[i])  # stable: file order among ties
    t0 = times[order[0]]
    t = np.array([(times[i] - t0).total_seconds() / 60 for i in order])
    return np.vstack([t, np.array(xs)[order], np.array(ys)[order]]), t0


class Gaussians:
    """Sum of axis-aligned Gaussians (open_cp GaussianKernel): mean over the M components of the
    product over coordinates of N(x; mean, var), times `scale`."""

    def __init__(self, means, variances, scale=1.0):
        self.means = np.atleast_2d(means)  # (k, M)
        self.var = np.atleast_2d(variances)
        self.scale = scale

    def __call__(self, pts, chunk=4000):
        pts = np.atleast_2d(pts)  # (k, P)
        out = np.empty(pts.shape[1])
        norm = 1 / np.sqrt(2 * np.pi * self.var).prod(axis=0)  # (M,)
        for a in range(0, pts.shape[1], chunk):
            p = pts[:, a:a + chunk]
            z = ((p[:, :, None] - self.means[:, None, :]) ** 2 / (2 * self.var[:, None, :])).sum(0)
            out[a:a + chunk] = (np.exp(-z) * norm).mean(axis=1)
        return out * self.scale


def knn_gaussians(coords, k):
    """open_cp's kth_nearest_neighbour_gaussian_kde: scale each coordinate to unit sample sd,
    D_i = distance to the k-th nearest other point (k <= N - 1; 0 becomes 1), variances
    (D_i s_d)^2."""
    coords = np.atleast_2d(coords)
    sd = coords.std(axis=1, ddof=1)
    z = coords / sd[:, None]
    n = z.shape[1]
    k = min(k, n - 1)
    dist = np.empty(n)
    for a in range(0, n, 1000):
        d2 = ((z[:, a:a + 1000, None] - z[:, None, :]) ** 2).sum(0)
        dist[a:a + 1000] = np.sqrt(np.partition(d2, k, axis=1)[:, k])
    dist[dist == 0] = 1.0
    return Gaussians(coords, (dist[None, :] * sd[:, None]) ** 2)


class Background:
    """KNNG1_NDFactors: nu(t) from the times (k = 100) times mu(x, y) (k = 15), scale on mu."""

    def __init__(self, pts):
        self.nu = knn_gaussians(pts[0], K_TIME)
        self.mu = knn_gaussians(pts[1:], K_SPACE)
        self.scale = 1.0

    def __call__(self, pts):
        return self.nu(pts[0:1]) * self.mu(pts[1:]) * self.scale


def initial_p(pts):
    """initial_p_matrix: every earlier row (no cut-offs), weight e^(-dt/bw_t) e^(-d^2/(2 bw_s^2)),
    diagonal 1, columns normalised (column j = child j)."""
    d = pts[:, None, :] - pts[:, :, None]  # d[:, i, j] = pts[:, j] - pts[:, i]
    w = np.exp(-d[0] / INIT_TIME_BW) * np.exp(-(d[1] ** 2 + d[2] ** 2) / (2 * INIT_SPACE_BW**2))
    p = np.triu(w, 1)
    np.fill_diagonal(p, 1.0)
    return p / p.sum(axis=0)[None, :]


def sample(pts, p, rng):
    """sample_points: child j's parent from rows 0..j of column j (row j = background)."""
    n = pts.shape[1]
    u = rng.random(n)
    choice = np.empty(n, dtype=int)
    for j in range(n):
        c = np.cumsum(p[: j + 1, j])
        choice[j] = min(int(np.searchsorted(c, u[j] * c[-1], side="right")), j)
    bg = choice == np.arange(n)
    return pts[:, bg], (pts - pts[:, choice])[:, ~bg]


def p_matrix_fast(pts, bkernel, tkernel):
    """Every earlier row i < j with t_j - t_i <= cut-off and distance^2 <= cut-off^2 (inclusive;
    same-instant rows included), trigger kernel there, background on the diagonal, columns
    normalised."""
    n = pts.shape[1]
    i, j = np.triu_indices(n, 1)
    d = pts[:, j] - pts[:, i]
    keep = (d[0] <= TIME_CUTOFF) & (d[1] ** 2 + d[2] ** 2 <= SPACE_CUTOFF**2)
    p = np.zeros((n, n))
    p[i[keep], j[keep]] = tkernel(d[:, keep])
    p[np.arange(n), np.arange(n)] = bkernel(pts)
    return p / p.sum(axis=0)[None, :]


def fit(pts, seed):
    rng = np.random.default_rng(seed)
    p = initial_p(pts)
    n = pts.shape[1]
    for _ in range(ITERATIONS):
        bg, trig = sample(pts, p, rng)
        if trig.shape[1] < 10:
            raise RuntimeError("fewer than 10 triggered events sampled (open_cp raises)")
        bk, tk = Background(bg), knn_gaussians(trig, K_SPACE)
        bk.scale = bg.shape[1]
        tk.scale = (n - bg.shape[1]) / n
        p = p_matrix_fast(pts, bk, tk)
    return bk, tk


def predict(pts, bk, tk, time, centres):
    """make_space_kernel at `time` (as coded: the unadjusted background, nu at `time`), trigger
    from events with time - cut-off < t_i < time within < 500 m, averaged over the lattice."""
    offs = (np.arange(LATTICE) + 0.5) / LATTICE * CELL - CELL / 2
    qx = (centres[:, 0][:, None, None] + offs[None, None, :]).repeat(LATTICE, 1).reshape(-1)
    qy = (centres[:, 1][:, None, None] + offs[None, :, None]).repeat(LATTICE, 2).reshape(-1)
    lam = bk(np.vstack([np.full(qx.size, time), qx, qy]))
    recent = (pts[0] < time) & (pts[0] > time - TIME_CUTOFF)
    rows, deltas = [], []
    for e in np.flatnonzero(recent):
        dx, dy = qx - pts[1, e], qy - pts[2, e]
        near = np.flatnonzero(dx * dx + dy * dy < SPACE_CUTOFF**2)
        rows.append(near)
        deltas.append(np.vstack([np.full(near.size, time - pts[0, e]), dx[near], dy[near]]))
    if rows:
        np.add.at(lam, np.concatenate(rows), tk(np.hstack(deltas)))
    return lam.reshape(-1, LATTICE * LATTICE).mean(axis=1) * CELL * CELL


def read_surface(path):
    with open(path, newline="") as f:
        rows = list(csv.DictReader(f))
    cells = [r["cell"] for r in rows]
    centres = np.array([[float(r["x"]), float(r["y"])] for r in rows])
    risk = np.array([float(r["risk"]) for r in rows])
    return cells, centres, risk


def ranks(v):
    """Average ranks (ties share the mean rank), for Spearman's rho."""
    order = np.argsort(v, kind="stable")
    r = np.empty(len(v))
    r[order] = np.arange(1, len(v) + 1)
    _, inv, counts = np.unique(v, return_inverse=True, return_counts=True)
    sums = np.zeros(len(counts))
    np.add.at(sums, inv, r)
    return (sums / counts)[inv]


def spearman(a, b):
    ra, rb = ranks(a), ranks(b)
    return float(np.corrcoef(ra, rb)[0, 1])


def top(v, share=0.05):
    n = int(len(v) * share)
    return set(np.argsort(-v, kind="stable")[:n])


def compare(reference, others):
    ref = read_risks(reference)
    n = int(len(ref) * 0.05)
    print("surface,top5_shared,top5,spearman")
    for other in others:
        o = read_risks(other)
        if list(o) != list(ref):
            sys.exit(f"{other}: cells differ from {reference}")
        a, b = np.array(list(ref.values())), np.array(list(o.values()))
        print(f"{other},{len(top(a) & top(b))},{n},{spearman(a, b):.6f}")


def read_risks(path):
    with open(path, newline="") as f:
        return {int(r["cell"]): float(r["risk"]) for r in csv.DictReader(f)}


def main(argv):
    if argv[1] == "--compare-files":
        return compare(argv[2], argv[3:])
    events, region, surface = argv[1:4]
    rest = argv[4:]
    seed = 1
    if rest and not rest[0].startswith("--"):
        seed = int(rest.pop(0))
    cells, centres, _ = read_surface(surface)
    pts, t0 = load_events(events, region)
    bk, tk = fit(pts, seed)
    time = (PREDICT - t0).total_seconds() / 60
    risk = predict(pts, bk, tk, time, centres)
    # open_cp's AverageTimeAdjustedKernel (docstring) against what predict uses (nu at `time`);
    # the average over 100 midpoints of the middle half here, where open_cp draws 100 at random.
    end = pts[0, -1]
    mid = end / 4 + (np.arange(100) + 0.5) * end / 200
    print(f"events {pts.shape[1]}: background {bk.scale}, nu(predict) / mean nu(middle half) = "
          f"{bk.nu(np.array([[time]]))[0] / bk.nu(mid[None, :]).mean():.4f}", file=sys.stderr)
    if rest and rest[0] == "--compare":
        n = int(len(risk) * 0.05)
        print(f"events {pts.shape[1]}, cells {len(risk)}, top 5% = {n}", file=sys.stderr)
        print("surface,top5_shared,top5,spearman")
        for other in rest[1:]:
            ocells, _, orisk = read_surface(other)
            if ocells != cells:
                sys.exit(f"{other}: cells differ from {surface}")
            shared = len(top(risk) & top(orisk))
            print(f"{other},{shared},{n},{spearman(risk, orisk):.6f}")
        return
    order = np.argsort(-risk, kind="stable")
    rank = np.empty(len(risk), dtype=int)
    rank[order] = np.arange(1, len(risk) + 1)
    print("cell,risk,rank")
    for c, r, k in zip(cells, risk, rank):
        print(f"{c},{r:.17g},{k}")


if __name__ == "__main__":
    main(sys.argv)
