#!/usr/bin/env python3
"""The Chicago and COMPAS audits from Python, in a few lines (headless; run with Debian's python3).

    PYTHONPATH=build/release/python /usr/bin/python3 examples/python/audits.py ../shared/data \
        [--cli build/release/apps/cli/scrutineer]

With --cli it also runs the same recipes through the command line and checks that every table is
byte-for-byte the same. scrutineer audits tools' outputs; it never scores a person.
"""

import argparse
import filecmp
import os
import pathlib
import subprocess
import sys
import tempfile

import scrutineer

here = pathlib.Path(__file__).resolve().parent
examples = here.parent

parser = argparse.ArgumentParser()
parser.add_argument("data", help="the shared data folder (../shared/data)")
parser.add_argument("--cli", help="the scrutineer executable, to compare its outputs")
parser.add_argument("--skip-chicago", action="store_true", help="the COMPAS audit only (fast)")
args = parser.parse_args()
out = pathlib.Path(tempfile.mkdtemp(prefix="scrutineer-example-"))

# COMPAS (ProPublica 2016): confusion matrices and error-rate disparities by race.
compas = scrutineer.run(examples / "compas" / "audit.toml", data=args.data, out=out / "compas")
groups = compas.tables["scores/scores_groups"].set_index("group")
print(groups[["n", "tp", "fp", "tn", "fn"]].to_string())
for race in ("African-American", "Caucasian"):
    g = groups.loc[race]
    fp, tn = int(g.fp), int(g.tn)  # text columns: small cells read "suppressed"
    print(f"{race}: false positive rate {fp / (fp + tn):.4f} (non-recidivists flagged)")

# Chicago South Side: prohotspot and sepp-grid forecasts for 2017, and on whom the flags fall.
if not args.skip_chicago:
    chicago = scrutineer.run(examples / "chicago" / "audit.toml", data=args.data,
                             out=out / "chicago", progress=True)
    summary = chicago.json["backtest/summary"]
    for model in summary["models"]:
        op = model["operating"]
        print(f"{model['label']}: hit rate {op['hit_rate']['estimate']:.4f} at the operating point")
    print(chicago.texts.get("disparity/summary", ""))

if args.cli:
    recipes = [("compas", examples / "compas" / "audit.toml")]
    if not args.skip_chicago:
        recipes.append(("chicago", examples / "chicago" / "audit.toml"))
    same = True
    for name, recipe in recipes:
        subprocess.run([args.cli, "--quiet", "run", str(recipe), "--data", args.data, "--out",
                        str(out / f"{name}-cli")], check=True, stdout=subprocess.DEVNULL)
        for root, _, files in os.walk(out / name):
            rel = pathlib.Path(root).relative_to(out / name)
            for f in files:
                # Tables, JSON, charts and texts; run.json and report.html record the command line
                # and timings, a GeoPackage its time of writing.
                if f == "run.json" or not f.endswith((".csv", ".json", ".svg", ".txt", ".geojson")):
                    continue
                if not filecmp.cmp(out / name / rel / f, out / f"{name}-cli" / rel / f, shallow=False):
                    print(f"DIFFERENT: {name}/{rel / f}")
                    same = False
    print("the same tables as the CLI" if same else "the CLI's tables differ")
    sys.exit(0 if same else 1)
