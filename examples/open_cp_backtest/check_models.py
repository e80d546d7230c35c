# Independent pure-Python (standard library) check of open_cp's scripted backtest for its naive,
# retro and prohotspot models, written from open_cp's rules (QuantCrimAtLeeds/PredictCode:
# evaluation.StandardPredictionProvider / NaiveProvider / RetroHotspotProvider / ProHotspotProvider,
# naive.CountingGridKernel, retrohotspot.RetroHotSpotGrid + Quartic (Chainey & Ratcliffe 2005),
# prohotspot.ProspectiveHotSpot + ClassicWeight + DistanceDiagonalsSame (Bowers, Johnson & Pease
# 2004), data.mask_grid_by_intersection, evaluation.top_slice and hit_counts). Shares no code
# with scrutineer. Inputs from GDAL (3.6.2):
#   ogr2ogr -f GeoJSON -t_srs EPSG:2790 region2790.geojson southside_region.geojson
#   ogr2ogr -f CSV ss2790.csv aggravated_assaults_2010_2019.csv -oo X_POSSIBLE_NAMES=longitude \
#     -oo Y_POSSIBLE_NAMES=latitude -s_srs EPSG:4326 -t_srs EPSG:2790 -lco GEOMETRY=AS_XY \
#     -clipsrc southside_region.geojson -where "date >= '2016-01-01' AND date < '2017-01-01'"
# Usage: python3 check_models.py MODEL region2790.geojson ss2790.csv [hit_counts.csv] [OPTION]
#   MODEL is naive, retro (quartic, 200 m, at cell centres) or prohotspot (classic weight (8, 8),
#   Chebyshev cell distance, 7-day unit). Prints one row per day: date, events, captured at
#   1%..100%. With scrutineer's hit_counts.csv it also compares the model's rows and exits 1 on a
#   difference. Options, prohotspot only: --numpy sums doubles in numpy's order, as open_cp does;
#   --utc-ages measures ages in real time (America/Chicago to UTC) instead of open_cp's wall clock.
#
# The stscan rows of hit_counts.csv are checked by stscan_ref.py (numpy), which uses this file's
# grid, events and top_slice.
#
# Risks are summed exactly (integers), so equal risks are true ties; open_cp sums doubles with
# numpy's pairwise summation, which can split a true tie by an ulp (see --numpy and README.md).
import bisect, csv, datetime, functools, json, math, sys, zoneinfo

S = 150.0  # cell size (m), grid origin (0, 0): open_cp Grid(150, 150, 0, 0)
BANDWIDTH = 200.0  # retro: Quartic(bandwidth=200)
SPACE_BW, TIME_BW = 8, 8  # prohotspot: ClassicWeight(8, 8), distances in cells, times in units
UNIT = datetime.timedelta(days=7)  # prohotspot time unit
FIRST, STOP = datetime.date(2016, 10, 1), datetime.date(2017, 1, 1)


class Grid:
    """open_cp's mask_grid_by_intersection: the cells of the region's bounding box, snapped to
    the 150 m lattice, valid when the closed cell meets the polygon."""

    def __init__(self, ring):
        self.ring = ring
        xs = [p[0] for p in ring]
        ys = [p[1] for p in ring]
        fx0, fy0 = math.floor(min(xs) / S), math.floor(min(ys) / S)
        self.nx, self.ny = math.ceil(max(xs) / S) - fx0, math.ceil(max(ys) / S) - fy0
        self.x0, self.y0 = fx0 * S, fy0 * S
        self.near = {}  # cell -> the ring's segments whose bounding box (+1 cell) holds it
        for i, ((ax, ay), (bx, by)) in enumerate(zip(ring, ring[1:])):
            ix0, iy0 = self.cell_of(min(ax, bx), min(ay, by))
            ix1, iy1 = self.cell_of(max(ax, bx), max(ay, by))
            for iy in range(max(0, iy0 - 1), min(self.ny, iy1 + 2)):
                for ix in range(max(0, ix0 - 1), min(self.nx, ix1 + 2)):
                    self.near.setdefault((ix, iy), []).append(i)
        self.valid = [self._meets(c % self.nx, c // self.nx) for c in range(self.nx * self.ny)]
        self.cells = [c for c in range(self.nx * self.ny) if self.valid[c]]

    def cell_of(self, x, y):
        return math.floor((x - self.x0) / S), math.floor((y - self.y0) / S)

    def _meets(self, ix, iy):
        l, b = self.x0 + ix * S, self.y0 + iy * S
        r = self.ring
        segments = self.near.get((ix, iy), [])
        return any(seg_hits_box(*r[i], *r[i + 1], l, b, l + S, b + S) for i in segments) \
            or inside(r, l + S / 2, b + S / 2)


def inside(ring, px, py):
    c = False
    for (ax, ay), (bx, by) in zip(ring, ring[1:]):
        if (ay > py) != (by > py) and px < ax + (py - ay) * (bx - ax) / (by - ay):
            c = not c
    return c


def seg_hits_box(ax, ay, bx, by, l, b, r, t):
    # Liang-Barsky clipping of a segment to the closed box
    t0, t1 = 0.0, 1.0
    dx, dy = bx - ax, by - ay
    if max(ax, bx) < l or min(ax, bx) > r or max(ay, by) < b or min(ay, by) > t:
        return False
    for p, q in ((-dx, ax - l), (dx, r - ax), (-dy, ay - b), (dy, t - ay)):
        if p == 0:
            if q < 0:
                return False
        else:
            u = q / p
            if p < 0:
                t0 = max(t0, u)
            else:
                t1 = min(t1, u)
            if t0 > t1:
                return False
    return True


def read_events(path, grid):
    """(naive local time, x, y, ix, iy) sorted by time; open_cp reads wall-clock times."""
    ev = []
    for line, r in enumerate(csv.DictReader(open(path)), start=2):
        try:
            x, y = float(r['X']), float(r['Y'])
            t = datetime.datetime.strptime(r['date'], '%Y-%m-%d %H:%M')
        except (KeyError, TypeError, ValueError) as e:
            sys.exit(f'{path}:{line}: expected X, Y (numbers) and date (YYYY-MM-DD HH:MM): {e}')
        ev.append((t, x, y, *grid.cell_of(x, y)))
    ev.sort(key=lambda e: e[0])  # stable: equal times keep file order
    return ev


# --- risks: exact integers, so that ties are exact -------------------------------------------


def naive_risk(grid, train, at):
    # CountingGridKernel: events per cell.
    risk = [0] * (grid.nx * grid.ny)
    for _, _, _, ix, iy in train:
        if 0 <= ix < grid.nx and 0 <= iy < grid.ny:
            risk[iy * grid.nx + ix] += 1
    return risk


def quartic_terms(grid, x, y):
    """(cell, weight) for the valid cells whose centre is within BANDWIDTH of (x, y). open_cp:
    centre = index * size + origin + size / 2; weight (1 - d^2/h^2)^2 for d^2 <= h^2."""
    cutoff = BANDWIDTH * BANDWIDTH
    reach = math.ceil(BANDWIDTH / S) + 1
    ix0, iy0 = grid.cell_of(x, y)
    for iy in range(max(0, iy0 - reach), min(grid.ny, iy0 + reach + 1)):
        dy = iy * S + grid.y0 + S / 2 - y
        for ix in range(max(0, ix0 - reach), min(grid.nx, ix0 + reach + 1)):
            dx = ix * S + grid.x0 + S / 2 - x
            d2 = dx * dx + dy * dy
            c = iy * grid.nx + ix
            if d2 <= cutoff and grid.valid[c]:
                yield c, (1 - d2 / cutoff) ** 2


EXACT_BITS = 1100  # every double is an integer multiple of 2**-1074


def exact(w):
    """The double w as an exact integer multiple of 2**-EXACT_BITS."""
    n, d = w.as_integer_ratio()
    return n << (EXACT_BITS - (d.bit_length() - 1))


def retro_risk(grid, train, at):
    # Each term is the double open_cp computes; the sum over events is exact.
    risk = [0] * (grid.nx * grid.ny)
    for _, x, y, _, _ in train:
        for c, w in quartic_terms(grid, x, y):
            risk[c] += exact(w)
    return risk


def wall_age(at, t):
    # open_cp: np.datetime64(predict_time) - timestamps, on the naive times it was given
    return at - t


CHICAGO = zoneinfo.ZoneInfo('America/Chicago')


def utc_age(at, t):
    # real elapsed time; an ambiguous wall time (autumn) takes the earlier instant (fold=0)
    utc = datetime.timezone.utc
    return at.replace(tzinfo=CHICAGO).astimezone(utc) - t.replace(tzinfo=CHICAGO).astimezone(utc)


def pro_terms(grid, train, at, age):
    """(event index, cell, dd, dt) with a non-zero ClassicWeight: dt = floor(age / unit),
    dd = Chebyshev distance between the event's cell and the cell."""
    for i, (t, _, _, ex, ey) in enumerate(train):
        dt = age(at, t) // UNIT
        if dt >= TIME_BW:
            continue
        for iy in range(max(0, ey - SPACE_BW + 1), min(grid.ny, ey + SPACE_BW)):
            for ix in range(max(0, ex - SPACE_BW + 1), min(grid.nx, ex + SPACE_BW)):
                c = iy * grid.nx + ix
                if grid.valid[c]:
                    yield i, c, max(abs(ix - ex), abs(iy - ey)), dt


L = 840  # lcm(1..8): 1/((1+dd)(1+dt)) = (L/(1+dd)) (L/(1+dt)) / L^2, an integer over L^2


def prohotspot_risk(grid, train, at, age=wall_age):
    risk = [0] * (grid.nx * grid.ny)
    for _, c, dd, dt in pro_terms(grid, train, at, age):
        risk[c] += (L // (1 + dd)) * (L // (1 + dt))
    return risk


# --- open_cp's float sums, for --numpy ------------------------------------------------------


def pairwise(idx, val, lo, n):
    """numpy's pairwise summation of a[lo:lo+n] (loops_utils.h.src, PW_BLOCKSIZE 128), given the
    indices idx (increasing) and values val of its non-zero entries: adding +0.0 changes no
    partial sum, so the zeros can be skipped without changing a bit."""
    if not idx:
        return 0.0
    if n < 8:
        res = 0.0
        for v in val:
            res += v
        return res
    if n <= 128:
        body = n - n % 8  # eight interleaved accumulators over a[0:body], then the rest in order
        r = [0.0] * 8
        res_tail = []
        for i, v in zip(idx, val):
            if i - lo < body:
                r[(i - lo) % 8] += v
            else:
                res_tail.append(v)
        res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]))
        for v in res_tail:
            res += v
        return res
    n2 = n // 2
    n2 -= n2 % 8
    cut = bisect.bisect_left(idx, lo + n2)
    return pairwise(idx[:cut], val[:cut], lo, n2) + pairwise(idx[cut:], val[cut:], lo + n2, n - n2)


def prohotspot_numpy(grid, train, at, age=wall_age):
    """open_cp's doubles: per cell np.sum over all training events of 1/((1+dd)(1+dt)) * mask,
    then renormalise() divides by np.ma.sum of the masked grid (row-major, pairwise)."""
    per_cell = {}
    for i, c, dd, dt in pro_terms(grid, train, at, age):
        per_cell.setdefault(c, []).append((i, 1 / ((1 + dd) * (1 + dt))))
    risk = [0.0] * (grid.nx * grid.ny)
    for c, terms in per_cell.items():
        terms.sort()
        risk[c] = pairwise([i for i, _ in terms], [v for _, v in terms], 0, len(train))
    cells = [c for c in grid.cells if risk[c]]
    norm = pairwise(cells, [risk[c] for c in cells], 0, len(risk))
    return [r / norm for r in risk]


# --- top_slice and hit counts -----------------------------------------------------------------


def ranking(grid, risk):
    # top_slice: risk decreasing; among equal risks the last cells in row-major order first.
    return sorted(grid.cells, key=lambda c: (-risk[c], -c))


def hit_row(grid, risk, test):
    order = ranking(grid, risk)
    V = len(grid.cells)
    row = []
    for cov in range(1, 101):
        flagged = set(order[:int(math.floor(V * (cov / 100)))])
        row.append(sum(1 for ix, iy in test if 0 <= ix < grid.nx and 0 <= iy < grid.ny
                       and iy * grid.nx + ix in flagged))
    return row


def tie_spread(grid, risk, test, rel):
    """Coverages where cells tied at the threshold (risk within rel of it, relative) differ in
    test events, so that another tie rule, or another rounding of near-equal sums, could give
    another count."""
    events = {}
    for ix, iy in test:
        events[iy * grid.nx + ix] = events.get(iy * grid.nx + ix, 0) + 1
    order = ranking(grid, risk)
    spread = 0
    for cov in range(1, 101):
        n = int(math.floor(len(order) * (cov / 100)))
        if 0 < n < len(order):
            t = risk[order[n - 1]]
            tied = [events.get(c, 0) for c in order if abs(risk[c] - t) * rel[1] <= abs(t) * rel[0]]
            spread += min(tied) != max(tied)
    return spread


MODELS = {'naive': naive_risk, 'retro': retro_risk, 'prohotspot': prohotspot_risk}
PREFIX = {'naive': 'naive', 'retro': 'retro(', 'prohotspot': 'prohotspot('}


def days():
    day = FIRST
    while day < STOP:
        yield day
        day += datetime.timedelta(days=1)


def compute(model, grid, ev, risk_of):
    rows, ties, near = [], 0, 0
    for day in days():
        at = datetime.datetime.combine(day, datetime.time())
        end = at + datetime.timedelta(days=1)
        train = [e for e in ev if e[0] < at]  # StandardPredictionProvider: timestamps < time
        test = [(e[3], e[4]) for e in ev if at <= e[0] < end]
        risk = risk_of(grid, train, at)
        ties += tie_spread(grid, risk, test, (0, 1))
        near += tie_spread(grid, risk, test, (1, 10**9))
        rows.append([day.isoformat(), len(test)] + hit_row(grid, risk, test))
    print(f'# {model}: of 92 x 100 counts, {ties} depend on the tie rule and {near} on cells '
          'within 1e-9 (relative) of the threshold', file=sys.stderr)
    return rows


def compare(model, rows, path):
    theirs = {r[1][:10]: r for r in csv.reader(open(path)) if r[0].startswith(PREFIX[model])}
    bad = 0
    for row in rows:
        other = theirs.get(row[0])
        # events, c1..c100 (hit_counts.csv's start_utc, end_utc follow them)
        if other is None or [int(v) for v in other[3:104]] != row[1:]:
            if bad == 0:
                diff = next((k for k in range(len(row) - 1)
                             if other is None or int(other[3 + k]) != row[1 + k]), None)
                print(f'# {model}: first difference on {row[0]} at column {diff} '
                      f'(0 = events, K = K% coverage)', file=sys.stderr)
            bad += 1
    print(f'# {model}: {len(rows) - bad} of {len(rows)} days agree with {path}', file=sys.stderr)
    return bad == 0 and len(theirs) == len(rows)


def main(argv):
    options = {a for a in argv if a.startswith('--')}
    argv = [a for a in argv if not a.startswith('--')]
    if len(argv) not in (4, 5) or argv[1] not in MODELS or \
            not options <= ({'--numpy', '--utc-ages'} if argv[1] == 'prohotspot' else set()):
        sys.exit(f'usage: {argv[0]} naive|retro|prohotspot region.geojson events.csv '
                 '[hit_counts.csv] [--numpy] [--utc-ages] (options: prohotspot only)')
    model = argv[1]
    ring = json.load(open(argv[2]))['features'][0]['geometry']['coordinates'][0]
    grid = Grid(ring)
    ev = read_events(argv[3], grid)
    print(f'# grid {grid.nx} x {grid.ny}, {len(grid.cells)} valid, {len(ev)} events',
          file=sys.stderr)
    risk_of = prohotspot_numpy if '--numpy' in options else MODELS[model]
    if '--utc-ages' in options:
        risk_of = functools.partial(risk_of, age=utc_age)
    rows = compute(model, grid, ev, risk_of)
    csv.writer(sys.stdout).writerows(rows)
    if len(argv) == 5 and not compare(model, rows, argv[4]):
        sys.exit(1)


if __name__ == '__main__':
    main(sys.argv)
