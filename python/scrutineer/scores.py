"""Audits of people-scoring tools' outputs (`scrutineer scores`) and accuracy claims
(`scrutineer claim`). scrutineer audits what such tools say; it never scores a person."""

import json

from . import _scrutineer as _engine
from ._results import _html, _table, progress_callback


class Audit:
    """Confusion matrices and disparities by group: ``groups``, ``disparities``, ``calibration``,
    ``identity``, ``representation`` (DataFrames, small cells suppressed as in the CLI's files),
    ``json`` (audit.json) and ``table()`` (what the CLI prints)."""

    def __init__(self, handle):
        self._handle = handle
        self.json = json.loads(handle.audit_json())
        self.seconds = handle.seconds

    groups = property(lambda self: _table(self._handle.groups_csv()))
    disparities = property(lambda self: _table(self._handle.disparities_csv()))
    calibration = property(lambda self: _table(self._handle.calibration_csv()))
    identity = property(lambda self: _table(self._handle.identity_csv()))
    representation = property(lambda self: _table(self._handle.representation_csv()))

    def table(self):
        return self._handle.audit_table()

    def write(self, folder):
        self._handle.write(str(folder))

    def to_pandas(self):
        return self.groups

    def _repr_html_(self):
        return _html("Score audit", self.table(), (),
                     [("groups", self.groups), ("disparities", self.disparities)])


def audit(out=None, progress=None, **options):
    """The [scores] keys (path, score, outcome, groups, where, thresholds, reference, tau,
    bootstrap, seed, min_cell, ...). ``out``: also write the CLI's files there."""
    return Audit(_engine.scores_audit(None if out is None else str(out),
                                      progress=progress_callback(progress), **options))


def claim(**options):
    """See :func:`scrutineer.claim`."""
    from . import claim as _claim

    return _claim(**options)
