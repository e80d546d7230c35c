# Independent pure-Python check of the naive open_cp backtest, written from open_cp's documented
# rules (top_slice, mask_grid_by_intersection, CountingGridKernel) and sharing no code with
# scrutineer. Prints one row per day: date, events, captured at 1%..100%. Inputs from GDAL:
#   ogr2ogr -f GeoJSON -t_srs EPSG:2790 region2790.geojson southside_region.geojson
#   ogr2ogr -f CSV ss2790.csv aggravated_assaults_2010_2019.csv -oo X_POSSIBLE_NAMES=longitude \
#     -oo Y_POSSIBLE_NAMES=latitude -s_srs EPSG:4326 -t_srs EPSG:2790 -lco GEOMETRY=AS_XY \
#     -clipsrc southside_region.geojson -where "date >= '2016-01-01' AND date < '2017-01-01'"
# Usage: python3 check_naive.py region2790.geojson ss2790.csv > naive_py.csv
import csv, json, math, datetime, sys
ring = json.load(open(sys.argv[1]))['features'][0]['geometry']['coordinates'][0]
xs = [p[0] for p in ring]; ys = [p[1] for p in ring]
S = 150.0
fx0 = math.floor(min(xs) / S); fx1 = math.ceil(max(xs) / S)
fy0 = math.floor(min(ys) / S); fy1 = math.ceil(max(ys) / S)
nx, ny = fx1 - fx0, fy1 - fy0
x0, y0 = fx0 * S, fy0 * S
def inside(px, py):
    c = False
    for i in range(len(ring) - 1):
        (ax, ay), (bx, by) = ring[i], ring[i + 1]
        if (ay > py) != (by > py):
            if px < ax + (py - ay) * (bx - ax) / (by - ay): c = not c
    return c
def seg_hits_box(ax, ay, bx, by, l, b, r, t):
    # Liang-Barsky on the closed box
    t0, t1 = 0.0, 1.0
    dx, dy = bx - ax, by - ay
    for p, q in ((-dx, ax - l), (dx, r - ax), (-dy, ay - b), (dy, t - ay)):
        if p == 0:
            if q < 0: return False
        else:
            u = q / p
            if p < 0: t0 = max(t0, u)
            else: t1 = min(t1, u)
            if t0 > t1: return False
    return True
cand = {}
for i in range(len(ring) - 1):
    (ax, ay), (bx, by) = ring[i], ring[i + 1]
    for ix in range(max(0, math.floor((min(ax, bx) - x0) / S) - 1), min(nx, math.floor((max(ax, bx) - x0) / S) + 2)):
        for iy in range(max(0, math.floor((min(ay, by) - y0) / S) - 1), min(ny, math.floor((max(ay, by) - y0) / S) + 2)):
            cand.setdefault((ix, iy), []).append(i)
valid = [0] * (nx * ny)
for iy in range(ny):
    for ix in range(nx):
        l, b = x0 + ix * S, y0 + iy * S
        if (ix, iy) in cand and any(seg_hits_box(*ring[i], *ring[i + 1], l, b, l + S, b + S) for i in cand[(ix, iy)]):
            valid[iy * nx + ix] = 1
        elif inside(l + S / 2, b + S / 2):
            valid[iy * nx + ix] = 1
V = sum(valid)
ev = []
for r in csv.DictReader(open(sys.argv[2])):
    ev.append((r['date'], int(math.floor((float(r['X']) - x0) / S)), int(math.floor((float(r['Y']) - y0) / S))))
ev.sort()
valid_cells = [c for c in range(nx * ny) if valid[c]]
out = csv.writer(sys.stdout)
print(f'# grid {nx} x {ny}, {V} valid, {len(ev)} events in 2016', file=sys.stderr)
day = datetime.date(2016, 10, 1)
while day < datetime.date(2017, 1, 1):
    t = day.isoformat(); t1 = (day + datetime.timedelta(days=1)).isoformat()
    risk = [0] * (nx * ny)
    for d, ix, iy in ev:
        if d >= t: break
        if 0 <= ix < nx and 0 <= iy < ny: risk[iy * nx + ix] += 1
    test = [(ix, iy) for d, ix, iy in ev if t <= d < t1]
    order = sorted(valid_cells, key=lambda c: (-risk[c], -c))
    row = [t, len(test)]
    for cov in range(1, 101):
        n = int(math.floor(V * (cov / 100)))
        flagged = set(order[:n])
        row.append(sum(1 for ix, iy in test if 0 <= ix < nx and 0 <= iy < ny and iy * nx + ix in flagged))
    out.writerow(row)
    day += datetime.timedelta(days=1)
