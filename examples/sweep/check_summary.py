#!/usr/bin/env python3
"""Independent check of a sweep folder (standard library only, no scrutineer code): every task of
summary.csv has its folder, and each headline figure equals the value read here from the task's
own backtest/summary.json, disparity/disparity.json and feedback/loop_summary.json; sweep.db has
one 'done' row per done task id.
    python3 examples/sweep/check_summary.py SWEEP_FOLDER
"""
import csv
import json
import os
import sqlite3
import sys


def close(a, b):
    if a == "" or b is None:
        return a == "" and b is None
    return abs(float(a) - float(b)) <= 1e-12 * max(1.0, abs(float(b)))


def expected(task):
    """The headline figures from the task's files, by this script's own reading of them."""
    out = {}
    path = os.path.join(task, "backtest", "summary.json")
    if os.path.exists(path):
        models = [m for m in json.load(open(path))["models"] if not m["baseline"]]
        if models:
            op = models[0]["operating"]
            for name in ("hit_rate", "wrong_share"):
                out[name] = op[name]["estimate"]
                out[name + "_lo"] = op[name]["lo"]
                out[name + "_hi"] = op[name]["hi"]
    path = os.path.join(task, "disparity", "disparity.json")
    if os.path.exists(path):
        groups = [g for g in json.load(open(path))["groups"]
                  if isinstance(g["disparity_ratio"], (int, float))]
        if groups:
            top = max(groups, key=lambda g: g["disparity_ratio"])  # first of equal maxima
            out["disparity_ratio"] = top["disparity_ratio"]
            out["disparity_ratio_lo"] = top["disparity_ratio_ci"]["lo"]
            out["disparity_ratio_hi"] = top["disparity_ratio_ci"]["hi"]
    path = os.path.join(task, "feedback", "loop_summary.json")
    if os.path.exists(path):
        final = json.load(open(path))["scenarios"][0]["final_day"]
        for name in ("true_hit_rate", "tvd_group"):
            out["loop_" + name] = final[name]["mean"]
            out["loop_" + name + "_q05"] = final[name]["q05"]
            out["loop_" + name + "_q95"] = final[name]["q95"]
    return out


def main(folder):
    rows = list(csv.DictReader(open(os.path.join(folder, "summary.csv"), newline="")))
    db = sqlite3.connect(os.path.join(folder, "sweep.db"))
    done = {r[0] for r in db.execute("SELECT id FROM tasks WHERE status = 'done'")}
    checked = 0
    for row in rows:
        task = os.path.join(folder, "tasks", row["id"])
        if row["status"] != "done":
            assert not os.path.exists(task), f"task {row['index']} failed but has a folder"
            continue
        assert row["id"] in done, f"task {row['index']}: no done row in sweep.db"
        for column, value in expected(task).items():
            assert close(row[column], value), f"task {row['index']} {column}: {row[column]} != {value}"
            checked += 1
    print(f"{len(rows)} tasks, {checked} headline figures agree with the tasks' own files")


if __name__ == "__main__":
    main(sys.argv[1])
