from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "cpts_cli" / "examples"
#: A fixed "today" so that date-dependent rules (elapsed contract years) are reproducible.
TODAY = dt.date(2025, 11, 1)


@dataclass
class Result:
    code: int
    out: str
    err: str

    def json(self):
        return json.loads(self.out)


def run_cli(args, cwd: Path | None = None) -> Result:
    """Run ``cpts`` in-process with ``args``; what it printed and its exit code."""
    import contextlib
    import io

    from cpts_cli.cli.app import main

    out, err = io.StringIO(), io.StringIO()
    old = os.getcwd()
    if cwd is not None:
        os.chdir(cwd)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                main([str(a) for a in args])
                code = 0
            except SystemExit as exc:
                code = exc.code if isinstance(exc.code, int) else 0
    finally:
        os.chdir(old)
    return Result(code, out.getvalue(), err.getvalue())


def run_python(*args: str) -> subprocess.CompletedProcess[str]:
    """Run this interpreter with ``args`` in a child process from the project's root (where
    ``-m cpts_cli`` finds this tree); its exit code and what it printed, as text."""
    return subprocess.run(
        [sys.executable, *args], capture_output=True, text=True, cwd=ROOT, timeout=60
    )


@pytest.fixture
def cli(monkeypatch):
    """Run ``cpts`` in-process: ``cli("validate", "x.yaml")`` → Result(code, out, err)."""
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "200")

    def run(*args, cwd: Path | None = None) -> Result:
        return run_cli(args, cwd)

    return run


@pytest.fixture
def example(tmp_path) -> Path:
    target = tmp_path / "cpts.yaml"
    shutil.copy(EXAMPLES / "sud-dijonnais.yaml", target)
    return target


@pytest.fixture(autouse=True, scope="session")
def cache_dir(tmp_path_factory):
    """The tests' own cache folder (never the user's ``~/.cache/cpts``), shared by them."""
    path = tmp_path_factory.mktemp("cache")
    old = os.environ.get("CPTS_CACHE_DIR")
    os.environ["CPTS_CACHE_DIR"] = str(path)
    yield path
    if old is None:
        os.environ.pop("CPTS_CACHE_DIR", None)
    else:
        os.environ["CPTS_CACHE_DIR"] = old


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    """Freeze the tool's date (``SOURCE_DATE_EPOCH``) for reproducible date-based checks."""
    epoch = int(
        dt.datetime(TODAY.year, TODAY.month, TODAY.day, 12, tzinfo=dt.timezone.utc).timestamp()
    )
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(epoch))
    return TODAY
