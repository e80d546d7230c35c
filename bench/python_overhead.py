#!/usr/bin/env python3
"""Overhead of the Python module against the same engine work called from C++: the open_cp
backtest of bench_backtest.cpp (Chicago South Side, 92 days, coverages 1..100, one bootstrap
replicate) per model, and the COMPAS score audit. For each call: the engine's own time (measured
in C++ around run_backtest / run_audit, as the Google benchmark measures it) against the Python
call's wall time. Median of --repeat runs.

    PYTHONPATH=build/release/python /usr/bin/python3 bench/python_overhead.py ../shared/data
"""

import argparse
import pathlib
import statistics
import time

import scrutineer
from scrutineer import _scrutineer as engine

parser = argparse.ArgumentParser()
parser.add_argument("data")
parser.add_argument("--repeat", type=int, default=5)
args = parser.parse_args()
data = pathlib.Path(args.data)
chicago = data / "chicago"

study = scrutineer.Study(
    events=str(chicago / "aggravated_assaults_2010_2019.csv"), time="date", lon="longitude",
    lat="latitude", time_zone="America/Chicago", crs="EPSG:2790",
    region=str(chicago / "southside_region.geojson"), cell_size=150, origin_x=0, origin_y=0)
backtest = {"from": "2016-10-01", "to": "2017-01-01", "train_from": "2016-01-01",
            "baselines": False, "coverages": "1..100", "operating": "5%", "tie_rule": "open_cp",
            "bootstrap": 1}


def measure(call):
    """(median wall seconds, median engine seconds) over the repeats."""
    walls, engines = [], []
    for _ in range(args.repeat):
        start = time.perf_counter()
        result = call()
        walls.append(time.perf_counter() - start)
        engines.append(result.seconds)
    return statistics.median(walls), statistics.median(engines)


def report(name, wall, eng):
    over = wall - eng
    print(f"{name:<44} engine {eng * 1e3:9.2f} ms  python {wall * 1e3:9.2f} ms  "
          f"overhead {over * 1e3:7.2f} ms ({100 * over / eng:5.2f}%)")


for model in ("naive", "retro", "prohotspot"):
    report(f"backtest {model} (binding only)",
           *measure(lambda: engine.backtest(study._handle, [model], None, None, **backtest)))
    report(f"backtest {model} (+ summary.json, coverage.svg)",
           *measure(lambda: scrutineer.backtest(study, [model], **backtest)))

compas = dict(path=str(data / "compas" / "compas-scores-two-years.csv"), score="decile_score",
              outcome="two_year_recid", groups=["race"], thresholds=[">=5"],
              reference=["race=Caucasian"], bootstrap=1000, seed=20160523)
report("scores audit COMPAS (1000 bootstrap)", *measure(lambda: scrutineer.scores.audit(**compas)))

start = time.perf_counter()
for _ in range(1000):
    scrutineer.claim(sensitivity=0.9, specificity=0.9, prevalence=0.01)
print(f"claim (a call with no engine work to speak of): {(time.perf_counter() - start):.3f} ms per call")
