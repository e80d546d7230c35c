#!/usr/bin/env python3
"""Independent check of examples/stops/run.sh (standard library only, no scrutineer code).

Recomputes from the raw CSVs: the Met's September 2022 searches by officer-defined ethnicity, the
2021 Census population of the 32 boroughs E09000002..E09000033, rates per 1,000, ratios to White
with the exact conditional interval (Clopper-Pearson bounds found here by bisection on binomial
tail sums, not the incomplete beta function scrutineer uses), and the outcome test on the seven
forces (hit rates with the same Clopper-Pearson method, and Pearson's chi-squared with the closed
form of its tail for odd degrees of freedom). Compares with OUT/disproportionality.csv and
OUT/outcome_test.csv. The veil of darkness is recomputed with another sunset algorithm (the US
Naval Observatory's "Almanac for Computers" 1990 method, not NOAA's equations scrutineer uses), so
the two differ by under a minute in London (the Almanac's sunsets are about 45 s later in
September 2022), so a group's light and dark counts in OUT/veil_of_darkness.csv must agree within
the number of its stops that lie within 2 minutes of that day's sunset or dusk (and the window
within 3 minutes).
Usage: check.py DATA_FOLDER OUT_FOLDER. Exit 1 on any difference.
"""
import csv
import datetime
import glob
import math
import os
import sys
import zoneinfo

LEVEL = 0.95
GROUPS = ["White", "Black", "Asian", "Other"]


def log_pmf(i, n, p):
    return (math.lgamma(n + 1) - math.lgamma(i + 1) - math.lgamma(n - i + 1) + i * math.log(p)
            + (n - i) * math.log1p(-p))


def upper_tail(k, n, p):  # P(X >= k)
    return sum(math.exp(log_pmf(i, n, p)) for i in range(k, n + 1))


def lower_tail(k, n, p):  # P(X <= k)
    return sum(math.exp(log_pmf(i, n, p)) for i in range(0, k + 1))


def bisect(pred):  # largest p in (0, 1) with pred(p) true, pred monotone true -> false
    lo, hi = 0.0, 1.0
    for _ in range(64):
        mid = (lo + hi) / 2
        if pred(mid):
            lo = mid
        else:
            hi = mid
    return (lo + hi) / 2


def clopper_pearson(k, n):
    a = 1 - LEVEL
    low = 0.0 if k == 0 else bisect(lambda p: upper_tail(k, n, p) < a / 2)
    high = 1.0 if k == n else bisect(lambda p: lower_tail(k, n, p) > a / 2)
    return low, high


def chi2_sf_odd(x, df):
    # df odd: Q = erfc(sqrt(x/2)) + sqrt(2x/pi) e^(-x/2) (1 + x/3 + x^2/(3*5) + ...), df-1)/2 terms
    total, term = 0.0, math.sqrt(2 * x / math.pi) * math.exp(-x / 2)
    for j in range((df - 1) // 2):
        total += term
        term *= x / (2 * j + 3)
    return math.erfc(math.sqrt(x / 2)) + total


def almanac_event(date, lat, lon, zenith):
    """UTC datetime of sunset (or dusk) on `date` by the Almanac for Computers (1990) method."""
    n = date.timetuple().tm_yday
    lng_hour = lon / 15
    t = n + (18 - lng_hour) / 24
    m = 0.9856 * t - 3.289
    rad, deg = math.radians, math.degrees
    lng = (m + 1.916 * math.sin(rad(m)) + 0.020 * math.sin(rad(2 * m)) + 282.634) % 360
    ra = deg(math.atan(0.91764 * math.tan(rad(lng)))) % 360
    ra = (ra + (math.floor(lng / 90) * 90 - math.floor(ra / 90) * 90)) / 15
    sin_dec = 0.39782 * math.sin(rad(lng))
    cos_dec = math.cos(math.asin(sin_dec))
    cos_h = (math.cos(rad(zenith)) - sin_dec * math.sin(rad(lat))) / (cos_dec * math.cos(rad(lat)))
    h = deg(math.acos(cos_h)) / 15
    ut = (h + ra - 0.06571 * t - 6.622 - lng_hour) % 24
    midnight = datetime.datetime(date.year, date.month, date.day, tzinfo=datetime.timezone.utc)
    return midnight + datetime.timedelta(hours=ut)


def check_veil(s, out):
    london = zoneinfo.ZoneInfo("Europe/London")
    stops = []
    with open(os.path.join(s, "2022-09-metropolitan-stop-and-search.csv"), newline="",
              encoding="utf-8-sig") as f:
        for row in csv.DictReader(f):
            g = row["Officer-defined ethnicity"].strip()
            if g in GROUPS and row["Latitude"] and row["Longitude"]:
                when = datetime.datetime.fromisoformat(row["Date"])
                stops.append((when, float(row["Latitude"]), float(row["Longitude"]), g))
    lat = sum(x[1] for x in stops) / len(stops)
    lon = sum(x[2] for x in stops) / len(stops)
    year = stops[0][0].astimezone(london).year
    clocks = []
    day = datetime.date(year, 1, 1)
    while day.year == year:
        dusk = almanac_event(day, lat, lon, 96).astimezone(london)
        clocks.append(dusk.hour * 60 + dusk.minute + dusk.second / 60)
        day += datetime.timedelta(days=1)
    start, end = min(clocks), max(clocks)
    light = {g: 0 for g in GROUPS}
    dark = {g: 0 for g in GROUPS}
    near = {g: 0 for g in GROUPS}  # stops within 2 minutes of sunset or dusk
    twilight = 0
    margin = datetime.timedelta(minutes=2)
    for when, la, lo, g in stops:
        local = when.astimezone(london)
        clock = local.hour * 60 + local.minute + local.second / 60
        if not start <= clock <= end:
            continue
        sunset = almanac_event(local.date(), la, lo, 90.833)
        dusk = almanac_event(local.date(), la, lo, 96)
        if abs(when - sunset) <= margin or abs(when - dusk) <= margin:
            near[g] += 1
        if when < sunset:
            light[g] += 1
        elif when > dusk:
            dark[g] += 1
        else:
            twilight += 1
    got = read_out(os.path.join(out, "veil_of_darkness.csv"))
    failures = []
    print(f"veil of darkness: window {start:.1f} to {end:.1f} min, twilight {twilight}")
    for name, mine in (("window_start", start), ("window_end", end)):
        hh, mm = got["White"][name].split(":")
        if abs(int(hh) * 60 + int(mm) - mine) > 3:
            failures.append(f"{name}: check {mine:.1f} min, scrutineer {got['White'][name]}")
    for g in GROUPS:
        print(g, light[g], dark[g], "within 2 min of sunset or dusk:", near[g])
        for name, mine in (("light", light[g]), ("dark", dark[g])):
            theirs = int(got[g][name])
            if abs(theirs - mine) > near[g]:
                failures.append(f"{g} {name}: check {mine} scrutineer {theirs}")
    return failures


def read_out(path):
    with open(path, newline="") as f:
        return {row["group"]: row for row in csv.DictReader(f)}


def close(a, b, tol):
    return abs(a - b) <= tol * max(1.0, abs(b))


def main():
    data, out = sys.argv[1], sys.argv[2]
    s = os.path.join(data, "stop-search")
    stops = {g: 0 for g in GROUPS}
    with open(os.path.join(s, "2022-09-metropolitan-stop-and-search.csv"), newline="",
              encoding="utf-8-sig") as f:
        for row in csv.DictReader(f):
            g = row["Officer-defined ethnicity"].strip()
            if g in stops:
                stops[g] += 1
    boroughs = {"E%08d" % n for n in range(9000002, 9000034)}
    population = {g: 0 for g in GROUPS}
    with open(os.path.join(s, "london_boroughs_census2021_ethnicity.csv"), newline="") as f:
        for row in csv.DictReader(f):
            if row["LAD_code"] in boroughs:
                for g in GROUPS:
                    population[g] += int(row[g])
    got = read_out(os.path.join(out, "disproportionality.csv"))
    failures = []
    white = stops["White"] * 1000 / population["White"]
    print("group stops population per_1000 ratio ratio_low ratio_high")
    for g in GROUPS:
        rate = stops[g] * 1000 / population[g]
        p_low, p_high = clopper_pearson(stops[g], stops[g] + stops["White"])
        scale = population["White"] / population[g]
        low, high = p_low / (1 - p_low) * scale, p_high / (1 - p_high) * scale
        print(g, stops[g], population[g], round(rate, 6), round(rate / white, 6), round(low, 6),
              round(high, 6))
        row = got[g]
        checks = [("stops", stops[g], float(row["stops"]), 0), ("population", population[g],
                  float(row["population"]), 0), ("per_1000", rate, float(row["per_1000"]), 1e-6),
                  ("ratio", rate / white, float(row["ratio"]), 1e-6)]
        if g == "White":  # the reference against itself: no interval
            failures += [f"White {c} not blank" for c in ("ratio_low", "ratio_high") if row[c]]
        else:
            checks += [("ratio_low", low, float(row["ratio_low"]), 1e-5),
                       ("ratio_high", high, float(row["ratio_high"]), 1e-5)]
        failures += [f"{g} {name}: check {a} scrutineer {b}" for name, a, b, tol in checks
                     if not close(a, b, tol)]
    # The outcome test on the seven forces.
    hits = {g: [0, 0] for g in GROUPS}
    for path in sorted(glob.glob(os.path.join(s, "forces-2019-12_2020-02", "*.csv"))):
        with open(path, newline="", encoding="utf-8-sig") as f:
            for row in csv.DictReader(f):
                g = row["Officer-defined ethnicity"].strip()
                linked = row["Outcome linked to object of search"].strip()
                if g in hits and linked in ("True", "False"):
                    hits[g][0 if linked == "True" else 1] += 1
    got = read_out(os.path.join(out, "outcome_test.csv"))
    total_k = sum(h for h, _ in hits.values())
    total_n = sum(h + m for h, m in hits.values())
    share = total_k / total_n
    x2 = 0.0
    for g in GROUPS:
        h, m = hits[g]
        n = h + m
        x2 += (h - n * share) ** 2 / (n * share) + (m - n * (1 - share)) ** 2 / (n * (1 - share))
    p_value = chi2_sf_odd(x2, len(GROUPS) - 1)
    print(f"outcome test: chi-squared {x2:.4f}, df {len(GROUPS) - 1}, p {p_value:.6g}")
    for g in GROUPS:
        h, m = hits[g]
        low, high = clopper_pearson(h, h + m)
        print(g, h, m, round(h / (h + m), 6), round(low, 6), round(high, 6))
        row = got[g]
        checks = [("hits", h, float(row["hits"]), 0), ("misses", m, float(row["misses"]), 0),
                  ("hit_rate", h / (h + m), float(row["hit_rate"]), 1e-6),
                  ("hit_rate_low", low, float(row["hit_rate_low"]), 1e-5),
                  ("hit_rate_high", high, float(row["hit_rate_high"]), 1e-5),
                  ("chi_squared", x2, float(row["chi_squared"]), 1e-4)]
        if abs(p_value - float(row["p_value"])) > 1e-5 * p_value:  # relative: p may be tiny
            failures.append(f"{g} p_value: check {p_value} scrutineer {row['p_value']}")
        failures += [f"{g} {name}: check {a} scrutineer {b}" for name, a, b, tol in checks
                     if not close(a, b, tol)]
    failures += check_veil(s, out)
    for f in failures:
        print("MISMATCH", f)
    print("all figures agree" if not failures else f"{len(failures)} mismatches")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
