"""Shared fixtures of the pytest suite: the built CLI (to compare outputs), the repository's own
fixtures (tests/data) and the real public data (../shared/data; 'data' tests skip without it)."""

import os
import pathlib
import subprocess

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "data"


def pytest_configure(config):
    config.addinivalue_line("markers", "data: reads ../shared/data (skips when it is absent)")


@pytest.fixture(scope="session")
def cli():
    """Runs the built `scrutineer` executable (SCRUTINEER_CLI, set by CTest); returns stdout."""
    path = os.environ.get("SCRUTINEER_CLI") or str(ROOT / "build" / "release" / "apps" / "cli" / "scrutineer")
    if not os.path.exists(path):
        pytest.skip(f"the scrutineer executable is not built ({path})")

    def run(*args, check=True):
        done = subprocess.run([path, "--quiet", *map(str, args)], capture_output=True, text=True)
        if check and done.returncode != 0:
            raise AssertionError(f"scrutineer {' '.join(map(str, args))}: {done.stderr}")
        return done

    return run


@pytest.fixture(scope="session")
def shared():
    """The shared data folder, or a skip saying where it was looked for."""
    path = pathlib.Path(os.environ.get("SCRUTINEER_SHARED_DATA") or ROOT.parent / "shared" / "data")
    if not path.is_dir():
        pytest.skip(f"shared data not found at {path} (set SCRUTINEER_SHARED_DATA)")
    return path


def read(path):
    return pathlib.Path(path).read_text(encoding="utf-8")
