"""Result objects of the Python API: tables as pandas DataFrames, charts as SVG, and rich display in
Jupyter (``_repr_html_``). Every table is the text the CLI writes, read by pandas, so the numbers
are the CLI's numbers."""

import html
import io
import json
import os
import shutil
import sys

import pandas as pd

_ROWS_SHOWN = 20  # rows of each table in the notebook display


def _table(text):
    """A CSV text as a DataFrame (empty text: an empty DataFrame)."""
    if not text.strip():
        return pd.DataFrame()
    return pd.read_csv(io.StringIO(text), keep_default_na=False, na_values=[""])


def _html(title, text=None, charts=(), tables=()):
    parts = [f"<div class='scrutineer'><h4>{html.escape(title)}</h4>"]
    if text:
        parts.append(f"<pre>{html.escape(text)}</pre>")
    for svg in charts:
        parts.append(f"<div>{svg}</div>")
    for name, frame in tables:
        more = f" (first {_ROWS_SHOWN} of {len(frame)} rows)" if len(frame) > _ROWS_SHOWN else ""
        parts.append(f"<p><b>{html.escape(name)}</b>{more}</p>")
        parts.append(frame.head(_ROWS_SHOWN).to_html(index=False))
    parts.append("</div>")
    return "".join(parts)


class ProgressBar:
    """A text bar for ``progress=True``: one line, redrawn, on stderr (in a notebook: the cell's
    output). Called by the engine with (label, done, total)."""

    def __init__(self, stream=None):
        self.stream = stream or sys.stderr

    def __call__(self, label, done, total):
        width = 30
        filled = int(width * done / total) if total else width
        end = "\n" if total and done >= total else ""
        self.stream.write(f"\r{label} [{'#' * filled}{'.' * (width - filled)}] {done}/{total}{end}")
        self.stream.flush()


def checked_call(name, function, *args, **kwargs):
    """Calls a binding whose keywords are its own parameters (not an option set); an unknown
    keyword or a value of the wrong type is a ConfigError, as for every other call, whose message
    (pybind11's) lists the accepted keywords and types."""
    from ._scrutineer import ConfigError

    try:
        return function(*args, **kwargs)
    except TypeError as e:
        if "incompatible function arguments" not in str(e):
            raise
        raise ConfigError(f"{name}: {e}") from None


def progress_callback(progress):
    """None for no progress, the bar for True, or the caller's callable(label, done, total)."""
    if progress is None or progress is False:
        return None
    if progress is True:
        return ProgressBar()
    if callable(progress):
        return progress
    raise TypeError("progress must be True, False, None or a callable(label, done, total)")


class FolderResult:
    """The files a command wrote into a folder, read back: ``tables`` (CSV as DataFrames),
    ``json`` (parsed), ``charts`` (SVG text), ``texts`` (.txt) and ``text`` (what the CLI prints).
    A temporary folder (no ``out=`` given) is removed once read; ``folder`` is then None."""

    def __init__(self, name, outcome, temporary):
        self.name = name
        self.text = outcome.get("text") or outcome.get("summary") or ""
        self.tables, self.json, self.charts, self.texts, self.raw = {}, {}, {}, {}, {}
        folder = outcome["folder"]
        for root, _, files in os.walk(folder):
            for f in sorted(files):
                if f.startswith("."):  # the folder's manifest, not a result
                    continue
                path = os.path.join(root, f)
                rel = os.path.relpath(path, folder)
                stem, ext = os.path.splitext(rel)
                if ext not in (".csv", ".json", ".svg", ".txt"):
                    continue
                with open(path, encoding="utf-8") as handle:
                    content = handle.read()
                self.raw[rel] = content
                if ext == ".csv":
                    self.tables[stem] = _table(content)
                elif ext == ".json":
                    self.json[stem] = json.loads(content)
                elif ext == ".svg":
                    self.charts[stem] = content
                else:
                    self.texts[stem] = content
        self.folder = None if temporary else folder
        if temporary:
            shutil.rmtree(folder, ignore_errors=True)

    def to_pandas(self, table=None):
        """One table as a DataFrame: ``table`` by name, else the first one."""
        if not self.tables:
            raise KeyError(f"{self.name} wrote no table")
        if table is None:
            return next(iter(self.tables.values()))
        return self.tables[table]

    def _repr_html_(self):
        return _html(self.name, self.text, self.charts.values(), self.tables.items())

    def __repr__(self):
        return f"<scrutineer {self.name}: {', '.join(self.raw) or 'no files'}>"


class Events:
    """Events read by :func:`scrutineer.read_events` (or a study's): NumPy views (no copy) of the
    engine's columns ``t`` (UTC seconds), ``x``, ``y`` (metres in ``crs``), ``category`` (codes
    into ``categories``) and ``source_row`` (file line, 1 = header)."""

    def __init__(self, handle):
        self._handle = handle
        columns = handle.columns
        self.t, self.x, self.y = columns["t"], columns["x"], columns["y"]
        self.category, self.source_row = columns["category"], columns["source_row"]
        meta = handle.meta
        self.categories = meta["categories"]
        self.crs, self.time_zone, self.resolution = meta["crs"], meta["time_zone"], meta["resolution"]

    def __len__(self):
        return len(self.t)

    @property
    def report(self):
        """The read report (rows read, kept, dropped by reason), as `scrutineer ingest` writes it."""
        return json.loads(self._handle.report_json)

    def to_pandas(self):
        """A DataFrame (one copy: pandas gathers columns of one type into one block): time (UTC),
        x, y, category, source_row, and any kept columns."""
        frame = pd.DataFrame(
            {
                "time": pd.to_datetime(self.t.astype("datetime64[s]")).tz_localize("UTC"),
                "x": self.x,
                "y": self.y,
                "category": pd.Categorical.from_codes(self.category, self.categories),
                "source_row": self.source_row,
            }
        )
        kept = getattr(self._handle, "kept", {})
        for name, values in kept.items():
            frame[name] = values
        return frame

    def to_geopandas(self):
        """A GeoDataFrame of points in ``crs`` (needs geopandas)."""
        import geopandas

        frame = self.to_pandas()
        return geopandas.GeoDataFrame(
            frame, geometry=geopandas.points_from_xy(self.x, self.y), crs=self.crs or None
        )

    def _repr_html_(self):
        return _html(f"{len(self)} events ({self.crs}, {self.time_zone})", None, (),
                     [("events", self.to_pandas())])

    def __repr__(self):
        return f"<scrutineer Events: {len(self)} in {self.crs}>"
