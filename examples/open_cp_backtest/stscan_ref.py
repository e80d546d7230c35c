# Independent re-implementation (numpy) of open_cp's space-time scan forecast as its scripted
# backtest runs it: evaluation.STScanProvider(500, 21 days, False) -> stscan.STSTrainer.predict
# (stscan2.STScanNumpy.find_all_clusters, maximise_clusters) -> STSResult.grid_prediction, written
# from open_cp's source (QuantCrimAtLeeds/PredictCode) and sharing no code with scrutineer (the
# grid, the events and top_slice come from check_models.py, this folder's other independent check).
# It scores every (disc, window) pair as open_cp does, in open_cp's order, and sorts them with
# numpy's argsort(-statistic) (quicksort, as open_cp) or, with --stable, a stable sort (scrutineer's
# rule for equal statistics).
# Inputs: the two ogr2ogr files of check_models.py's header.
# Usage: python3 stscan_ref.py region2790.geojson ss2790.csv [hit_counts.csv] [--stable]
#        [--days K] [--first F] [--step S] [--utc-ages] [--radius R] [--window-days D] [--max]
import csv, datetime, json, sys

import numpy as np

import check_models as cm


def scores(coords, past, radius, max_interval, geo_limit=0.5, time_limit=0.5):
    """STScanNumpy.faster_score_all: rows (cx, cy, r, time, statistic) in open_cp's order:
    centres in event order, then discs by squared radius, then windows by length."""
    n = past.shape[0]
    times = np.unique(past)
    times = times[times <= max_interval]
    tmask = past[:, None] <= times[None, :]
    tcount = tmask.sum(axis=0)
    keep = tcount <= n * time_limit
    tmask, tcount, times = tmask[:, keep], tcount[keep], times[keep]
    out = []
    for c in range(n):
        d2 = np.sum((coords - coords[:, c][:, None]) ** 2, axis=0)
        near = np.nonzero(d2 <= radius ** 2)[0]
        near = near[np.argsort(d2[near], kind='stable')]
        nd = d2[near]
        dists = np.unique(nd)
        # rows of the prefix ending at each distinct distance
        last = np.searchsorted(nd, dists, side='right') - 1
        scount = last + 1
        ok = (scount > 1) & (scount <= n * geo_limit)
        if not ok.any() or tmask.shape[1] == 0:
            continue
        cum = np.cumsum(tmask[near].astype(np.int64), axis=0)[last[ok]]
        sc, dd = scount[ok], dists[ok]
        expected = sc[:, None] * tcount[None, :] / n
        m = (cum > 1) & (cum > expected)
        if not m.any():
            continue
        a, e = cum[m], expected[m]
        stat = a * (np.log(a) - np.log(e))
        stat += (n - a) * (np.log(n - a) - np.log(n - e))
        rr = np.broadcast_to(np.sqrt(dd)[:, None], m.shape)[m]
        tt = np.broadcast_to(times[None, :], m.shape)[m]
        block = np.empty((len(stat), 5))
        block[:, 0], block[:, 1] = coords[0, c], coords[1, c]
        block[:, 2], block[:, 3], block[:, 4] = rr, tt, stat
        out.append(block)
    return np.vstack(out) if out else np.empty((0, 5))


def clusters(coords, past, radius, max_interval, stable):
    s = scores(coords, past, radius, max_interval)
    s = s[np.argsort(-s[:, 4], kind='stable' if stable else 'quicksort'), :]
    found = []
    while s.shape[0] > 0:
        best = s[0]
        found.append((best[0], best[1], best[2]))
        dist = (s[:, 0] - best[0]) ** 2 + (s[:, 1] - best[1]) ** 2
        s = s[dist > (best[2] + s[:, 2]) ** 2, :]
    # maximise_clusters: to the nearest event outside the disc
    maxed = []
    for cx, cy, r in found:
        d2 = np.sum((coords - np.array([cx, cy])[:, None]) ** 2, axis=0)
        rr = r ** 2
        bigger = d2[d2 > rr]
        maxed.append((cx, cy, np.sqrt(bigger.min()) if len(bigger) else r))
    return found, maxed


def grid_risk(grid, found):
    """STSResult._add_cluster over the grid's extent, region.xmin = grid.x0: the same doubles as
    its loop ((x + 0.5) * size + xmin; sqrt(dx**2 + dy**2) <= r), vectorised; a stable sort of
    -distance keeps equal distances in row-major order, as list.sort(reverse=True) does."""
    xs = (np.arange(grid.nx) + 0.5) * cm.S + grid.x0
    ys = (np.arange(grid.ny) + 0.5) * cm.S + grid.y0
    xc, yc = np.meshgrid(xs, ys)  # row-major: index y * nx + x
    xc, yc = xc.ravel(), yc.ravel()
    risk = np.zeros(grid.nx * grid.ny)
    k = len(found)
    for n, (cx, cy, r) in enumerate(found):
        d = np.sqrt((xc - cx) ** 2 + (yc - cy) ** 2)
        cells = np.nonzero(d <= r)[0]
        cells = cells[np.argsort(-d[cells], kind='stable')]
        m = len(cells)
        for i, c in enumerate(cells):
            risk[c] = (k - n - 1) + (i + 1) / m
    return list(risk)


def main(argv):
    opts = {'--days': '92', '--step': '1', '--first': '0', '--radius': '500', '--window-days': '21'}
    flags = set()
    args = []
    i = 1
    while i < len(argv):
        if argv[i] in opts:
            opts[argv[i]] = argv[i + 1]
            i += 2
        elif argv[i].startswith('--'):
            flags.add(argv[i])
            i += 1
        else:
            args.append(argv[i])
            i += 1
    if len(args) not in (2, 3) or not flags <= {'--stable', '--utc-ages', '--max'}:
        sys.exit(__doc__ or 'usage: stscan_ref.py region.geojson events.csv [hit_counts.csv] '
                 '[--stable] [--days K] [--utc-ages] [--radius R] [--window-days D] [--max]')
    ring = json.load(open(args[0]))['features'][0]['geometry']['coordinates'][0]
    grid = cm.Grid(ring)
    ev = cm.read_events(args[1], grid)
    radius = float(opts['--radius'])
    window = datetime.timedelta(days=float(opts['--window-days']))
    age = cm.utc_age if '--utc-ages' in flags else cm.wall_age
    rows = []
    for day in list(cm.days())[int(opts['--first']):int(opts['--days'])][::int(opts['--step'])]:
        at = datetime.datetime.combine(day, datetime.time())
        end = at + datetime.timedelta(days=1)
        train = [e for e in ev if e[0] < at]
        test = [(e[3], e[4]) for e in ev if at <= e[0] < end]
        coords = np.array([[e[1] for e in train], [e[2] for e in train]])
        ms = datetime.timedelta(milliseconds=1)
        past = np.array([age(at, e[0]) / ms for e in train])
        found, maxed = clusters(coords, past, radius, window / ms, '--stable' in flags)
        # grid_prediction(use_maximal_clusters=False) uses the enlarged clusters (as coded)
        risk = grid_risk(grid, found if '--max' in flags else maxed)
        rows.append([day.isoformat(), len(test)] + cm.hit_row(grid, risk, test))
        print(f'# {day}: {len(train)} events, {len(found)} clusters', file=sys.stderr)
    csv.writer(sys.stdout).writerows(rows)
    if len(args) == 3:
        theirs = {r[1][:10]: r for r in csv.reader(open(args[2])) if r[0].startswith('stscan')}
        bad = [r[0] for r in rows
               if r[0] not in theirs or [int(v) for v in theirs[r[0]][3:]] != r[1:]]
        print(f'# stscan: {len(rows) - len(bad)} of {len(rows)} days agree with {args[2]}'
              + (f'; differ: {" ".join(bad)}' if bad else ''), file=sys.stderr)
        if bad:
            sys.exit(1)


if __name__ == '__main__':
    main(sys.argv)
