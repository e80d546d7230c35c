"""The Python API on the real public data (../shared/data), against the CLI run on the same
inputs: the open_cp 92-day backtest, the COMPAS audit, Lum & Isaac's Oakland run, the Chicago
study, forecast, disparity and near repeats. Skips when the shared data are absent."""

import filecmp
import os

import numpy as np
import pytest

import scrutineer
from conftest import ROOT, read

pytestmark = pytest.mark.data


def same_files(a, b, names=None):
    names = sorted(names or os.listdir(a))
    assert names, f"nothing written in {a}"
    _, mismatch, errors = filecmp.cmpfiles(a, b, names, shallow=False)
    assert mismatch == [] and errors == [], f"differ: {mismatch}, missing: {errors}"


# examples/open_cp_backtest/run.sh, as keywords (the recipe keys of the same options).
def open_cp(shared, **extra):
    chicago = shared / "chicago"
    return dict(
        events=str(chicago / "aggravated_assaults_2010_2019.csv"), time="date", lon="longitude",
        lat="latitude", time_zone="America/Chicago", crs="EPSG:2790",
        region=str(chicago / "southside_region.geojson"), cell_size=150, origin_x=0, origin_y=0,
        from_="2016-10-01", to="2017-01-01", train_from="2016-01-01", period="day",
        baselines=False, coverages="1..100", operating="5%", tie_rule="open_cp", **extra)


OPEN_CP_MODELS = ["naive", "retro:bandwidth=200,kernel=quartic",
                  "prohotspot:space_bandwidth=8,time_bandwidth=8,distance=chebyshev,"
                  "time_unit=7d,clock=wall"]


def test_open_cp_backtest_equals_the_cli(shared, cli, tmp_path):
    py = scrutineer.backtest(models=OPEN_CP_MODELS, out=tmp_path / "py", **open_cp(shared))
    cli("backtest", *[a for m in OPEN_CP_MODELS for a in ("--model", m)],
        shared / "chicago" / "aggravated_assaults_2010_2019.csv", "--time", "date", "--lon",
        "longitude", "--lat", "latitude", "--time-zone", "America/Chicago", "--crs", "EPSG:2790",
        "--region", shared / "chicago" / "southside_region.geojson", "--cell-size", "150",
        "--origin-x", "0", "--origin-y", "0", "--from", "2016-10-01", "--to", "2017-01-01",
        "--train-from", "2016-01-01", "--period", "day", "--no-baselines", "--coverages", "1..100",
        "--operating", "5%", "--tie-rule", "open_cp", "--out", tmp_path / "cli")
    same_files(tmp_path / "cli", tmp_path / "py")
    hits = py.hit_counts
    # 92 daily forecasts (2016-10-01 .. 2016-12-31) for each of the three models, c1..c100, then
    # the period in UTC (issue 17).
    assert len(hits) == 3 * 92 and list(hits.columns[-3:]) == ["c100", "start_utc", "end_utc"]
    assert (hits["c100"] == hits["events"]).all()  # at 100% coverage every event is caught
    # The in-memory tables are the files' text.
    assert py._handle.hit_counts_csv() == read(tmp_path / "cli" / "hit_counts.csv")
    flags = py.flags("naive")
    assert len(flags["cell"]) == len(py.flagged[py.flagged["model"] == "naive"])


def test_backtest_is_the_same_for_any_thread_count(shared):
    options = open_cp(shared)
    options["to"] = "2016-10-15"
    study = scrutineer.Study(**{k: v for k, v in options.items()
                                if k not in ("from_", "to", "train_from", "period", "baselines",
                                             "coverages", "operating", "tie_rule")})
    backtest = {k: options[k] for k in ("from_", "to", "train_from", "period", "baselines",
                                        "coverages", "operating", "tie_rule")}
    texts = []
    for threads in (1, 2, 0):
        scrutineer.set_threads(threads)
        r = scrutineer.backtest(study, OPEN_CP_MODELS, **backtest)
        texts.append((r._handle.hit_counts_csv(), r._handle.periods_csv()))
    scrutineer.set_threads(0)
    assert texts[0] == texts[1] == texts[2]


def test_study_counts_add_up_and_events_are_views(shared):
    chicago = shared / "chicago"
    s = scrutineer.Study(events=str(chicago / "southside_2016_sample.csv"),
                         region=str(chicago / "southside_region.geojson"), crs="EPSG:2790",
                         areas=str(chicago / "community_areas_acs2014.geojson"),
                         area_id="area_id", groups=["white", "black", "hispanic"],
                         total="pop_2014")
    c = s.counts
    assert c["rows_read"] == 1000  # the sample's data rows
    assert c["inside"] + (c["outside"] if c["clipped"] else 0) == c["after_dates"]
    assert len(s.events) == c["inside"]
    assert not s.events.x.flags.owndata and not s.grid["valid"].flags.owndata
    assert int(s.grid["valid"].sum()) == int(s.cells()["valid"].sum()) > 0
    areas = s.areas()
    assert {"white", "black", "hispanic", "total"} <= set(areas.columns)
    # Geometry: the engine's polygons as a GeoDataFrame; shapely's areas are GEOS's, as the
    # engine's own (Areas::area) are.
    geo = s.areas(geometry=True)
    cells = s.cells(geometry=True)
    try:
        import geopandas  # noqa: F401 (scripts/install-deps installs Debian's python3-geopandas)
    except ImportError:  # plain DataFrames with the polygons as WKT
        assert geo["wkt"].str.startswith(("POLYGON", "MULTIPOLYGON")).all()
        assert cells["wkt"].str.startswith(("POLYGON", "MULTIPOLYGON")).all()
        return
    assert np.allclose(geo.geometry.area, geo["area"], rtol=1e-9)
    assert np.allclose(cells.geometry.area, s.grid["size"] ** 2)
    assert str(cells.crs).endswith("2790") or cells.crs.to_epsg() == 2790


def forecast_both_ways(shared, cli, tmp_path, model, model_params=None):
    """scrutineer.forecast and `scrutineer forecast` on the South Side sample at 2016-09-01, 5 %
    coverage: the Python forecast, its arguments and both surfaces' rows."""
    chicago = shared / "chicago"
    args = dict(events=str(chicago / "southside_2016_sample.csv"), crs="EPSG:2790",
                region=str(chicago / "southside_region.geojson"), model=model,
                at="2016-09-01", coverage=0.05)
    params = []
    if model_params is not None:
        args["model_params"] = model_params
        params = ["--model-params", model_params]
    f = scrutineer.forecast(output=tmp_path / "py.csv", **args)
    cli("forecast", "--events", args["events"], "--crs", "EPSG:2790", "--region", args["region"],
        "--model", model, *params, "--at", "2016-09-01", "--coverage", "0.05",
        "--output", tmp_path / "cli.csv")
    return f, args, read(tmp_path / "py.csv"), read(tmp_path / "cli.csv")


def test_forecast_surface_equals_the_clis(shared, cli, tmp_path):
    f, _, py, from_cli = forecast_both_ways(shared, cli, tmp_path, "prohotspot")
    assert py == from_cli
    assert not f.risk.flags.owndata  # the engine's surface, viewed
    assert len(f.top) == int(np.floor(int(f.study.grid["valid"].sum()) * 0.05))


def test_sepp_fast_kernel_sums_equal_the_clis(shared, cli, tmp_path):
    """Issue 16: sepp's opt-in kernel_sums=fast through model_params gives the CLI's surface."""
    _, _, py, from_cli = forecast_both_ways(shared, cli, tmp_path, "sepp",
                                            "iterations=5,kernel_sums=fast")
    assert py == from_cli
    assert len(py) > 1


def test_sepp_grid_fast_and_squarem_equal_the_clis(shared, cli, tmp_path):
    """Issue 16: sepp-grid's opt-in arithmetic=fast and accelerate=squarem through model_params
    give the CLI's surface; an unknown value is refused as the CLI refuses it."""
    _, args, py, from_cli = forecast_both_ways(shared, cli, tmp_path, "sepp-grid",
                                               "window=60d,arithmetic=fast,accelerate=squarem")
    assert py == from_cli
    assert len(py) > 1
    with pytest.raises(Exception, match="arithmetic"):
        scrutineer.forecast(output=tmp_path / "bad.csv",
                            **{**args, "model_params": "arithmetic=quick"})


def test_compas_audit_equals_the_cli_and_propublica(shared, cli, tmp_path):
    recipe = ROOT / "examples" / "compas" / "audit.toml"
    py = scrutineer.run(recipe, data=shared, out=tmp_path / "py")
    cli("run", recipe, "--data", shared, "--out", tmp_path / "cli")
    same_files(tmp_path / "cli" / "scores", tmp_path / "py" / "scores")
    assert not py.tables["scores/scores_groups"].empty
    # The same audit through scores.audit, with the recipe's keys as keywords.
    a = scrutineer.scores.audit(
        path=str(shared / "compas" / "compas-scores-two-years.csv"), score="decile_score",
        outcome="two_year_recid", groups=["race"],
        where=["days_b_screening_arrest <= 30", "days_b_screening_arrest >= -30",
               "is_recid != -1", "c_charge_degree != 'O'", "score_text != 'N/A'"],
        thresholds=[">=5"], reference=["race=Caucasian"], tau=0.8, bootstrap=1000,
        seed=20160523, min_cell=10)
    assert a._handle.groups_csv() == read(tmp_path / "cli" / "scores" / "scores_groups.csv")


def test_compas_confusion_matrices_are_propublicas(shared, cli):
    path = shared / "compas" / "compas-scores-two-years.csv"
    a = scrutineer.scores.audit(path=str(path), score="decile_score", outcome="two_year_recid",
                                groups=["race"], thresholds=[">=5"], bootstrap=0)
    g = a.groups.set_index("group")
    # ProPublica's notebook (cell 54), all 7214 people: of those who did not reoffend, 805 of
    # 1795 Black defendants (44.85%) and 349 of 1488 white defendants (23.45%) were labelled
    # medium or high risk (decile >= 5).
    black, white = g.loc["African-American"], g.loc["Caucasian"]
    assert (int(black["fp"]), int(black["tn"])) == (805, 990)
    assert (int(white["fp"]), int(white["tn"])) == (349, 1139)
    done = cli("scores", path, "--score", "decile_score", "--outcome", "two_year_recid",
               "--groups", "race", "--thresholds", ">=5", "--bootstrap", "0", "--format", "csv")
    assert done.stdout == a._handle.groups_csv()


def test_lum_isaac_equals_the_cli_and_the_published_counts(shared, cli, tmp_path):
    crimes = shared / "oakland-drug-crimes" / "drug_crimes_with_bins.csv"
    scrutineer.lum_isaac(crimes, out=tmp_path / "py")
    cli("lum-isaac", "--crimes", crimes, "--out", tmp_path / "cli")
    same_files(tmp_path / "cli", tmp_path / "py")
    # Lum & Isaac's own observed counts (predpol_drug_observed.csv), reproduced exactly.
    assert read(tmp_path / "py" / "oakland_observed.csv") == read(
        shared / "oakland-drug-crimes" / "predpol_drug_observed.csv")


def test_lum_isaac_loop_equals_the_cli(shared, cli, tmp_path):
    crimes = shared / "oakland-drug-crimes" / "drug_crimes_with_bins.csv"
    r = scrutineer.feedback.lum_isaac(crimes, last="2011-02-28", replicates=2,
                                      out=tmp_path / "py")
    cli("feedback", "lum-isaac", "--crimes", crimes, "--last", "2011-02-28", "--replicates", "2",
        "--out", tmp_path / "cli")
    same_files(tmp_path / "cli", tmp_path / "py")
    assert r.charts and r.tables


def test_nearrepeat_equals_the_cli(shared, cli, tmp_path):
    data = shared / "chicago-burglary-nearrepeat" / "chicago_burglary_2014_2017.csv"
    r = scrutineer.nearrepeat(
        data, out=tmp_path / "py", format="generic", x="x", y="y", source_crs="EPSG:26971",
        time="date_single", time_format="%d/%m/%Y", time_zone="UTC", from_="2016-01-01",
        to="2017-01-01", permutations=19, seed=1)
    cli("nearrepeat", data, "--format", "generic", "--x", "x", "--y", "y", "--source-crs",
        "EPSG:26971", "--time", "date_single", "--time-format", "%d/%m/%Y", "--time-zone", "UTC",
        "--from", "2016-01-01", "--to", "2017-01-01", "--permutations", "19", "--seed", "1",
        "--output", tmp_path / "cli")
    same_files(tmp_path / "cli", tmp_path / "py")
    assert "knox" in r.tables


def test_disparity_of_backtest_flags_equals_the_cli(shared, cli, tmp_path):
    chicago = shared / "chicago"
    options = open_cp(shared)
    options["to"] = "2016-10-08"
    scrutineer.backtest(models=["naive"], out=tmp_path / "bt", **options)
    common = dict(areas=str(chicago / "community_areas_acs2014.geojson"), area_id="area_id",
                  groups=["white", "black", "hispanic"], total="pop_2014",
                  region=str(chicago / "southside_region.geojson"), cell_size=150, crs="EPSG:2790",
                  flags=str(tmp_path / "bt" / "flagged.csv"), bootstrap=200)
    r = scrutineer.disparity(out=tmp_path / "py", **common)
    cli("disparity", "--areas", common["areas"], "--area-id", "area_id", "--group", "white",
        "--group", "black", "--group", "hispanic", "--total", "pop_2014", "--region",
        common["region"], "--cell-size", "150", "--crs", "EPSG:2790", "--flags", common["flags"],
        "--bootstrap", "200", "--out", tmp_path / "cli")
    same_files(tmp_path / "cli", tmp_path / "py")
    assert not r.to_pandas("groups").empty


def test_stops_equals_the_cli(shared, cli, tmp_path):
    s = shared / "stop-search"
    if not s.is_dir():
        pytest.skip(f"{s} is absent")
    r = scrutineer.stops(
        out=tmp_path / "py", records=[str(s / "2022-09-metropolitan-stop-and-search.csv")],
        outcome_records=[str(s / "forces-2019-12_2020-02")], ethnicity="officer",
        population=str(s / "london_boroughs_census2021_ethnicity.csv"), population_id="LAD_code",
        areas=["E09000002..E09000033"], reference="White")
    cli("stops", s / "2022-09-metropolitan-stop-and-search.csv", "--outcome-records",
        s / "forces-2019-12_2020-02", "--ethnicity", "officer", "--population",
        s / "london_boroughs_census2021_ethnicity.csv", "--population-id", "LAD_code", "--areas",
        "E09000002..E09000033", "--reference", "White", "--output", tmp_path / "cli")
    same_files(tmp_path / "cli", tmp_path / "py")
    rates = r.to_pandas("disproportionality").set_index("group")
    # PROVENANCE.md: 4,585 searches of people the officer recorded as Black, 5,047 as White.
    assert rates.loc["Black", "stops"] == 4585 and rates.loc["White", "stops"] == 5047
    assert rates.loc["White", "population"] == 4680557
