"""scrutineer.stscan, the space-time scans (Kulldorff et al. 2005, PLoS Med 2(3) e59: permutation;
Kulldorff 2001, JRSS A 164(1) 61-72: Poisson), against `scrutineer stscan` on the same inputs: the
same files byte for byte (one answer through every door), the top cluster's counts checked by
plain Python, the Poisson model with a population file, and keywords checked as the CLI's flags."""

import csv
import datetime
import filecmp
import math
import random

import pytest

import scrutineer
from conftest import FIXTURES

FILES = ["clusters.csv", "clusters.geojson", "summary.txt"]
PLANTED = FIXTURES / "stscan" / "planted.csv"
POPULATION = FIXTURES / "stscan" / "population.geojson"
# The reading keys of the generic CSVs below (x, y in EPSG:26971 metres; dates only).
READ = dict(format="generic", x="x", y="y", source_crs="EPSG:26971", time="date",
            time_format="%Y-%m-%d", time_zone="UTC")
READ_FLAGS = ["--format", "generic", "--x", "x", "--y", "y", "--source-crs", "EPSG:26971",
              "--time", "date", "--time-format", "%Y-%m-%d", "--time-zone", "UTC"]


def same_files(a, b):
    _, mismatch, errors = filecmp.cmpfiles(a, b, FILES, shallow=False)
    assert mismatch == [] and errors == [], f"differ: {mismatch}, missing: {errors}"


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory):
    """300 events on a 10 x 10 lattice (100 m) over 60 days of 2020, plus 8 planted at one
    lattice point on 2020-02-10..12 (seeded: the same file every run)."""
    rng = random.Random(11)
    start = datetime.date(2020, 1, 1)
    rows = [(360000 + 100 * rng.randrange(10), 570000 + 100 * rng.randrange(10),
             start + datetime.timedelta(days=rng.randrange(60))) for _ in range(300)]
    rows += [(360500, 570500, datetime.date(2020, 2, 10 + i % 3)) for i in range(8)]
    path = tmp_path_factory.mktemp("stscan") / "events.csv"
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["x", "y", "date"])
        for x, y, d in rows:
            w.writerow([x, y, d.isoformat()])
    return path, rows


def test_permutation_equals_the_cli_and_counts_by_hand(synthetic, cli, tmp_path):
    path, rows = synthetic
    r = scrutineer.stscan(path, out=tmp_path / "py", max_radius=250, max_days=7,
                          replications=19, seed=5, alpha=1, **READ)
    cli("stscan", path, *READ_FLAGS, "--max-radius", "250", "--max-days", "7",
        "--replications", "19", "--seed", "5", "--alpha", "1", "--output", tmp_path / "cli")
    same_files(tmp_path / "cli", tmp_path / "py")
    assert "Space-time scan, permutation model: 308 cases" in r.text
    top = r.tables["clusters"].iloc[0]
    # The top cluster counted again from the events: c = events in its disc and window; the
    # permutation expectation mu = C_Z C_D / C (Kulldorff et al. 2005, eq. 1-2).
    first = datetime.date.fromisoformat(top["start"])
    last = datetime.date.fromisoformat(top["end"])
    reach = top["radius"] * (1 + 1e-12) + 1e-9
    in_disc = [math.hypot(x - top["x"], y - top["y"]) <= reach for x, y, _ in rows]
    in_window = [first <= d <= last for _, _, d in rows]
    c = sum(a and b for a, b in zip(in_disc, in_window))
    assert top["observed"] == c
    assert top["expected"] == pytest.approx(sum(in_disc) * sum(in_window) / len(rows), rel=1e-12)
    assert (top["x"], top["y"]) == (360500, 570500)  # the planted cluster
    assert top["observed"] >= 8


def test_poisson_with_a_population_equals_the_cli(cli, tmp_path):
    # tests/data/stscan/population.geojson gives the four 1 km cells 50, 50, 150, 150 persons:
    # the 3 cases in the first cell on one day of 10 expect mu = 12 x 50/400 x 1/10 = 0.15
    # (Kulldorff 2001), LLR = 3 ln 20 + 9 ln(9/11.85).
    r = scrutineer.stscan(PLANTED, out=tmp_path / "py", model="poisson", cell_size=1000,
                          population=str(POPULATION), population_field="pop", max_radius=500,
                          replications=19, alpha=1, **READ)
    cli("stscan", PLANTED, *READ_FLAGS, "--model", "poisson", "--cell-size", "1000",
        "--population", POPULATION, "--population-field", "pop", "--max-radius", "500",
        "--replications", "19", "--alpha", "1", "--output", tmp_path / "cli")
    same_files(tmp_path / "cli", tmp_path / "py")
    top = r.tables["clusters"].iloc[0]
    assert top["observed"] == 3
    assert top["expected"] == pytest.approx(0.15, rel=1e-12)
    assert top["llr"] == pytest.approx(3 * math.log(20) + 9 * math.log(9 / 11.85), rel=1e-12)
    assert "400 in all" in r.text


def test_keywords_are_checked_as_the_flags(tmp_path):
    with pytest.raises(scrutineer.ConfigError, match="max_radiu"):
        scrutineer.stscan(PLANTED, max_radiu=500, **READ)
    with pytest.raises(scrutineer.ConfigError, match="permutation, poisson"):
        scrutineer.stscan(PLANTED, model="bernoulli", **READ)
    with pytest.raises(scrutineer.ConfigError, match="for the Poisson model"):
        scrutineer.stscan(PLANTED, population=str(POPULATION), population_field="pop", **READ)
    # Without out= the files are read back and the temporary folder removed.
    r = scrutineer.stscan(PLANTED, replications=9, alpha=1, **READ)
    assert r.folder is None and "clusters" in r.tables and "summary" in r.texts


@pytest.mark.data
def test_south_side_sample_equals_the_cli(shared, cli, tmp_path):
    """open_cp's South Side sample (1,000 events of 2016): the permutation scan, 19 replications."""
    data = shared / "chicago" / "southside_2016_sample.csv"
    if not data.exists():
        pytest.skip(f"{data} is absent")
    flags = dict(time="Date", lon="Longitude", lat="Latitude", time_zone="America/Chicago",
                 crs="EPSG:2790", max_radius=500, max_days=14, replications=19, alpha=1)
    r = scrutineer.stscan(data, out=tmp_path / "py", **flags)
    cli("stscan", data, "--time", "Date", "--lon", "Longitude", "--lat", "Latitude",
        "--time-zone", "America/Chicago", "--crs", "EPSG:2790", "--max-radius", "500",
        "--max-days", "14", "--replications", "19", "--alpha", "1", "--output", tmp_path / "cli")
    same_files(tmp_path / "cli", tmp_path / "py")
    assert not r.tables["clusters"].empty
