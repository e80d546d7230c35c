"""Feedback loops (`scrutineer feedback`): Ensign et al.'s (2018) urns, Lum & Isaac's (2016) loop on
Oakland and the closed-loop simulator. Each returns the command's files read back
(:class:`scrutineer.FolderResult`); ``out=`` keeps them in a folder."""

from . import _scrutineer as _engine
from ._results import FolderResult, checked_call, progress_callback


def _result(name, outcome, out):
    return FolderResult(name, outcome, temporary=out is None)


def urn(prior=(609, 379), rates=(0.5, 0.5), reported=(), out=None, progress=None, **options):
    """Pólya urns (`scrutineer feedback urn`): prior, rates, reported, discovered_weight,
    reported_weight, replacement, rejection, decay, floor, days, replicates, seed, record_every."""
    outcome = checked_call("feedback.urn", _engine.urn, list(prior), list(rates), list(reported),
                          out=None if out is None else str(out),
                          progress=progress_callback(progress), **options)
    return _result("feedback urn", outcome, out)


def lum_isaac(crimes, out=None, progress=None, **options):
    """Lum & Isaac's loop on Oakland drug crimes (`scrutineer feedback lum-isaac`): first, last,
    window, top, p, replicates, seed."""
    outcome = checked_call("feedback.lum_isaac", _engine.lum_isaac_loop, str(crimes), out=None if out is None else str(out),
                                     progress=progress_callback(progress), **options)
    return _result("feedback lum-isaac", outcome, out)


def loop(out=None, progress=None, **options):
    """The closed-loop simulator (`scrutineer feedback loop`): the [feedback] keys, truth, city,
    reporting..., and for truth="fitted" the study's [data], [grid] and [areas] keys."""
    outcome = _engine.loop(out=None if out is None else str(out),
                           progress=progress_callback(progress), **options)
    return _result("feedback loop", outcome, out)
