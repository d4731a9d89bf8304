"""Documents shared with a forked child process: same results, and never a dependency."""

from __future__ import annotations

import os

import pytest

from cpts_cli.documents import parallel
from cpts_cli.support.errors import CptsError

from .test_render_support import body_text, structure

needs_fork = pytest.mark.skipif(not parallel.can_fork(), reason="fork indisponible ici")


def _tagged(x):
    return (x * 2, os.getpid())


@needs_fork
def test_child_does_its_share_and_results_keep_their_order():
    mine, theirs = parallel.run_shared([1, 2, 3], [4, 5], _tagged)
    assert [v for v, _ in mine] == [2, 4, 6] and [v for v, _ in theirs] == [8, 10]
    assert {pid for _, pid in mine} == {os.getpid()}
    assert os.getpid() not in {pid for _, pid in theirs}


@needs_fork
def test_a_child_that_dies_leaves_the_work_to_the_parent():
    parent = os.getpid()

    def work(x):
        if os.getpid() != parent:
            os._exit(7)
        return x + 1

    assert parallel.run_shared([1], [2, 3], work) == ([2], [3, 4])


@needs_fork
def test_an_error_in_the_child_is_the_parents_error():
    parent = os.getpid()

    def work(x):
        if os.getpid() != parent:
            raise CptsError(f"Dossier de sortie impossible à écrire ({x}).")
        return x

    with pytest.raises(CptsError, match=r"impossible à écrire \(2\)"):
        parallel.run_shared([1], [2], work)


@needs_fork
def test_an_error_in_the_parent_stops_the_child(tmp_path):
    marker = tmp_path / "fini"
    parent = os.getpid()

    def work(x):
        if os.getpid() == parent:
            raise CptsError("non")
        import time

        time.sleep(2)
        marker.write_text("x", encoding="utf-8")
        return x

    with pytest.raises(CptsError):
        parallel.run_shared([1], [2], work)
    assert not marker.exists()  # killed, then reaped


def test_one_process_when_asked(monkeypatch):
    monkeypatch.setenv("CPTS_UN_SEUL_PROCESSUS", "1")
    assert not parallel.can_fork()
    mine, theirs = parallel.run_shared([1], [2], _tagged)
    assert {pid for _, pid in mine + theirs} == {os.getpid()}


def test_documents_are_the_same_with_or_without_a_child(example, tmp_path, cli, monkeypatch):
    first = tmp_path / "partage"
    assert cli("render", example, "--out", first).code == 0
    monkeypatch.setenv("CPTS_UN_SEUL_PROCESSUS", "1")
    second = tmp_path / "seul"
    assert cli("render", example, "--out", second).code == 0
    names = sorted(p.name for p in first.iterdir())
    assert names == sorted(p.name for p in second.iterdir()) and len(names) == 6
    for name in names:
        assert structure(first / name) == structure(second / name)
        assert body_text(first / name) == body_text(second / name)


@needs_fork
def test_a_child_that_hangs_is_stopped_and_its_share_done_here(monkeypatch):
    import time

    parent = os.getpid()

    def work(x):
        if os.getpid() != parent:
            time.sleep(60)
        return x * 3

    real_read = parallel._read_all
    monkeypatch.setattr(parallel, "_read_all", lambda fd: real_read(fd, 0.5))
    start = time.monotonic()
    assert parallel.run_shared([1], [2, 3], work) == ([3], [6, 9])
    assert time.monotonic() - start < 10
