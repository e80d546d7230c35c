"""The Python API on the repository's own fixtures (tests/data): options through the engine's
declarations, zero-copy arrays, exceptions for bad input, equality with the CLI's files,
Ctrl-C, progress, thread-count invariance and no memory growth over repeated calls."""

import filecmp
import json
import math
import os
import signal
import threading

import numpy as np
import pytest

import scrutineer
from conftest import FIXTURES, read

PORTAL = FIXTURES / "ingest" / "portal_bad_rows.csv"
TINY = FIXTURES / "scores" / "tiny.csv"


# --- options: the same declarations as the CLI and the recipe -------------------------------


def test_options_are_the_engines_declarations():
    table = scrutineer.options("backtest")
    names = set(table["name"])
    assert {"from", "to", "period", "coverages", "operating", "tie_rule", "baselines"} <= names
    row = table.set_index("name").loc["period"]
    assert row["flag"] == "--period" and row["default"] == "day"
    with pytest.raises(scrutineer.ConfigError, match="unknown stage"):
        scrutineer.options("nope")


def test_unknown_keyword_is_refused_with_the_accepted_names():
    with pytest.raises(scrutineer.ConfigError) as e:
        scrutineer.read_events(PORTAL, time_zome="America/Chicago")
    assert "unknown keyword time_zome" in str(e.value)
    assert "time_zone" in str(e.value)  # the accepted names are listed


def test_wrong_type_and_bad_choice_are_refused():
    with pytest.raises(scrutineer.ConfigError, match="expected true/false"):
        scrutineer.read_events(PORTAL, strict=3)
    with pytest.raises(scrutineer.ConfigError, match="xml"):
        scrutineer.read_events(PORTAL, format="xml")
    assert issubclass(scrutineer.ConfigError, ValueError)


def test_text_values_take_the_command_lines_parser():
    # "5%" is what --operating takes; 0.05 as a number is not a policy (text option).
    a = scrutineer.read_events(PORTAL, strict=False)
    b = scrutineer.read_events(PORTAL, strict="false")
    assert len(a) == len(b) > 0


# --- read_events: every format, NumPy views -------------------------------------------------


def test_read_events_counts_bad_rows_by_reason():
    ev = scrutineer.read_events(PORTAL)
    report = ev.report
    rows = report["rows"]
    # tests/data/ingest/portal_bad_rows.csv: 6 data rows, 2 good; one bad row per reason.
    assert (rows["read"], rows["kept"], rows["dropped"]) == (6, 2, 4)
    assert report["dropped"]["bad_time"] == {"count": 1, "first_lines": [3]}
    assert len(ev) == rows["kept"]
    assert ev.time_zone == "America/Chicago"  # the Chicago portal format's zone


def test_event_columns_are_views_not_copies():
    ev = scrutineer.read_events(PORTAL)
    for name in ("t", "x", "y", "category", "source_row"):
        column = getattr(ev, name)
        assert not column.flags.owndata, name  # the engine's memory, not a NumPy copy
        assert not column.flags.writeable, name
    again = ev._handle.columns["x"]
    assert np.shares_memory(ev.x, again)  # two views of the same engine vector
    frame = ev.to_pandas()
    assert list(frame["source_row"]) == list(ev.source_row)


def test_read_events_matches_the_cli_ingest(cli, tmp_path):
    out, summary = tmp_path / "events.csv", tmp_path / "summary.json"
    cli("ingest", PORTAL, "--out", out, "--summary", summary)
    ev = scrutineer.read_events(PORTAL)
    assert json.loads(read(summary)) == ev.report  # the same read report, field by field
    cli_rows = read(out).strip().splitlines()[1:]
    assert len(cli_rows) == len(ev)


def test_every_format_is_listed():
    names = list(scrutineer.formats()["name"])
    assert names[-1] == "generic" and "chicago" in names


# --- exceptions -----------------------------------------------------------------------------


def test_input_error_carries_file_line_and_column():
    with pytest.raises(scrutineer.InputError) as e:
        scrutineer.read_events(PORTAL, strict=True)
    err = e.value
    assert isinstance(err, ValueError)
    assert err.file.endswith("portal_bad_rows.csv")
    assert err.line == 3  # line 3 of the file (header = 1): 04/31/2016 is no date
    assert err.column >= 1


def test_io_error_is_an_os_error(tmp_path):
    with pytest.raises(OSError):
        scrutineer.read_events(tmp_path / "missing.csv")


# --- scores and claim: equal to the CLI -----------------------------------------------------

AUDIT = dict(path=str(TINY), score="score", outcome="outcome", groups=["group"],
             thresholds=[">=5"], bootstrap=200, seed=7)


def test_score_audit_confusion_matrices_are_the_fixtures(tmp_path):
    a = scrutineer.scores.audit(min_cell=0, **AUDIT)
    g = a.groups.set_index("group")
    # tests/data/scores/README.md: at score >= 5, A: TP 6, FP 4, TN 8, FN 2; B: 2, 1, 6, 3.
    assert tuple(int(v) for v in g.loc["A", ["tp", "fp", "tn", "fn"]]) == (6, 4, 8, 2)
    assert tuple(int(v) for v in g.loc["B", ["tp", "fp", "tn", "fn"]]) == (2, 1, 6, 3)


def test_score_audit_files_equal_the_clis(cli, tmp_path):
    scrutineer.scores.audit(out=tmp_path / "py", **AUDIT)
    cli("scores", TINY, "--score", "score", "--outcome", "outcome", "--groups", "group",
        "--thresholds", ">=5", "--bootstrap", "200", "--seed", "7", "--out", tmp_path / "cli")
    names = sorted(os.listdir(tmp_path / "cli"))
    assert names == sorted(os.listdir(tmp_path / "py")) and names
    match, mismatch, errors = filecmp.cmpfiles(tmp_path / "cli", tmp_path / "py", names, shallow=False)
    assert mismatch == [] and errors == []


def test_claim_is_bayes_rule_and_equals_the_cli(cli):
    c = scrutineer.claim(sensitivity=0.9, specificity=0.9, prevalence=0.01)
    row = c.to_pandas().iloc[0]
    # PPV = 0.9·0.01 / (0.9·0.01 + 0.1·0.99) = 0.009 / 0.108 = 0.083333...
    assert math.isclose(row["ppv"], 0.009 / 0.108, rel_tol=1e-9)
    done = cli("claim", "--sensitivity", "0.9", "--specificity", "0.9", "--prevalence", "0.01",
               "--format", "csv")
    assert done.stdout == c.csv()


# --- feedback urns: Ensign et al.'s limits, equal to the CLI ---------------------------------


def test_urn_limit_is_ensigns_quadratic_root():
    r = scrutineer.feedback.urn(rates=(0.6, 0.3), reported=(0.3, 0.15), days=200, replicates=20)
    # a = 0.9, b = 0.15, c = 0.3, d = 0.45: −0.3x² − 0.15x + 0.3 = 0, x* = (−0.5 + √4.25) / 2.
    assert math.isclose(r.json["urn_summary"]["limit_share_region_1"], (-0.5 + math.sqrt(4.25)) / 2,
                        rel_tol=1e-12)
    fixed = scrutineer.feedback.urn(rates=(0.6, 0.3), rejection=True, days=200, replicates=20)
    # Ensign et al.'s fix: the zero is the true ratio λ_A / (λ_A + λ_B) = 0.6 / 0.9.
    assert math.isclose(fixed.json["urn_summary"]["limit_share_region_1"], 2 / 3, rel_tol=1e-9)


def test_urn_files_equal_the_clis(cli, tmp_path):
    scrutineer.feedback.urn(days=300, replicates=50, seed=3, out=tmp_path / "py")
    cli("feedback", "urn", "--days", "300", "--replicates", "50", "--seed", "3",
        "--out", tmp_path / "cli")
    names = sorted(os.listdir(tmp_path / "cli"))
    match, mismatch, errors = filecmp.cmpfiles(tmp_path / "cli", tmp_path / "py", names, shallow=False)
    assert names and mismatch == [] and errors == []


def test_urn_is_the_same_for_any_thread_count():
    runs = []
    for threads in (1, 2, 0):
        scrutineer.set_threads(threads)
        runs.append(scrutineer.feedback.urn(days=300, replicates=64, seed=5).raw)
    scrutineer.set_threads(0)
    assert runs[0] == runs[1] == runs[2]


# --- progress, Ctrl-C -----------------------------------------------------------------------


def test_progress_callback_sees_the_engines_steps():
    seen = []
    scrutineer.feedback.urn(days=200, replicates=30, progress=lambda *a: seen.append(a))
    assert seen and seen[-1] == ("urn replicates", 30, 30)


def test_ctrl_c_stops_a_long_call():
    timer = threading.Timer(0.5, os.kill, (os.getpid(), signal.SIGINT))
    timer.start()
    with pytest.raises(KeyboardInterrupt):
        scrutineer.feedback.urn(days=100000, replicates=20000)
    timer.join()
    # the module still works afterwards
    assert scrutineer.claim(sensitivity=0.9, specificity=0.9, prevalence=0.5).json


def test_engine_calls_release_the_gil():
    import time

    ticks, stop = [0], threading.Event()

    def count():
        while not stop.is_set():
            ticks[0] += 1

    thread = threading.Thread(target=count)
    thread.start()
    try:
        start = ticks[0]
        time.sleep(0.2)  # the counter's own rate, the main thread idle
        rate = (ticks[0] - start) / 0.2
        before, t0 = ticks[0], time.perf_counter()
        scrutineer.feedback.urn(days=20000, replicates=2000, seed=2)
        during, seconds = ticks[0] - before, time.perf_counter() - t0
    finally:
        stop.set()
        thread.join()
    assert seconds > 0.3, "the call was too short to tell"
    # With the GIL held for the whole call, the counter could run only around the call's edges
    # (a switch interval, 5 ms, each side: rate * 0.01 ticks). Released, it counts throughout.
    assert during > rate * 0.05, (during, rate, seconds)


# --- memory ---------------------------------------------------------------------------------


def rss_kib():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def test_no_memory_growth_over_1000_calls(tmp_path):
    # 5000 events in the Chicago portal's layout: a leaked table would be ~200 KiB a call.
    big = tmp_path / "portal.csv"
    rows = ["Case Number,Date,Block,Primary Type,Latitude,Longitude"]
    for i in range(5000):
        rows.append(f"X{i},05/{1 + i % 28:02d}/2016 {1 + i % 12:02d}:00:00 PM,001XX S STATE ST,"
                    f"THEFT,{41.75 + (i % 97) * 1e-3:.6f},{-87.62 + (i % 89) * 1e-3:.6f}")
    big.write_text("\n".join(rows) + "\n")

    def calls():
        ev = scrutineer.read_events(big)
        assert len(ev) > 0 and ev.x.sum() == ev.x.sum()
        scrutineer.claim(sensitivity=0.9, specificity=0.8, prevalence=0.1).to_pandas()
        try:
            scrutineer.read_events(PORTAL, strict=True)
        except scrutineer.InputError:
            pass

    for _ in range(100):  # warm up: allocator pools, pandas caches
        calls()
    before = rss_kib()
    for _ in range(1000):
        calls()
    grown = rss_kib() - before
    # A leaked events table (5000 x 40 bytes) per call would add ~200 MiB over 1000 calls;
    # allow 16 MiB of allocator noise.
    assert grown < 16384, f"RSS grew by {grown} KiB over 1000 calls"


# --- the closed loop and the register -------------------------------------------------------


def test_loop_files_equal_the_clis(cli, tmp_path):
    r = scrutineer.feedback.loop(days=20, history_days=30, window_days=30, replicates=2,
                                 out=tmp_path / "py")
    cli("feedback", "loop", "--days", "20", "--history-days", "30", "--window-days", "30",
        "--replicates", "2", "--out", tmp_path / "cli")
    names = sorted(os.listdir(tmp_path / "cli"))
    match, mismatch, errors = filecmp.cmpfiles(tmp_path / "cli", tmp_path / "py", names, shallow=False)
    assert names and mismatch == [] and errors == []
    assert r.charts  # the loop's SVG charts, shown by _repr_html_
    assert "<svg" in r._repr_html_()


def test_register_reads_what_the_cli_wrote(cli, tmp_path):
    db = tmp_path / "register.sqlite"
    cli("register", "--db", db, "add", FIXTURES / "registry" / "predpol.json")
    records = scrutineer.register.list(db)
    assert len(records) == 1
    slug = records[0]["slug"]
    assert scrutineer.register.get(db, slug)["slug"] == slug
    assert scrutineer.register.get(db, "no-such-tool") is None
    assert scrutineer.register.export(db) == cli("register", "--db", db, "export").stdout


# --- recipes, rich display ------------------------------------------------------------------


def test_run_recipe_equals_the_cli_and_errors_name_the_key(cli, tmp_path):
    recipe = tmp_path / "audit.toml"
    recipe.write_text(f'title = "tiny"\n[scores]\npath = "{TINY}"\nscore = "score"\n'
                      f'outcome = "outcome"\ngroups = ["group"]\nthresholds = [">=5"]\n'
                      f'bootstrap = 100\nmin_cell = 0\n')
    r = scrutineer.run(recipe, out=tmp_path / "py")
    cli("run", recipe, "--out", tmp_path / "cli")
    names = sorted(os.listdir(tmp_path / "cli" / "scores"))
    _, mismatch, errors = filecmp.cmpfiles(tmp_path / "cli" / "scores", tmp_path / "py" / "scores",
                                           names, shallow=False)
    assert names and mismatch == [] and errors == []
    assert "scores/scores_groups" in r.tables and "scores" in r.stages
    with pytest.raises(scrutineer.ConfigError, match=r"unknown_key.toml:\d+:\d+"):
        scrutineer.run(FIXTURES / "recipe" / "unknown_key.toml", out=tmp_path / "bad")
    with pytest.raises(scrutineer.ConfigError, match="ethnicity"):
        scrutineer.run(FIXTURES / "recipe" / "stage_fails.toml", out=tmp_path / "fails")
    assert not (tmp_path / "fails").exists()  # no half-written results


def test_results_render_tables_and_charts():
    audit = scrutineer.scores.audit(**AUDIT)
    assert "<table" in audit._repr_html_() and "score&gt;=5" in audit._repr_html_()
    urn = scrutineer.feedback.urn(days=100, replicates=10)
    assert "<svg" in urn._repr_html_() and urn.folder is None  # the temporary folder is gone
    claim = scrutineer.claim(accuracy=0.9, prevalence=0.05)
    assert "<table" in claim._repr_html_()


def test_flag_mirroring_calls_refuse_unknown_keywords_too():
    with pytest.raises(scrutineer.ConfigError, match="replicates"):
        scrutineer.feedback.urn(replicate=3)  # the accepted names are listed
    with pytest.raises(scrutineer.ConfigError, match="feedback.urn"):
        scrutineer.feedback.urn(days="many")
    with pytest.raises(scrutineer.ConfigError, match="replacement"):
        scrutineer.feedback.urn(replacement="sometimes")  # the engine's own check
