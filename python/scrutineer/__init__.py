"""scrutineer in Python: audits of predictive-policing tools (hotspot forecasts, the outputs of
people-scoring tools) by the same C++ engine as the ``scrutineer`` command. It never predicts
whether a person is a criminal and never gives a person a risk score.

Keyword arguments are the options' recipe keys (``cell_size=150``, ``time_zone="America/Chicago"``),
checked by the engine's own declarations, as the CLI flags and recipe keys are; ``scrutineer.options()``
lists them. See docs/python.md.
"""

import json

import pandas as pd

from . import _scrutineer as _engine
from ._results import (Events, FolderResult, ProgressBar, _html, _table, checked_call,
                       progress_callback)
from ._scrutineer import ConfigError, InputError, InternalError, IoError

__all__ = [
    "ConfigError", "InputError", "InternalError", "IoError", "Events", "Study", "Backtest",
    "Forecast", "FolderResult", "Claim", "Audit", "ProgressBar", "set_threads", "options", "formats", "models",
    "read_events", "backtest", "forecast", "disparity", "nearrepeat", "stscan", "stops", "claim", "lum_isaac",
    "run", "feedback", "scores", "register", "version",
]


def set_threads(threads):
    """Worker threads for the engine, as the CLI's --threads (0 = every core). Results never
    depend on it."""
    _engine.set_threads(int(threads))


def version():
    """The engine's version (as run.json records it)."""
    return _engine.engine_version()


def options(stage=None):
    """The declared options (every stage's, or one stage's) as a DataFrame: recipe key, flag, type,
    default, unit, choices, help. The same lists the CLI flags and recipe keys come from."""
    rows = []
    for s in _engine.option_stages():
        if stage is not None and s["stage"] != stage:
            continue
        for o in s["options"]:
            rows.append({"stage": s["stage"], **o})
    if stage is not None and not rows:
        names = ", ".join(s["stage"] for s in _engine.option_stages())
        raise ConfigError(f"unknown stage '{stage}': expected one of {names}")
    return pd.DataFrame(rows)


def formats():
    """The ingest formats (read_events' ``format=``), in the order ``auto`` tries them."""
    return pd.DataFrame(_engine.formats())


def models():
    """The forecast models of the registry: name, summary, paper and parameters."""
    return pd.DataFrame(_engine.models())


def read_events(path, progress=None, **options):
    """Reads a crime export as `scrutineer ingest` does (every ingest format; options: format,
    time, lon, lat, x, y, crs, time_zone, strict, keep_columns, ...). Returns :class:`Events`
    whose columns are NumPy views of the engine's arrays (no copy)."""
    return Events(_engine.read_events(str(path), progress=progress_callback(progress), **options))


class Study:
    """The study every analysis shares (docs/study.md): events read, filtered and clipped, the
    region, the grid and its validity mask, areas with group counts. Keywords: the [data], [grid]
    and [areas] recipe keys (events, time_zone, region, cell_size, areas, groups, ...), and
    ``cell_areas=True`` for an area operating point."""

    def __init__(self, progress=None, **options):
        self._handle = _engine.build_study(progress=progress_callback(progress), **options)
        self.events = Events(self._handle)

    @classmethod
    def _wrap(cls, handle):
        study = cls.__new__(cls)
        study._handle = handle
        study.events = Events(handle)
        return study

    def describe(self):
        """One line per step, as every front end reports it."""
        return self._handle.describe

    @property
    def counts(self):
        return self._handle.counts

    @property
    def notes(self):
        return self._handle.notes

    @property
    def crs(self):
        return self._handle.crs

    @property
    def grid(self):
        """The grid: x0, y0, size, nx, ny, crs, ``valid`` (NumPy view, 1 = valid cell) and
        ``cell_area`` (NumPy view; empty unless computed). None without a grid."""
        return self._handle.grid

    def cells(self, geometry=False):
        """The grid's cells: cell, ix, iy, x, y (centre), valid. With ``geometry=True``: a
        GeoDataFrame of the cells' squares when geopandas is installed, else a ``wkt`` column."""
        import numpy as np

        g = self.grid
        if g is None:
            return pd.DataFrame()
        cell = np.arange(g["nx"] * g["ny"], dtype=np.int64)
        ix, iy = cell % g["nx"], cell // g["nx"]
        frame = pd.DataFrame({
            "cell": cell, "ix": ix, "iy": iy,
            "x": g["x0"] + (ix + 0.5) * g["size"], "y": g["y0"] + (iy + 0.5) * g["size"],
            "valid": g["valid"].astype(bool),
        })
        if not geometry:
            return frame
        half = g["size"] / 2
        rings = [[((x - half, y - half), (x + half, y - half), (x + half, y + half),
                   (x - half, y + half), (x - half, y - half))]
                 for x, y in zip(frame["x"], frame["y"])]
        return _with_geometry(frame, [[r] for r in rings], g["crs"])

    def areas(self, geometry=False):
        """The areas with their group counts (a DataFrame), or None without areas. With
        ``geometry=True``: a GeoDataFrame when geopandas is installed, else a ``wkt`` column
        (the polygons as the engine read them, in the study CRS)."""
        a = self._handle.areas
        if a is None:
            return None
        frame = pd.DataFrame({a["id_column"] or "id": a["ids"], "area": a["area"]})
        for name, counts in zip(a["groups"], a["by_group"]):
            frame[name] = counts
        if a["total"]:
            frame["total"] = a["total"]
        if not geometry:
            return frame
        polygons = [[[list(zip(x, y)) for x, y in polygon] for polygon in multi]
                    for multi in a["polygons"]]
        return _with_geometry(frame, polygons, a["crs"])

    def to_pandas(self):
        return self.events.to_pandas()

    def _repr_html_(self):
        return _html("Study", self.describe())

    def __repr__(self):
        return f"<scrutineer Study: {len(self.events)} events in {self.crs}>"


def _wkt(multi):
    """WKT of a multipolygon given as polygons of rings of (x, y)."""
    def ring(points):
        return "(" + ", ".join(f"{x!r} {y!r}" for x, y in points) + ")"
    return "MULTIPOLYGON (" + ", ".join(
        "(" + ", ".join(ring(r) for r in polygon) + ")" for polygon in multi) + ")"


def _with_geometry(frame, multipolygons, crs):
    """``frame`` with the geometries: a GeoDataFrame with geopandas, else a ``wkt`` column."""
    try:
        import geopandas
        from shapely.geometry import MultiPolygon, Polygon
    except ImportError:
        frame = frame.copy()
        frame["wkt"] = [_wkt(m) for m in multipolygons]
        return frame
    shapes = [MultiPolygon([Polygon(p[0], p[1:]) for p in m]) for m in multipolygons]
    return geopandas.GeoDataFrame(frame, geometry=shapes, crs=crs or None)


def _study_handle(study):
    return None if study is None else study._handle


class Backtest:
    """A rolling-origin backtest (`scrutineer backtest`): ``summary`` (summary.json), ``periods``
    (periods.csv), ``hit_counts`` (open_cp's layout), ``flagged`` (flagged.csv), ``flag_counts``
    (flag_counts.csv), ``chart`` (coverage.svg), ``flags(model)`` (NumPy columns) and
    ``write(folder)`` (the CLI's files)."""

    def __init__(self, handle):
        self._handle = handle
        self.summary = json.loads(handle.summary_json())
        self.chart = handle.coverage_svg()
        self.labels = handle.labels
        self.study = Study._wrap(handle.study)
        self.seconds = handle.seconds  # the engine's own time, for the overhead measurement

    @property
    def periods(self):
        return _table(self._handle.periods_csv())

    @property
    def hit_counts(self):
        return _table(self._handle.hit_counts_csv())

    @property
    def flagged(self):
        return _table(self._handle.flagged_csv())

    @property
    def flag_counts(self):
        """Per model and cell ever flagged: periods flagged and events caught (flag_counts.csv)."""
        return _table(self._handle.flag_counts_csv())

    def flags(self, model=0):
        """The operating-point flags of a model (its label or index): period_start, cell, rank."""
        index = self.labels.index(model) if isinstance(model, str) else model
        return self._handle.flags(index)

    def table(self):
        """The readable table the CLI prints."""
        return self._handle.summary_table()

    def write(self, folder):
        """Writes periods.csv, summary.json, the flags file of the ``flags`` option (flagged.csv,
        flag_counts.csv or none, with a .prj), hit_counts.csv, coverage.svg."""
        self._handle.write(str(folder))

    def to_pandas(self):
        return self.periods

    def _repr_html_(self):
        return _html("Backtest", self.table(), [self.chart], [("periods", self.periods)])


def backtest(study=None, models=(), out=None, progress=None, **options):
    """Rolling-origin accuracy of models against the naive and random baselines (`scrutineer
    backtest`). ``study``: a :class:`Study`, or its keywords here (events=..., region=...).
    ``models``: "name" or "name:k=v,k=v" as --model takes. Keywords: the [backtest] keys (from,
    to, period, coverages, operating, tie_rule, baselines, ...). ``out``: also write the files."""
    handle = _engine.backtest(_study_handle(study), list(models), None if out is None else str(out),
                              progress=progress_callback(progress), **options)
    return Backtest(handle)


class Forecast:
    """One model's risk surface at a date (`scrutineer forecast`): ``risk`` (NumPy view, per grid
    cell), ``ranking`` (valid cells best first), ``top`` (the flagged cells)."""

    def __init__(self, handle):
        self._handle = handle
        self.risk, self.ranking, self.top = handle.risk, handle.ranking, handle.top
        self.study = Study._wrap(handle.study)
        self.seconds = handle.seconds

    def to_pandas(self):
        """cell, x, y, risk, rank of the valid cells, best first (surface.csv's rows)."""
        import numpy as np

        cells = self.study.cells().set_index("cell")
        ranked = cells.loc[self.ranking, ["ix", "iy", "x", "y"]].reset_index()
        ranked["risk"] = np.asarray(self.risk)[self.ranking]
        ranked["rank"] = np.arange(1, len(ranked) + 1)
        return ranked

    def _repr_html_(self):
        return _html(f"Forecast: top {len(self.top)} cells", None, (), [("cells", self.to_pandas())])


def forecast(study=None, output=None, progress=None, **options):
    """A model's risk surface at a date and its top cells (`scrutineer forecast`). Keywords: the
    [forecast] keys (model, model_params, at, train_days, coverage, tie_rule, seed) and the study's.
    ``output``: also write the surface CSV as --output does."""
    handle = _engine.forecast(_study_handle(study), None if output is None else str(output),
                              progress=progress_callback(progress), **options)
    return Forecast(handle)


def _folder(name, outcome, out):
    return FolderResult(name, outcome, temporary=out is None)


def disparity(out=None, progress=None, **options):
    """On which communities flags fall (`scrutineer disparity`): the [areas], flags, [grid], [data]
    and [disparity] keys. Returns the files read back (groups, periods, disparity, summary)."""
    outcome = _engine.disparity(None if out is None else str(out),
                                progress=progress_callback(progress), **options)
    return _folder("disparity", outcome, out)


def nearrepeat(events, out=None, progress=None, **options):
    """The Knox test of near repeats (`scrutineer nearrepeat`): the reading keys and the command's
    flags (spatial_bandwidth, spatial_bands, temporal_bandwidth, temporal_bands, distance,
    convention, permutations, seed, alpha, from, to, only, region)."""
    outcome = _engine.nearrepeat(str(events), None if out is None else str(out),
                                 progress=progress_callback(progress), **options)
    return _folder("nearrepeat", outcome, out)


def stscan(events, out=None, progress=None, **options):
    """Space-time scan statistics with Monte Carlo p-values (`scrutineer stscan`): the space-time
    permutation scan (Kulldorff et al. 2005, PLoS Med 2(3) e59) or the Poisson space-time scan
    (Kulldorff 2001, JRSS A 164(1) 61-72). Keywords: the reading keys and the command's flags
    (model, max_radius, max_space_fraction, max_days, max_time_fraction, prospective, min_cases,
    replications, seed, alpha, cell_size, population, population_field, from, to, only, region).
    Returns the files read back (the clusters table, the summary); clusters.geojson stays in
    `out` when it is given."""
    outcome = _engine.stscan(str(events), None if out is None else str(out),
                             progress=progress_callback(progress), **options)
    return _folder("stscan", outcome, out)


def stops(out=None, progress=None, replace=False, **options):
    """Stops and searches (`scrutineer stops`, recipe [stops]): the [stops] keys (records,
    population, areas, reference, outcome_records, flags, ...). Returns the files read back
    (disproportionality, trend, outcome_test, veil_of_darkness, problems, charts, summary)."""
    outcome = _engine.stops(None if out is None else str(out),
                            progress=progress_callback(progress), replace=replace, **options)
    return _folder("stops", outcome, out)


class Claim:
    """An accuracy claim checked at the deployment's prevalence (`scrutineer claim`)."""

    def __init__(self, handle):
        self._handle = handle
        self.json = json.loads(handle.json())
        self.warnings = list(handle.warnings)

    def csv(self):
        return self._handle.csv()

    def table(self):
        return self._handle.table()

    def to_pandas(self):
        return _table(self.csv())

    def _repr_html_(self):
        return _html("Claim", self.table(), (), [("claim", self.to_pandas())])


def claim(accuracy=None, sensitivity=None, specificity=None, prevalence=None,
          claimed_prevalence=None, groups=None, population=None):
    """PPV and people wrongly flagged at a deployment's prevalence (Bayes' rule). ``groups``:
    {name: prevalence} or ["NAME:P", ...] as --group takes."""
    return Claim(checked_call("claim", _engine.claim, accuracy, sensitivity, specificity,
                              prevalence, claimed_prevalence, groups, population))


def lum_isaac(crimes, out=None, progress=None, **options):
    """Lum & Isaac's (2016) PredPol run on Oakland drug crimes (`scrutineer lum-isaac`): first,
    last, window, top, bins, stop, max_iterations, edge_corrected."""
    outcome = checked_call("lum_isaac", _engine.lum_isaac, str(crimes), None if out is None else str(out),
                                progress=progress_callback(progress), **options)
    return _folder("lum-isaac", outcome, out)


def run(recipe, data="", out="", replace=False, progress=None):
    """Runs a whole audit recipe (`scrutineer run`) into its results folder and reads it back:
    every table, JSON, chart, plus ``folder``, ``warnings``, ``stages`` and ``seconds``."""
    outcome = _engine.run(str(recipe), str(data), str(out), replace,
                          progress=progress_callback(progress))
    result = FolderResult("run", outcome, temporary=False)
    result.warnings = outcome["warnings"]
    result.stages = dict(zip(outcome["stages"], outcome["seconds"]))
    return result


from . import feedback, register, scores  # noqa: E402  (they use the names above)
