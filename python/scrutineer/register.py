"""The register of tools (`scrutineer register`), read side: a SQLite file or a PostgreSQL
connection string, as --register takes."""

import json

import pandas as pd

from . import _scrutineer as _engine


def list(location, search=""):  # noqa: A001  (the command's name)
    """The records (as dicts) containing ``search`` in any field."""
    return [json.loads(r) for r in _engine.register_list(str(location), search)]


def get(location, slug):
    """One record by slug, or None."""
    r = _engine.register_get(str(location), slug)
    return None if r is None else json.loads(r)


def export(location, format="json"):  # noqa: A002
    """Every record as `scrutineer register export` writes it (text)."""
    return _engine.register_export(str(location), format)


def to_pandas(location, search=""):
    """The records as a flat DataFrame (nested fields joined with dots)."""
    return pd.json_normalize(list(location, search))
